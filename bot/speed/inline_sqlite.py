"""SQLite statements on the event loop's thread (speed patch ``inline_sqlite``, see bot/speed)."""

from __future__ import annotations

import sqlite3
from typing import Any

import aiosqlite


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


def connect_inline(database: str, **kwargs: Any) -> InlineSQLite:
    connection = InlineSQLite(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
    return connection


def connect_threaded(database: str, **kwargs: Any) -> aiosqlite.Connection:
    """aiosqlite as shipped: every statement handed to its worker thread."""
    connection = aiosqlite.Connection(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
    connection._thread.daemon = True
    return connection
