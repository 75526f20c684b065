"""Answering "more information requested": the sent application's documents replaced or added in the
bot and sent back to programme staff (it was "send the province what they ask for through gg24",
with no way to do it here: /apply said "you already have an application", a file was "not expected")."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import NavCB
from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import Application, StatusChange, UploadedDocument
from bot.services.applications import ApplicationError, ApplicationService
from bot.telegram import AiogramTelegram
from dialogs import statuses as st
from emulator import BotAPIEmulator, FakeMessage, FakeUser
from tests.conftest import BotRunner
from tests.e2e import (
    PDF,
    nav,
    sqlite_db,
    submitted_via_bot,
    texts,
    upload,
    wait_for_text,
    worker_sessions,
    write_sqlite,
)
from tests.staff_e2e import submitted_directly
from tests.test_status import change, reference_of


def update_button(act: str, kind: str = "") -> str:
    return NavCB(act=act, at="upd_docs", arg=kind).pack()


async def sent(emulator: BotAPIEmulator, settings: Settings, user_id: int) -> tuple[FakeUser, str]:
    """A person whose application was sent through the bot, and its reference."""
    user = emulator.user(user_id)
    await submitted_via_bot(user, emulator)
    return user, await reference_of(settings, user_id)


async def info_requested(user: FakeUser, settings: Settings, clock: FixedClock, ref: str, **kw: str) -> FakeMessage:
    """Staff ask for more information; the notice, once it reached the person (a minute later)."""
    await change(settings, clock, ref, st.INFO_REQUESTED, **kw)
    clock.advance(timedelta(minutes=1))
    return await wait_for_text(user, "needs more information")


async def test_more_information_is_answered_in_the_bot_and_goes_back_to_staff(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    user, ref = await sent(emulator, settings, 1901)
    told = await info_requested(user, settings, clock, ref, reason="contract", note="Please add page 2")
    assert "with /apply, then tap “📨 Send the update”" in told.plain
    db = sqlite_db(settings)
    (before,) = db.execute("select sha256 from documents where kind = 'employment_contract'").fetchone()
    (sent_at,) = db.execute("select submitted_at from applications").fetchone()

    shown = await user.say("/start")  # the next step, not the check's summary with its edit buttons
    assert "more information requested" in shown[-1].plain and "📨 Send the update" in shown[-1].button_texts
    shown = await user.say("/apply")
    screen = shown[-1]
    assert f"Application {ref}: more information requested" in screen.plain
    assert "The employment contract needs a correction" in screen.plain and "Please add page 2" in screen.plain
    assert "📨 Send the update" in screen.button_texts
    early = await upload(user, emulator, PDF + b"early", "contract.pdf", "application/pdf")
    assert "First tap the document you are sending" in texts(early)  # which one it is, asked
    await user.tap(update_button("updoc", "employment_contract"), message=screen)
    saved = await upload(user, emulator, PDF + b"page 2", "contract.pdf", "application/pdf")
    assert "Saved: Employment contract" in texts(saved)
    (after,) = db.execute("select sha256 from documents where kind = 'employment_contract'").fetchone()
    assert after != before
    assert db.execute("select status from applications").fetchone() == (st.INFO_REQUESTED,)  # not yet sent

    sent_from = user.messages[-1]
    await user.tap(nav(user, "updsend"), message=sent_from)
    await wait_for_text(user, f"Your update to application {ref} has been sent to programme staff")
    assert db.execute("select status from applications").fetchone() == (st.SUBMITTED,)
    # Sent on its first day still: judged as then, and in the queue where it was (not as new)
    assert db.execute("select submitted_at from applications").fetchone() == (sent_at,)
    history = db.execute("select from_status, to_status, actor from status_changes order by id").fetchall()
    assert history[-1] == (st.INFO_REQUESTED, st.SUBMITTED, "applicant")
    again = await user.tap(nav(user, "updsend"), message=sent_from)  # the same Send again: once
    assert "no longer waits for more information" in texts(again)
    assert len(db.execute("select * from status_changes").fetchall()) == len(history)
    # Typed text and /apply no longer reach a shut update: the application is with staff.
    assert "You already have an application" in texts(await user.say("/apply"))


async def test_a_request_after_the_close_can_still_be_answered(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """Staff go on deciding after the close, so their request must stay answerable."""
    user, ref = await sent(emulator, settings, 1902)
    (sent_at,) = sqlite_db(settings).execute("select submitted_at from applications").fetchone()
    clock.set(datetime(2027, 1, 12, 10, 0, tzinfo=SEOUL))
    await info_requested(user, settings, clock, ref, reason="missing_document")
    screen = (await user.say("/apply"))[-1]
    assert "more information requested" in screen.plain and "A document is missing." in screen.plain
    await user.tap(update_button("updoc", "degree_certificate"), message=screen)
    await upload(user, emulator, PDF + b"degree", "degree.pdf", "application/pdf")
    await user.tap(nav(user, "updsend"))
    await wait_for_text(user, f"Your update to application {ref} has been sent")
    # Still sent in December: judged as on that day (before the close), in the queue where it was
    assert sqlite_db(settings).execute("select status, submitted_at from applications").fetchone() == (
        st.SUBMITTED,
        sent_at,
    )


async def test_in_the_last_days_the_update_screen_says_to_file_on_gg24_now(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """/start and /apply show this screen to someone asked for more: not filed on gg24 yet, they
    read the days left and, in the last ones, not to wait (only /status said it)."""
    user, ref = await sent(emulator, settings, 1904)
    clock.set(datetime(2026, 12, 30, 10, 0, tzinfo=SEOUL))
    await info_requested(user, settings, clock, ref, reason="missing_document")
    shown = texts(await user.say("/start"))
    assert "1 day left to file on gg24" in shown and "Do not wait for the pre-check" in shown
    status = texts(await user.say("/status"))  # not "add the documents, then send the update" first
    assert "Next: file on gg24 yourself now" in status and "tap “📨 Send the update”" not in status


async def test_an_update_to_an_application_filed_on_gg24_keeps_it_filed(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """Its receipt was reported: after the update it is "filed on gg24" again, not "sent for
    pre-check" with "programme staff pre-check your draft before you file"."""
    user, ref = await sent(emulator, settings, 1903)
    await write_sqlite(settings, "update applications set status = 'filed_gg24', gg24_receipt = '2026-1234567'")
    clock.set(datetime(2026, 12, 30, 10, 0, tzinfo=SEOUL))
    await info_requested(user, settings, clock, ref, reason="missing_document")
    screen = (await user.say("/apply"))[-1]
    assert "day left" not in screen.plain  # filed on gg24: no filing deadline to tell
    # Send before anything was added: a tap by mistake would end the request with nothing in it.
    early = await user.tap(nav(user, "updsend"), message=screen)
    assert "Nothing was added or replaced since the request" in texts(early)
    assert sqlite_db(settings).execute("select status from applications").fetchone() == (st.INFO_REQUESTED,)
    await user.tap(update_button("updoc", "passport_copy"), message=early[-1])
    await upload(user, emulator, PDF + b"passport again", "passport.pdf", "application/pdf")
    await user.tap(nav(user, "updsend"))
    told = await wait_for_text(user, f"Your update to application {ref} has been sent")
    assert "pre-check your draft" not in told.plain
    assert sqlite_db(settings).execute("select status, gg24_receipt from applications").fetchone() == (
        st.FILED,
        "2026-1234567",
    )


