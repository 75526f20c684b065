"""What the speed work of bench/ relies on, kept true: no update is handled in a worker thread,
SQLite statements run on the event loop's thread, a serving process settles before it serves."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import threading
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.clock import SEOUL
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.i18n import _translations, available_locales, translator
from bot.speed.settle import settle
from dialogs.countries import _index
from emulator import BotAPIEmulator
from tests.conftest import BotRunner, needs_patch
from tests.e2e import answer, nav, sqlite_db


@needs_patch("on_loop_filters")
async def test_a_conversation_uses_no_worker_thread(
    bot: BotRunner, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiogram hands any filter or handler that is not a coroutine function to asyncio.to_thread
    (a magic filter is one): bot/speed/filters.on_loop keeps them on the loop."""
    handed: list[Any] = []
    real = asyncio.to_thread

    async def counting(func: Any, /, *args: Any, **kwargs: Any) -> Any:
        handed.append(func)
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", counting)
    user = emulator.user(4401, language_code="en")
    await user.say("/start")
    await answer(user, "web_developer", "bachelor")
    await user.say("hello")  # typed text goes through the text filters
    await user.tap(nav(user, "back"))
    assert handed == []


@needs_patch("inline_sqlite")
async def test_sqlite_statements_run_on_the_loop_thread(settings: Settings) -> None:
    engine = make_engine(settings)
    threads: set[int] = set()

    @event.listens_for(engine.sync_engine, "connect")
    def trace(dbapi_connection: Any, _record: Any) -> None:
        raw: sqlite3.Connection = dbapi_connection.driver_connection._connection
        raw.set_trace_callback(lambda _sql: threads.add(threading.get_ident()))

    async with make_sessionmaker(engine)() as session:
        await session.execute(text("SELECT count(*) FROM users"))
        await session.commit()
    await engine.dispose()
    assert threads == {threading.get_ident()}


@needs_patch("settle")
def test_settle_loads_every_catalog_and_freezes() -> None:
    before = gc.get_threshold()
    translator.cache_clear()  # other tests may have loaded some already
    _translations.cache_clear()
    _index.cache_clear()
    try:
        settle()
        assert gc.get_freeze_count() > 10_000
        assert _translations.cache_info().currsize == 2 * len(available_locales())  # messages + staff
        assert _index.cache_info().currsize == 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


async def test_a_transaction_takes_the_write_lock_when_it_begins(settings: Settings) -> None:
    """BEGIN IMMEDIATE (issued straight on the sqlite3 connection, bot/db/engine.py): a transaction
    that reads first holds the write lock already, so a read-then-write never fails half-way."""
    engine = make_engine(settings)
    other = sqlite_db(settings, timeout=0)
    async with make_sessionmaker(engine)() as session:
        await session.execute(text("SELECT count(*) FROM users"))  # a read only
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("UPDATE users SET mode = mode")
        await session.commit()
    other.execute("UPDATE users SET mode = mode")  # released with the commit
    other.close()
    await engine.dispose()


def test_rendered_messages_and_keyboards_are_reused_and_equal_fresh_ones() -> None:
    """bot/i18n.Translator and bot/render.keyboard keep what they rendered: the same screen in the
    same language gives the same keyboard object and equal text; what cannot be hashed (or is not
    worth it) is rendered afresh, with the same result."""
    from bot.render import _keyboard, keyboard
    from dialogs.flow import next_screen
    from dialogs.questionnaire import Conversation
    from knowledge.text import Money, T, Verbatim

    now = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)
    screen = next_screen(Conversation({"occupation": "web_developer"}, [], None), now)
    assert screen.options and screen.actions
    for code in ("ko", "uz"):
        tr = translator(code)
        first, again = keyboard(screen, tr), keyboard(screen, tr)
        assert first is again  # built once
        assert first == _keyboard.__wrapped__(
            screen.question, screen.question, screen.options, screen.actions, screen.columns, tr
        )
    assert keyboard(screen, translator("ko")) != keyboard(screen, translator("uz"))

    tr = translator("ko")
    salary = T("At least {amount} a year", amount=Money(35_000_000))
    assert tr.render(salary) == tr.render(salary) == tr._render(salary, True)
    assert tr._with_params.cache_info().currsize >= 1
    typed = T("You wrote: {text}", text=Verbatim("<b>x</b>"))
    assert tr.render(typed) == tr._render(typed, True) and "&lt;b&gt;" in tr.render(typed)
    unhashable = T("{items}", items=["a", "b"])  # rendered without the cache, not an error
    assert tr.render(unhashable) == "['a', 'b']"
