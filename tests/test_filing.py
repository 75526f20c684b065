"""The bot and gg24: the submission is a pre-check, the filing pack carries every value on a copy
button, and the applicant reports the gg24 receipt number once (a status staff see)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from bot.db.models import Application, StatusChange
from bot.db.repo import PersonRepo
from bot.services.applications import ApplicationError, ApplicationService
from dialogs import statuses as st
from dialogs.filing import copy_value, parse_receipt
from dialogs.typed_answers import Invalid
from emulator import BotAPIEmulator
from tests.answers import ELIGIBLE_WEB_DEV
from tests.conftest import ADMIN, BotRunner
from tests.e2e import answer, applicant_who_submitted, nav, texts, wait_for_text, worker_sessions
from tests.staff_e2e import open_application, press_staff
from tests.test_window_close import periodic


@pytest.mark.parametrize(
    ("typed", "receipt"),
    [
        ("2026-1234567", "2026-1234567"),
        (" ２０２６－１２３４５６７ ", "2026-1234567"),
        ("ab 1234 5678", "AB-1234-5678"),
    ],
)
def test_receipt_numbers_as_people_type_them(typed: str, receipt: str) -> None:
    assert parse_receipt(typed) == receipt


@pytest.mark.parametrize("typed", ["", "abc", "12", "done!", "<b>2026</b>", "x" * 50])
def test_not_a_receipt_number(typed: str) -> None:
    with pytest.raises(Invalid):
        parse_receipt(typed)


def test_copy_values_paste_into_a_korean_form() -> None:
    assert copy_value("phone", "+821012345678") == "010-1234-5678"
    assert copy_value("phone", "+998901234567") == "+998901234567"


async def test_report_filed_on_gg24_with_the_receipt(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = await applicant_who_submitted(emulator, 921)
    status = await user.say("/status")
    assert "Sent for pre-check" in texts(status) and "Not filed on gg24 yet" in texts(status)
    prompt = await user.tap("🧾 I filed on gg24")
    assert "Type the receipt number (접수번호)" in prompt[-1].plain
    refused = await user.say("done")
    assert "does not look like a receipt number" in texts(refused)  # and still waiting for it
    saved = await user.say("２０２６－１２３４５６７")
    assert "Saved: receipt number 2026-1234567" in texts(saved)
    await wait_for_text(user, "🧾 Noted: you filed application GG-2026-000001 on gg24")
    status = texts(await user.say("/status"))
    assert "Filed on gg24" in status and "receipt number 2026-1234567" in status and "Not filed" not in status
    earlier = next(m for m in user.messages if "🧾 I filed on gg24" in m.button_texts)
    await user.tap("🧾 I filed on gg24", earlier)  # the earlier /status's button: nothing moves
    answered = user.last_callback_answer
    assert answered is not None and "earlier message" in str(answered.get("text"))
    typed = texts(await user.say("2026-7654321"))  # typed text is no receipt any more
    assert "Saved: receipt" not in typed
    pack = texts(await user.say("/gg24"))  # filed: a record of what it was sent with, no steps to follow
    assert "needs no more filing" in pack and "The fields" in pack
    assert "Your filing pack for gg24" not in pack and "After filing, tell me" not in pack
    assert "On gg24 you attach the files again" not in pack


async def test_filing_reminders_before_the_close_until_reported(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    user = await applicant_who_submitted(emulator, 922)
    clock.set(datetime(2026, 12, 25, 9, 0, tzinfo=SEOUL))  # 6 days left
    await periodic(bot, settings, clock)
    await periodic(bot, settings, clock)
    await wait_for_text(user, "no filing on gg24 is reported")
    reminders = [m for m in user.messages if "no filing on gg24 is reported" in m.plain]
    assert len(reminders) == 1
    await user.say("/status")
    await user.tap("🧾 I filed on gg24")
    await user.say("2026-1234567")
    clock.set(datetime(2026, 12, 31, 9, 0, tzinfo=SEOUL))  # the 1-day reminder is not sent: reported
    await periodic(bot, settings, clock)
    await asyncio.sleep(0.5)
    assert len([m for m in user.messages if "no filing on gg24 is reported" in m.plain]) == 1


async def test_two_receipts_reported_at_once_one_wins(db_settings: Settings, clock: FixedClock) -> None:
    """Two taps or two devices: each report in its own session, started together; one is recorded."""
    async with worker_sessions(db_settings) as makers:
        for i in range(6):
            user_id = 30_000 + i
            async with makers[0]() as session:
                await PersonRepo(session).load(user_id, "en", clock.now())
                await session.flush()
                service = ApplicationService(session, clock)
                app = await service.create_draft(user_id, "web_developer")
                await service.submit(app)
                app_id = app.id

            async def report(maker, receipt: str, app_id: int = app_id, user_id: int = user_id) -> str:  # type: ignore[no-untyped-def]
                async with maker() as session:
                    service = ApplicationService(session, clock)
                    row = await service.owned(app_id, user_id)
                    assert row is not None
                    try:
                        await service.report_filed(row, receipt)
                    except ApplicationError as refused:
                        return refused.code
                    return "done"

            outcomes = await asyncio.gather(report(makers[0], f"A-{i}-1111"), report(makers[1], f"B-{i}-2222"))
            assert sorted(outcomes) == ["already", "done"], outcomes
            async with makers[0]() as session:
                moves = await session.scalar(
                    select(func.count())
                    .select_from(StatusChange)
                    .where(StatusChange.application_id == app_id, StatusChange.to_status == st.FILED)
                )
                row = await session.get(Application, app_id)
            assert moves == 1 and row is not None and row.status == st.FILED


async def test_in_korean_the_pack_and_the_receipt(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = await applicant_who_submitted(emulator, 923, "ko")
    assert any(m.plain.startswith("🗂 gg24 제출 자료 모음 (신청 번호 GG-2026-000001)") for m in user.messages)
    status = texts(await user.say("/status"))
    assert "사전 검토 요청됨" in status and "/gg24" in status
    prompt = await user.tap("🧾 gg24에 신청했습니다")
    assert "접수번호를 그대로 입력해 주십시오" in prompt[-1].plain
    saved = texts(await user.say("2026-1234567"))
    assert "저장되었습니다: 접수번호 2026-1234567" in saved
    await wait_for_text(user, "gg24 신청 완료를 기록했습니다")


async def test_cancel_stops_waiting_for_the_receipt(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = await applicant_who_submitted(emulator, 924)
    await user.say("/status")
    await user.tap("🧾 I filed on gg24")
    # A number refused: the prompt again, with its Cancel (it came without one).
    refused = await user.say("hello")
    assert "does not look like a receipt number" in texts(refused) and refused[-1].button_texts == ["Cancel"]
    cancelled = await user.tap("Cancel")
    assert "Cancelled" in str((user.last_callback_answer or {}).get("text"))
    assert "🧾 I filed on gg24" in cancelled[-1].button_texts  # where it stands, the report a tap away
    stale = await user.tap("Cancel", message=refused[-1])  # an old Cancel: nothing was waited for any more
    assert "earlier message" in texts(stale)
    typed = texts(await user.say("2026-1234567"))
    assert "Saved: receipt" not in typed  # typed text is the questionnaire's again
    assert "Not filed on gg24 yet" in texts(await user.say("/status"))


async def test_a_sent_application_stands_on_its_answers_as_sent(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """Answers changed after sending (/restart, another occupation) are the person's own check: the
    filing pack, the status and staff's view keep the answers the application was sent with."""
    user = await applicant_who_submitted(emulator, 926)
    admin = emulator.user(ADMIN)
    pack, status = texts(await user.say("/gg24")), texts(await user.say("/status"))
    staff_view = texts(await open_application(admin))
    assert "Web developer" in pack and "Web developer" in staff_view
    # Documents named as staff receive them, not as the uploader named them (which they chose).
    assert "GG-2026-000001_passport_copy" in staff_view and "passport_copy.pdf" not in staff_view
    await user.say("/mydata")  # that staff opened it, and when (not who)
    opened = json.loads(user.documents[-1].content)["times_staff_opened_your_application"]
    assert [o["application"] for o in opened] == ["GG-2026-000001"] and str(ADMIN) not in json.dumps(opened)
    await user.say("/restart")
    await answer(user, "care_worker", "none")
    assert texts(await user.say("/gg24")) == pack
    # Checked again to the end: the new result says it does not change the sent application.
    await user.say("/restart")
    await answer(user, *ELIGIBLE_WEB_DEV)
    result = await user.tap(nav(user, "result"))
    assert "Your application GG-2026-000001 was sent with your earlier answers" in result[0].plain
    assert texts(await user.say("/status")).startswith(status)  # then the question the person is on
    await admin.say("/staff")
    await press_staff(admin, "📥 Review queue")
    again = texts(await press_staff(admin, "GG-2026-000001"))
    assert "Care worker" not in again and "Web developer" in again


