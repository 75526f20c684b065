"""Questions to programme staff (issue 17, "A person when the bot cannot help"), through the real bot:
/ask shows what staff will see, staff answer from the ❓ Questions queue, the applicant receives the
answer verbatim under a line in their language and replies in the thread, staff close it; one open
question per person, a daily limit, a restart between steps, forged buttons, erasure, and two staff
closing at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.commands import telegram_language_code
from bot.config import Settings
from bot.crypto import Vault, load_key
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import AuditEntry, OutboxMessage, Ticket, TicketMessage
from bot.db.repo import PersonRepo
from bot.db.repositories.tickets import TicketRepo
from bot.i18n import available_locales, translator
from bot.services.staff import StaffService
from bot.services.staff_desk import Reply, StaffDesk
from bot.services.tickets import TicketError, TicketService
from dialogs import tickets as ui
from emulator import BotAPIEmulator, FakeMessage, FakeUser
from tests.conftest import BotRunner
from tests.e2e import applicant_who_submitted, eligible, find_button, sqlite_db, wait_for_text, worker_sessions
from tests.test_status import change

ADMIN = 900
QUESTION = "Can my wife come with me on the E-7 visa?"
ANSWER_KO = "네, 배우자는 F-3 비자로 동반할 수 있습니다. <b>원본</b> 서류를 준비하세요."


@pytest.fixture
async def bot(settings: Settings, clock: FixedClock, emulator: BotAPIEmulator) -> AsyncIterator[BotRunner]:
    runner = BotRunner(settings.model_copy(update={"staff_admin_ids": frozenset({ADMIN})}), clock, emulator)
    await runner.start()
    yield runner
    await runner.stop()


def button(user: FakeUser, label: str, prefix: str = "") -> tuple[str, FakeMessage]:
    """The callback data of the newest button starting with ``label`` (and data with ``prefix``)."""
    message, data = find_button(user, label, prefix)
    return data, message


async def press(user: FakeUser, label: str, prefix: str = "") -> list[FakeMessage]:
    data, m = button(user, label, prefix)
    return await user.tap(data, message=m)


def plain(messages: list[FakeMessage]) -> str:
    """The messages' text and their buttons' labels."""
    return "\n".join([m.plain for m in messages] + [t for m in messages for row in m.buttons for t, _ in row])


async def staff_open_first(admin: FakeUser) -> str:
    await admin.say("/staff")
    if "Staff menu" not in admin.messages[-1].plain:
        await press(admin, "🌐 English", "st1:")
    queue = await press(admin, "❓ Questions", "st1:")
    assert "Questions" in plain(queue)
    return plain(await press(admin, "#", "st1:tkopen:"))


async def test_ask_answer_reply_close_across_a_restart(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    person = emulator.user(401, language_code="en")
    await eligible(person)
    preview = plain(await person.say(f"/ask {QUESTION}"))
    # What staff will see, before anything is sent: the question, the occupation, the verdict.
    assert QUESTION in preview and "Staff will also see" in preview and "Occupation:" in preview
    assert "eligible" in preview and "Application: none" in preview
    assert sqlite_db(settings).execute("select status from tickets").fetchall() == [("draft",)]
    sent = plain(await press(person, "📨 Send to programme staff", "tk1:send:"))
    assert "within 2 working days" in sent

    admin = emulator.user(ADMIN, language_code="en")
    opened = await staff_open_first(admin)
    assert QUESTION in opened and "language English" in opened and "Occupation:" in opened
    await press(admin, "✍️ Reply", "st1:tkreply:")
    await bot.restart()  # the awaited reply is in the staff session: nothing is lost
    done = plain(await admin.say(ANSWER_KO))
    assert "Sent to the applicant" in done and ANSWER_KO in done  # the thread, as written

    answer = await wait_for_text(person, "Programme staff answered")
    assert "(written in Korean)" in answer.plain and ANSWER_KO in answer.plain  # verbatim, tags as text
    assert answer.buttons and answer.buttons[0][0][0] == "↩️ Reply"

    await bot.restart()
    assert "Type your reply" in plain(await person.tap(answer.buttons[0][0][1], message=answer))
    await bot.restart()
    assert "Added to your question" in plain(await person.say("Thank you! And my two children?"))
    await person.say("hello")  # typed text goes back to the questionnaire, not to the thread
    assert sqlite_db(settings).execute("select count(*) from ticket_messages").fetchone() == (2,)

    queue = plain(await press(admin, "« Questions", "st1:"))
    assert "answered by the applicant" in queue
    opened = plain(await press(admin, "#", "st1:tkopen:"))
    assert "Thank you! And my two children?" in opened and ANSWER_KO in opened
    reply_again = next(m for m in reversed(person.messages) if m.buttons and m.buttons[0][0][0] == "↩️ Reply")
    await person.tap(reply_again.buttons[0][0][1], message=reply_again)  # they begin another reply
    assert "Closed" in plain(await press(admin, "✅ Close", "st1:tkclose:"))
    late = plain(await person.say("One more thing about the school"))  # typed before they saw it close
    assert "closed your question" in late and "To ask something else, use /ask" in late
    await wait_for_text(person, "closed your question")

    con = sqlite_db(settings)
    keys = [k for (k,) in con.execute("select dedup_key from outbox where chat_id = 401 and dedup_key like 'ticket:%'")]
    assert sorted(keys) == ["ticket:1:closed", "ticket:1:msg:1"]  # each message once
    actions = [a for (a,) in con.execute("select action from audit_log where target = 'ticket:1' order by id")]
    assert actions[0] == "ticket.open" and "ticket.reply" in actions and actions[-1] == "ticket.close"
    # Closed: they may ask again.
    assert "Staff will also see" in plain(await person.say("/ask Another question"))


async def test_the_answer_line_is_in_the_applicants_language(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """Every language: asked in it, answered by staff in English (and in Korean), received verbatim
    under the line in the applicant's language; the applicant's reply reaches the thread."""
    people = [(410 + i, lang) for i, lang in enumerate(available_locales())]
    for uid, lang in people:
        person = emulator.user(uid, language_code=telegram_language_code(lang))
        await person.say("/start")
        await person.say(f"/ask {QUESTION}")
        await press(person, "📨", "tk1:send:")
    admin = emulator.user(ADMIN, language_code="en")
    for i in range(len(people)):
        answer = ANSWER_KO if i % 2 else "Yes, she can: apply for an F-3 visa."
        await staff_open_first(admin)
        await press(admin, "✍️ Reply", "st1:tkreply:")
        await admin.say(answer)
        await press(admin, "✅ Close", "st1:")
    for uid, lang in people:
        person = emulator.user(uid, language_code=telegram_language_code(lang))
        got = await wait_for_text(person, "F-3")
        written, sent = ("ko", ANSWER_KO) if "배우자는" in got.plain else ("en", "Yes, she can: apply for an F-3 visa.")
        expected = translator(lang).render(ui.staff_reply_text(written, sent))
        assert got.text == expected, lang  # rendered with the applicant's catalog, the staff text verbatim


async def test_staff_see_where_the_application_stands_now_beside_the_case_as_asked(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    person = await applicant_who_submitted(emulator, 440)
    await person.say(f"/ask {QUESTION}")
    await press(person, "📨", "tk1:send:")
    admin = emulator.user(ADMIN, language_code="en")
    asked = await staff_open_first(admin)
    assert "Application GG-2026-000001: Sent for pre-check" in asked and "Now:" not in asked
    await change(settings, clock, "GG-2026-000001", "recommended")
    await press(admin, "« ", "st1:")
    later = await staff_open_first(admin)
    assert "Application GG-2026-000001: Sent for pre-check" in later  # the case as the person saw it
    assert "⚠️ Now: application GG-2026-000001 is Recommended" in later


async def test_one_open_question_and_a_daily_limit(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    person = emulator.user(404, language_code="en")
    await person.say("/start")
    await person.say("/ask first")
    await press(person, "📨", "tk1:send:")
    assert "already have an open question" in plain(await person.say("/ask second"))
    # Staff close it; two more the same day, then the limit (3 a day).
    admin = emulator.user(ADMIN, language_code="en")
    for n in range(3):
        await staff_open_first(admin)
        await press(admin, "✅ Close", "st1:")
        if n < 2:
            await person.say(f"/ask question {n}")
            await press(person, "📨", "tk1:send:")
    assert "as many questions as allowed today" in plain(await person.say("/ask a fourth"))
    assert sqlite_db(settings).execute("select count(*) from tickets").fetchone() == (3,)


async def test_an_old_preview_cannot_open_a_second_question(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    person = emulator.user(405, language_code="en")
    await person.say("/start")
    await person.say("/ask first")
    first_send, first_msg = button(person, "📨", "tk1:send:")
    await person.tap(first_send, message=first_msg)
    again = plain(await person.tap(first_send, message=first_msg))
    assert "already sent" in again
    assert sqlite_db(settings).execute("select count(*) from tickets where status = 'open'").fetchone() == (1,)


async def forge(user: FakeUser, emulator: BotAPIEmulator, data: str) -> None:
    await emulator.wait_processed(await user.click_data(data, user.messages[-1]))


async def test_forged_ticket_buttons_act_on_nothing(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    owner, other = emulator.user(406, language_code="en"), emulator.user(407, language_code="en")
    await owner.say("/start")
    await other.say("/start")
    await owner.say("/ask my question")
    data, _ = button(owner, "📨", "tk1:send:")
    ticket_id = int(data.split(":")[2])
    # Someone else's buttons on the owner's draft: nothing happens.
    for act in ("send", "cancel", "reply"):
        await forge(other, emulator, f"tk1:{act}:{ticket_id}:")
    assert sqlite_db(settings).execute("select status from tickets").fetchall() == [("draft",)]
    # A non-staff user forging staff buttons on the ticket: refused, nothing changes.
    await owner.tap(data)
    for act in ("tickets", "tkopen", "tkreply", "tkclose"):
        await forge(other, emulator, f"st1:{act}:{ticket_id}:")
        assert "only for Gyeonggi Province programme staff" in (other.last_callback_answer or {}).get("text", "")
    assert sqlite_db(settings).execute("select status from tickets").fetchall() == [("open",)]
    assert sqlite_db(settings).execute(
        "select count(*) from audit_log where action like 'ticket.%' and actor_id = 407"
    ).fetchone() == (0,)
    assert "my question" not in plain(other.messages)  # nothing of the owner's ticket reached them


async def test_delete_erases_the_questions(bot: BotRunner, emulator: BotAPIEmulator, settings: Settings) -> None:
    person = emulator.user(408, language_code="en")
    await person.say("/start")
    await person.say(f"/ask {QUESTION}")
    await press(person, "📨", "tk1:send:")
    admin = emulator.user(ADMIN, language_code="en")
    await staff_open_first(admin)
    await press(admin, "✍️ Reply", "st1:tkreply:")
    await admin.say("An answer")
    await wait_for_text(person, "An answer")
    exported = plain(await person.say("/mydata")) + "".join(d.content.decode(errors="ignore") for d in person.documents)
    assert QUESTION in exported and "An answer" in exported
    confirm = await person.say("/delete")
    await person.tap("Yes, delete everything", message=confirm[-1])
    con = sqlite_db(settings)
    assert con.execute("select count(*) from tickets").fetchone() == (0,)
    assert con.execute("select count(*) from ticket_messages").fetchone() == (0,)
    assert con.execute("select count(*) from audit_log where target like 'ticket:%'").fetchone() == (0,)


# --- two staff at once ----------------------------------------------------------------------------


async def _desk_press(maker: object, clock: FixedClock, vault: Vault, actor: int, act: str, ident: int) -> Reply:
    async with maker() as session:  # type: ignore[operator]
        staff = StaffService(session, clock, frozenset({actor}))
        desk = StaffDesk(session, clock, vault, staff, actor, "admin", await staff.state(actor))
        reply = await desk.press(act, ident, "")
        await session.commit()
        return reply


async def test_two_staff_closing_at_once_close_it_once(db_settings: Settings, clock: FixedClock) -> None:
    settings = db_settings
    vault = Vault(load_key(settings))
    async with worker_sessions(settings) as makers:
        ids = []
        for i in range(4):
            async with makers[0]() as session:
                await PersonRepo(session).load(30_000 + i, "en", clock.now())
                await session.commit()
                service = TicketService(session, clock)
                reply = await service.ask(30_000 + i, f"question {i}", "en")
                ticket_id = int(reply.screens[0].actions[0].name.split(":")[1])
                await service.press(30_000 + i, "send", ticket_id, "")
                ids.append(ticket_id)
        for ticket_id in ids:
            replies = await asyncio.gather(
                *(
                    _desk_press(m, clock, vault, actor, "tkclose", ticket_id)
                    for m, actor in zip(makers, (901, 902), strict=True)
                )
            )
            notices = sorted(r.notice.msgid if r.notice is not None else "" for r in replies)  # type: ignore[union-attr]
            assert notices == sorted([ui.CLOSED_DONE.msgid, ui.STAFF_ERRORS["closed"].msgid]), notices
        async with makers[0]() as session:
            closes = await session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "ticket.close")
            )
            told = await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.dedup_key.like("ticket:%:closed"))
            )
            statuses = set((await session.execute(select(Ticket.status))).scalars())
            messages = await session.scalar(select(func.count()).select_from(TicketMessage))
        assert closes == len(ids) and told == len(ids) and statuses == {"closed"} and messages == 0


def test_the_reply_button_data_is_what_ticketcb_packs() -> None:
    from bot.callbacks import TicketCB
    from bot.services.tickets import reply_button_data

    assert reply_button_data(42) == TicketCB(act="reply", id=42).pack()


async def test_the_queue_puts_the_applicants_answers_first_then_the_oldest(
    db_settings: Settings, clock: FixedClock
) -> None:
    engine = make_engine(db_settings)
    try:
        async with make_sessionmaker(engine)() as session:
            service, staff = TicketService(session, clock), StaffService(session, clock, frozenset({ADMIN}))
            ids = []
            for i in range(3):
                await PersonRepo(session).load(31_000 + i, "en", clock.now())
                await session.commit()
                reply = await service.ask(31_000 + i, f"question {i}", "en")
                ids.append(int(reply.screens[0].actions[0].name.split(":")[1]))
                await service.press(31_000 + i, "send", ids[-1], "")
                clock.advance(timedelta(minutes=1))
            await service.staff_reply(staff, ADMIN, ids[1], "an answer")  # waits for the applicant
            await service.staff_reply(staff, ADMIN, ids[2], "an answer")
            await service.press(31_002, "reply", ids[2], "")
            await service.text(31_002, "their answer")  # answered: first
            rows, total = await service.queue(only_apps=False)
        assert [(r.id, r.answered) for r in rows] == [(ids[2], True), (ids[0], False), (ids[1], False)]
        assert total == 3
    finally:
        await engine.dispose()


async def test_a_reply_racing_a_close_is_sent_before_it_or_refused(db_settings: Settings, clock: FixedClock) -> None:
    settings = db_settings

    async def act(maker: object, what: str, ticket_id: int) -> str:
        async with maker() as session:  # type: ignore[operator]
            service, staff = TicketService(session, clock), StaffService(session, clock, frozenset({901, 902}))
            try:
                if what == "reply":
                    await service.staff_reply(staff, 901, ticket_id, "an answer")
                else:
                    await service.close(staff, 902, ticket_id)
            except TicketError as refused:
                return refused.code
            return "done"

    async with worker_sessions(settings) as makers:
        for i in range(4):
            async with makers[0]() as session:
                await PersonRepo(session).load(32_000 + i, "en", clock.now())
                await session.commit()
                service = TicketService(session, clock)
                reply = await service.ask(32_000 + i, "a question", "en")
                ticket_id = int(reply.screens[0].actions[0].name.split(":")[1])
                await service.press(32_000 + i, "send", ticket_id, "")
            replied, closed = await asyncio.gather(
                act(makers[0], "reply", ticket_id), act(makers[1], "close", ticket_id)
            )
            assert closed == "done" and replied in ("done", "closed")
            async with makers[0]() as session:
                messages = await session.scalar(
                    select(func.count()).select_from(TicketMessage).where(TicketMessage.ticket_id == ticket_id)
                )
                told = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.dedup_key.like(f"ticket:{ticket_id}:msg:%"))
                )
                order = [
                    a
                    for (a,) in await session.execute(
                        select(AuditEntry.action)
                        .where(AuditEntry.target == f"ticket:{ticket_id}", AuditEntry.action != "ticket.open")
                        .order_by(AuditEntry.id)
                    )
                ]
            # A refused reply leaves nothing; a reply before the close is in the thread and sent once.
            assert messages == told == (1 if replied == "done" else 0)
            assert order == (["ticket.reply", "ticket.close"] if replied == "done" else ["ticket.close"])
            # And once closed, a reply is refused.
            assert await act(makers[1], "reply", ticket_id) == "closed"


async def test_direction_overrides_in_a_question_do_not_reach_staff(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """An override (U+202E) typed into a question would turn the rest of the staff's line around;
    Arabic itself and the direction marks stay."""
    person = emulator.user(431, language_code="en")
    await person.say("/start")
    preview = plain(await person.say("/ask Is my \u202ediploma\u2066 enough? سؤال\u200f"))
    assert "\u202e" not in preview and "\u2066" not in preview
    stored = sqlite_db(settings).execute("select question from tickets").fetchone()[0]
    assert stored == "Is my diploma enough? سؤال\u200f"


async def test_a_reply_telegram_split_in_two_is_refused_whole_and_its_tail_is_not_sent(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """A 5,000-character reply arrives as 4,096 + 904 characters: the first part was refused but the
    desk kept waiting, and the tail went to the applicant, starting mid-word."""
    person = emulator.user(411, language_code="en")
    await eligible(person)
    await person.say(f"/ask {QUESTION}")
    await press(person, "📨 Send to programme staff", "tk1:send:")
    admin = emulator.user(ADMIN, language_code="en")
    await staff_open_first(admin)
    await press(admin, "✍️ Reply", "st1:tkreply:")
    head = plain(await admin.say("Dear applicant, " + "d" * 4080))
    assert "Not sent: the reply is longer than 1,500 characters" in head
    tail = plain(await admin.say("etails of your case follow."))  # the second part of the same text
    assert "Sent to the applicant" not in tail and "The rest of that long text was not kept either" in tail
    assert sqlite_db(settings).execute("select count(*) from ticket_messages").fetchone() == (0,)
    assert not [m for m in person.messages if "etails of your case" in m.plain]


async def test_every_open_question_is_reachable_a_page_at_a_time(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """21 open: the list said "21 open" and showed #1–#20; those waiting for the applicant, sorted
    last, could never be opened."""
    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            service = TicketService(session, clock)
            for i in range(21):
                await PersonRepo(session).load(32_000 + i, "en", clock.now())
                await session.commit()
                reply = await service.ask(32_000 + i, f"question {i}", "en")
                await service.press(32_000 + i, "send", int(reply.screens[0].actions[0].name.split(":")[1]), "")
    finally:
        await engine.dispose()
    admin = emulator.user(ADMIN, language_code="en")
    await admin.say("/staff")
    await press(admin, "🌐 English", "st1:")
    seen: set[str] = set()
    shown = await press(admin, "❓", "st1:tickets:")
    for _ in range(3):
        seen |= {b for b in shown[-1].button_texts if b.startswith("#")}
        if "Next ▶" not in shown[-1].button_texts:
            break
        shown = await press(admin, "Next ▶", "st1:tickets:")
    assert len(seen) == 21 and "◀ Previous" in shown[-1].button_texts


async def test_two_colleagues_answering_one_question_send_one_answer(db_settings: Settings, clock: FixedClock) -> None:
    """Both had the question open (no answer in its thread) and wrote; the applicant got "Yes, with
    an F-3 visa." and "No, she cannot.". The second is refused under the question's lock: its
    screen showed a thread without the first (and it is shown back to its writer). It counted from
    the Reply tap before: a colleague's answer between opening and tapping went unseen."""
    engine = make_engine(db_settings)
    try:
        async with make_sessionmaker(engine)() as session:
            service, staff = TicketService(session, clock), StaffService(session, clock, frozenset({901, 902}))
            await PersonRepo(session).load(33_000, "en", clock.now())
            await session.commit()
            reply = await service.ask(33_000, "can my wife work?", "en")
            ticket_id = int(reply.screens[0].actions[0].name.split(":")[1])
            await service.press(33_000, "send", ticket_id, "")
            await service.staff_reply(staff, 901, ticket_id, "Yes, with an F-3 visa.", seen=0)
            with pytest.raises(TicketError, match="answered"):
                await service.staff_reply(staff, 902, ticket_id, "No, she cannot.", seen=0)
            # A reply from a screen that showed the first answer goes out.
            await service.staff_reply(staff, 902, ticket_id, "And she may work with a permit.", seen=1)
            sent = [m.text for m in await TicketRepo(session).thread(ticket_id)]
        assert sent == ["Yes, with an F-3 visa.", "And she may work with a permit."]
    finally:
        await engine.dispose()
