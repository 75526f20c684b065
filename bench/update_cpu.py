"""Benchmark: the bot's own CPU per update, in one process, without the network or a load generator.

    .venv/bin/python bench/update_cpu.py [--users 100] [--rounds 10] [--repeat 2] [--patches on off]
                                         [--root OTHER_CHECKOUT ...]

The real Dispatcher, middlewares, services and SQLite file (as `python -m bot run` builds them) are
fed bench/harness.py's conversation directly (``feed_update``), ``--users`` people at once, and the
Bot API is answered in the process (the request body is still built; the answer parsed as aiogram
does). Each round's CPU time (``time.process_time``) over its updates; a configuration's figure is
its best round, which is what the code costs when the machine lets it run (the median is printed
too). Each configuration (a ``--patches`` value, or another checkout with ``--root``, e.g. a
``git worktree`` of the commit before a change) runs in a child process of its own, in turns,
``--repeat`` times. Prints one JSON line.

Why beside bench/throughput.py: on this shared 2-core machine the throughput ratio moves by ±20 %
between runs, since the bot, the emulator and the simulated users share the cores; this moves by a
few percent, so a change of 5 % in the bot's own work can be seen. It leaves out what the network
costs (aiohttp, the emulator): throughput.py is the measure of the whole.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent


def run_child(root: Path, users: int, rounds: int) -> dict[str, Any]:
    """In the child: the bot of ``root`` (speed patches from SPEED_PATCHES), measured."""
    sys.path[:0] = [str(root), str(root / "bench")]
    from bot import speed

    speed.install()
    return asyncio.run(_measure(users, rounds))


async def _measure(users: int, rounds: int) -> dict[str, Any]:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod
    from aiogram.types import Update
    from harness import BUTTONS, FIXED_NOW, SCRIPT

    from bot.app import Runtime, migrate
    from bot.clock import FixedClock
    from bot.config import Settings
    from bot.speed.json_requests import JsonRequests

    calls: dict[str, int] = {}

    class AnsweredHere(JsonRequests):
        """The Bot API answered in the process: a sent message, or True."""

        async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
            self.build_form_data(bot, method)  # the body, as it would be sent
            name = type(method).__name__
            calls[name] = calls.get(name, 0) + 1
            sent = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "-"}
            result = sent if name.startswith("Send") else True
            return self.check_response(bot, method, 200, json.dumps({"ok": True, "result": result}))

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp}/bench.sqlite3",
            bot_token="1000:update-cpu",
            key_file=f"{tmp}/k",
            files_dir=f"{tmp}/files",
        )
        await migrate(settings)
        runtime = Runtime(settings, FixedClock(datetime.fromisoformat(FIXED_NOW)))  # inside the window
        here = AnsweredHere(api=runtime.bot.session.api)
        here.middleware._middlewares = runtime.bot.session.middleware._middlewares  # ours, as built
        runtime.bot.session = here
        bot_user = {"id": 1000, "is_bot": True, "first_name": "Bot"}
        update_id = 0
        per_update: list[float] = []
        for r in range(rounds):
            conversations = []
            for u in range(users):
                person = {"id": 100_000 * (r + 1) + u, "is_bot": False, "first_name": "A", "language_code": "en"}
                chat = {"id": person["id"], "type": "private"}
                updates = []
                for i, action in enumerate(SCRIPT):
                    update_id += 1
                    if action.startswith(BUTTONS):
                        shown = {"message_id": i, "date": 0, "chat": chat, "from": bot_user, "text": "-"}
                        event = {"callback_query": {"id": str(update_id), "from": person, "chat_instance": "c"}}
                        event["callback_query"] |= {"data": action, "message": shown}
                    else:
                        event = {"message": {"message_id": i, "date": 0, "chat": chat, "from": person, "text": action}}
                    updates.append(
                        Update.model_validate({"update_id": update_id, **event}, context={"bot": runtime.bot})
                    )
                conversations.append(updates)

            async def converse(updates: list[Update]) -> None:
                for update in updates:
                    await runtime.dp.feed_update(runtime.bot, update)

            started = time.process_time()
            await asyncio.gather(*(converse(c) for c in conversations))
            per_update.append((time.process_time() - started) / (users * len(SCRIPT)) * 1e6)
        await runtime.close()
    done = users * rounds
    return {
        "us_per_update_best": round(min(per_update)),
        "us_per_update_median": round(statistics.median(per_update)),
        "bot_api_calls_per_conversation": {k: round(v / done, 2) for k, v in sorted(calls.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2, help="turns of every configuration")
    parser.add_argument("--patches", nargs="+", default=["on"], help="SPEED_PATCHES values to compare")
    parser.add_argument("--root", nargs="+", type=Path, default=[HERE], help="checkouts to compare")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_child(args.child, args.users, args.rounds)))
        return
    configs = [(root.resolve(), spec) for root in args.root for spec in args.patches]
    best: dict[tuple[Path, str], list[int]] = {c: [] for c in configs}
    calls: dict[tuple[Path, str], Any] = {}
    for _ in range(args.repeat):
        for root, spec in configs:
            child = [sys.executable, __file__, "--child", str(root), "--users", str(args.users)]
            out = subprocess.run(
                [*child, "--rounds", str(args.rounds)],
                env={**os.environ, "SPEED_PATCHES": spec, "LOG_LEVEL": "WARNING"},
                cwd=root,
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            best[(root, spec)].append(figures["us_per_update_best"])
            calls[(root, spec)] = figures["bot_api_calls_per_conversation"]
    first = configs[0]
    print(
        json.dumps(
            {
                "bench": "update_cpu",
                "users": args.users,
                "rounds": args.rounds,
                "configs": [
                    {
                        "root": str(root) if len(args.root) > 1 else ".",
                        "patches": spec,
                        "us_per_update": min(best[(root, spec)]),
                        "each_turn": best[(root, spec)],
                        "ratio_to_first": round(min(best[(root, spec)]) / min(best[first]), 3),
                        "bot_api_calls_per_conversation": calls[(root, spec)],
                    }
                    for root, spec in configs
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
