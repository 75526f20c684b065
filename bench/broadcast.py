"""Benchmark: an announcement to 10,000 people under Telegram's flood control.

    .venv/bin/python bench/broadcast.py [--recipients 10000] [--send-rate 30]

The emulator enforces 30 messages a second overall and 1 per chat per second; 1% of the
recipients have blocked the bot; a 429 is injected now and then (random, about 2 a minute,
retry_after 1 s, each costing a second of sending). The
real bot process (`python -m bot run`, SQLite) delivers the announcement through its outbox.
Prints one JSON line: the achieved rate as a ratio of the limit, lost (reachable people without
the message) and duplicated (people with it twice). Not a test; see BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT, base_env

from emulator import BotAPIEmulator

TEXT = "Information session on 3 December"
LIMIT = 30


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--send-rate", type=float, default=30.0)
    parser.add_argument("--random-429-per-min", type=float, default=2.0, help="extra 429s injected at random")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bot.app import migrate
    from bot.clock import FixedClock
    from bot.config import Settings
    from bot.db.engine import make_engine, make_sessionmaker
    from bot.services.announcements import AnnouncementService
    from bot.services.staff import StaffService

    emu = BotAPIEmulator(flood_control=True, global_rate=LIMIT, per_chat_rate=1.0)
    await emu.start()
    rng = random.Random(11)
    people = range(100_000, 100_000 + args.recipients)
    blocked = set(rng.sample(list(people), args.recipients // 100))
    with tempfile.TemporaryDirectory() as tmp:
        env = {**base_env(emu, Path(tmp)), "SEND_RATE": str(args.send_rate)}
        settings = Settings(database_url=env["DATABASE_URL"], key_file=env["KEY_FILE"], _env_file=None)  # type: ignore[call-arg]
        await migrate(settings)
        db = sqlite3.connect(env["DATABASE_URL"].split("///", 1)[1])
        db.executemany(
            "insert into users (id, language, language_chosen, created_at, last_seen_at, mode, counted) "
            "values (?, 'en', 0, '2026-11-01 00:00:00', '2026-11-01 00:00:00', 'check', '[]')",
            [(u,) for u in people],
        )
        db.commit()
        for u in people:
            emu.user(u).open_chat()
            if u in blocked:
                emu.block_user(u)
        clock = FixedClock(__import__("datetime").datetime.fromisoformat(env["FIXED_NOW"]))
        engine = make_engine(settings)
        async with make_sessionmaker(engine)() as session:
            draft = {"audience": {"kind": "all"}, "versions": {"en": TEXT}, "fallback": "en"}
            await AnnouncementService(session, clock, StaffService(session, clock, frozenset())).create(1, draft)
        await engine.dispose()
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env)
        first = last = None
        injected = 0
        try:
            while True:
                done = db.execute(
                    "select count(*) from outbox where announcement_id = 1 and state in ('sent','blocked','failed')"
                ).fetchone()[0]
                if done and first is None:
                    first = time.perf_counter()
                if done >= args.recipients:
                    last = time.perf_counter()
                    break
                if rng.random() < args.random_429_per_min / 120:  # now and then Telegram says 429 anyway
                    emu.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
                    injected += 1
                await asyncio.sleep(0.5)
        finally:
            proc.terminate()
            await proc.wait()
    await emu.stop()
    received = {u: 0 for u in people}
    for u in people:
        chat = emu.chat(u)
        received[u] = sum(1 for m in chat.messages if TEXT in m.plain) if chat else 0
    reachable = [u for u in people if u not in blocked]
    assert first is not None and last is not None
    handled = args.recipients
    rate = handled / (last - first)
    print(
        json.dumps(
            {
                "bench": "broadcast",
                "recipients": args.recipients,
                "blocked": len(blocked),
                "limit_per_s": LIMIT,
                "send_rate_setting": args.send_rate,
                "achieved_per_s": round(rate, 2),
                "ratio_of_limit": round(rate / LIMIT, 3),
                "flood_refusals": emu.flood_refusals,
                "injected_429": injected,
                "lost": sum(1 for u in reachable if received[u] == 0),
                "duplicated": sum(1 for u in people if received[u] > 1),
                "seconds": round(last - first, 1),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
