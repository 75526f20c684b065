"""The async engine and session factory."""

from __future__ import annotations

from sqlalchemy import event, make_url
from sqlalchemy.dialects.sqlite.aiosqlite import dialect as aiosqlite_dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot import speed
from bot.config import Settings
from bot.speed.inline_sqlite import InlineSQLite, connect_inline, connect_threaded


def make_engine(settings: Settings) -> AsyncEngine:
    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if settings.database_url.startswith("sqlite"):
        # One connection, and the sessions of concurrent updates queue for it (FIFO, in asyncio).
        # SQLite has one writer anyway; with more connections they would wait in SQLite's busy
        # handler instead, which sleeps up to 100 ms at a time and made replies seconds late
        # under load (bench/latency.py).
        args, kwargs = aiosqlite_dialect().create_connect_args(make_url(settings.database_url))
        connect = connect_inline if speed.active("inline_sqlite") else connect_threaded
        engine = create_async_engine(
            settings.database_url,
            pool_size=1,
            max_overflow=0,
            pool_timeout=300,
            async_creator=lambda: connect(*args, **kwargs),
        )
    else:
        engine = create_async_engine(settings.database_url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        # WAL lets readers proceed during a write; foreign keys are off by default in SQLite.
        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(conn, _record):  # type: ignore[no-untyped-def]
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across app crashes, fewer fsyncs
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()
            conn.isolation_level = None  # we issue BEGIN ourselves, below

        # BEGIN IMMEDIATE: a transaction takes the write lock when it starts. With the default
        # deferred BEGIN, two concurrent transactions that read and then write make one of them fail
        # at once with "database is locked" (a snapshot cannot be upgraded), whatever busy_timeout says.
        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            driver = conn.connection.driver_connection
            if isinstance(driver, InlineSQLite):  # the speed patch's shortcut
                driver.begin_immediate()
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
