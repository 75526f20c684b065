"""The commands README gives: `python -m bot migrate` and `python -m bot run` (against the emulator)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

from emulator import TEST_TOKEN, BotAPIEmulator
from tests.e2e import korean

ROOT = Path(__file__).resolve().parent.parent


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "TELEGRAM_API_BASE", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.sqlite3'}"
    env["KEY_FILE"] = str(tmp_path / "data" / "data.key")
    env.update(extra)
    return env


async def test_migrate_creates_the_database(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "migrate", cwd=ROOT, env=env_for(tmp_path), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0 and b"up to date" in out
    tables = {
        r[0]
        for r in sqlite3.connect(tmp_path / "data" / "bot.sqlite3").execute(
            "select name from sqlite_master where type='table'"
        )
    }
    assert {"users", "questionnaires", "alembic_version"} <= tables


async def test_run_without_a_token_says_what_to_do(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env_for(tmp_path),
        stderr=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    assert proc.returncode != 0 and b"BOT_TOKEN is not set" in err and b"Traceback" not in err
    assert not (tmp_path / "data").exists()  # said before anything was created on disk


async def test_run_serves_a_chat_and_stops_on_sigint(tmp_path: Path, emulator: BotAPIEmulator) -> None:
    env = env_for(tmp_path, BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE=emulator.base_url)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        await emulator.wait_polling(timeout=60)
        user = emulator.user(7, language_code="ko")
        await user.send_text("/start")
        messages = await user.wait_messages(3, timeout=30)
        assert korean(messages[0].plain)
        assert emulator.get_commands(language_code="ko")
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]
