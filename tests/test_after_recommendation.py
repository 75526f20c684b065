"""After the recommendation: the route-specific next steps (in Korea / from abroad), the visa
nudges with a fixed clock, the duties after the visa, the linked employer's milestones, and the
whole road in the chat."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from bot.crypto import FileCipher, Vault, load_key
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import Company, EmployerLink, EmployerMember, OutboxMessage, Questionnaire, User
from bot.i18n import translator
from bot.services.applications import ApplicationService
from bot.services.periodic import run_periodic
from bot.services.uploads import FileStore
from bot.services.visa_reminders import run_visa_reminders
from dialogs import after_recommendation as ar
from dialogs import statuses as st
from emulator import BotAPIEmulator
from knowledge.text import Lines, Message, Text
from tests.budget_check import over_budget
from tests.conftest import BotRunner
from tests.e2e import RAW_KEY, answer, korean
from tests.test_status import change, submitted_application

EN = translator("en")


def plain(message: Message, language: str = "en") -> str:
    return re.sub(r"<[^>]+>", "", translator(language).render(message))


def view(status: str, in_korea: bool, stay: str | None = None, occupation: str = "web_developer") -> st.StatusView:
    return st.StatusView(
        "GG-2026-000001",
        status,
        in_korea,
        recommendation_number="GGR-2026-0001" if status == st.RECOMMENDED else None,
        recommendation_date=date(2026, 12, 1) if status == st.RECOMMENDED else None,
        stay_status=stay,
        occupation=occupation,
    )


def after_recommendation(v: st.StatusView) -> str:
    return "\n".join(plain(m) for m in (st.notification(v), *st.follow_ups(v)))


ROUTES = [(False, None), (True, "D-2"), (True, "E-9")]


def test_route_follows_where_the_person_is_and_their_status() -> None:
    assert ar.route(False, None) == ar.CCVI
    assert ar.route(True, "D-2") == ar.CHANGE
    assert ar.route(True, "D-10") == ar.CHANGE
    assert ar.route(True, "E-9") == ar.CCVI  # cannot change to E-7 inside Korea (M2 p.224)


def test_in_korea_files_where_they_live_with_the_change_of_status_fees_and_documents() -> None:
    text = after_recommendation(view(st.RECOMMENDED, True, "D-2"))
    assert "change of status (체류자격 변경허가)" in text
    assert (
        "the place where you live (not the company's address)" in text
        and "Ministry of Justice stay manual, pp. 3, 153, 382" in text
    )
    assert "₩100,000" in text and "₩80,000" in text and "not known: check HiKorea or ask 1345" in text
    assert "통합신청서" in text and "외국인등록증" in text  # the change-of-status documents
    assert "사증발급인정신청서" not in text and "Your employer files it" not in text
    assert "A recommendation is not a visa" in text
    assert "not stated in the rules" in text and "Ask 031-120" in text  # the letter's validity
    assert "09:00–22:00" in text and "after 18:00 only Korean, English and Chinese" in text


def test_from_abroad_the_employer_files_at_the_company_office_and_the_unknowns_are_said() -> None:
    text = after_recommendation(view(st.RECOMMENDED, False))
    assert "visa issuance confirmation (사증발급인정서)" in text
    assert "Your employer files it at the immigration office covering the company's address" in text
    assert "Ministry of Justice visa issuance manual, p. 178 (official)" in text
    assert "사증발급인정신청서" in text and "통합신청서" not in text and "외국인등록증" not in text
    assert "₩100,000" not in text  # no change-of-status fee on this route
    assert "fee for the confirmation is not stated in the manuals" in text and "ask the consulate" in text
    assert "1345 (from abroad +82-1345), menu 2" in text and "Ask 031-120" in text


def test_a_status_that_cannot_change_in_korea_gets_the_route_from_abroad_and_why() -> None:
    text = after_recommendation(view(st.RECOMMENDED, True, "E-9"))
    assert "A change from E-9 to E-7 is not possible inside Korea" in text
    assert "Your employer files it" in text and "통합신청서" not in text


def test_care_worker_documents_include_the_care_institution() -> None:
    care = after_recommendation(view(st.RECOMMENDED, True, "D-2", "care_worker"))
    web = after_recommendation(view(st.RECOMMENDED, True, "D-2", "web_developer"))
    assert "장기요양기관 지정서" in care and "장기요양기관 지정서" not in web


def all_messages() -> Iterator[Message]:
    for in_korea, stay in ROUTES:
        for occupation in ("web_developer", "care_worker"):
            for status in (st.RECOMMENDED, st.VISA_APPLIED, st.VISA_ISSUED):
                v = view(status, in_korea, stay, occupation)
                yield st.notification(v)
                yield from st.follow_ups(v)
                yield st.status_summary(v)
                yield st.employer_notification(v.reference, status, in_korea=in_korea, stay_status=stay)


# Their size on a phone (sources folded) is checked in every language by tests/test_budgets.py.


def _citations(message: object) -> Iterator[Text]:
    if isinstance(message, Lines):
        for item in message.items:
            yield from _citations(item)
    elif isinstance(message, Text):
        if message.msgid.startswith(("<i>Source: ", "<i>Sources: ")):
            yield message
        for value in message.params.values():
            yield from _citations(value)


def test_every_fact_cites_known_sources_with_a_confidence() -> None:
    """Each citation names its sources in plain words (a key the data do not know would show as
    written, "X9 p.1") and says how sure it is."""
    tr = translator("en")
    citations = [c for m in all_messages() for c in _citations(m)]
    assert len(citations) > 100
    for citation in citations:
        line = tr.render(citation, html_mode=False)
        assert not RAW_KEY.search(line) and citation.params["confidence"], line
    # each numbered step of the route has its source under the same number, folded
    steps = plain(ar.steps_message(True, "D-2"))
    numbers = re.findall(r"^(\d+)\. ", steps, re.M)
    assert numbers and numbers == [str(i) for i in range(1, len(numbers) // 2 + 1)] * 2
    assert steps.count("Source:") == len(numbers) // 2


def test_after_the_visa_registration_employer_changes_and_stay() -> None:
    abroad = plain(st.notification(view(st.VISA_ISSUED, False)))
    assert "within 90 days" in abroad and "visa guide websites" in abroad
    assert "within 15 days; the report is free" in abroad and "Ministry of Justice stay manual, pp. 221–223" in abroad
    assert "at most 3 years" in abroad and "소득금액증명원" in abroad
    care = plain(st.notification(view(st.VISA_ISSUED, True, "D-2", "care_worker")))
    assert "only without fault on your side" in care and "within 15 days" not in care
    assert "within 90 days" not in care  # already in Korea: no entry to register after


def test_visa_applied_says_the_processing_time_is_unknown() -> None:
    text = plain(st.status_summary(view(st.VISA_APPLIED, False)))
    assert "no official figure" in text and "1345 (from abroad +82-1345), menu 2" in text and "/status" in text


def test_employer_milestones_say_what_they_mean_for_the_employer() -> None:
    abroad = plain(st.employer_notification("GG-2026-000001", st.RECOMMENDED, in_korea=False))
    assert "Next for you: file for the visa issuance confirmation" in abroad and "company's address" in abroad
    korea = plain(st.employer_notification("GG-2026-000001", st.RECOMMENDED, in_korea=True, stay_status="D-2"))
    assert "where they live" in korea and "Next for you" not in korea
    issued = plain(st.employer_notification("GG-2026-000001", st.VISA_ISSUED, in_korea=False))
    assert "within 90 days" in issued and "1345, menu 3" in issued
    applied = plain(st.employer_notification("GG-2026-000001", st.VISA_APPLIED, in_korea=False))
    assert "with immigration" in applied and "no official figure" in applied


# --- With the database: the service's notifications and the nudges -----------------------------


async def _person(settings: Settings, clock: FixedClock, user_id: int, answers: dict[str, object]) -> None:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        now = clock.now()
        session.add(User(id=user_id, language="en", created_at=now, last_seen_at=now))
        await session.flush()
        session.add(Questionnaire(user_id=user_id, answers=answers, history=[], started_at=now, updated_at=now))
        await session.commit()
    await engine.dispose()


async def _consented_submission(settings: Settings, clock: FixedClock, user_id: int) -> str:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        service = ApplicationService(session, clock)
        app = await service.create_draft(user_id, "web_developer")
        app.consent_at = clock.now()
        reference = (await service.submit(app)).reference
    await engine.dispose()
    return reference


async def _report(settings: Settings, clock: FixedClock, reference: str, new: str) -> None:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        service = ApplicationService(session, clock)
        await service.report(await service.by_reference(reference), new)
    await engine.dispose()


async def _nudge(settings: Settings, clock: FixedClock) -> int:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        added = await run_visa_reminders(session, clock)
        await session.commit()
    await engine.dispose()
    return added


async def _outbox(settings: Settings, chat_id: int | None = None) -> list[OutboxMessage]:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if chat_id is not None:
            query = query.where(OutboxMessage.chat_id == chat_id)
        rows = list((await session.execute(query)).scalars())
    await engine.dispose()
    return rows


async def test_visa_nudges_are_sent_once_each_and_stop_once_reported(db_settings: Settings, clock: FixedClock) -> None:
    settings = db_settings  # the query joins the history: on both databases
    await _person(settings, clock, 901, {"in_korea": False})
    await _person(settings, clock, 902, {"in_korea": False})
    ref = await _consented_submission(settings, clock, 901)
    other = await _consented_submission(settings, clock, 902)  # stays "submitted": never nudged
    await change(settings, clock, ref, st.RECOMMENDED)
    await change(settings, clock, other, st.UNDER_REVIEW)
    start = clock.now()

    clock.set(start + timedelta(days=13, hours=23))
    assert await _nudge(settings, clock) == 0
    clock.set(start + timedelta(days=14, minutes=1))
    assert await _nudge(settings, clock) == 1
    assert await _nudge(settings, clock) == 0  # once
    clock.set(start + timedelta(days=30, minutes=1))
    assert await _nudge(settings, clock) == 1 and await _nudge(settings, clock) == 0
    keys = [m.dedup_key for m in await _outbox(settings) if m.dedup_key.startswith("remind:")]
    assert keys == ["remind:applied14:1", "remind:applied30:1"]
    texts = [m.text for m in await _outbox(settings, 901) if m.dedup_key.startswith("remind:")]
    assert all("Have you applied for the visa yet?" in t and ref in t for t in texts)

    # The person reports applying: no more "applied?"; "issued?" counts from the report.
    reported = start + timedelta(days=31)
    clock.set(reported)
    await _report(settings, clock, ref, st.VISA_APPLIED)
    clock.set(reported + timedelta(days=20))
    assert await _nudge(settings, clock) == 0
    clock.set(reported + timedelta(days=21, minutes=1))
    assert await _nudge(settings, clock) == 1 and await _nudge(settings, clock) == 0
    last = (await _outbox(settings, 901))[-1]
    assert last.dedup_key == "remind:issued21:1" and "Has your visa been issued?" in last.text

    # Visa issued: nothing more, ever.
    await _report(settings, clock, ref, st.VISA_ISSUED)
    clock.set(reported + timedelta(days=90))
    assert await _nudge(settings, clock) == 0
    assert not [m for m in await _outbox(settings, 902) if m.dedup_key.startswith("remind:")]


async def test_a_late_check_sends_only_the_latest_nudge_and_goes_on_after_the_close(
    settings: Settings, clock: FixedClock
) -> None:
    await _person(settings, clock, 903, {"in_korea": True, "stay_status": "D-10"})
    ref = await _consented_submission(settings, clock, 903)
    await change(settings, clock, ref, st.RECOMMENDED)
    clock.set(datetime(2027, 2, 1, 9, 0, tzinfo=SEOUL))  # after the window closed; over 30 days later
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        key = load_key(settings)
        store = FileStore(settings.files_dir, FileCipher(key))
        assert await run_periodic(session, clock, Vault(key), store) == 1  # the sender's periodic check
    await engine.dispose()
    keys = [m.dedup_key for m in await _outbox(settings, 903) if m.dedup_key.startswith("remind:")]
    assert keys == ["remind:applied30:1"]


async def test_linked_employers_get_each_visa_milestone_with_its_meaning(settings: Settings, clock: FixedClock) -> None:
    await _person(settings, clock, 911, {"in_korea": False})
    await _person(settings, clock, 912, {})  # the company's HR person
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        now = clock.now()
        company = Company(
            name="Hanbit", brn="1234567890", city="suwon", contact_name="Kim", created_by=912, created_at=now
        )
        session.add(company)
        await session.flush()
        session.add(EmployerMember(user_id=912, company_id=company.id, joined_at=now))
        session.add(
            EmployerLink(
                applicant_id=911,
                company_id=company.id,
                state="active",
                shared_documents=[],
                created_at=now,
                changed_at=now,
            )
        )
        await session.commit()
    await engine.dispose()
    ref = await _consented_submission(settings, clock, 911)
    await change(settings, clock, ref, st.RECOMMENDED)
    await _report(settings, clock, ref, st.VISA_APPLIED)
    await _report(settings, clock, ref, st.VISA_ISSUED)
    told = [m.text for m in await _outbox(settings, 912)]
    assert len(told) == 4  # submitted, recommended, visa applied, visa issued
    assert "Recommended" in told[1] and "file for the visa issuance confirmation" in told[1]
    assert "Visa applied for" in told[2] and "with immigration" in told[2]
    assert "Visa issued" in told[3] and "within 90 days" in told[3] and "1345, menu 3" in told[3]
    # The applicant got the recommendation's notice and its three follow-ups, in order.
    mine = [m for m in await _outbox(settings, 911)]
    recommended = [m for m in mine if m.dedup_key.startswith("status:") and "GGR-" in m.text]
    assert len(recommended) == 1
    start = mine.index(recommended[0])
    follow = [m.text for m in mine[start + 1 : start + 5]]
    assert "Your next step" in follow[0] and "From you" in follow[1] and "From your employer" in follow[2]
    assert "Not known yet" in follow[3]


# --- End to end: staff recommend, the person reads the road in their language ----------------


async def _recommended_in_chat(
    bot: BotRunner,
    emulator: BotAPIEmulator,
    settings: Settings,
    clock: FixedClock,
    user_id: int,
    language: str,
    *steps: str,
) -> list[str]:
    user = emulator.user(user_id, language_code=language)
    await user.say("/start")
    await answer(user, *steps)
    before = len(user.messages)
    ref = await submitted_application(settings, clock, user_id)
    await change(settings, clock, ref, st.RECOMMENDED)  # as the staff CLI / desk does
    await user.wait_messages(before + 6, timeout=15)  # submitted, recommended + 4 follow-ups
    await asyncio.sleep(1)
    return [m.plain for m in user.messages[before:]]


ABROAD = ("web_developer", "master", "abroad", "yes", "no", "CN", "yes", "yes", "=40000000")
IN_KOREA = ("web_developer", "master", "abroad", "yes", "yes", "D-2", "CN", "yes", "yes", "=40000000")


async def test_staff_recommend_and_the_person_abroad_gets_the_ccvi_road_in_english(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    got = await _recommended_in_chat(bot, emulator, settings, clock, 921, "en", *ABROAD)
    assert len(got) == 6
    assert "recommended you" in got[1] and "A recommendation is not a visa" in got[1]
    assert "Your employer files it at the immigration office covering the company's address" in got[2]
    assert "사증발급인정신청서" in got[3] and "From your employer" in got[4] and "Ask 031-120" in got[5]
    assert not [o for m in emulator.user(921).messages for o in over_budget("en", m)]
    shown = await emulator.user(921).say("/status")
    assert "visa issuance confirmation" in shown[0].plain and "company's address" in shown[0].plain


async def test_staff_recommend_and_the_person_in_korea_gets_the_change_of_status_road_in_korean(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    got = await _recommended_in_chat(bot, emulator, settings, clock, 922, "ko", *IN_KOREA)
    assert len(got) == 6
    assert all(korean(text) for text in got)
    assert "GGR-2026-0001" in got[1]
    # Korean proper nouns (given verbatim) name the route and its documents; the sources are cited.
    assert "체류자격 변경허가" in got[2] and "3, 153, 382쪽" in got[2] and "사증발급인정서" not in got[2]
    assert "통합신청서" in got[3] and "외국인등록증" in got[3]
    assert "031-120" in got[5] and "1345" in got[5]
    shown = await emulator.user(922).say("/status")
    assert "체류자격 변경허가" in shown[0].plain


def test_the_processing_time_said_is_the_route_s() -> None:
    """In Korea (a change of status) the agents' "2 weeks to 1 month for a visa issuance confirmation"
    was said too, to the applicant and their employer: that figure is the other route's."""
    en = translator("en")
    for in_korea, stay, route_words, other in (
        (True, "D-10", "for a change of status", "visa issuance confirmation"),
        (False, None, "for a visa issuance confirmation", "change of status"),
    ):
        for said in (
            ar.unknowns_message(in_korea, stay),
            ar.visa_applied_next(in_korea, stay),
            ar.employer_visa_applied(in_korea, stay),
        ):
            text = en.render(said, html_mode=False)
            times = [line for line in text.splitlines() if "How long immigration takes" in line]
            assert times and all(route_words in t and other not in t for t in times), (in_korea, times)


def test_from_abroad_the_consulate_step_is_said_while_the_confirmation_is_awaited() -> None:
    """Abroad, what the employer applies for is the confirmation; the visa itself is then applied
    for at a consulate (it went unsaid after "I have applied", before "My visa has been issued")."""
    en = translator("en")
    assert "at a Korean consulate" in en.render(ar.visa_applied_next(False, None), html_mode=False)
    assert "consulate" not in en.render(ar.visa_applied_next(True, "D-10"), html_mode=False)
