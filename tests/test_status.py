"""Applications' status lifecycle, notifications through the outbox and the sender, the staff CLI."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from bot.clock import FixedClock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import Application, OutboxMessage, StatusChange, User
from bot.i18n import translator
from bot.sender import Sender
from bot.services.applications import ApplicationError, ApplicationService
from dialogs import statuses as st
from emulator import TEST_TOKEN, BotAPIEmulator, FakeUser
from tests.conftest import BotRunner
from tests.e2e import answer, korean

ROOT = Path(__file__).resolve().parent.parent


async def submitted_application(settings: Settings, clock: FixedClock, user_id: int) -> str:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        service = ApplicationService(session, clock)
        app = await service.create_draft(user_id, "web_developer")
        change = await service.submit(app)
    await engine.dispose()
    return change.reference


async def reference_of(settings: Settings, user_id: int) -> str:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        ref = (await session.execute(select(Application.reference).where(Application.user_id == user_id))).scalar_one()
    await engine.dispose()
    assert ref, "the application has no reference yet"
    return ref


async def change(settings: Settings, clock: FixedClock, reference: str, new: str, **kw: str) -> None:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await ApplicationService(session, clock).change_status(reference, new, actor_id=0, **kw)
    await engine.dispose()


async def outbox(settings: Settings) -> list[OutboxMessage]:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        rows = list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())
    await engine.dispose()
    return rows


async def start_user(user: FakeUser) -> None:
    await user.say("/start")
    await answer(user, "web_developer", "master", "abroad", "yes", "yes", "D-2", "CN", "yes", "yes", "=40000000")


async def wait_for(user: FakeUser, count: int) -> None:
    await user.wait_messages(count, timeout=15)


async def test_each_status_change_notifies_once_in_the_users_language(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    user = emulator.user(401, language_code="ko")
    await start_user(user)
    before = len(user.messages)
    ref = await submitted_application(settings, clock, 401)
    assert ref == "GG-2026-000001"
    await change(settings, clock, ref, st.UNDER_REVIEW)
    await change(settings, clock, ref, st.RECOMMENDED, note="축하합니다 <b>&</b>")
    await wait_for(user, before + 7)
    await asyncio.sleep(1.5)  # a second round of the sender: nothing more may arrive
    new = user.messages[before:]
    assert len(new) == 7  # three notices; the recommendation's is followed by its next steps (4)
    assert all(korean(m.plain) for m in new[:3])
    assert ref in new[0].plain and "GGR-2026-0001" in new[2].plain
    assert "축하합니다 <b>&</b>" in new[2].plain  # the note as written, escaped
    assert "체류자격 변경" in new[2].plain or "변경" in new[2].plain  # in Korea (D-2): change of status


async def test_crash_between_commit_and_send_loses_nothing_and_doubles_nothing(
    emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    user = emulator.user(402)
    runner = BotRunner(settings, clock, emulator)
    await runner.start()
    await start_user(user)
    await runner.kill()  # the bot is down ...
    ref = await submitted_application(settings, clock, 402)  # ... while the change commits
    assert [m.state for m in await outbox(settings)] == ["pending"]
    before = len(user.messages)
    await runner.start()
    await wait_for(user, before + 1)
    await runner.restart()  # a restart after delivery sends nothing again
    await asyncio.sleep(1.5)
    await runner.stop()
    assert len(user.messages) == before + 1 and ref in user.messages[-1].plain
    assert [m.state for m in await outbox(settings)] == ["sent"]


async def sender_for(settings: Settings, clock: FixedClock, base_url: str) -> tuple[Sender, Bot]:
    bot = Bot(
        TEST_TOKEN,
        session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)),
        default=DefaultBotProperties(parse_mode="HTML"),
    )
    return Sender(make_sessionmaker(make_engine(settings)), bot, clock), bot


async def test_sender_waits_out_a_429_and_sends_once(
    emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    user = await pending_notification(emulator, settings, clock, 403)
    emulator.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    sender, bot = await sender_for(settings, clock, emulator.base_url)
    started = asyncio.get_running_loop().time()
    assert await sender.drain_once() == 1
    assert asyncio.get_running_loop().time() - started >= 1.0  # it waited retry_after
    assert len(user.messages) == 1
    assert [m.state for m in await outbox(settings)] == ["sent"]
    await bot.session.close()


async def test_sender_marks_a_blocked_user_unreachable(
    emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    await pending_notification(emulator, settings, clock, 404)
    emulator.block_user(404)
    sender, bot = await sender_for(settings, clock, emulator.base_url)
    await sender.drain_once()
    await sender.drain_once()  # never retried
    assert [m.state for m in await outbox(settings)] == ["blocked"]
    assert len(emulator.calls("sendMessage")) == 1
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        assert (await session.get(User, 404)).unreachable_at is not None  # type: ignore[union-attr]
    await engine.dispose()
    await bot.session.close()


async def test_sender_retries_network_and_server_errors_with_backoff(
    emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    from datetime import timedelta

    user = await pending_notification(emulator, settings, clock, 405)
    down, down_bot = await sender_for(settings, clock, "http://127.0.0.1:9")  # nothing listens: network error
    await down.drain_once()
    [row] = await outbox(settings)
    assert (row.state, row.attempts) == ("pending", 1)
    emulator.fail_next("sendMessage", 502, "Bad Gateway")
    up, up_bot = await sender_for(settings, clock, emulator.base_url)
    assert await up.drain_once() == 0  # not due yet: backoff
    clock.advance(timedelta(seconds=3))
    await up.drain_once()  # 502: server error, retried later
    [row] = await outbox(settings)
    assert (row.state, row.attempts) == ("pending", 2)
    clock.advance(timedelta(seconds=5))
    await up.drain_once()
    assert [m.state for m in await outbox(settings)] == ["sent"]
    assert len(user.messages) == 1
    await down_bot.session.close()
    await up_bot.session.close()


async def pending_notification(
    emulator: BotAPIEmulator, settings: Settings, clock: FixedClock, user_id: int
) -> FakeUser:
    """A user whose chat exists and whose application's "submitted" notice waits in the outbox."""
    user = emulator.user(user_id)
    await user.send_text("hi")
    await _register(settings, clock, user_id)
    await submitted_application(settings, clock, user_id)
    return user


