"""Programme staff in the bot: roles checked on the server, the review queue, decisions reaching the
applicant in their language, the quota under concurrency, staff management, statistics."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.callbacks import StaffCB
from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import Application, AuditEntry
from bot.db.models import Counter as CounterRow
from bot.i18n import translator
from bot.services.applications import ApplicationError, ApplicationService
from bot.services.staff_desk import StaffDesk
from emulator import BotAPIEmulator
from tests.conftest import ADMIN, BotRunner, running
from tests.e2e import (
    DOCUMENTS,
    PDF,
    answer,
    applicant_who_submitted,
    consented,
    korean,
    nav,
    press,
    snapshot,
    sqlite_db,
    texts,
    wait_for_text,
    write_sqlite,
)
from tests.staff_e2e import new_announcement, open_application, press_staff, submitted_directly
from tests.test_status import change


async def test_review_a_submitted_application_and_request_information_in_the_applicants_language(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    applicant = await applicant_who_submitted(emulator, 301, "ko")
    admin = emulator.user(ADMIN, language_code="en")
    menu = await admin.say("/staff")
    assert "Staff menu" not in menu[0].plain and korean(menu[0].plain)  # Korean first
    await press_staff(admin, "🌐 English")
    queue = await press_staff(admin, "📥 Review queue")
    assert "1 applications" in queue[0].plain or "1 application" in queue[0].plain
    opened = await press_staff(admin, "GG-2026-000001")
    text = "\n".join(m.plain for m in opened)
    assert (
        "NGUYEN VAN AN" in text
        and "134-86-72683" in text
        and "Sent for pre-check" in text
        and "not reported yet" in text
    )
    # The three documents, under names the bot makes (reference, item, extension from the content),
    # decrypted: the bytes the applicant sent; captioned with their names.
    assert sorted(d.file_name for d in admin.documents) == sorted(f"GG-2026-000001_{kind}.pdf" for kind in DOCUMENTS)
    assert sorted(d.content for d in admin.documents) == sorted(PDF + kind.encode() for kind in DOCUMENTS)
    assert any("Copy of your passport" in (d.caption or "") for d in admin.documents)
    await press_staff(admin, "📝 Request more information")
    await press_staff(admin, "3")  # the reasons are numbered: 3. Proof of your degree ...
    await admin.say("Please add the apostille <b>now</b>")
    confirm = admin.messages[-1]
    assert "Please add the apostille <b>now</b>" in confirm.plain
    done = await press_staff(admin, "✔ Confirm")
    assert "Done" in done[0].plain and "More information requested" in done[0].plain
    # Documents by their names and who moved the application in words, not internal keys.
    shown = "\n".join(m.plain for m in done)
    assert "• Copy of your passport" in shown and "passport_copy:" not in shown
    assert "(staff member 900)" in shown and "(applicant)" not in shown and "(the applicant)" in shown
    note = await wait_for_text(applicant, "Please add the apostille")
    assert korean(note.plain) and "<b>now</b>" in note.plain  # their language; the note as written
    rows = sqlite_db(settings).execute("select action, target, before, after from audit_log order by id").fetchall()
    assert ("application.status", "GG-2026-000001") in [(a, t) for a, t, _, _ in rows]
    change = next(r for r in rows if r[0] == "application.status")
    assert "submitted" in change[2] and "info_requested" in change[3] and "degree_proof" in change[3]


async def test_recommendation_takes_the_next_number_and_quota_is_shown_to_everyone(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    applicant = await applicant_who_submitted(emulator, 302, "ru")
    admin = emulator.user(ADMIN, language_code="ko")
    await open_application(admin)
    confirm = await press_staff(admin, "✅ Recommend")
    assert "0 of 630 issued" in confirm[0].plain
    await press_staff(admin, "✔ Confirm")
    message = await wait_for_text(applicant, "GGR-2026-0001")
    assert any("\u0400" <= ch <= "\u04ff" for ch in message.plain)  # Russian
    quota = await applicant.say("/quota")
    assert "629" in quota[0].plain and "37" in quota[0].plain  # remaining; days until 31 December
    assert sqlite_db(settings).execute("select value from counters").fetchone() == (1,)


async def test_an_older_confirm_asks_again_and_the_decision_still_goes_through(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    applicant = await applicant_who_submitted(emulator, 303)
    admin = emulator.user(ADMIN, language_code="en")
    await open_application(admin)
    first = (await press_staff(admin, "✅ Recommend"))[0]
    await press_staff(admin, "✅ Recommend")  # the same decision from a second view: a newer Confirm
    stale = await admin.tap("✔ Confirm", message=first)
    assert "a newer screen replaced it: nothing was changed" in stale[0].plain
    assert "✔ Confirm" in stale[-1].button_texts  # asked again, not dropped
    assert sqlite_db(settings).execute(
        "select count(*) from status_changes where to_status='recommended'"
    ).fetchone() == (0,)
    done = await press_staff(admin, "✔ Confirm")
    assert "Done" in done[0].plain
    await wait_for_text(applicant, "GGR-2026-0001")


STAFF_ACTS = [
    ("menu", 0, ""),
    ("queue", 0, ""),
    ("open", 1, ""),
    ("files", 1, ""),
    ("move", 1, "under_review"),
    ("decide", 1, "recommended"),
    ("reason", 1, "other"),
    ("commit", 1, ""),
    ("team", 0, ""),
    ("addstaff", 0, "admin"),
    ("unstaff", ADMIN, ""),
    ("audit", 0, ""),
    ("ann", 0, ""),
    ("newann", 0, ""),
    ("annsend", 0, ""),
    ("anncancel", 1, ""),
    ("stats", 0, ""),
    ("quota", 0, ""),
    ("companies", 0, ""),
    ("verify", 1, ""),
    ("rmcompany", 1, ""),
    ("rmcompany_sure", 1, ""),
]


async def test_every_staff_button_is_refused_to_others_and_changes_nothing(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await applicant_who_submitted(emulator, 303)
    await asyncio.sleep(1.5)  # the outbox has sent the "submitted" notice
    intruder = emulator.user(304)
    await intruder.say("/start")
    before = snapshot(settings)
    sent = len(intruder.messages)
    for act, ident, arg in STAFF_ACTS:
        update_id = await intruder.click_data(StaffCB(act=act, id=ident, arg=arg).pack(), intruder.messages[-1])
        await emulator.wait_processed(update_id)
        answer = intruder.last_callback_answer
        assert answer and "only for Gyeonggi Province programme staff" in answer.get("text", ""), act
    refused = await intruder.say("/staff")
    assert "only for Gyeonggi Province programme staff" in refused[0].plain
    assert snapshot(settings) == before
    assert len(intruder.messages) == sent + 1  # nothing but the /staff refusal reached them


async def test_admins_manage_staff_and_reviewers_cannot_act_as_admins(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    admin = emulator.user(ADMIN, language_code="ko")
    reviewer = emulator.user(305, language_code="en")
    await admin.say("/staff")
    await press_staff(admin, "🌐 English")
    await press_staff(admin, "👥 Staff members")
    await press_staff(admin, "➕ Add a reviewer")
    bad = await admin.say("@someone")
    assert "digits only" in bad[0].plain
    team = await admin.say("305")
    assert "305: reviewer" in team[0].plain
    menu = await reviewer.say("/staff")
    labels = [text for row in menu[0].buttons for text, _ in row]
    assert (
        "📣 Announcements" not in " ".join(labels) and len(labels) == 7
    )  # queue, questions, quota, stats, what people asked, companies, language
    before = snapshot(settings)
    for act in ("ann", "newann", "annsend", "team", "addstaff", "unstaff", "audit"):
        count = len(reviewer.messages)
        await emulator.wait_processed(await reviewer.click_data(StaffCB(act=act, id=ADMIN, arg="admin").pack()))
        reply = reviewer.messages[count:]
        assert any("Only administrators" in m.plain or "관리자만" in m.plain for m in reply), act
    assert snapshot(settings)["staff_members"] == before["staff_members"]
    await press_staff(admin, "Remove 305")
    refused = await reviewer.say("/staff")
    assert "only for" in refused[0].plain
    actions = [r[0] for r in sqlite_db(settings).execute("select action from audit_log order by id")]
    assert actions == ["staff.add", "staff.remove"]


async def test_concurrent_recommendations_never_exceed_the_quota(db_settings: Settings, clock: FixedClock) -> None:
    settings = db_settings
    refs = [ref for _, ref in await submitted_directly(settings, clock, 30, 10_000)]
    engine = make_engine(settings)
    maker = make_sessionmaker(engine)
    async with maker() as session:
        counter = await session.get(CounterRow, "recommendations")
        assert counter is not None
        counter.value = 620  # ten left
        await session.commit()

    async def recommend(ref: str, reviewer: int) -> bool:
        async with maker() as session:
            try:
                await ApplicationService(session, clock).change_status(ref, "recommended", actor_id=reviewer)
            except ApplicationError as refused:
                # the quota, or (the two on one application) a recommendation already made
                assert refused.code in ("quota", "not_allowed"), refused
                return False
            return True

    # Thirty reviewers at once, two of them on the same application.
    results = await asyncio.gather(*(recommend(ref, 1 + i) for i, ref in enumerate(refs)), recommend(refs[0], 99))
    async with maker() as session:
        issued = (await session.get(CounterRow, "recommendations")).value  # type: ignore[union-attr]
        numbers = list((await session.execute(select(Application.recommendation_number))).scalars())
        audits = (await session.execute(select(AuditEntry))).scalars().all()
    await engine.dispose()
    granted = [n for n in numbers if n]
    assert sum(results) == 10 and issued == 630
    assert sorted(granted) == [f"GGR-2026-{n:04d}" for n in range(621, 631)]
    assert len(audits) == 10  # refused attempts leave no trace of a change


async def test_desk_refuses_admin_acts_to_a_reviewer_without_touching_state(
    settings: Settings, clock: FixedClock
) -> None:
    from bot.crypto import Vault, load_key
    from bot.services.staff import StaffService

    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        staff = StaffService(session, clock, frozenset())
        desk = StaffDesk(session, clock, Vault(load_key(settings)), staff, 5, "reviewer", await staff.state(5))
        reply = await desk.press("newann", 0, "")
        assert reply.notice is not None and "administrators" in reply.notice.msgid
        assert (await staff.state(5)).pending in (None, {})
    await engine.dispose()


async def test_statistics_are_anonymous_counts_that_survive_deletion(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await applicant_who_submitted(emulator, 306, "ko")
    short = emulator.user(307, language_code="en")  # a network developer with 4 of the 5 years
    await short.say("/start")
    await answer(short, "network_developer", "none", "=4", "no", "VN", "yes", "yes", "=40000000")
    button = nav(short, "result")
    summary = short.messages[-1]
    await short.tap(button)
    await short.tap(button, message=summary)  # looking twice counts once
    admin = emulator.user(ADMIN, language_code="en")
    await admin.say("/staff")
    await press_staff(admin, "🌐 English")
    shown = "\n".join(m.plain for m in await press_staff(admin, "📈 Statistics"))
    assert "Started the questionnaire: 2" in shown and "Finished the questionnaire: 2" in shown
    assert "Not eligible (❌): 1" in shown and "Submitted: 1" in shown  # looking twice counted once
    assert "Network systems developer (네트워크시스템 개발자): 0 / 1 / 0 / 1 / 0 / 0 / 0" in shown
    assert "Korean: 1 / 1 / 1 / 0 / 1 / 1 / 0" in shown  # the language by its name, in the reader's
    assert "1 × At least 5 years of related work experience" in shown
    assert "by language: English 1" in shown  # named, not coded
    assert "307" not in shown and "NGUYEN" not in shown  # nobody in it
    await short.say("/delete")
    await short.tap("Yes, delete everything")
    await press_staff(admin, "« Staff menu")
    again = "\n".join(m.plain for m in await press_staff(admin, "📈 Statistics"))
    assert again == shown


def test_statistics_before_anyone_was_found_ineligible_say_so() -> None:
    from bot.i18n import translator
    from dialogs.staff_team import stats_screen

    shown = "\n".join(translator("en").render(b) for b in stats_screen({}).body)
    assert "unmet conditions)\n(none yet)" in shown  # not an empty heading


def test_staff_read_languages_by_name_in_their_own_language() -> None:
    from bot.i18n import translator
    from dialogs.staff_announcements import audience_text

    audience = {"kind": "language", "value": "vi"}
    assert translator("ko").render(audience_text(audience)) == "베트남어 사용자"
    assert "Vietnamese" in translator("en").render(audience_text(audience))


async def test_queue_is_oldest_first_and_filters_by_status_occupation_and_language(
    settings: Settings, clock: FixedClock
) -> None:
    from bot.crypto import Vault, load_key
    from bot.services.review import ReviewService
    from bot.services.staff import StaffService
    from dialogs.staff import QueueFilter

    refs = [ref for _, ref in await submitted_directly(settings, clock, 3, 10_000)]
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        con = sqlite_db(settings)
        con.execute("update users set language = 'vi' where id = 10001")
        con.execute(
            "update applications set occupation = 'data_engineer', submitted_at = '2026-10-31 23:30:00' "
            "where reference = ?",
            (refs[2],),
        )
        con.commit()
        await ApplicationService(session, clock).change_status(refs[0], "under_review", actor_id=1)
        review = ReviewService(session, clock, Vault(load_key(settings)), StaffService(session, clock, frozenset()))
        rows, total = await review.queue(QueueFilter())
        assert total == 3 and [r.reference for r in rows] == [refs[2], refs[0], refs[1]]  # oldest submission first
        assert rows[0].sent_on == date(2026, 11, 1)  # sent at 08:30 in Korea: that day, not the UTC one before
        assert [r.reference for r in (await review.queue(QueueFilter(status="under_review")))[0]] == [refs[0]]
        assert [r.reference for r in (await review.queue(QueueFilter(language="vi")))[0]] == [refs[1]]
        assert [r.reference for r in (await review.queue(QueueFilter(occupation="data_engineer")))[0]] == [refs[2]]
    await engine.dispose()


async def test_an_admin_cancels_an_announcement_and_gets_the_report(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator
) -> None:
    slow = settings.model_copy(update={"staff_admin_ids": frozenset({ADMIN}), "send_rate": 4.0})
    con = sqlite_db(settings)
    con.executemany(
        "insert into users (id, language, language_chosen, created_at, last_seen_at, mode, counted) "
        "values (?, 'vi', 0, '2026-11-01 00:00:00', '2026-11-01 00:00:00', 'check', '[]')",
        [(30_000 + i,) for i in range(40)],
    )
    con.commit()
    for i in range(40):
        emulator.user(30_000 + i, language_code="vi").open_chat()
    async with running(slow, clock, emulator):
        admin = emulator.user(ADMIN, language_code="en")
        await new_announcement(admin, "Vietnamese")  # the audience: people using Vietnamese
        await press_staff(admin, "Vietnamese")  # the version
        await admin.say("Thông báo thử")
        await press_staff(admin, "👁 Preview")
        assert "40 recipients" in admin.messages[-1].plain
        sent_from = await press_staff(admin, "📤 Confirm and send")
        confirm = next(m for m in admin.messages if "📤 Confirm and send" in m.button_texts)
        again = await admin.tap("📤 Confirm and send", message=confirm)  # the same button again: said
        assert "already used" in again[0].plain and sent_from
        await asyncio.sleep(1.5)
        asked = await press_staff(admin, "⏹ Cancel the rest")
        assert "Cancel announcement #1?" in asked[0].plain  # asked first
        cancelled = await press_staff(admin, "⏹ Yes, cancel the rest")
        assert "cancelled" in cancelled[0].plain
        report = await wait_for_text(admin, "is cancelled")
        view = next(m for m in admin.messages if "⏹ Cancel the rest" in m.button_texts)  # an earlier view
        late = await admin.tap("⏹ Cancel the rest", message=view)  # nothing left: said, not silence
        assert "Nothing is left to send" in late[0].plain
        await asyncio.sleep(1.5)
    sent = sum(1 for i in range(40) if any("Thông báo thử" in m.plain for m in emulator.user(30_000 + i).messages))
    states = Counter(s for (s,) in con.execute("select state from outbox where announcement_id = 1"))
    assert 0 < sent < 40 and states["cancelled"] == 40 - sent - states["sending"]
    assert f"Cancelled before sending: {states['cancelled']}" in report.plain


async def test_announcement_audiences_pick_the_right_people(settings: Settings, clock: FixedClock) -> None:
    from bot.db.models import Company, EmployerMember, Questionnaire
    from bot.db.repo import PersonRepo
    from bot.services.announcements import AnnouncementService
    from bot.services.staff import StaffService

    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        repo = PersonRepo(session)
        for uid, lang in ((1, "vi"), (2, "ko"), (3, "en"), (4, "vi")):
            await repo.load(uid, lang, clock.now())
        await session.flush()
        app = await ApplicationService(session, clock).create_draft(1, "web_developer")
        await ApplicationService(session, clock).submit(app)
        session.add(
            Questionnaire(
                user_id=2,
                answers={"occupation": "care_worker"},
                history=[],
                revision=1,
                started_at=clock.now(),
                updated_at=clock.now(),
            )
        )
        session.add(
            Company(
                id=1, name="C", brn="1348672683", city="suwon", contact_name="K", created_by=3, created_at=clock.now()
            )
        )
        await session.flush()
        session.add(EmployerMember(user_id=3, company_id=1, joined_at=clock.now()))
        await repo.update(4, unreachable_at=clock.now())  # blocked the bot
        await session.commit()
        service = AnnouncementService(session, clock, StaffService(session, clock, frozenset()))
        audiences = {
            "all": {"kind": "all"},
            "submitted": {"kind": "status", "value": "submitted"},
            "web": {"kind": "occupation", "value": "web_developer"},
            "care": {"kind": "occupation", "value": "care_worker"},
            "vi": {"kind": "language", "value": "vi"},
            "employers": {"kind": "employers"},
        }
        found = {name: sorted(await service.recipients(a)) for name, a in audiences.items()}
    await engine.dispose()
    assert found == {"all": [1, 2, 3], "submitted": [1], "web": [1], "care": [2], "vi": [1], "employers": [3]}


def test_the_admin_part_s_actions_are_for_admins_but_the_companies() -> None:
    """Every action of the admin part (staff members, the audit log, announcements) is registered with
    for_admins; only the companies' verification is the reviewers' too. An action added there with a
    plain @ACTIONS would be open to reviewers: this fails."""
    from bot.services import staff_admin_desk
    from bot.services.staff_desk_base import ACTIONS, ADMIN_ACTS

    admin_part = {
        name for name, (method, _) in ACTIONS.methods.items() if method.__module__ == staff_admin_desk.__name__
    }
    assert admin_part - ADMIN_ACTS == {"companies", "verify"}
    assert admin_part >= ADMIN_ACTS


async def test_no_staff_member_decides_on_their_own_application(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """A reviewer who applies sees their application like any other, without the decision buttons;
    a forged decision is refused before its reason and note are asked, and the service refuses it
    under the row lock whoever calls it. The CLI (actor 0) and other staff still decide."""
    [(app_id, reference)] = await submitted_directly(settings, clock, 1, ADMIN)
    admin = emulator.user(ADMIN, language_code="en")
    shown = await open_application(admin, reference)
    assert "This is your own application: another staff member decides on it." in shown[0].plain
    assert not {"✅ Recommend", "🔎 Mark as under review", "❌ Do not recommend"} & set(shown[0].button_texts)
    forged = await admin.click_data(StaffCB(act="decide", id=app_id, arg="recommended").pack())
    await emulator.wait_processed(forged)
    assert "This is your own application" in admin.messages[-1].plain
    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            with pytest.raises(ApplicationError) as refused:
                await ApplicationService(session, clock).change_status(reference, "recommended", actor_id=ADMIN)
            assert refused.value.code == "own"
        async with make_sessionmaker(engine)() as session:
            change = await ApplicationService(session, clock).change_status(reference, "under_review", actor_id=0)
            assert change.to_status == "under_review"
    finally:
        await engine.dispose()
    assert (
        sqlite_db(settings).execute("select count(*) from audit_log where action = 'application.status'").fetchone()[0]
        == 1
    )


async def test_staff_buttons_of_an_erased_application_or_question_say_it_was_deleted(
    staff_bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    """Every old button on an application or a question the applicant erased says so, the same way,
    and a reply is refused before it is typed (it was refused after, and the text was lost)."""
    user = await applicant_who_submitted(emulator, 321)
    await user.say("/ask Is my diploma enough?")
    await press(user, "📨 Send to programme staff", "tk1:send:")
    admin = emulator.user(ADMIN, language_code="en")
    app_screen = next(m for m in await open_application(admin, "GG-2026-000001") if m.buttons)
    await admin.say("/staff")
    await press_staff(admin, "❓ Questions")
    ticket = (await press_staff(admin, "#"))[-1]
    confirm = await user.say("/delete")
    await user.tap("Yes, delete everything", message=confirm[-1])
    gone = "That application no longer exists: the applicant has deleted their data."
    for label in (
        "🔎 Mark as under review",
        "📝 Request more information",
        "✅ Recommend",
        "📎 Send the documents again",
    ):
        shown = await admin.tap(label, message=app_screen)
        assert shown and gone in shown[0].plain, (label, [m.plain for m in shown])
    replied = await admin.tap("✍️ Reply", message=ticket)
    assert "closed or no longer exists" in replied[0].plain and "Type your reply" not in texts(replied)


async def test_with_every_recommendation_issued_nobody_is_drawn_into_an_application(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """630 of 630: the welcome and the result say so first, /apply starts no draft that could never be
    sent, and staff are told at Recommend, not after the reason and the confirmation."""
    [(app_id, _)] = await submitted_directly(settings, clock, 1, 20_000)
    preparing = emulator.user(331)
    await consented(preparing)  # in the form when the last recommendation goes
    await write_sqlite(settings, "insert or replace into counters (name, value) values ('recommendations', 630)")
    full = "All 630 recommendations have been issued, so no more applications can be submitted."
    assert full in texts(await preparing.say("/start"))  # not a bare "Welcome back!"
    user = emulator.user(330)
    assert full in texts(await user.say("/start"))
    await answer(user, "web_developer", "master", "abroad", "yes", "no", "CN", "yes", "yes", "=40000000")
    result = await user.tap(nav(user, "result"))
    assert full in texts(result) and "prepare your application here" not in texts(result)
    assert "📝 Start my application" not in result[0].button_texts  # nothing it would refuse
    assert full in texts(await user.say("/apply"))
    assert sqlite_db(settings).execute("select count(*) from applications where user_id = 330").fetchone()[0] == 0
    admin = emulator.user(ADMIN, language_code="en")
    await open_application(admin)
    forged = await admin.click_data(StaffCB(act="decide", id=app_id, arg="recommended").pack())
    await emulator.wait_processed(forged)
    assert "The quota is used up" in admin.messages[-1].plain


def test_the_audit_log_names_the_cli_and_an_erased_person_apart() -> None:
    """0 is the terminal; an erased person's own act (their question) is -1, never shown as the CLI."""
    from bot.i18n import translator
    from dialogs.staff_team import audit_screen

    at = datetime(2026, 12, 1, 9, 0, tzinfo=SEOUL)
    screen = audit_screen([(at, 0, "application.status", "erased", ""), (at, -1, "ticket.open", "erased", "")])
    shown = translator("en").render(screen.body[0])
    assert "the CLI · application.status" in shown and "a person who deleted their data · ticket.open" in shown