async def _send(maker: async_sessionmaker[AsyncSession], clock: FixedClock, app_id: int, user_id: int) -> str:
    async with maker() as session:
        service = ApplicationService(session, clock)
        app = await service.owned(app_id, user_id)
        assert app is not None
        return (await service.resend(app)).new


async def _decide(maker: async_sessionmaker[AsyncSession], clock: FixedClock, ref: str) -> str:
    async with maker() as session:
        service = ApplicationService(session, clock)
        return (await service.change_status(ref, st.RECOMMENDED, actor_id=0, expected=st.INFO_REQUESTED)).new


async def test_the_update_racing_a_decision_one_move_wins(
    db_settings: Settings, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The applicant's Send and a reviewer's decision on the same request at once, from two workers:
    each re-reads the row under its lock and checks the move there, so exactly one of them happens.
    The bad order is forced: the decision holds its transaction open (a slow notification) while the
    Send reads the row; without the lock the Send's stale "info requested" let both moves through."""
    settings = db_settings
    apps = await submitted_directly(settings, clock, 6, 21_000)
    notify = ApplicationService._notify

    async def slow_notify(self: ApplicationService, *args: Any, **kwargs: Any) -> None:
        await notify(self, *args, **kwargs)
        await asyncio.sleep(0.05)

    monkeypatch.setattr(ApplicationService, "_notify", slow_notify)

    async def send_later(maker: async_sessionmaker[AsyncSession], app_id: int, user_id: int) -> str:
        await asyncio.sleep(0.01)  # the decision has its lock by now
        return await _send(maker, clock, app_id, user_id)

    async with worker_sessions(settings) as makers:
        for n, (app_id, ref) in enumerate(apps):
            async with makers[0]() as session:
                await ApplicationService(session, clock).change_status(ref, st.INFO_REQUESTED, actor_id=0)
            decided, sent = _decide(makers[1], clock, ref), send_later(makers[0], app_id, 21_000 + n)
            outcomes = await asyncio.gather(decided, sent, return_exceptions=True)
            assert sum(isinstance(o, ApplicationError) for o in outcomes) == 1, outcomes
            async with makers[0]() as session:
                moves = await session.scalars(
                    select(StatusChange.to_status).where(
                        StatusChange.application_id == app_id, StatusChange.from_status == st.INFO_REQUESTED
                    )
                )
                assert len(list(moves)) == 1  # one move out of the request, never two


async def test_a_file_that_arrives_after_the_decision_is_not_stored(
    db_bot: BotRunner,
    db_settings: Settings,
    emulator: BotAPIEmulator,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Staff decide while the person's file is downloading (a Telegram request: no lock is held
    across it). The file is checked against the application under its lock once it is here: nothing
    is stored, and the person is told the request is over (it said "Saved" over a decided one)."""
    settings = db_settings
    user, ref = await sent(emulator, settings, 1904)
    await info_requested(user, settings, clock, ref, reason="contract")
    screen = (await user.say("/apply"))[-1]
    await user.tap(update_button("updoc", "employment_contract"), message=screen)
    download = AiogramTelegram.download

    async def decided_meanwhile(self: AiogramTelegram, file_id: str) -> bytes:
        content = await download(self, file_id)
        await change(settings, clock, ref, st.RECOMMENDED)
        return content

    monkeypatch.setattr(AiogramTelegram, "download", decided_meanwhile)
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        before = await session.scalar(
            select(UploadedDocument.sha256).where(UploadedDocument.kind == "employment_contract")
        )
    replies = await upload(user, emulator, PDF + b"too late", "contract.pdf", "application/pdf")
    async with make_sessionmaker(engine)() as session:
        after = await session.scalar(
            select(UploadedDocument.sha256).where(UploadedDocument.kind == "employment_contract")
        )
        status = await session.scalar(select(Application.status))
    await engine.dispose()
    assert "no longer waits for more information" in texts(replies) and "Saved" not in texts(replies)
    assert (after, status) == (before, st.RECOMMENDED)
    # Typed text is not stuck on the shut update: a question is answered, news of the visa pointed to /status.
    asked = texts(await user.say("can I bring my family to Korea?"))
    assert "Family: spouse and children" in asked
    assert "/status" in texts(await user.say("my visa was issued"))
