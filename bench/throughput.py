"""Benchmark: conversation throughput of the real bot process vs a minimal aiogram echo bot.

    .venv/bin/python bench/throughput.py [--users 200] [--repeat 3]

N simulated users each run the whole questionnaire at once, answering as soon as the reply arrives
(closed loop), through the Bot API emulator over HTTP. The bot runs as `python -m bot run` (long
polling, SQLite file). The same load then goes to bench/echo_bot.py on the same emulator, in turns
(--repeat pairs). Prints one JSON line: the medians of updates handled per second for both, and the
median of the pairs' ratios (each pair's too). Not a test; see BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import SCRIPT, generator_collector_off, step  # noqa: E402

from emulator import TEST_TOKEN, BotAPIEmulator, FakeUser  # noqa: E402


async def converse(user: FakeUser) -> int:
    """Runs SCRIPT closed-loop; returns the number of updates sent."""
    for action in SCRIPT:
        await step(user, action)
    return len(SCRIPT)


async def run_load(
    command: list[str], users: int, workdir: Path, extra_env: dict[str, str] | None = None
) -> tuple[float, int]:
    """Updates per second, and how many replies were the bot's error apology (must be 0)."""
    emu = BotAPIEmulator()
    base = await emu.start()
    env = {
        **os.environ,
        "BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_BASE": base,
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}",
        "KEY_FILE": str(workdir / "k"),
        **(extra_env or {}),
    }
    proc = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env)
    try:
        await emu.wait_polling(timeout=60)
        people = [emu.user(10_000 + i, language_code="en") for i in range(users)]
        for p in people:
            p.open_chat()
        with generator_collector_off():  # as in bench/latency.py
            started = time.perf_counter()
            sent = await asyncio.gather(*(converse(p) for p in people))
            elapsed = time.perf_counter() - started
        apologies = sum("something went wrong" in m.plain for p in people for m in p.messages)
    finally:
        proc.terminate()
        await proc.wait()
        await emu.stop()
    return sum(sent) / elapsed, apologies


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    # The floor alone moved by ±6 % between runs on this shared machine: the two are measured in
    # turns, each on a fresh emulator and database, and the median of the pairs' ratios reported.
    parser.add_argument("--repeat", type=int, default=3, help="pairs of runs, ours then the floor")
    # SPEED_PATCHES values to compare (bot/speed): each is run in turn within every repeat, beside
    # the same floor, so their ratios are comparable (e.g. --patches on off).
    parser.add_argument("--patches", nargs="+", default=["on"])
    args = parser.parse_args()
    ours: dict[str, list[float]] = {spec: [] for spec in args.patches}
    floors: list[float] = []
    errors = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            for n, spec in enumerate(args.patches):
                bot = [sys.executable, "-m", "bot", "run"]
                env = {"SPEED_PATCHES": spec}
                rate, apologies = await run_load(bot, args.users, Path(tmp) / f"ours{i}-{n}", env)
                ours[spec].append(rate)
                errors += apologies
            echo = [sys.executable, str(ROOT / "bench" / "echo_bot.py")]
            floors.append((await run_load(echo, args.users, Path(tmp) / f"echo{i}"))[0])
    by_patches = {}
    for spec, rates in ours.items():
        ratios = [a / b for a, b in zip(rates, floors, strict=True)]
        by_patches[spec] = {
            "updates_per_s": round(statistics.median(rates), 1),
            "ratio": round(statistics.median(ratios), 3),
            "pair_ratios": [round(r, 3) for r in ratios],
        }
    first = by_patches[args.patches[0]]
    print(
        json.dumps(
            {
                "bench": "throughput",
                "users": args.users,
                **first,
                "echo_floor_updates_per_s": round(statistics.median(floors), 1),
                "error_replies": errors,
                **({"by_patches": by_patches} if len(args.patches) > 1 else {}),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
