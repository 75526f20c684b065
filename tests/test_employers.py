"""Employers: a company with several users, consent links (either side invites, the applicant
approves, either side revokes and access ends at once), status notifications to linked employers,
shared documents, probing by an unlinked employer, rate-limited codes, the obligations check."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import EmpCB, ShareCB
from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from bot.crypto import Vault, load_key
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import Company, EmployerMember, InviteCode, User
from bot.db.repositories.employers import EmployerRepo, InviteRepo
from bot.db.repositories.person_data import PersonDataRepo
from bot.i18n import translator
from bot.services.applications import ApplicationService
from bot.services.data_rights import DataRightsService
from bot.services.employers import EmployerError, EmployerService
from dialogs.employer_forms import obligations_screen
from emulator import BotAPIEmulator, FakeMessage, FakeUser
from knowledge.employer import EmployerFacts, allowed_foreign_staff, obligations
from knowledge.verdict import Status
from tests.conftest import BotRunner, running, with_admin
from tests.e2e import (
    PDF,
    applicant_who_submitted,
    callback_prefix,
    forge,
    invite_colleague,
    korean,
    press,
    sqlite_db,
    texts,
    wait_for_text,
    with_button,
    worker_sessions,
    write_sqlite,
)

BRN = "134-86-72683"  # a valid business registration number (NTS check digit)
OTHER_BRN = "220-81-62517"


async def emp(user: FakeUser, label: str) -> list[FakeMessage]:
    return await press(user, label, callback_prefix(EmpCB))


async def share(user: FakeUser, label: str) -> list[FakeMessage]:
    return await press(user, label, callback_prefix(ShareCB))


def code_in(message: FakeMessage) -> tuple[str, str]:
    match = re.search(r"\b([A-Z2-9]{8})\b.*?(https://t\.me/\S+start=(\w)_\w+)", message.plain, re.S)
    assert match, message.plain
    return match.group(1), match.group(2).rsplit("start=", 1)[1]


async def register(user: FakeUser, name: str, brn: str) -> list[FakeMessage]:
    await user.say("/employer")
    await press(user, data="em1:register:")
    await user.say(name)
    await user.say(brn)
    await press(user, data="em1:opt:0:city=suwon")
    await user.say("Kim Minji, HR")
    return await press(user, data="em1:save:")


async def invited(hr: FakeUser, candidate: FakeUser, company: str, brn: str) -> list[FakeMessage]:
    """The company registers and invites the candidate, who opens the invite: the approval screen."""
    await register(hr, company, brn)
    _code, payload = code_in((await emp(hr, "➕"))[0])
    return await candidate.say(f"/start {payload}")


async def test_company_colleagues_candidate_consent_notifications_and_revocation(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    hr = emulator.user(701, language_code="ko")
    colleague = emulator.user(702, language_code="en")
    candidate = await applicant_who_submitted(emulator, 703, "vi")

    done = await register(hr, "Hanbit Soft", BRN)
    assert "Hanbit Soft" in done[0].plain
    # A colleague joins with an invite (deep link); both act for the same company.
    invite = await invite_colleague(hr)
    _code, payload = code_in(invite[0])
    await colleague.say(f"/start {payload}")
    assert "Hanbit Soft" in colleague.messages[-1].plain
    # The employer invites the candidate; nothing is visible before the candidate approves.
    invite = await press(hr, data="em1:invite:")
    _code, payload = code_in(invite[0])
    ask = await candidate.say(f"/start {payload}")
    assert "Hanbit Soft" in ask[0].plain
    home = await hr.say("/employer")
    assert not any(d.startswith("em1:cand:") for row in home[0].buttons for _, d in row)
    await press(candidate, data="sh1:approve:")
    home = await colleague.say("/employer")
    assert "NGUYEN VAN AN" in " ".join(t for row in home[0].buttons for t, _ in row)
    view = await emp(colleague, "👤")
    assert "GG-2026-000001" in view[0].plain and "Sent for pre-check" in view[0].plain and "3 of 3" in view[0].plain
    # A status change reaches the applicant and both members of the linked company.
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await ApplicationService(session, clock).change_status("GG-2026-000001", "under_review", actor_id=1)
    await engine.dispose()
    await wait_for_text(colleague, "GG-2026-000001 is now: Under review")
    note = await wait_for_text(hr, "GG-2026-000001")
    assert korean(note.plain)  # in the HR person's language
    # The candidate shares one document, then revokes: access ends at once.
    await candidate.say("/share")
    await press(candidate, data="sh1:company:")  # the company's own screen
    await press(candidate, data="sh1:shared:")
    await press(candidate, data="sh1:toggle:1:passport_copy")
    await colleague.say("/employer")
    await emp(colleague, "👤")
    before = len(colleague.documents)
    await emp(colleague, "📎 Send me")
    assert len(colleague.documents) == before + 1
    shared = colleague.documents[-1]
    assert shared.file_name == "GG-2026-000001_passport_copy.pdf" and shared.content == PDF + b"passport_copy"
    # The stored file cut short on disk: not sent; the employer is told which and what to do.
    (path,) = sqlite_db(settings).execute("select path from documents where kind = 'passport_copy'").fetchone()
    Path(path).write_bytes(Path(path).read_bytes()[:-1])
    replies = await emp(colleague, "📎 Send me")
    assert len(colleague.documents) == before + 1
    assert "Copy of your passport" in replies[0].plain and "integrity check" in replies[0].plain
    await candidate.say("/share")
    await press(candidate, data="sh1:company:")
    await press(candidate, data="sh1:revoke:")
    # Both members are told, without the candidate's name (the list just lost them).
    stopped = await wait_for_text(colleague, "stopped sharing their application")
    assert "NGUYEN" not in stopped.plain and "GG-2026" not in stopped.plain
    await wait_for_text(hr, "공유를 중단")  # in Korean, HR's language
    stale = await forge(colleague, EmpCB(act="cand", id=1).pack(), home[0])
    assert "no longer available" in stale[0].plain and "GG-2026" not in "".join(m.plain for m in stale)
    count = len(colleague.documents)
    await forge(colleague, EmpCB(act="files", id=1).pack(), home[0])
    assert len(colleague.documents) == count
    # After revocation, status changes reach the applicant only.
    before_hr = len(hr.messages)
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await ApplicationService(session, clock).change_status("GG-2026-000001", "recommended", actor_id=1)
    await engine.dispose()
    await wait_for_text(candidate, "GGR-2026-0001")
    await asyncio.sleep(1.5)
    assert len(hr.messages) == before_hr


async def test_applicant_invites_the_employer_and_must_still_approve(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    hr = emulator.user(711)
    applicant = emulator.user(712, language_code="ru")
    await register(hr, "Daon Care", BRN)
    await applicant.say("/start")
    await applicant.say("/share")
    invite = await press(applicant, data="sh1:invite:")
    code, _ = code_in(invite[0])
    await hr.say("/employer")
    await emp(hr, "🔑")
    requested = await hr.say(code.lower())  # typed, in any case
    assert "asked to approve" in requested[0].plain
    request = await wait_for_text(applicant, "Daon Care")  # through the outbox, in Russian
    assert any("\u0400" <= ch <= "\u04ff" for ch in request.plain)
    await applicant.say("/share")
    await press(applicant, data="sh1:ask:")
    await press(applicant, data="sh1:approve:")
    assert any(d.startswith("em1:cand:") for row in (await hr.say("/employer"))[0].buttons for _, d in row)
    # The same code cannot be used twice.
    await emp(hr, "🔑")
    again = await hr.say(code)
    assert "not valid" in again[0].plain


async def test_a_declined_invite_links_nothing_and_viewing_shares_changes_nothing(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    hr, other, candidate = emulator.user(715), emulator.user(716), await applicant_who_submitted(emulator, 717)
    await invited(hr, candidate, "Hanbit Soft", BRN)
    declined = await press(candidate, data="sh1:decline:")
    assert "Hanbit Soft" in declined[-1].plain
    home = await hr.say("/employer")
    assert not any(d.startswith("em1:cand:") for row in home[0].buttons for _, d in row)
    # A second company is approved; opening its documents screen shares nothing, even with a
    # document named in the button's data; only the toggle shares.
    await invited(other, candidate, "Daon Care", OTHER_BRN)
    await press(candidate, data="sh1:approve:")
    con = sqlite_db(settings)
    links = "select state, shared_documents from employer_links order by id"
    assert con.execute(links).fetchall() == [("declined", "[]"), ("active", "[]")]
    await candidate.say("/share")
    await press(candidate, data="sh1:company:2")
    screen = (await press(candidate, data="sh1:shared:2"))[-1]
    assert "Passport" in screen.button_texts  # short names: the whole ones ran past a phone's width
    await forge(candidate, ShareCB(act="shared", id=2, arg="passport_copy").pack(), screen)
    assert con.execute(links).fetchall() == [("declined", "[]"), ("active", "[]")]
    await press(candidate, data="sh1:toggle:2:passport_copy")
    assert con.execute(links).fetchall() == [("declined", "[]"), ("active", '["passport_copy"]')]
    # /mydata says who follows the application and what is shared; the employer's, their company.
    await candidate.say("/mydata")
    following = json.loads(candidate.documents[-1].content)["employers_following_your_application"]
    assert [(f["company"], f["state"], f["documents_you_share"]) for f in following] == [
        ("Hanbit Soft", "declined", []),
        ("Daon Care", "active", ["passport_copy"]),
    ]
    await other.say("/mydata")
    company = json.loads(other.documents[-1].content)["your_company"]
    assert (company["company"], company["contact_person"]) == ("Daon Care", "Kim Minji, HR")
    # A registration begun and not finished is theirs too.
    await hr.say("/mydata")
    assert json.loads(hr.documents[-1].content)["company_registration_in_progress"] is None
    halfway = emulator.user(718)
    await halfway.say("/employer")
    await press(halfway, data="em1:register:")
    await halfway.say("Half Done Ltd")
    await halfway.say("/mydata")
    unfinished = json.loads(halfway.documents[-1].content)["company_registration_in_progress"]
    assert "Half Done Ltd" in json.dumps(unfinished)
    # The employer's "send me the shared documents" after the candidate stopped sharing: said, not silence.
    await other.say("/employer")
    candidates = await emp(other, "👤")
    await press(candidate, data="sh1:toggle:2:passport_copy")
    late = await other.tap("📎 Send me the shared documents", message=candidates[-1])
    assert "no longer available" in late[0].plain and "📎 Send me the shared documents" not in late[-1].button_texts


async def test_an_unlinked_employer_learns_nothing_and_guessing_is_rate_limited(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    hr = emulator.user(721)
    prober = emulator.user(722)
    candidate = await applicant_who_submitted(emulator, 723)
    await invited(hr, candidate, "Hanbit Soft", BRN)
    await press(candidate, data="sh1:approve:")
    await register(prober, "Curious Corp", OTHER_BRN)
    home = prober.messages[-1]
    for link_id in (1, 2, 0, -1, 999999):
        for act in ("cand", "files", "unfollow"):
            reply = await forge(prober, EmpCB(act=act, id=link_id).pack(), home)
            text = "".join(m.plain for m in reply)
            assert "GG-2026" not in text and "NGUYEN" not in text
            assert not any(d.file_name.endswith(".pdf") for d in prober.documents)
    # The candidate's own sharing buttons, forged by the prober, do nothing either.
    for act in ("approve", "revoke", "toggle", "shared"):
        await forge(prober, ShareCB(act=act, id=1, arg="passport_copy").pack(), home)
    con = sqlite_db(settings)
    assert con.execute("select state, shared_documents from employer_links").fetchall() == [("active", "[]")]
    # Guessing codes: five wrong ones, then even a real one is refused for an hour.
    await hr.say("/employer")
    real, _ = code_in((await emp(hr, "➕"))[0])
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "23456789", "ZZZZZZZZ"):
        await prober.say("/share")
        await share(prober, "🔑")
        wrong = await prober.say(guess)
        assert "not valid" in wrong[0].plain
    await prober.say("/share")
    await share(prober, "🔑")
    locked = await prober.say(real)
    assert "Too many wrong codes" in locked[0].plain


async def test_a_business_number_is_registered_once(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    await register(emulator.user(731), "Hanbit Soft", BRN)
    second = emulator.user(732)
    await second.say("/employer")
    await press(second, data="em1:register:")
    await second.say("Hanbit Software")
    bad = await second.say("134-86-72684")  # wrong check digit
    assert "number" in bad[0].plain.lower()
    await second.say(BRN)
    elsewhere = await second.say("Seoul")  # the workplace typed: a place outside Gyeonggi is named
    assert "Seoul (서울) is not in Gyeonggi Province" in elsewhere[0].plain
    assert any("Suwon" in label for label in elsewhere[0].button_texts)  # the buttons stay
    await second.say("수원시")
    await second.say("Lee")
    refused = await press(second, data="em1:save:")
    assert "already registered" in refused[0].plain


@pytest.mark.parametrize(
    ("korean", "percent", "allowed"),
    [
        (5, 30, 2),  # 1.5 rounds up
        (7, 30, 2),  # 2.1 rounds down
        (4, 30, 1),  # 1.2
        (15, 30, 5),  # 4.5 rounds up
        (3, 20, 1),  # 0.6
        (2, 20, 0),  # 0.4
        (12, 20, 2),  # 2.4
        (13, 20, 3),  # 2.6
        (25, 30, 8),  # 7.5 rounds up (no float error)
        (0, 30, 0),
    ],
)
def test_foreign_staff_ratio_rounds_half_up(korean: int, percent: int, allowed: int) -> None:
    assert allowed_foreign_staff(korean, percent) == allowed


def test_obligations_for_a_care_home_and_a_web_company() -> None:
    on = date(2026, 11, 24)
    care = {o.id: o for o in obligations(EmployerFacts("care_worker", 30_000_000, 7, 2, False, True, "21234"), on)}
    assert care["ratio"].status is Status.UNMET and care["ratio"].params["allowed"] == 2  # 7 × 30% = 2.1 → 2
    assert care["care_facility"].status is Status.UNMET  # the code must start with 1
    assert care["tax"].status is Status.MET and care["wage"].status is Status.MET
    web = {o.id: o for o in obligations(EmployerFacts("web_developer", 20_000_000, 4, 0, True), on)}
    assert web["ratio"].status is Status.MET  # 4 × 20% = 0.8 → 1, and this hire is the first
    assert web["min_korean"].status is Status.PENDING  # fewer than 5 Korean staff: normally refused
    assert web["tax"].status is Status.UNMET and web["wage"].status is Status.UNMET
    it = {o.id: o for o in obligations(EmployerFacts("network_developer", 50_000_000, 2, 1), on)}
    assert it["it_ratio"].uncertain and it["it_ratio"].status is Status.PENDING
    assert it["workplace"].uncertain


def test_an_occupation_gyeonggi_has_not_confirmed_is_said_to_be_uncertain() -> None:
    """Nurses: in the Ministry's guideline, not in Gyeonggi's announcements; an employer hiring one
    is told so first, not shown every obligation met as if the job were in the programme."""
    now = datetime(2026, 12, 10, 10, 0, tzinfo=SEOUL)
    values = {"occupation": "nurse", "salary": 40_000_000, "korean": 3, "foreign": 0, "tax": "no"}
    shown = "\n".join(translator("en").render(b) for b in obligations_screen(values, now).body[:2])
    assert "Whether Gyeonggi's programme includes nurses is not confirmed" in shown and "031-120" in shown
    web = dict(values, occupation="web_developer")
    assert "not confirmed" not in "\n".join(translator("en").render(b) for b in obligations_screen(web, now).body)


async def test_the_obligations_check_in_the_chat(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    hr = emulator.user(741, language_code="en")
    await register(hr, "Daon Care", BRN)
    await emp(hr, "📋")
    await emp(hr, "Care worker")
    # What the questionnaire would ask Yes/No about cannot be asked here: refused with what to type
    # (it was the apology: the form caught only refusals).
    for unsure in ("3200", "월 280만"):
        refused = await hr.say(unsure)
        assert "Please type the yearly salary in won" in refused[0].plain and "Sorry" not in texts(refused)
    await hr.say("3000만")
    await hr.say("10")
    await hr.say("3")
    await emp(hr, "No")
    await emp(hr, "Yes")
    result = await hr.say("11-123456")
    text = "\n".join(m.plain for m in result)
    assert "allow only 3 (30 per cent, rounded half up)" in text and "you would have 4" in text
    assert "✔ An elderly medical-welfare facility" in text
    assert "Employment-insurance roster" in text and "National and local tax payment certificates" in text
    assert "Source:" in text


async def test_staff_verify_a_company_and_the_applicant_sees_it(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator
) -> None:
    async with running(with_admin(settings), clock, emulator):
        hr, applicant, admin = emulator.user(751), emulator.user(752), emulator.user(900)
        await applicant.say("/start")
        ask = await invited(hr, applicant, "Hanbit Soft", BRN)
        assert "not yet verified" in ask[0].plain
        await admin.say("/staff")
        waiting = await press(admin, data="st1:companies:")
        assert "Hanbit Soft · 134-86-72683 · 수원시" in waiting[0].plain  # as staff write it, not ids
        await press(admin, data="st1:verify:1:")
        await press(applicant, data="sh1:approve:")
        shown = await applicant.say("/share")
        assert "verified by Gyeonggi Province" in shown[0].plain and "not yet" not in shown[0].plain
        con = sqlite_db(settings)
        assert con.execute("select action, target from audit_log").fetchall() == [("company.verify", "company:1")]


def test_the_employer_rules_follow_the_data_folder_once_reloaded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """employer_checks.yaml is read from the data folder the loader reads (knowledge/loader.DATA_DIR),
    and forgotten with the rest of the data by reload()."""
    import shutil

    from knowledge import employer, loader

    assert employer.rules().min_korean_staff == 5
    data = tmp_path / "knowledge"
    shutil.copytree(loader.DATA_DIR, data)
    checks = data / "employer_checks.yaml"
    checks.write_text(checks.read_text(encoding="utf-8").replace("min_korean_staff: 5", "min_korean_staff: 6"), "utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", data)
    loader.reload()
    try:
        assert employer.rules().min_korean_staff == 6
    finally:
        monkeypatch.undo()
        loader.reload()
    assert employer.rules().min_korean_staff == 5


async def test_two_companies_whose_names_start_alike_each_have_their_own_screen(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """Two long names cut alike on their buttons: stopping one is done on its own screen, under its
    whole name (the /share buttons of both read "Gyeonggi Advanced…" on a phone)."""
    first, second = (
        "Gyeonggi Advanced Robotics Semiconductor Solutions",
        "Gyeonggi Advanced Robotics Semiconductor Systems",
    )
    candidate = await applicant_who_submitted(emulator, 731)
    await invited(emulator.user(732), candidate, first, BRN)
    await press(candidate, data="sh1:approve:")
    await invited(emulator.user(733), candidate, second, OTHER_BRN)
    await press(candidate, data="sh1:approve:")
    home = (await candidate.say("/share"))[-1]
    companies = [d for row in home.buttons for t, d in row if t.startswith("🏢")]
    assert len(companies) == 2
    opened = await candidate.tap(companies[1], message=home)  # the second company's button, by its data
    assert second in opened[-1].plain and first not in opened[-1].plain
    await press(candidate, data="sh1:revoke:")
    links = sqlite_db(settings).execute("select state from employer_links order by id").fetchall()
    assert links == [("active",), ("revoked",)]


async def test_a_colleague_who_left_the_firm_is_removed_and_sees_nothing_more(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """Members see who acts for the company; one removed loses the candidates at once (and is told),
    anyone may leave but the last member; the candidate sees how many people act for the company."""
    hr = emulator.user(721, first_name="Minji", last_name="Kim")
    colleague = emulator.user(722, first_name="Jun <b>Park</b>")  # as Telegram gives it: escaped when shown
    candidate = await applicant_who_submitted(emulator, 723)
    await register(hr, "Hanbit Soft", BRN)
    _code, payload = code_in((await invite_colleague(hr))[0])
    await colleague.say(f"/start {payload}")
    _code, payload = code_in((await press(hr, data="em1:invite:"))[0])
    await candidate.say(f"/start {payload}")
    await press(candidate, data="sh1:approve:")
    await candidate.say("/share")
    company = await press(candidate, data="sh1:company:")
    assert "2 people act for this company and see what it follows." in company[-1].plain
    home = await colleague.say("/employer")
    _, own_invite = code_in((await invite_colleague(colleague))[0])  # an invite they hold
    # A member from before names were kept is named at their next visit to /employer.
    await write_sqlite(settings, "update employer_members set name = null where user_id = 721")
    await colleague.say("/employer")
    assert "Minji" not in texts(await emp(colleague, "👥 Colleagues"))
    await hr.say("/employer")
    await colleague.say("/employer")
    team = await emp(colleague, "👥 Colleagues")
    # Named as on Telegram when they joined, with their id: HR can tell who is who before removing.
    assert "• you, since" in team[-1].plain and "• member Minji Kim · 721, since" in team[-1].plain
    # Minji registered the company (its contact for the programme): a colleague cannot remove her.
    assert "(registered the company)" in team[-1].plain and "🚪 Leave the company" in team[-1].button_texts
    assert not [b for b in team[-1].button_texts if b.startswith("Remove member")]
    for act in ("unmember", "unmember_sure"):  # an old or forged Remove is refused, and says why
        refused = await forge(colleague, EmpCB(act=act, id=721).pack(), team[-1])
        assert "registered the company is its contact for the programme" in refused[-1].plain
    assert sqlite_db(settings).execute("select count(*) from employer_members").fetchone() == (2,)
    # One 👥 on the company's menu: a colleague is invited from the colleagues' screen, and back there.
    assert [b for b in home[-1].button_texts if b.startswith("👥")] == ["👥 Colleagues"]
    invite = await emp(colleague, "👥 Invite a colleague")
    assert "Send this to your colleague" in invite[-1].plain
    assert "People who act for" in (await emp(colleague, "« Back"))[-1].plain
    await hr.say("/employer")
    assert "• you, since" in (own := await emp(hr, "👥 Colleagues"))[-1].plain
    assert "(you registered the company)" in own[-1].plain
    asked = await emp(hr, "Remove member 722 · Jun")  # asked once more: nothing removed yet
    assert "Remove member Jun <b>Park</b> · 722? They will no longer see" in asked[-1].plain
    assert sqlite_db(settings).execute("select count(*) from employer_members").fetchone() == (2,)
    removed = await emp(hr, "Yes, remove")
    assert "Removed: member 722 no longer acts for the company." in removed[-1].plain
    assert "🚪 Leave the company" not in removed[-1].button_texts  # the last member stays, told why
    assert "only member, so you cannot leave it" in removed[-1].plain
    await wait_for_text(colleague, "You no longer act for Hanbit Soft: a colleague removed you.")
    stale = await forge(colleague, EmpCB(act="cand", id=1).pack(), home[0])
    assert "NGUYEN" not in "".join(m.plain for m in stale) and "For employers" in stale[-1].plain
    back = await colleague.say(f"/start {own_invite}")  # the invite they made does not let them back
    assert "not valid" in texts(back) and "You now act for" not in texts(back)
    again = await forge(hr, EmpCB(act="unmember", id=722).pack(), removed[-1])  # an old Remove: gone, not asked
    assert "no longer available" in again[-1].plain and "Yes, remove" not in again[-1].button_texts
    last = await forge(hr, EmpCB(act="unmember_sure", id=721).pack(), removed[-1])
    assert "only member, so you cannot leave it" in last[-1].plain
    rows = "select user_id from employer_members order by user_id"
    assert sqlite_db(settings).execute(rows).fetchall() == [(721,)]


async def _company_of_two(
    maker: async_sessionmaker[AsyncSession], i: int, now: datetime, registered: bool = True
) -> tuple[int, int, int]:
    """Two people acting for one company, written directly: (first, second, company id); the first
    registered it, or (``registered=False``) the one who did has erased their data since."""
    a, b = 40_000 + 2 * i, 40_001 + 2 * i
    async with maker() as session:
        for uid in (a, b):
            session.add(User(id=uid, language="en", created_at=now, last_seen_at=now))
        company = Company(
            name=f"Race {i}",
            brn=f"99{i:08d}",
            city="suwon",
            contact_name="x",
            created_by=a if registered else 0,
            created_at=now,
        )
        session.add(company)
        await session.flush()
        for uid in (a, b):
            session.add(EmployerMember(user_id=uid, company_id=company.id, joined_at=now))
        await session.commit()
        return a, b, company.id


async def _leaving(
    maker: async_sessionmaker[AsyncSession], vault: Vault, clock: FixedClock, actor: int, target: int
) -> str:
    async with maker() as session:
        try:
            await EmployerService(session, clock, vault).remove_member(actor, target)
        except EmployerError as refused:
            return refused.code
        return "removed"


async def test_two_members_removing_each_other_at_once_leave_one(db_settings: Settings, clock: FixedClock) -> None:
    """Each in their own session (two workers on PostgreSQL), started together, repeated: the company
    keeps exactly one member, never none."""
    vault = Vault(load_key(db_settings))
    async with worker_sessions(db_settings) as makers:
        for i in range(8):
            a, b, company_id = await _company_of_two(makers[0], i, clock.now(), registered=False)
            results = await asyncio.gather(
                _leaving(makers[0], vault, clock, a, b), _leaving(makers[1], vault, clock, b, a)
            )
            async with makers[0]() as session:
                left = await EmployerService(session, clock, vault).team(company_id)
            assert len(left) == 1 and sorted(results)[0] == "gone" and "removed" in results, results


async def test_a_member_erasing_their_data_while_the_other_leaves_leaves_no_empty_company(
    db_settings: Settings, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/delete of one member and "Leave" of the other at once: the company goes with its last member
    or keeps one, never stays with none (its candidates' links and its number held). The bad order
    is forced: the leaver reads the members, then the erasure counts them, then both commit; each
    wait gives up after a second, so with the company's lock (which orders them) nothing hangs."""
    vault = Vault(load_key(db_settings))
    read, counted = asyncio.Event(), asyncio.Event()
    members, count = EmployerRepo.members, PersonDataRepo.member_count

    async def members_then_wait(self: EmployerRepo, company_id: int) -> list[EmployerMember]:
        found = await members(self, company_id)
        read.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(counted.wait(), 1)
        return found

    async def count_after_the_read(self: PersonDataRepo, company_id: int) -> int | None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(read.wait(), 1)
        try:
            return await count(self, company_id)
        finally:
            counted.set()

    async with worker_sessions(db_settings) as makers:
        for i in range(3):
            a, b, company_id = await _company_of_two(makers[0], 10 + i, clock.now())
            read.clear()
            counted.clear()
            monkeypatch.setattr(EmployerRepo, "members", members_then_wait)
            monkeypatch.setattr(PersonDataRepo, "member_count", count_after_the_read)

            async def erase(b: int = b) -> None:  # not the one who registered it
                async with makers[0]() as session:
                    await DataRightsService(session, clock, vault).erase(b)

            await asyncio.gather(erase(), _leaving(makers[1], vault, clock, a, a))
            monkeypatch.undo()
            async with makers[0]() as session:
                company = await session.get(Company, company_id)
                left = await EmployerService(session, clock, vault).team(company_id)
            assert company is None or len(left) == 1, (company, left)


