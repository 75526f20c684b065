"""The window as the person meets it, with the clock before, near and after the close, and after the
close moved (an extension is a change of knowledge/data/programme.yaml alone)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from emulator import BotAPIEmulator
from knowledge import loader
from tests.conftest import ADMIN, BotRunner
from tests.e2e import (
    FORM,
    answer,
    applicant_who_submitted,
    at_documents,
    consented,
    eligible,
    filled_form,
    nav,
    sqlite_db,
    texts,
    upload_documents,
    wait_for_text,
    write_sqlite,
)
from tests.staff_e2e import open_application
from tests.test_status import change

NEAR = datetime(2026, 12, 20, 10, 0, tzinfo=SEOUL)  # 11 days left
AFTER = datetime(2027, 1, 1, 0, 0, 1, tzinfo=SEOUL)
SOON_ERASED = datetime(2027, 1, 24, 9, 0, tzinfo=SEOUL)  # within 7 days of the erasure
ERASED = datetime(2027, 1, 31, 0, 0, tzinfo=SEOUL)


async def periodic(bot: BotRunner, settings: Settings, clock: FixedClock) -> int:
    """The sender's periodic check, as the runtime wires it (reminders, ready drafts, retention)."""
    assert bot.runtime is not None and bot.runtime.sender.periodic is not None
    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            return int(await bot.runtime.sender.periodic(session, clock))
    finally:
        await engine.dispose()