async def _register(settings: Settings, clock: FixedClock, user_id: int) -> None:
    from bot.db.repo import PersonRepo

    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await PersonRepo(session).load(user_id, "en", clock.now())
        await session.commit()
    await engine.dispose()


async def test_transitions_are_checked_and_history_is_kept(settings: Settings, clock: FixedClock) -> None:
    await _register(settings, clock, 406)
    ref = await submitted_application(settings, clock, 406)
    with pytest.raises(ApplicationError):
        await change(settings, clock, ref, st.VISA_ISSUED)  # not the province's move, nor from submitted
    with pytest.raises(ApplicationError):
        await change(settings, clock, ref, st.INFO_REQUESTED, reason="no_such_reason")
    with pytest.raises(ApplicationError):
        await change(settings, clock, "GG-2026-999999", st.UNDER_REVIEW)
    await change(
        settings, clock, ref, st.INFO_REQUESTED, reason="degree_proof", note="Degree certificate is not apostilled"
    )
    await change(settings, clock, ref, st.UNDER_REVIEW)
    await change(settings, clock, ref, st.NOT_RECOMMENDED, note="Salary below the floor")
    with pytest.raises(ApplicationError):
        await change(settings, clock, ref, st.RECOMMENDED)  # final
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        history = [
            (h.from_status, h.to_status)
            for h in (await session.execute(select(StatusChange).order_by(StatusChange.id))).scalars()
        ]
    await engine.dispose()
    assert history == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "info_requested"),
        ("info_requested", "under_review"),
        ("under_review", "not_recommended"),
    ]
    assert len(await outbox(settings)) == 4  # one notification per change after the draft