async def test_the_employer_sees_the_filing_deadline_and_then_the_close(
    bot: BotRunner, emulator: BotAPIEmulator, clock: FixedClock
) -> None:
    """The candidate files on gg24 by the close: their employer sees the days left in the last 30
    days, and that applications closed afterwards (it still read "the candidate then files …")."""
    hr, candidate = emulator.user(731), await applicant_who_submitted(emulator, 732)
    await invited(hr, candidate, "Hanbit Soft", BRN)
    await press(candidate, data="sh1:approve:")
    clock.set(datetime(2026, 12, 24, 9, 0, tzinfo=SEOUL))
    await hr.say("/employer")
    assert "7 days left to file on gg24" in (await emp(hr, "👤"))[0].plain
    clock.set(datetime(2026, 12, 31, 9, 0, tzinfo=SEOUL))  # the last day: the candidate files, now
    await hr.say("/employer")
    last = (await emp(hr, "👤"))[0].plain
    assert "Applications close on December 31, 2026" in last and "the candidate should file on gg24 now" in last
    assert "Last day" not in last  # "Last day: file on gg24 by …" read as the employer's own to do
    assert "File on gg24 yourself now" not in last and "then files the official application" not in last
    clock.set(datetime(2027, 1, 2, 9, 0, tzinfo=SEOUL))
    await hr.say("/employer")
    closed = (await emp(hr, "👤"))[0].plain
    assert "Applications closed" in closed and "then files the official application" not in closed


