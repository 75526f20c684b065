"""The async engine and session factory."""

from __future__ import annotations

import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy import event, make_url
from sqlalchemy.dialects.sqlite.aiosqlite import dialect as aiosqlite_dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.config import Settings


class InlineSQLite(aiosqlite.Connection):
    """aiosqlite with its statements run on the event loop's thread instead of its worker thread.

    Why: SQLite is a library call, not a network round trip; a point query takes microseconds,
    while aiosqlite's hand-off to its thread and back (a queue, a wake-up, the GIL, a
    call_soon_threadsafe) cost more than the query. Measured: the database work of one answer
    (read the person and their questionnaire, save, commit) 2.3 ms of CPU through the thread,
    0.8 ms inline (bench/throughput.py profile). The price: a long statement (an announcement's
    thousands of outbox rows) holds the loop while it runs, tens of milliseconds. PostgreSQL
    (asyncpg) is unaffected. aiosqlite funnels every call through ``_execute``; its thread is
    still used to open and close the connection.
    """

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    def begin_immediate(self) -> None:
        """BEGIN IMMEDIATE straight on the sqlite3 connection: through SQLAlchemy's execution of
        a statement (context, cursor, events) it was 8 % of the database's CPU per update."""
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        self._connection.execute("BEGIN IMMEDIATE")


def _connect_inline(database: str, **kwargs: Any) -> InlineSQLite:
    connection = InlineSQLite(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
    return connection


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
        engine = create_async_engine(
            settings.database_url,
            pool_size=1,
            max_overflow=0,
            pool_timeout=300,
            async_creator=lambda: _connect_inline(*args, **kwargs),
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
            if isinstance(driver, InlineSQLite):
                driver.begin_immediate()
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