async def test_status_command_and_the_applicants_own_reports(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    user = emulator.user(407)
    await start_user(user)
    none = await user.say("/status")
    assert "no submitted application" in none[0].plain
    before = len(user.messages)  # the notices may come at once now (the sender is woken)
    ref = await submitted_application(settings, clock, 407)
    await change(settings, clock, ref, st.RECOMMENDED)
    await wait_for(user, before + 6)  # submitted; recommended and its 4 next-step messages
    shown = await user.say("/status")
    assert ref in shown[0].plain and "Recommended" in shown[0].plain and "When you have applied" in shown[0].plain
    # Another user's forged report changes nothing.
    other = emulator.user(408)
    await other.say("/start")
    await other.click_data(shown[0].buttons[0][0][1], message=other.messages[-1])
    await emulator.wait_processed()
    count = len(user.messages)
    await user.tap("I have applied for the visa", message=shown[0])
    await wait_for(user, count + 1)
    assert "you have applied for the visa" in user.messages[-1].plain
    assert st.VISA_APPLIED in {h.to_status for h in await _history(settings)}
    # The same button again: said to be from an earlier message, then where the application stands
    # (it was the toast's "Here is where you are now:" with nothing after it).
    again = await user.tap("I have applied for the visa", message=shown[0])
    assert "That button is from an earlier message" in again[0].plain and "Visa applied" in again[0].plain
    assert again[0].button_texts == ["My visa has been issued"]
    # Typed news of the visa goes to where the application stands, not to the check's summary.
    typed = await user.say("my visa was issued today")
    assert f"Your application {ref} has been sent" in typed[-1].plain and "/status" in typed[-1].plain
    assert not typed[-1].buttons
    assert sum(h.to_status == st.VISA_APPLIED for h in await _history(settings)) == 1


async def _history(settings: Settings) -> list[StatusChange]:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        rows = list((await session.execute(select(StatusChange))).scalars())
    await engine.dispose()
    return rows


async def test_staff_cli_changes_status_and_refuses_bad_moves(settings: Settings, clock: FixedClock) -> None:
    await _register(settings, clock, 409)
    ref = await submitted_application(settings, clock, 409)
    env = {**os.environ, "DATABASE_URL": settings.database_url, "KEY_FILE": settings.key_file}

    async def cli(*args: str) -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "status",
            *args,
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        return proc.returncode or 0, out.decode(), err.decode()

    code, out, _ = await cli(ref, "recommended", "--date", "2026-11-25")
    assert code == 0 and "submitted -> recommended" in out
    code, _, err = await cli(ref, "under_review")
    assert code == 2 and "error:" in err and "Traceback" not in err
    rows = await outbox(settings)
    notices = [r for r in rows if r.dedup_key.count(":") == 1]  # not the recommendation's follow-ups
    assert len(notices) == 2 and "GGR-2026-0001" in notices[-1].text and len(rows) == 6


def test_after_a_refusal_checking_again_is_offered_only_while_applications_are_open() -> None:
    """/status after "not recommended": before the close, checking again is a way on; after it, the
    same words would lead to an application that cannot be made."""

    def said(window_closed: bool) -> str:
        refused = st.StatusView("GG-2026-000001", st.NOT_RECOMMENDED, True, window_closed=window_closed)
        return translator("en").render(st.status_summary(refused))

    assert "check your eligibility again at any time with /start" in said(False)
    closed = said(True)
    assert "/start" not in closed and "Applications closed on December 31, 2026" in closed and "031-120" in closed


def test_a_refusal_because_the_quota_is_used_up_offers_no_new_check() -> None:
    """'All recommendations have been issued', then 'check your eligibility again with /start'."""
    refused = st.StatusView("GG-2026-000001", st.NOT_RECOMMENDED, True, reason="quota")
    said = translator("en").render(st.status_summary(refused))
    assert "every recommendation of this programme had been issued" in said and "/start" not in said


async def test_status_after_a_quota_refusal_reads_its_reason(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    from tests.e2e import applicant_who_submitted

    user = await applicant_who_submitted(emulator, 1301)
    await change(settings, clock, "GG-2026-000001", st.NOT_RECOMMENDED, reason="quota")
    said = "\n".join(m.plain for m in await user.say("/status"))
    assert "every recommendation of this programme had been issued" in said and "/start" not in said
