"""Benchmark: memory and start-up of the bot process with 10,000 people in the database.

    .venv/bin/python bench/memory_start.py [--users 10000]

Fills a SQLite database with N people who have answered the whole questionnaire, starts
`python -m bot run`, and measures the time from the process start to its first getUpdates, then
the resident memory (VmRSS) after 300 of those people have come back (/start, the result). The
floor in the same run: bench/echo_bot.py (a bare aiogram bot) started the same way. Prints one JSON
line. Not a test; see BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from harness import RESULT, ROOT, base_env, step

from emulator import BotAPIEmulator

ANSWERS = {
    "occupation": "web_developer",
    "degree": "bachelor",
    "degree_country": "abroad",
    "major_related": "no",
    "experience_years": 2.0,
    "experience_after_degree": True,
    "korean_test": "topik",
    "topik_level": 4,  # stored as a number, as the questionnaire stores it
    "in_korea": False,
    "nationality": "UZ",
    "job_offer": True,
    "employer_in_gyeonggi": True,
    "salary_krw": 35000000,
}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bot.app import migrate
    from bot.config import Settings

    emu = BotAPIEmulator()
    await emu.start()
    with tempfile.TemporaryDirectory() as tmp:
        env = base_env(emu, Path(tmp))
        await migrate(Settings(database_url=env["DATABASE_URL"], _env_file=None))  # type: ignore[call-arg]
        db = sqlite3.connect(env["DATABASE_URL"].split("///", 1)[1])
        history = [dict(list(ANSWERS.items())[:i]) for i in range(len(ANSWERS))]
        people = range(200_000, 200_000 + args.users)
        db.executemany(
            "insert into users (id, language, language_chosen, created_at, last_seen_at, mode, counted) "
            "values (?, 'en', 0, '2026-11-01 00:00:00', '2026-11-01 00:00:00', 'check', '[]')",
            [(u,) for u in people],
        )
        db.executemany(
            "insert into questionnaires (user_id, answers, history, revision, started_at, updated_at, completed_at) "
            "values (?, ?, ?, 13, '2026-11-01 00:00:00', '2026-11-01 00:00:00', '2026-11-01 00:00:00')",
            [(u, json.dumps(ANSWERS), json.dumps(history)) for u in people],
        )
        db.commit()
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env)
        try:
            await emu.wait_polling(timeout=120)
            start_s = time.perf_counter() - started
            rss_idle = rss_mb(proc.pid)
            back = [emu.user(u) for u in list(people)[:300]]
            for u in back:
                u.open_chat()

            async def come_back(user) -> None:  # type: ignore[no-untyped-def]
                await step(user, "/start")
                await step(user, RESULT)

            await asyncio.gather(*(come_back(u) for u in back))
            rss_after = rss_mb(proc.pid)
        finally:
            proc.terminate()
            await proc.wait()
        echo_started = time.perf_counter()
        echo = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "echo_bot.py"), cwd=ROOT, env=env
        )
        try:
            polls = emu._poll_count
            while emu._poll_count == polls:
                await asyncio.sleep(0.02)
            echo_start_s = time.perf_counter() - echo_started
            echo_rss = rss_mb(echo.pid)
        finally:
            echo.terminate()
            await echo.wait()
    await emu.stop()
    print(
        json.dumps(
            {
                "bench": "memory_start",
                "users_in_database": args.users,
                "start_to_first_getUpdates_s": round(start_s, 2),
                "rss_mb_idle": round(rss_idle, 1),
                "rss_mb_after_300_returning": round(rss_after, 1),
                "echo_floor_start_s": round(echo_start_s, 2),
                "echo_floor_rss_mb": round(echo_rss, 1),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
