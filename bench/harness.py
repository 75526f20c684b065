"""What the load benchmarks share: the Bot API emulator, the bot under test as real processes
(long polling on SQLite, or N webhook workers on PostgreSQL + Redis), and the simulated users."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.callbacks import AnswerCB, NavCB  # noqa: E402
from emulator import TEST_TOKEN, BotAPIEmulator, FakeUser  # noqa: E402
from tests.answers import ELIGIBLE_WEB_DEV  # noqa: E402

# The questions ELIGIBLE_WEB_DEV answers, in order (None: a typed answer).
WEB_DEV_QUESTIONS = (
    "occupation",
    "degree",
    "degree_country",
    "major_related",
    None,
    "experience_after_degree",
    "korean_test",
    "topik_level",
    "in_korea",
    None,
    "job_offer",
    "employer_in_gyeonggi",
    None,
)
RESULT = NavCB(act="result", at="summary").pack()
# That web developer's questionnaire as updates: /start, 13 answers (buttons' data or text), the result.
SCRIPT = [
    "/start",
    *(
        value[1:] if key is None else AnswerCB(q=key, v=value).pack()
        for key, value in zip(WEB_DEV_QUESTIONS, ELIGIBLE_WEB_DEV, strict=True)
    ),
    RESULT,
]
BUTTONS = (f"{AnswerCB.__prefix__}{AnswerCB.__separator__}", f"{NavCB.__prefix__}{NavCB.__separator__}")
FIXED_NOW = "2026-11-24T10:00:00+09:00"  # inside the window, whatever the date of the run
SECRET = "bench-secret"


@contextlib.contextmanager
def generator_collector_off() -> Iterator[None]:
    """The load generator's garbage collector off while a benchmark measures (collected once first).

    Its full passes (200-250 ms with 200 people's chats in this process) stalled the emulator, and
    so every Bot API call of the bot under test: they were the webhook p99 of bench/latency.py (gc
    callbacks here against the workers' slow handlers: the same instants). The bot's processes are
    untouched."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def step(user: FakeUser, action: str) -> None:
    """Sends one step of SCRIPT and waits for the bot's first reply."""
    before = len(user.messages)
    if action.startswith(BUTTONS):
        await user.click_data(action, message=user.messages[-1] if user.messages else None)
    else:
        await user.send_text(action)
    await user.wait_messages(before + 1, timeout=300)


def base_env(emu: BotAPIEmulator, workdir: Path) -> dict[str, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_BASE": emu.base_url,
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}",
        "KEY_FILE": str(workdir / "k"),
        "FILES_DIR": str(workdir / "files"),
        "FIXED_NOW": FIXED_NOW,
    }


async def reset_postgres(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def reset_redis(url: str) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(url)
    keys = [k async for k in redis.scan_iter("gg:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


@contextlib.asynccontextmanager
async def backend(
    emu: BotAPIEmulator,
    workdir: Path,
    kind: str,
    *,
    command: list[str] | None = None,
    database_url: str | None = None,
    redis_url: str | None = None,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """``polling``: one `python -m bot run` (or ``command``) on SQLite. ``webhook``: ``workers``
    `run --webhook` processes on PostgreSQL and Redis, the emulator spreading updates over them."""
    env = {**base_env(emu, workdir), **(extra_env or {})}
    procs: list[asyncio.subprocess.Process] = []
    try:
        if kind == "polling":
            procs.append(
                await asyncio.create_subprocess_exec(
                    *(command or [sys.executable, "-m", "bot", "run"]), cwd=ROOT, env=env
                )
            )
            await emu.wait_polling(timeout=120)
        else:
            assert database_url and redis_url, "--database-url and --redis-url are needed for the webhook backend"
            await reset_postgres(database_url)
            await reset_redis(redis_url)
            env.update(
                DATABASE_URL=database_url, REDIS_URL=redis_url, WEBHOOK_URL="http://127.0.0.1:1", WEBHOOK_SECRET=SECRET
            )
            await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "migrate", cwd=ROOT, env=env)
            ports = [18_080 + i for i in range(workers)]
            # Before the workers call setWebhook: the emulator opens its delivery connections then
            # (set afterwards, it had delivered over one connection, one update at a time).
            emu.webhook_targets = [f"http://127.0.0.1:{p}/telegram/webhook" for p in ports]
            emu.webhook_connections = 40  # Telegram's default max_connections
            for port in ports:
                procs.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bot", "run", "--webhook", cwd=ROOT, env={**env, "WEB_PORT": str(port)}
                    )
                )
            for _ in range(1200):
                if len(emu.calls("setWebhook")) >= workers:
                    break
                await asyncio.sleep(0.1)
        yield procs
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.terminate()
        for proc in procs:
            await proc.wait()
