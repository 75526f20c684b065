"""Shared fixtures: a fixed clock, the Bot API emulator, a real SQLite file, the real bot polling."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot import speed

# The suite runs with the speed patches as production does, or all off with SPEED_PATCHES=off
# (tests/test_unpatched.py runs an end-to-end subset that way); installed before anything imports aiogram.
speed.install()

from aiogram.client.session.aiohttp import AiohttpSession
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import Runtime, migrate
from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from bot.db.migrate import upgrade
from emulator import TEST_TOKEN, BotAPIEmulator


def needs_patch(name: str) -> pytest.MarkDecorator:
    """For the tests of one speed patch: skipped, saying so, when it is off in this run."""
    return pytest.mark.skipif(not speed.active(name), reason=f"speed patch {name} is off (SPEED_PATCHES=off)")


# A fixed "now" inside the application window; tests about dates move it explicitly.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)


@pytest.fixture(autouse=True, scope="session")
def _no_tls_grace() -> Iterator[None]:
    """aiogram's session waits 250 ms after closing for TLS connections to shut down
    (aiohttp's advice); the emulator speaks plain HTTP on localhost, so in this process the wait
    only slowed every test's stop (a quarter of a second each, about a minute of the suite)."""
    shipped = AiohttpSession.close

    async def close(self: AiohttpSession) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    AiohttpSession.close = close  # type: ignore[method-assign]
    yield
    AiohttpSession.close = shipped  # type: ignore[method-assign]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The seconds-long tests first: under xdist they start at once on every worker instead of
    being the last ones left running on one while the others are idle (the suite's tail)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker gets its own PostgreSQL database and Redis db, so the tests
    that empty them do not empty another worker's (gw0 uses test_gw0 and Redis db n+1, ...)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        _build_faq_index()
        return
    number = int(worker.removeprefix("gw"))
    if url := os.environ.get("TEST_POSTGRES_URL"):
        base, _, name = url.rpartition("/")
        own = f"{name}_{worker}"
        asyncio.run(_create_database(url, own))
        os.environ["TEST_POSTGRES_URL"] = f"{base}/{own}"
    if url := os.environ.get("TEST_REDIS_URL"):
        base, _, db = url.rpartition("/")
        os.environ["TEST_REDIS_URL"] = f"{base}/{(int(db or 0) + 1 + number) % 16}"


def _build_faq_index() -> None:
    """The FAQ's index written once to the bot's default cache folder, before any worker starts:
    built by each worker's first typed question instead, it took 4-6 s of CPU in every worker at
    once, and a bot busy building it missed the emulator's 10 s wait (seen once in the suite)."""
    from knowledge import faq_match

    folder = os.environ.get("CACHE_DIR", Settings.model_fields["cache_dir"].default)  # where the bots will look
    if not folder:  # CACHE_DIR set empty: every start builds; nothing to prepare
        return
    faq_match.use_cache(Path(folder))
    faq_match.matcher()
    faq_match.use_cache(None)
    faq_match.matcher.cache_clear()


async def _create_database(url: str, name: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    for attempt in range(20):  # two workers copying template1 at once may be told it is busy
        try:
            async with engine.connect() as conn:
                exists = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
                if not exists:
                    await conn.execute(text(f'CREATE DATABASE "{name}"'))
            break
        except DBAPIError:
            if attempt == 19:
                raise
            await asyncio.sleep(0.25)
    await engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emu:
        yield emu


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to HEAD once per test process: each test's database starts as a copy
    (migrating every test's file anew took about a second a test, a third of the suite)."""
    path = tmp_path_factory.mktemp("template") / "bot.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"


async def empty_postgres() -> str:
    """An empty PostgreSQL database (TEST_POSTGRES_URL; its public schema is dropped and recreated).

    Skips the calling test, saying why, when TEST_POSTGRES_URL is unset."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set: this PostgreSQL test is skipped (.ci/run sets it)")
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    return url


async def on_postgres(settings: Settings, **more: str) -> Settings:
    """``settings`` on a fresh, migrated PostgreSQL database (and ``more`` settings changed with it)."""
    settings = settings.model_copy(update={"database_url": await empty_postgres(), **more})
    await migrate(settings)
    return settings


class BotRunner:
    """The real bot (aiogram Dispatcher + SQLAlchemy) polling the emulator, as `run` does."""

    def __init__(
        self, settings: Settings, clock: FixedClock, emulator: BotAPIEmulator, *, handle_as_tasks: bool = False
    ) -> None:
        self.settings = settings
        self.emulator = emulator
        self.clock = clock
        self.handle_as_tasks = handle_as_tasks
        self.runtime: Runtime | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.runtime = Runtime(self.settings, self.clock, token=TEST_TOKEN)
        polls = len(self.emulator.calls("getUpdates"))
        self.task = asyncio.create_task(self.runtime.poll(handle_as_tasks=self.handle_as_tasks, handle_signals=False))
        for _ in range(1000):  # ready once it polls (the command menu is published before)
            if len(self.emulator.calls("getUpdates")) > polls or self.task.done():
                break
            await asyncio.sleep(0.01)
        if self.task.done():
            self.task.result()

    async def stop(self) -> None:
        if self.runtime and self.task:
            await self.runtime.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self.task, 10)
        self.runtime = self.task = None

    async def kill(self) -> None:
        """Stops abruptly, as a crash would: the polling task is cancelled mid-flight."""
        if self.task and self.runtime:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
            await self.runtime.close()
        self.runtime = self.task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@contextlib.asynccontextmanager
async def running(settings: Settings, clock: FixedClock, emulator: BotAPIEmulator) -> AsyncIterator[BotRunner]:
    """The bot polling the emulator for the length of the block."""
    runner = BotRunner(settings, clock, emulator)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


@pytest.fixture
async def settings(emulator: BotAPIEmulator, database_url: str, tmp_path: Path, migrated_sqlite: Path) -> Settings:
    s = Settings(  # type: ignore[call-arg]
        telegram_api_base=emulator.base_url,
        database_url=database_url,
        key_file=str(tmp_path / "data.key"),
        files_dir=str(tmp_path / "files"),
        _env_file=None,
    )
    if (path := s.sqlite_path()) is not None and not path.exists():
        shutil.copyfile(migrated_sqlite, path)
    await migrate(s)  # the bot's own check: at HEAD, so one SELECT
    return s


@pytest.fixture
async def bot(settings: Settings, clock: FixedClock, emulator: BotAPIEmulator) -> AsyncIterator[BotRunner]:
    async with running(settings, clock, emulator) as runner:
        yield runner


ADMIN = 900  # the staff administrator of the tests (STAFF_ADMIN_IDS)


def with_admin(settings: Settings) -> Settings:
    return settings.model_copy(update={"staff_admin_ids": frozenset({ADMIN})})


@pytest.fixture
async def staff_bot(settings: Settings, clock: FixedClock, emulator: BotAPIEmulator) -> AsyncIterator[BotRunner]:
    """The bot with ADMIN as its staff administrator."""
    async with running(with_admin(settings), clock, emulator) as runner:
        yield runner


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """The test's settings on SQLite, then on a fresh PostgreSQL database; ADMIN administers staff."""
    return with_admin(settings if request.param == "sqlite" else await on_postgres(settings))


@pytest.fixture
async def db_bot(db_settings: Settings, clock: FixedClock, emulator: BotAPIEmulator) -> AsyncIterator[BotRunner]:
    """staff_bot on each database of db_settings."""
    async with running(db_settings, clock, emulator) as runner:
        yield runner
