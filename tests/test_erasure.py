"""/delete leaves nothing that identifies the person (issue 15): every table of the metadata is read
back column by column for any trace of them (so a table added later is covered too), the files
folder and the runtime's keys (Redis SCAN, or the in-process storage) are checked, and an employer
redeeming the erased person's old invite code gets the ordinary "not valid" answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select, text

from bot.clock import FixedClock
from bot.config import Settings
from bot.crypto import Vault, load_key
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import Base, Company, EmployerLink, EmployerMember, StatusChange, Ticket, TicketMessage, User
from bot.services.applications import ApplicationService, reference_for
from bot.services.data_rights import ERASED, ERASED_ACTOR, DataRightsService
from emulator import BotAPIEmulator
from tests.conftest import ADMIN, NOW, BotRunner, on_postgres, running, with_admin
from tests.e2e import APOLOGY_EN, FORM, invite_colleague, press, submitted_via_bot, texts, wait_for_text, with_button
from tests.test_employers import BRN, OTHER_BRN, code_in, emp, register
from tests.test_production import empty_redis

PERSON, EMPLOYER, LATE_EMPLOYER, BYSTANDER = 7_712_345, 7_700_001, 7_700_002, 7_799_999
APP_ID = 4241  # the person's application id: distinct from every other number in the database
THIRD_BRN = "124-81-00998"
NOTE = "Please bring the original passport"
QUESTION = "Is my apostilled diploma from Hanoi enough?"
STAFF_ANSWER = "Yes, with its Korean translation"
UNANSWERED = "Where can I buy a SIM card with passport M98765432?"


@pytest.fixture(params=["sqlite", "postgresql+redis"])
async def erase_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param != "sqlite":
        settings = await on_postgres(settings, redis_url=await empty_redis())
    return with_admin(settings)


@pytest.fixture
async def runner(erase_settings: Settings, clock: FixedClock, emulator: BotAPIEmulator) -> AsyncIterator[BotRunner]:
    async with running(erase_settings, clock, emulator) as bot:
        yield bot


async def sql(settings: Settings, statement: str, **params: Any) -> None:
    engine = make_engine(settings)
    async with engine.begin() as conn:
        await conn.execute(text(statement), params)
    await engine.dispose()


async def rows(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(settings)
    async with engine.connect() as conn:
        out = {t.name: [dict(r._mapping) for r in await conn.execute(t.select())] for t in Base.metadata.sorted_tables}
    await engine.dispose()
    return out


def traces_in(value: object, needles: list[str], numbers: set[int]) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return value in numbers
    shown = (
        json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, dict | list) else str(value)
    ).lower()
    return any(n.lower() in shown for n in needles)


async def test_delete_leaves_no_trace_of_the_person(
    runner: BotRunner, erase_settings: Settings, emulator: BotAPIEmulator
) -> None:
    settings = erase_settings
    person, hr, admin = emulator.user(PERSON), emulator.user(EMPLOYER), emulator.user(ADMIN, language_code="en")
    bystander = emulator.user(BYSTANDER)
    await bystander.say("/start")
    # A refused application of someone else first, so the person's gets an id found nowhere else.
    await sql(
        settings,
        "insert into applications (id, user_id, status, created_at, updated_at) values (:id, :u, 'not_recommended', :t, :t)",
        id=APP_ID - 1,
        u=BYSTANDER,
        t=NOW,
    )
    if settings.database_url.startswith("postgresql"):
        await sql(settings, f"select setval('applications_id_seq', {APP_ID - 1})")

    # The person applies with documents; an employer is linked through the person's invite code.
    await submitted_via_bot(person, emulator)
    # A question the FAQ cannot answer, with their passport number in it: their words, kept as theirs.
    assert "I am not sure I understood" in texts(await person.say(UNANSWERED))
    await register(hr, "Hanbit Soft", BRN)
    await person.say("/share")
    code, _ = code_in((await press(person, data="sh1:invite:"))[0])
    await hr.say("/employer")
    await emp(hr, "🔑")
    # The reply, wherever it is among what arrived (an outbox notice may come first).
    assert any("asked to approve" in m.plain for m in await hr.say(code))
    await wait_for_text(person, "asks to follow")  # the notice (the form also names Hanbit Soft)
    await person.say("/share")
    await press(person, data="sh1:ask:")
    await press(person, data="sh1:approve:")
    await person.say("/share")
    await press(person, data="sh1:company:")  # the company's own screen
    await press(person, data="sh1:shared:")
    await press(person, data="sh1:toggle:")  # shares one document
    old_code, _ = code_in((await press(person, data="sh1:invite:"))[0])  # never used
    await person.say("/share")
    await press(person, data="sh1:code:")
    assert "not valid" in (await person.say("AAAAAAAA"))[0].plain  # a wrong code: a code_attempts row
    # A staff decision with a note: history, audit, and a notice to the person and the employer.
    await admin.say("/staff")
    for label in ("🌐 English", "📥 Review queue", "GG-2026-", "📝 Request", "1"):  # 1. A document is missing
        await press(admin, label)
    await admin.say(NOTE)
    assert "Done" in (await press(admin, "✔ Confirm"))[0].plain
    await wait_for_text(person, NOTE)
    reference = (await wait_for_text(hr, "GG-2026-")).plain.split("GG-2026-", 1)[1][:6]
    reference = f"GG-2026-{reference}"
    # A question to programme staff, answered: a ticket, its thread, audit entries, an outbox message.
    await person.say(f"/ask {QUESTION}")
    await press(person, "📨")
    await admin.say("/staff")
    for label in ("❓ Questions", "#", "✍️ Reply"):
        await press(admin, label)
    await admin.say(STAFF_ANSWER)
    await wait_for_text(person, STAFF_ANSWER)
    # The person also registered a company of their own, of which they are the only member.
    await person.say("/employer")
    await register(person, "Erase Test Co", OTHER_BRN)
    # Runtime keys: FSM state and data, and a sending slot of their chat.
    assert runner.runtime is not None
    dp, budget = runner.runtime.dp, runner.runtime.sender.budget
    key = StorageKey(bot_id=runner.runtime.bot.id, chat_id=PERSON, user_id=PERSON)
    await dp.storage.set_state(key, "form:name")
    await dp.storage.set_data(key, {"draft": "NGUYEN VAN AN"})
    await dp.storage.set_state(StorageKey(bot_id=key.bot_id, chat_id=-100_555, user_id=PERSON), "in_a_group")
    budget.per_chat = 120  # type: ignore[attr-defined]  # the slot outlives the test
    await budget.acquire(PERSON)

    before = await rows(settings)
    assert any(r["id"] == APP_ID for r in before["applications"])
    assert before["invite_codes"] and before["code_attempts"] and before["employer_links"]
    assert before["tickets"] and before["ticket_messages"] and before["unanswered_questions"]
    assert any(r["brn"] == OTHER_BRN.replace("-", "") for r in before["companies"])
    files = Path(settings.files_dir)
    assert (files / str(APP_ID)).is_dir()

    confirm = await person.say("/delete")
    assert "Your company Erase Test Co is deleted too: you are its only member." in confirm[-1].plain
    done = await person.tap("Yes, delete everything", message=confirm[-1])
    assert "All your data has been deleted" in done[-1].plain
    await emulator.wait_processed()

    # Every table, every column: nothing that leads to the person.
    needles = [
        str(PERSON),
        str(APP_ID),
        reference,
        NOTE,
        "Erase Test Co",
        old_code,
        QUESTION,
        STAFF_ANSWER,
        "M98765432",
    ]
    needles += [v[1:] for v in FORM if v.startswith("=") and v[1:] not in ("Hanbit Soft", "134-86-72683", "2027-01-05")]
    after = await rows(settings)
    found = [
        (table, column, value)
        for table, table_rows in after.items()
        for row in table_rows
        for column, value in row.items()
        if traces_in(value, needles, {PERSON, APP_ID})
    ]
    assert found == [], found
    # The employer that followed them is told a candidate stopped sharing, naming nobody.
    assert "stopped sharing" in (await wait_for_text(hr, "stopped sharing")).plain
    assert not any(c["brn"] == OTHER_BRN.replace("-", "") for c in after["companies"])
    # What is kept: others' rows, the anonymous counts, the decision's audit entry without the person.
    assert any(u["id"] == BYSTANDER for u in after["users"]) and any(u["id"] == EMPLOYER for u in after["users"])
    assert [c["name"] for c in after["companies"]] == ["Hanbit Soft"]
    assert after["funnel_counts"] == before["funnel_counts"] and after["counters"] == before["counters"]
    # Their own acts (the question sent) name "a person who deleted their data", never the CLI (0).
    assert not [e for e in after["audit_log"] if e["actor_id"] == 0]
    assert any(e["actor_id"] == ERASED_ACTOR for e in after["audit_log"])
    decided = [e for e in after["audit_log"] if e["action"] == "application.status"]
    assert decided and all(e["target"] == ERASED and "note" not in (e["after"] or {}) for e in decided)
    # No file, no folder.
    assert not files.exists() or list(files.rglob("*")) == []
    # No key of theirs: Redis SCAN, or the in-process storage and budget.
    if runner.runtime.redis is not None:
        keys = [k.decode() async for k in runner.runtime.redis.scan_iter("*")]
        assert keys and not [k for k in keys if str(PERSON) in k], keys
    else:
        assert not [k for k in dp.storage.storage if PERSON in (k.chat_id, k.user_id)]  # type: ignore[attr-defined]
        assert PERSON not in budget._chat_next  # type: ignore[attr-defined]

    # An employer typing the erased person's old code gets the ordinary answer.
    late = emulator.user(LATE_EMPLOYER)
    await register(late, "Daon Care", THIRD_BRN)
    await emp(late, "🔑")
    answered = await late.say(old_code)
    assert "not valid" in answered[0].plain and APOLOGY_EN not in answered[0].plain
    # And the erased company's business number can be registered again.
    again = await register(emulator.user(7_700_003), "Erase Test Co", OTHER_BRN)
    assert "Erase Test Co" in again[0].plain and "already registered" not in again[0].plain
    assert not any(APOLOGY_EN in m.plain for u in (person, hr, admin, late) for m in u.messages)


async def test_an_erased_colleague_leaves_the_company_which_stays(
    runner: BotRunner, erase_settings: Settings, emulator: BotAPIEmulator
) -> None:
    hr, colleague = emulator.user(EMPLOYER), emulator.user(PERSON)
    await register(colleague, "Hanbit Soft", BRN)  # the registrant, then a colleague stays
    _code, payload = code_in((await invite_colleague(colleague))[0])
    await hr.say(f"/start {payload}")
    confirm = with_button(await colleague.say("/delete"), "Yes, delete everything")
    assert "deleted too" not in confirm.plain  # a colleague stays: the company is not erased
    await colleague.tap("Yes, delete everything", message=confirm)
    engine = make_engine(erase_settings)
    async with make_sessionmaker(engine)() as session:
        company = (await session.execute(select(Company))).scalar_one()
        members = await session.scalar(select(func.count()).select_from(User).where(User.id == PERSON))
    await engine.dispose()
    assert company.name == "Hanbit Soft" and company.created_by != PERSON and "Kim Minji" not in company.contact_name
    assert members == 0
    home = await hr.say("/employer")
    assert "Hanbit Soft" in home[0].plain


async def test_the_next_person_never_gets_an_erased_person_s_ids(db_settings: Settings, clock: FixedClock) -> None:
    """The erased rows were the newest: the next person's application, history, employer link,
    company, question and its reply get new ids, so the reference GG-2026-000001, an employer's old
    "👤" button, staff's "#1" and old notices lead to nobody (SQLite reused max(id)+1 before 0017)."""
    engine = make_engine(db_settings)
    maker = make_sessionmaker(engine)

    async def everything_of(uid: int, brn: str) -> dict[str, int]:
        now = clock.now()
        async with maker() as session:
            session.add(User(id=uid, language="en", created_at=now, last_seen_at=now))
            company = Company(name=f"Co {uid}", brn=brn, city="suwon", contact_name="x", created_by=uid, created_at=now)
            session.add(company)
            await session.flush()
            app = await ApplicationService(session, clock).create_draft(uid, None)
            session.add(EmployerMember(user_id=uid, company_id=company.id, joined_at=now))  # its only member
            link = EmployerLink(applicant_id=uid, company_id=company.id, state="active", created_at=now, changed_at=now)
            ticket = Ticket(user_id=uid, status="open", language="en", question="?", created_at=now, updated_at=now)
            session.add_all([link, ticket])
            await session.flush()
            reply = TicketMessage(ticket_id=ticket.id, author="staff", text="!", at=now)
            session.add(reply)
            await session.flush()
            change = await session.scalar(select(StatusChange.id).where(StatusChange.application_id == app.id))
            ids = {"reference": app.id, "change": change, "link": link.id, "company": company.id}
            ids |= {"ticket": ticket.id, "reply": reply.id}
            await session.commit()
        assert reference_for(app, 2026) == f"GG-2026-{app.id:06d}"
        return ids

    first = await everything_of(7_800_001, "1010000001")
    async with maker() as session:
        await DataRightsService(session, clock, Vault(load_key(db_settings))).erase(7_800_001)
    second = await everything_of(7_800_002, "1010000002")
    await engine.dispose()
    assert {k: v for k, v in second.items() if v <= first[k]} == {}, (first, second)