async def test_the_pack_says_the_time_left_and_after_the_close_that_it_closed(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    user = await applicant_who_submitted(emulator, 927)
    other = emulator.user(928)
    await other.say("/start")
    clock.set(datetime(2026, 12, 30, 10, 0, tzinfo=SEOUL))
    near = await user.say("/gg24")
    assert "1 day left</b> to file on gg24" in near[0].text and "Your filing pack for gg24" in texts(near)
    assert "Do not wait for the pre-check" in near[0].plain
    # /status agrees: the pre-check's "I will tell you before you file" could come after the close.
    status = texts(await user.say("/status"))
    assert "Next: file on gg24 yourself now" in status and "if something should change before you file" not in status
    clock.set(datetime(2026, 12, 31, 23, 30, 30, tzinfo=SEOUL))  # "Last day" invites a pause: the minutes do not
    assert "Closes in 29 minutes</b>: file on gg24 by" in (await user.say("/gg24"))[0].text
    clock.set(datetime(2027, 1, 2, 9, 0, tzinfo=SEOUL))
    after = texts(await user.say("/gg24"))
    assert after.startswith("No gg24 filing reported.") and "Applications closed on December 31, 2026" in after
    # After the close no steps to follow: what was sent, for whoever filed in time.
    assert "1. Open" not in after and "Business registration number" in after and "Your documents" in after
    nothing_sent = texts(await other.say("/gg24"))
    assert "Applications closed" in nothing_sent and "/apply" not in nothing_sent