def rows(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    return sqlite_db(settings).execute(sql).fetchall()


async def test_near_the_close_screens_say_the_days_left(bot: BotRunner, emulator: BotAPIEmulator, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NEAR)
    user = emulator.user(901)
    welcome = await user.say("/start")
    assert "until applications close on December 31, 2026" in texts(welcome)  # the welcome dates its promise
    await answer(user, "web_developer", "master", "abroad", "yes", "no", "CN", "yes", "yes", "=40000000")
    result = await user.tap(nav(user, "result"))
    verdict, checklist = result[0].plain, result[1].plain
    assert "11 days left to file on gg24" in verdict and "apostille" in verdict
    assert "you file the official application yourself on gg24.gg.go.kr" in verdict
    assert "11 days left" in checklist and "valid for 3 months" in checklist
    assert "Do not wait for the pre-check" not in verdict  # 11 days: the pre-check has time
    await user.tap(nav(user, "apply"))
    form = await user.tap(nav(user, "agree"))
    assert "11 days left to file on gg24" in texts(form)
    await answer(user, *FORM)
    documents = texts(await user.tap(nav(user, "docs")))
    assert "11 days left to file on gg24" in documents and documents.count("apostille") == 1  # said once


async def test_last_day_and_far_from_the_close(bot: BotRunner, emulator: BotAPIEmulator, clock) -> None:  # type: ignore[no-untyped-def]
    user = emulator.user(902)
    await eligible(user)  # the tests' NOW: 37 days left, no countdown yet
    assert "days left to file" not in texts(user.messages)
    clock.set(datetime(2026, 12, 31, 20, 0, tzinfo=SEOUL))
    await user.say("/restart")
    await answer(user, "web_developer", "master", "abroad", "yes", "no", "CN", "yes", "yes", "=40000000")
    verdict = (await user.tap(nav(user, "result")))[0].plain
    assert "Last day: file on gg24 by December 31, 2026" in verdict
    # The pre-check may come too late: the last days say to file on gg24 without waiting, and drop the
    # advice about documents that take weeks.
    assert "Do not wait for the pre-check" in verdict and "apostille" not in verdict
    # Half an hour left: "close today at 11:59 PM" invites a pause; a newcomer and /about read the minutes.
    clock.set(datetime(2026, 12, 31, 23, 30, 0, tzinfo=SEOUL))
    assert "Applications close in 29 minutes, at 11:59" in texts(await emulator.user(910).say("/start"))
    assert "Applications close in 29 minutes" in texts(await user.say("/about"))


async def test_after_the_close_a_draft_is_told_shown_and_kept_until_the_erasure(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    user = await at_documents(emulator, 903)
    await upload_documents(user, emulator, ("passport_copy",))
    clock.set(AFTER)
    start = await user.say("/start")
    assert start[0].plain.startswith("🔒 Applications closed on December 31, 2026")
    assert "will be erased on January 30, 2027" in start[0].plain and "/mydata" in start[0].plain
    # Never as if the draft were the application: a filing on gg24 made in time stands.
    assert "If you filed on gg24 in time, your application there stands" in start[0].plain
    assert "cannot be filed" not in start[0].plain
    assert "🔍 See how I fit the rules" in start[-1].button_texts
    status = texts(await user.say("/status"))
    assert "Draft (not sent): 10 of 10 details, 1 of 3 documents" in status
    assert "will be erased on January 30, 2027" in status
    apply = texts(await user.say("/apply"))
    assert "Applications closed on" in apply and "will be erased on January 30, 2027" in apply
    typed = texts(await user.say("Kim"))  # typed text no longer edits the shut form
    assert "Please use the buttons" not in typed and "Kim" not in str(rows(settings, "select job from applications"))
    again = texts(await user.say("/restart"))  # as /start says it: information only now
    assert "Starting over." in again and "Information only" in again and "Question 1" in again

    assert await periodic(bot, settings, clock) == 1  # told once at the close
    assert await periodic(bot, settings, clock) == 0
    await wait_for_text(user, "Applications have closed")
    clock.set(SOON_ERASED)
    assert await periodic(bot, settings, clock) == 1  # a week before
    await wait_for_text(user, "On January 30, 2027")
    files = Path(settings.files_dir)
    assert any(p.is_file() for p in files.rglob("*"))
    clock.set(ERASED)
    assert await periodic(bot, settings, clock) == 1
    await wait_for_text(user, "have been erased")
    assert rows(settings, "select count(*) from applications") == [(0,)]
    assert rows(settings, "select count(*) from documents") == [(0,)]
    assert not any(p.is_file() for p in files.rglob("*"))
    assert rows(settings, "select count(*) from questionnaires") == [(1,)]  # the check stays, as said
    assert await periodic(bot, settings, clock) == 0


async def test_submitted_applications_go_on_after_the_close(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    user = await applicant_who_submitted(emulator, 904)
    clock.set(ERASED)  # past the close and the drafts' erasure
    await periodic(bot, settings, clock)
    assert rows(settings, "select status from applications") == [("submitted",)]  # never erased
    status = texts(await user.say("/status"))
    assert "GG-2026-" in status and "Draft" not in status
    assert "No gg24 filing reported. Applications closed on December 31, 2026" in status  # not "file by"
    assert "wait for the province's decision" in status and "before you file" not in status
    start = texts(await user.say("/start"))  # where theirs stands; the check "as information" is not for them
    assert "GG-2026-000001" in start and "no application can be made now" not in start
    await change(settings, clock, "GG-2026-000001", "recommended")  # staff keep deciding
    await wait_for_text(user, "Gyeonggi Province has recommended you")
    assert "I have applied for the visa" in (await user.say("/status"))[-1].button_texts  # the road goes on


async def test_after_the_close_a_newcomer_is_not_asked_question_1_by_help_or_status(
    bot: BotRunner, emulator: BotAPIEmulator, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(AFTER)
    user = emulator.user(905)
    start = texts(await user.say("/start"))
    assert "Applications closed" in start and "Question 1" not in start
    for command in ("/help", "/status"):
        assert "Question 1" not in texts(await user.say(command)), command
    nothing = texts(await user.say("/status"))  # not "yet … check with /start": nothing can follow now
    assert nothing.startswith("You have no application here.") and "Applications closed" in nothing
    assert (await user.say("/help"))[0].plain.startswith("🔒 Applications closed")  # before a list naming /apply
    await user.tap("🔍 See how I fit the rules")  # the check as information
    await answer(user, "web_developer")  # begun: from now on it is their step
    assert "Question 2" in texts(await user.say("/help"))


@pytest.fixture
def moved_close(tmp_path: Path) -> Iterator[None]:
    """knowledge/data with the close moved to 2027-03-31: the data changes, no code."""
    data = tmp_path / "knowledge"
    shutil.copytree(loader.DATA_DIR, data)
    programme = data / "programme.yaml"
    text = programme.read_text(encoding="utf-8")
    assert '"2026-12-31T23:59:59+09:00"' in text
    programme.write_text(text.replace('"2026-12-31T23:59:59+09:00"', '"2027-03-31T23:59:59+09:00"'), encoding="utf-8")
    original = loader.DATA_DIR
    loader.DATA_DIR = data
    loader.reload()
    yield
    loader.DATA_DIR = original
    loader.reload()


async def test_a_moved_close_reopens_everything(
    moved_close: None, bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    user = emulator.user(905)
    await filled_form(user)
    clock.set(datetime(2027, 1, 15, 10, 0, tzinfo=SEOUL))  # after the old close, before the new one
    start = texts(await user.say("/start"))
    assert "Applications closed" not in start and "Welcome back" in start
    review = texts(await user.say("/apply"))
    assert "Your application (draft)" in review
    assert "75 days left" not in review  # not yet the last 30 days
    await periodic(bot, settings, clock)
    keys = [k for (k,) in rows(settings, "select dedup_key from outbox")]
    assert not any(str(k).startswith("retention:") for k in keys)  # no close notice, no erasure
    assert any(str(k).startswith("remind:idle:") for k in keys)  # the open window's reminders instead
    clock.set(datetime(2027, 3, 20, 10, 0, tzinfo=SEOUL))
    verdict = texts(await user.say("/apply"))
    assert "11 days left to file on gg24 (until March 31, 2027" in verdict


async def test_a_finished_draft_not_sent_is_reminded_once(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    user = await at_documents(emulator, 906)
    await upload_documents(user, emulator, ("passport_copy", "degree_certificate"))  # one still missing
    clock.advance(timedelta(days=1, minutes=1))
    await periodic(bot, settings, clock)
    assert not any(str(k).startswith("remind:ready:") for (k,) in rows(settings, "select dedup_key from outbox"))
    await upload_documents(user, emulator, ("employment_contract",))
    clock.advance(timedelta(days=1, minutes=1))
    # Every recommendation issued: "send it with /apply" would be refused, so it is not said.
    await write_sqlite(settings, "update counters set value = 630 where name = 'recommendations'")
    await periodic(bot, settings, clock)
    assert not any(str(k).startswith("remind:") for (k,) in rows(settings, "select dedup_key from outbox"))
    await write_sqlite(settings, "update counters set value = 3 where name = 'recommendations'")
    await periodic(bot, settings, clock)
    await periodic(bot, settings, clock)
    keys = [str(k) for (k,) in rows(settings, "select dedup_key from outbox")]
    assert sum(k.startswith("remind:ready:") for k in keys) == 1
    await wait_for_text(user, "complete, with every document, but not sent yet")
    clock.advance(timedelta(days=3))  # a finished draft has its own reminder: not also "waiting for you"
    await periodic(bot, settings, clock)
    keys = [str(k) for (k,) in rows(settings, "select dedup_key from outbox")]
    assert not any(k.startswith("remind:idle:") for k in keys), keys


async def test_a_document_sent_is_work_on_the_draft_and_the_last_week_has_one_reminder(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    """The idle reminder counted from the form's last answer: a document sent a minute ago was
    followed by "your draft is waiting for you". In the last week a finished draft gets the closing
    reminder only (the ready one, "send it for the pre-check, then file", went beside it)."""
    from datetime import timedelta

    user = await at_documents(emulator, 908)
    clock.advance(timedelta(days=2, hours=23))
    await upload_documents(user, emulator, ("passport_copy",))
    clock.advance(timedelta(minutes=5))
    await periodic(bot, settings, clock)
    assert not [k for (k,) in rows(settings, "select dedup_key from outbox") if str(k).startswith("remind:")]
    await upload_documents(user, emulator, ("degree_certificate", "employment_contract"))
    clock.set(datetime(2026, 12, 30, 20, 0, tzinfo=SEOUL))  # finished, and a day left
    await periodic(bot, settings, clock)
    keys = [str(k) for (k,) in rows(settings, "select dedup_key from outbox") if str(k).startswith("remind:")]
    assert [k.split(":")[1] for k in keys] == ["close1"], keys


async def test_a_draft_finished_in_the_last_week_is_still_told_to_send_it(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    """Unfinished when the 7-day reminder went ("finish it with /apply"), finished two days later:
    the pre-check still has time, so the "complete, send it" reminder comes a day after."""
    user = await at_documents(emulator, 909)
    clock.set(datetime(2026, 12, 24, 10, 0, tzinfo=SEOUL))  # 7 days left
    await periodic(bot, settings, clock)
    await upload_documents(user, emulator, ("passport_copy", "degree_certificate", "employment_contract"))
    clock.set(datetime(2026, 12, 25, 10, 5, tzinfo=SEOUL))
    await periodic(bot, settings, clock)
    keys = [str(k) for (k,) in rows(settings, "select dedup_key from outbox") if str(k).startswith("remind:")]
    assert [k.split(":")[1] for k in keys] == ["close7", "ready"], keys


async def test_in_korean_near_and_after_the_close(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    """The same road in Korean: the days left, the close, the draft's fate and /status."""
    clock.set(NEAR)
    user = emulator.user(907, language_code="ko")
    await user.say("/start")
    await answer(user, "web_developer", "master", "abroad", "yes", "no", "CN", "yes", "yes", "=40000000")
    verdict = (await user.tap(nav(user, "result")))[0].plain
    assert "gg24 신청 마감까지 11일 남았습니다" in verdict and "2026년 12월 31일 오후 11:59" in verdict
    await user.tap(nav(user, "apply"))
    form = texts(await user.tap(nav(user, "agree")))
    assert "11일 남았습니다" in form
    clock.set(AFTER)
    start = await user.say("/start")
    assert start[0].plain.startswith("🔒 신청은 2026년 12월 31일 오후 11:59(한국 시간)에 마감되었습니다")
    assert "2027년 1월 30일 오후 11:59(한국 시간)에 삭제됩니다" in start[0].plain
    status = texts(await user.say("/status"))
    assert "신청서 초안(보내지 않음)" in status and "삭제됩니다" in status
    await user.tap(start[-1].button_texts[0])  # the check, as information only
    await answer(user)  # nothing more to answer: the summary
    verdict = (await user.tap(nav(user, "result")))[0].plain
    assert verdict.startswith("ℹ️ 참고용 안내")


async def test_in_korean_the_draft_notices_and_a_moved_close(
    moved_close: None, bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    """Korean: with the close moved to 2027-03-31, the old close changes nothing; at the new close
    the draft's owner is told, a week before the erasure again, and after it."""
    user = emulator.user(908, language_code="ko")
    await filled_form(user)
    clock.set(datetime(2027, 1, 15, 10, 0, tzinfo=SEOUL))
    start = texts(await user.say("/start"))
    assert "마감되었습니다" not in start and "다시 오신 것을 환영합니다" in start
    assert "신청서 (작성 중)" in texts(await user.say("/apply"))
    clock.set(datetime(2027, 3, 20, 10, 0, tzinfo=SEOUL))
    assert "gg24 신청 마감까지 11일 남았습니다" in texts(await user.say("/apply"))
    clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=SEOUL))
    await periodic(bot, settings, clock)
    await wait_for_text(user, "🔒 신청이 마감되었습니다.")
    assert "2027년 4월 30일 오후 11:59(한국 시간)에 삭제됩니다" in texts(user.messages[-1:])
    clock.set(datetime(2027, 4, 24, 9, 0, tzinfo=SEOUL))
    await periodic(bot, settings, clock)
    await wait_for_text(user, "2027년 4월 30일 오후 11:59(한국 시간)에 삭제됩니다. 원하시면")
    clock.set(datetime(2027, 5, 1, 9, 0, tzinfo=SEOUL))
    await periodic(bot, settings, clock)
    await wait_for_text(user, "보내지 않은 신청서 초안과 서류를 삭제했습니다")
    assert rows(settings, "select count(*) from applications") == [(0,)]


async def test_after_the_close_a_sent_application_is_judged_as_it_was_sent(
    staff_bot: BotRunner, emulator: BotAPIEmulator, clock: FixedClock
) -> None:
    """Staff keep deciding after the close: the rules' verdict on their screen, the employer's missing
    documents and the filing pack's documents are those of the day it was sent, not "not eligible:
    applications closed" (which invited wrong refusals in January)."""
    user = await applicant_who_submitted(emulator, 905)
    admin = emulator.user(ADMIN, language_code="en")
    before = texts(await open_application(admin))
    pack = texts(await user.say("/gg24"))
    clock.set(AFTER)
    after = texts(await open_application(admin))
    assert "You appear to be eligible" in before and "You appear to be eligible" in after
    assert "Applications closed" not in after
    later = texts(await user.say("/gg24"))
    for document in ("Copy of your passport", "Degree certificate", "Employment contract"):
        assert document in pack and document in later, document


async def test_on_the_last_day_gg24_gives_the_draft_s_values_as_the_warning_promises(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """The warning "Do not wait for the pre-check ... /gg24 has every value" holds: on the last days /gg24 gives the pack
    from the draft as it stands; someone without a draft is sent to make one. Earlier, the pack
    still waits for the sending."""
    user = emulator.user(906)
    await filled_form(user)
    early = texts(await user.say("/gg24"))
    assert "comes when you send your draft" in early
    clock.set(datetime(2026, 12, 31, 20, 0, tzinfo=SEOUL))
    shown = await user.say("/gg24")
    pack = texts(shown)
    assert "Your filing pack for gg24, from your draft" in pack and "not sent for the pre-check" in pack
    assert shown[0].plain.startswith("🗂")  # the days left under the heading, not above it
    assert "Then send this draft here too" in pack  # a draft's receipt cannot be recorded: sent, it can
    assert "Send it here too before the close: after the close it cannot be sent" in pack
    # The draft's other screens agree with "Do not wait for the pre-check": file first, send it here too.
    status = texts(await user.say("/status"))
    assert "Next: file on gg24 yourself now: /gg24 makes your filing pack" in status
    assert "for a pre-check; then file" not in status
    review = texts(await user.say("/apply"))
    assert "then file on gg24 yourself now (/gg24)" in review and "after it, you file" not in review, review
    assert "still empty" not in pack
    begun = emulator.user(908)  # consent given, no detail filled yet: the pack says so
    await consented(begun)
    assert "Some details of your draft are still empty" in texts(await begun.say("/gg24"))
    assert "NGUYEN VAN AN" in pack
    assert "Last day" in pack and "Do not wait for the pre-check" in pack
    assert "with the values below" in pack and "/gg24 has every value" not in pack  # said inside /gg24
    newcomer = emulator.user(907)
    await eligible(newcomer)
    assert "prepare it now with /apply, then send /gg24" in texts(await newcomer.say("/gg24"))
    # Every recommendation issued: no pack that invites a filing the province can no longer answer.
    await write_sqlite(settings, "update counters set value = 630 where name = 'recommendations'")
    assert "All 630 recommendations have been issued" in texts(await user.say("/gg24"))
