"""No database transaction stays open across a Telegram call (SQLite has a single writer)."""

from __future__ import annotations

import asyncio

from bot.app import build_bot
from bot.clock import FixedClock
from bot.config import Settings
from bot.db.context import current_session
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.repo import PersonRepo
from emulator import TEST_TOKEN, BotAPIEmulator
from tests.conftest import BotRunner
from tests.e2e import APOLOGY_EN, sqlite_db


async def test_a_write_is_committed_before_the_bot_calls_telegram(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator
) -> None:
    engine = make_engine(settings)
    bot = build_bot(settings, TEST_TOKEN)
    async with make_sessionmaker(engine)() as session:
        token = current_session.set(session)
        try:
            await PersonRepo(session).load(77, "en", clock.now())
            await session.flush()
            assert session.in_transaction()
            await bot.get_me()  # any Bot API request
            assert not session.in_transaction()
        finally:
            current_session.reset(token)
    db = sqlite_db(settings)
    assert db.execute("select count(*) from users where id = 77").fetchone()[0] == 1
    await bot.session.close()
    await engine.dispose()


async def test_many_chats_at_once_get_no_database_errors(
    emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    runner = BotRunner(settings, clock, emulator, handle_as_tasks=True)  # concurrent, as in production
    await runner.start()
    try:
        people = [emulator.user(2000 + i) for i in range(40)]

        async def talk(user) -> None:  # type: ignore[no-untyped-def]
            await user.send_text("/start")
            await user.wait_messages(3, timeout=60)
            for step, count in (
                ("a1:occupation:web_developer", 4),
                ("a1:degree:master", 5),
                ("a1:degree_country:abroad", 6),
            ):
                await user.click_data(step, message=user.messages[-1])
                await user.wait_messages(count, timeout=60)

        await asyncio.gather(*(talk(p) for p in people))
        assert not any(APOLOGY_EN in m.plain for p in people for m in p.messages)
    finally:
        await runner.stop()