async def test_a_registrant_who_left_and_then_deleted_their_data_is_forgotten_by_the_company(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    hr, colleague = emulator.user(741), emulator.user(742)
    await register(hr, "Hanbit Soft", BRN)
    _code, payload = code_in((await invite_colleague(hr))[0])
    await colleague.say(f"/start {payload}")
    await hr.say("/employer")
    await emp(hr, "👥 Colleagues")
    await emp(hr, "🚪 Leave the company")
    left = await emp(hr, "Yes, leave")
    assert "You have left Hanbit Soft." in texts(left)
    row = "select created_by, contact_name from companies"
    assert sqlite_db(settings).execute(row).fetchone() == (0, "")  # left: no longer the company's contact
    confirm = with_button(await hr.say("/delete"), "Yes, delete everything")
    await hr.tap("Yes, delete everything", message=confirm)
    assert sqlite_db(settings).execute(row).fetchone() == (0, "")  # and after their /delete


async def test_each_stop_of_sharing_is_told_once(settings: Settings, clock: FixedClock) -> None:
    """A link shared again and stopped again is told again (the key named only the link and the
    member, so the second stop was never sent); the same stop, retried, once."""
    from datetime import timedelta

    from sqlalchemy import select

    from bot.db.models import OutboxMessage
    from bot.services.employers import tell_unlinked

    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await tell_unlinked(session, clock, [(1, 42)])
        await tell_unlinked(session, clock, [(1, 42)])  # the same stop, retried
        clock.advance(timedelta(minutes=5))
        await tell_unlinked(session, clock, [(1, 42)])  # shared again, stopped again
        await session.commit()
        told = list((await session.execute(select(OutboxMessage.chat_id))).scalars())
    await engine.dispose()
    assert told == [42, 42]


def test_a_recommended_candidate_s_screen_names_their_own_route() -> None:
    """The employer's screen gave both routes ("a candidate abroad …; a candidate in Korea …") where the
    notification had named the candidate's; and "3 of 3 uploaded" stood on after the visa."""
    from dialogs import employer as ui
    from dialogs import statuses as st

    en = translator("en")

    def shown(status: str, in_korea: bool) -> str:
        view = st.StatusView(reference="GG-2026-000001", status=status, in_korea=in_korea, stay_status="D-10")
        screen = ui.candidate_screen(ui.CandidateView(1, "NGUYEN VAN AN", view, (), 3, ()))
        return en.render(screen.body[0], html_mode=False)

    in_korea, abroad = shown(st.RECOMMENDED, True), shown(st.RECOMMENDED, False)
    assert "change of status" in in_korea and "visa issuance confirmation" not in in_korea
    assert "visa issuance confirmation" in abroad and "A candidate in Korea" not in abroad
    assert "Documents:" not in shown(st.VISA_ISSUED, False) and "Documents: 3 of 3" in shown(st.SUBMITTED, False)


async def test_a_colleague_invite_opened_by_a_candidate_lets_nobody_in_and_members_see_who_joins(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """HR sends the colleague link where the candidate link was meant: the candidate is refused (it
    would have shown them the other candidates and their shared files), the invite stays usable for
    the colleague it was for, and when the colleague joins, the members are told who it is."""
    hr, colleague = emulator.user(751, first_name="Minji"), emulator.user(752, first_name="Jun")
    candidate = await applicant_who_submitted(emulator, 753)
    await register(hr, "Hanbit Soft", BRN)
    _code, payload = code_in((await invite_colleague(hr))[0])
    refused = await candidate.say(f"/start {payload}")
    assert "You use this bot as a candidate" in texts(refused) and "You now act for" not in texts(refused)
    members = "select user_id from employer_members order by user_id"
    assert sqlite_db(settings).execute(members).fetchall() == [(751,)]
    joined = await colleague.say(f"/start {payload}")  # the same invite: not used up by the refusal
    assert "You now act for Hanbit Soft" in texts(joined)
    told = await wait_for_text(hr, "now acts for Hanbit Soft")
    assert "Jun · 752" in told.plain and "If you do not know them" in told.plain
    assert not [m for m in colleague.messages if "now acts for" in m.plain]  # not told of themselves
    confirm = with_button(await colleague.say("/delete"), "Yes, delete everything")  # the notice naming them goes
    await colleague.tap("Yes, delete everything", message=confirm)
    assert not sqlite_db(settings).execute("select text from outbox where text like '%752%'").fetchall()


async def _company_and_code(maker: async_sessionmaker[AsyncSession], vault: Vault, clock: FixedClock, i: int) -> str:
    """A company of one member and a colleague invite of theirs, written directly."""
    a, b, _company_id = await _company_of_two(maker, 20 + i, clock.now())
    async with maker() as session:
        service = EmployerService(session, clock, vault)
        await service.remove_member(a, b)
        member = await service.member(a)
        assert member is not None
        return await service.new_code("colleague", member=member)


async def test_one_invite_redeemed_by_two_at_once_lets_one_in(db_settings: Settings, clock: FixedClock) -> None:
    """Two people open one colleague invite in two workers at the same moment: the code's row is
    read under its lock, so one joins and the other is told it is not valid (both joined before).
    The bad order is forced: each waits, up to a second, for the other to have read the code."""
    vault = Vault(load_key(db_settings))
    read = [asyncio.Event(), asyncio.Event()]
    original = InviteRepo.code

    async def redeem(maker: async_sessionmaker[AsyncSession], user_id: int, code: str, i: int) -> str:
        async with maker() as session:
            session.add(User(id=user_id, language="en", created_at=clock.now(), last_seen_at=clock.now()))
            await session.commit()
            repo = InviteRepo(session)

            async def code_then_wait(raw: str) -> InviteCode | None:
                found = await original(repo, raw)
                read[i].set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(read[1 - i].wait(), 1)
                return found

            service = EmployerService(session, clock, vault)
            service.invites = repo
            repo.code = code_then_wait  # type: ignore[method-assign]
            try:
                await service.redeem(user_id, code, ("colleague",))
            except EmployerError as refused:
                return refused.code
            return "joined"

    async with worker_sessions(db_settings) as makers:
        for i in range(3):
            code = await _company_and_code(makers[0], vault, clock, i)
            for event in read:
                event.clear()
            results = await asyncio.gather(
                redeem(makers[0], 61_000 + 2 * i, code, 0), redeem(makers[1], 61_001 + 2 * i, code, 1)
            )
            assert sorted(results) == ["invalid", "joined"], results


async def test_a_member_removed_meanwhile_makes_no_invite(settings: Settings, clock: FixedClock) -> None:
    """'Invite a colleague' tapped by a member whom a colleague has just removed: checked under the
    company's lock, no code is made (it let them back in after the removal's clean-up)."""
    vault = Vault(load_key(settings))
    engine = make_engine(settings)
    maker = make_sessionmaker(engine)
    try:
        a, b, _company_id = await _company_of_two(maker, 30, clock.now())
        async with maker() as session:
            service = EmployerService(session, clock, vault)
            stale = await service.member(b)  # read before the removal, as the tap's update did
            assert stale is not None
            await session.commit()  # its connection back (SQLite: one), the row kept as read
            async with maker() as other:
                await EmployerService(other, clock, vault).remove_member(a, b)
            with pytest.raises(EmployerError, match="gone"):
                await service.new_code("colleague", member=stale)
        assert sqlite_db(settings).execute("select count(*) from invite_codes").fetchone() == (0,)
    finally:
        await engine.dispose()


async def test_a_status_notice_still_queued_when_sharing_stops_is_not_sent(
    emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """A backlog (a large announcement ahead, the sender down) keeps the employer's "is now: Under
    review" in the outbox; the candidate stops sharing meanwhile. Written while the link stood, it
    is not delivered after it ended: only that the candidate stopped sharing arrives."""
    from tests.test_status import change

    hr = emulator.user(761)
    async with running(settings, clock, emulator):
        candidate = await applicant_who_submitted(emulator, 762)
        await invited(hr, candidate, "Hanbit Soft", BRN)
        await press(candidate, data="sh1:approve:")
    await change(settings, clock, "GG-2026-000001", "under_review")  # queued: nobody is sending
    link_id = sqlite_db(settings).execute("select id from employer_links").fetchone()[0]
    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            assert await EmployerService(session, clock, Vault(load_key(settings))).revoke_by_applicant(762, link_id)
    finally:
        await engine.dispose()
    async with running(settings, clock, emulator):
        await wait_for_text(hr, "A candidate stopped sharing")
        await wait_for_text(candidate, "now reviewing your application")  # the candidate's own: sent
    assert not [m for m in hr.messages if "GG-2026-000001" in m.plain], [m.plain for m in hr.messages]


async def test_the_candidate_learns_when_a_company_stops_following_or_leaves_the_bot(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """ "Stop following" is asked once more and the candidate is told (their /share just lost the
    company before); the last member's /delete tells the company's candidates too. A member who
    erases their data holds no invite that lets them back; a removed member's old button says so."""
    hr, colleague = emulator.user(771), emulator.user(772)
    candidate, other = await applicant_who_submitted(emulator, 773), await applicant_who_submitted(emulator, 774)
    await invited(hr, candidate, "Hanbit Soft", BRN)
    await press(candidate, data="sh1:approve:")
    await hr.say("/employer")
    await emp(hr, "👤")
    asked = await emp(hr, "Stop following this candidate")
    assert "Stop following NGUYEN VAN AN? Your company will no longer see" in asked[-1].plain
    assert sqlite_db(settings).execute("select state from employer_links").fetchone() == ("active",)  # not yet
    done = await emp(hr, "Yes, stop following")
    assert "You no longer follow this candidate." in texts(done)
    await wait_for_text(candidate, "Hanbit Soft no longer follows your application")
    # The colleague's invite of their own does not outlive their /delete.
    _code, payload = code_in((await invite_colleague(hr))[0])
    await colleague.say(f"/start {payload}")
    _code, own = code_in((await invite_colleague(colleague))[0])
    confirm = with_button(await colleague.say("/delete"), "Yes, delete everything")
    await colleague.tap("Yes, delete everything", message=confirm)
    assert "not valid" in texts(await colleague.say(f"/start {own}"))
    # The last member erases their data: the company's candidates learn it follows them no more.
    _code, payload = code_in((await press(hr, data="em1:invite:"))[0])
    await other.say(f"/start {payload}")
    await press(other, data="sh1:approve:")
    old_home = await hr.say("/employer")
    confirm = with_button(await hr.say("/delete"), "Yes, delete everything")
    await hr.tap("Yes, delete everything", message=confirm)
    await wait_for_text(other, "Hanbit Soft no longer follows your application")
    stale = await forge(hr, EmpCB(act="team", id=0).pack(), old_home[0])  # a button from before: said so
    assert "no longer available" in stale[-1].plain


def test_two_candidates_of_one_name_are_told_apart_by_their_reference() -> None:
    """Two "👤 NGUYEN VAN AN" buttons led to two people; each now carries its application's
    reference (the name shortened to fit the row, never the reference)."""
    from bot.render import label
    from dialogs import employer as ui

    rows = [
        ui.CandidateRow(1, "active", "NGUYEN VAN AN", "GG-2026-000002"),
        ui.CandidateRow(2, "active", "NGUYEN VAN AN", "GG-2026-000007"),
        ui.CandidateRow(3, "active", "KIM MINJI", "GG-2026-000009"),
    ]
    actions = ui.home_screen("Hanbit Soft", True, rows).actions
    labels = [text for a in actions if (text := label(a.label, translator("en"))).startswith("👤")]
    assert labels[2] == "👤 KIM MINJI"  # a name of its own needs nothing more
    assert labels[0] != labels[1] and labels[0].endswith("· GG-2026-000002") and labels[1].endswith("000007")


async def test_a_registrant_away_from_the_bot_can_be_removed_and_one_who_left_is_no_longer_the_contact(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """Protected while they use the bot (a new member cannot take the company over); after 30 days
    away, perhaps gone from the firm, a colleague can remove them. A registrant who leaves stops
    being the company's contact: back by invite, they are a colleague like any other."""
    from datetime import timedelta

    hr, colleague = emulator.user(781, first_name="Minji"), emulator.user(782, first_name="Jun")
    await register(hr, "Hanbit Soft", BRN)
    _code, payload = code_in((await invite_colleague(hr))[0])
    await colleague.say(f"/start {payload}")
    await colleague.say("/employer")
    assert not [b for b in (await emp(colleague, "👥 Colleagues"))[-1].button_texts if b.startswith("Remove")]
    clock.advance(timedelta(days=31))  # Minji has not used the bot since
    await colleague.say("/employer")
    team = await emp(colleague, "👥 Colleagues")
    assert "Remove member 781 · Minji" in team[-1].button_texts and "(registered the company)" not in team[-1].plain
    await emp(colleague, "Remove member 781 · Minji")
    assert "Removed: member 781" in texts(await emp(colleague, "Yes, remove"))
    row = "select created_by, contact_name from companies"
    assert sqlite_db(settings).execute(row).fetchone() == (0, "")  # gone: the company names her no more
    # Invited back, she is a colleague like any other (no longer protected, though she uses the bot).
    _code, payload = code_in((await invite_colleague(colleague))[0])
    await hr.say(f"/start {payload}")
    await colleague.say("/employer")
    assert "Remove member 781 · Minji" in (await emp(colleague, "👥 Colleagues"))[-1].button_texts


async def test_an_employer_entering_the_code_of_a_candidate_who_shares_already_is_told_so(
    bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    hr, candidate = emulator.user(791), await applicant_who_submitted(emulator, 792)
    await invited(hr, candidate, "Hanbit Soft", BRN)
    await press(candidate, data="sh1:approve:")
    _code, payload = code_in((await press(candidate, data="sh1:invite:"))[0])
    before = len(candidate.messages)
    said = texts(await hr.say(f"/start {payload}"))
    assert "You already follow this candidate" in said and "has been asked to approve" not in said
    await asyncio.sleep(0.5)
    assert not [m for m in candidate.messages[before:] if "asks to follow" in m.plain]


async def test_staff_remove_a_registration_made_under_another_firm_s_number(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator
) -> None:
    """Anyone can register a public business number; the real firm then reads "already registered".
    An administrator removes the registration once asked again: its members lose access and are
    told, the candidate it followed is told, queued notices stop, and the number is free again."""
    async with running(with_admin(settings), clock, emulator):
        squatter, admin = emulator.user(801), emulator.user(900)
        candidate = await applicant_who_submitted(emulator, 802)
        await invited(squatter, candidate, "Hanbit Soft", BRN)
        await press(candidate, data="sh1:approve:")
        await admin.say("/staff")
        listed = await press(admin, data="st1:companies:")
        assert "✖ 삭제: Hanbit Soft" in listed[-1].button_texts  # the staff desk speaks Korean
        asked = await press(admin, data="st1:rmcompany:1:")
        assert "Hanbit Soft(134-86-72683)의 등록을 삭제하시겠습니까?" in asked[-1].plain
        assert "업체 담당자 1명" in asked[-1].plain and "채용 예정자 1명" in asked[-1].plain
        assert sqlite_db(settings).execute("select count(*) from companies").fetchone() == (1,)  # asked only
        done = await press(admin, data="st1:rmcompany_sure:1:")
        assert "등록을 삭제했습니다" in texts(done)
        await wait_for_text(squatter, "Programme staff removed the registration of Hanbit Soft")
        await wait_for_text(candidate, "Hanbit Soft no longer follows your application")
        again = await press(admin, data="st1:rmcompany_sure:1:")  # the same tap again: nothing left, said
        assert "더 이상 존재하지 않습니다" in texts(again)
        con = sqlite_db(settings)
        assert con.execute("select count(*) from employer_members").fetchone() == (0,)
        assert con.execute("select count(*) from employer_links").fetchone() == (0,)
        assert ("company.remove", "company:1") in con.execute("select action, target from audit_log").fetchall()
        real = emulator.user(803)
        assert "Hanbit Soft" in texts(await register(real, "Hanbit Soft", BRN))  # the number is free again
        assert "already registered" not in texts(real.messages)


async def test_an_employer_typing_to_the_bot_is_pointed_to_their_desk(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    """HR typed a word to the bot and got the applicant's "Question 1: What work will you do in Korea?"."""
    hr = emulator.user(811, language_code="en")
    await register(hr, "Hanbit Soft", BRN)
    said = texts(await hr.say("ok thanks"))
    assert "your candidates and your obligations are in /employer" in said and "Question 1" not in said
    person = emulator.user(812)  # someone who is not an employer still gets their question
    await person.say("/start")
    assert "Question 1" in texts(await person.say("ok thanks"))


async def test_a_queued_approval_request_of_a_removed_link_is_not_sent(settings: Settings, clock: FixedClock) -> None:
    """Staff removed the company while its request "… asks to follow your application" waited in
    the outbox: it would lead to a /share with nothing to approve. Only that link's are cancelled."""
    from sqlalchemy import select

    from bot.db.models import OutboxMessage
    from bot.db.repositories.outbox import OutboxRepo
    from bot.services.outbox import enqueue

    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            for key in ("link:5:2026-12-08T10:00:00", "link:50:2026-12-08T10:00:00"):
                await enqueue(session, chat_id=42, text="asks to follow", dedup_key=key, clock=clock)
            await OutboxRepo(session).cancel_keyed(["link:5:"])
            await session.commit()
            rows = (await session.execute(select(OutboxMessage.dedup_key, OutboxMessage.state))).all()
            states = {key: state for key, state in rows}
        assert states == {"link:5:2026-12-08T10:00:00": "cancelled", "link:50:2026-12-08T10:00:00": "pending"}
    finally:
        await engine.dispose()