def test_the_status_filter_offers_every_status_past_the_draft() -> None:
    """A recommended applicant who reported "visa applied" was in no filter: the recommended one
    showed none and there was no visa option, so staff could not find them."""
    from dialogs import staff as ui
    from dialogs import statuses as st

    offered = {a.name.rsplit("status=", 1)[1] for a in ui.filter_screen("status", []).actions if "status=" in a.name}
    assert offered == set(st.STATUSES) - {st.DRAFT}


def test_a_final_decision_says_so_before_its_confirm() -> None:
    """Recommended and not recommended cannot be changed afterwards (the status table has no move
    back): the confirmation says so; a request for more information does not."""
    from dialogs import statuses as st
    from dialogs.staff_decisions import confirm_screen

    en = translator("en")

    def said(status: str) -> str:
        screen = confirm_screen(1, "GG-2026-000001", status, None, None, 3, 630, "t")
        return "".join(en.render(m, html_mode=False) for m in screen.body)

    assert all("This decision is final" in said(s) for s in (st.RECOMMENDED, st.NOT_RECOMMENDED))
    assert "This decision is final" not in said(st.INFO_REQUESTED)


async def test_an_older_preview_does_not_send_a_changed_draft_and_nobody_is_no_audience(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """Previewed for Vietnamese, then the audience widened to everyone: the first preview's Confirm
    sent the Vietnamese text to all (an announcement cannot be recalled). An audience of nobody is
    said, with no Confirm (it was sent: "Sent 0 of 0")."""
    con = sqlite_db(settings)
    con.executemany(
        "insert into users (id, language, language_chosen, created_at, last_seen_at, mode, counted) "
        "values (?, ?, 0, '2026-11-01 00:00:00', '2026-11-01 00:00:00', 'check', '[]')",
        [(31_000, "vi"), (31_001, "ru")],
    )
    con.commit()
    admin = emulator.user(ADMIN, language_code="en")
    await new_announcement(admin, "Khmer")  # nobody uses the bot in Khmer
    await press_staff(admin, "Vietnamese")  # the version
    await admin.say("Thông báo thử")
    empty = (await press_staff(admin, "👁 Preview"))[-1]
    assert "Nobody would receive it" in empty.plain and "📤 Confirm and send" not in empty.button_texts
    await press_staff(admin, "« Back to the draft")
    await press_staff(admin, "👥 Audience")
    await press_staff(admin, "Vietnamese")
    old = (await press_staff(admin, "👁 Preview"))[-1]
    assert "1 recipient" in old.plain and "📤 Confirm and send" in old.button_texts
    await press_staff(admin, "« Back to the draft")
    await press_staff(admin, "👥 Audience")
    await press_staff(admin, "everyone")
    refused = await admin.tap("📤 Confirm and send", message=old)
    assert "The draft changed after that preview" in texts(refused) and "Nothing was sent" in texts(refused)
    assert con.execute("select count(*) from announcements").fetchone() == (0,)


async def test_the_review_queue_comes_back_to_its_last_page_when_it_shrinks(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """Page 2 held the ninth application; once it was decided, the kept page 2 showed "Nothing to
    review" with only "◀ Previous", even after /staff."""
    refs = [ref for _, ref in await submitted_directly(settings, clock, 9, 12_000)]
    admin = emulator.user(ADMIN, language_code="en")
    await admin.say("/staff")
    await press_staff(admin, "🌐 English")
    await press_staff(admin, "📥 Review queue")
    second = texts(await press_staff(admin, "Next ▶"))
    assert refs[8] in second
    await change(settings, clock, refs[8], "recommended")
    await admin.say("/staff")
    again = texts(await press_staff(admin, "📥 Review queue"))
    assert "Nothing to review" not in again and refs[0] in again and refs[7] in again
