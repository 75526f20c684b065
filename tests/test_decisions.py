"""Decisions and transitions under concurrency and forgery (issue 15): exactly one decision wins,
a refused change is an answer, the one transition table holds for every path, one application per
person, and final buttons act once, only from the screen that asked."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FixedClock
from bot.config import Settings
from bot.crypto import Vault, load_key
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import Application, OutboxMessage, StatusChange
from bot.db.models import Counter as CounterRow
from bot.services.applications import ApplicationError, ApplicationService
from bot.services.staff import StaffService
from bot.services.staff_desk import Reply, StaffDesk
from dialogs import statuses as st
from emulator import BotAPIEmulator
from tests.conftest import ADMIN, NOW, BotRunner
from tests.e2e import (
    APOLOGY_EN,
    applicant_who_submitted,
    at_documents,
    nav,
    sqlite_db,
    texts,
    wait_for_text,
    worker_sessions,
    write_sqlite,
)
from tests.staff_e2e import open_application, press_staff, reviewing, submitted_directly

REVIEWERS = (901, 902)
RACES = 6  # applications raced per pair of decisions: each one fails on the old code


def _token(reply: Reply, act: str) -> str:
    for screen in reply.screens:
        for action in screen.actions:
            name, _, rest = action.name.partition(":")
            if name == act:
                return rest.partition(":")[2]
    raise AssertionError(f"no {act} button in {[a.name for s in reply.screens for a in s.actions]}")


class Reviewer:
    """A staff member at the desk: each press is one update, in its own session, as the bot runs it."""

    def __init__(self, maker: async_sessionmaker[AsyncSession], clock: FixedClock, vault: Vault, actor: int) -> None:
        self.maker, self.clock, self.vault, self.actor = maker, clock, vault, actor

    async def press(self, act: str, app_id: int, arg: str) -> Reply:
        async with self.maker() as session:
            staff = StaffService(session, self.clock, frozenset(REVIEWERS))
            state = await staff.state(self.actor)
            desk = StaffDesk(session, self.clock, self.vault, staff, self.actor, "admin", state)
            reply = await desk.press(act, app_id, arg)
            await session.commit()
            return reply

    async def prepared(self, app_id: int, status: str) -> str:
        """Decide → (reason) → confirmation screen, as a reviewer taps it; the Confirm's token."""
        reply = await self.press("decide", app_id, status)
        if status in st.REASONS:
            await self.press("reason", app_id, next(iter(st.REASONS[status])))
            reply = await self.press("confirm", app_id, "")
        return _token(reply, "commit")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (st.RECOMMENDED, st.RECOMMENDED),
        (st.RECOMMENDED, st.NOT_RECOMMENDED),
        (st.INFO_REQUESTED, st.RECOMMENDED),
    ],
)
async def test_two_reviewers_confirming_at_once_one_decision_wins(
    db_settings: Settings, clock: FixedClock, first: str, second: str
) -> None:
    settings = db_settings
    ids = [app_id for app_id, _ in await submitted_directly(settings, clock, RACES, 20_000)]
    vault = Vault(load_key(settings))
    async with worker_sessions(settings) as makers:
        reviewers = [Reviewer(m, clock, vault, a) for m, a in zip(makers, REVIEWERS, strict=True)]
        maker = makers[0]
        for app_id in ids:
            # Both reviewers have the application open and their confirmation on screen.
            tokens = [await reviewers[0].prepared(app_id, first), await reviewers[1].prepared(app_id, second)]
            replies = await asyncio.gather(
                *(r.press("commit", app_id, t) for r, t in zip(reviewers, tokens, strict=True))
            )
            notices = [r.notice.msgid if r.notice is not None else "" for r in replies]
            assert sorted(n.split(":")[0] for n in notices) == ["Done", "Not changed"], notices
            assert all(r.screens for r in replies)  # both screens stay usable
            async with maker() as session:
                decisions = await session.scalar(
                    select(func.count())
                    .select_from(StatusChange)
                    .where(StatusChange.application_id == app_id, StatusChange.actor.like("staff:%"))
                )
                told = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(
                        OutboxMessage.chat_id == 20_000 + ids.index(app_id),
                        OutboxMessage.dedup_key.not_like("status:%:%"),  # a notice, not its follow-ups
                    )
                )
            assert decisions == 1 and told == 2  # submitted + one decision, nothing doubled
        async with maker() as session:
            issued = (await session.get(CounterRow, "recommendations")).value  # type: ignore[union-attr]
            numbers = sorted(
                n for n in (await session.execute(select(Application.recommendation_number))).scalars() if n
            )
        # Every number taken belongs to an application: none lost to a doubled decision.
        assert len(numbers) == issued and numbers == [f"GGR-2026-{n:04d}" for n in range(1, issued + 1)]


async def test_the_cli_racing_a_reviewer_is_refused_with_who_decided(db_settings: Settings, clock: FixedClock) -> None:
    ((app_id, _),) = await submitted_directly(db_settings, clock, 1, 20_000)
    async with worker_sessions(db_settings) as makers:
        reviewer = Reviewer(makers[0], clock, Vault(load_key(db_settings)), REVIEWERS[0])
        token = await reviewer.prepared(app_id, st.RECOMMENDED)

        async def cli() -> object:
            async with makers[1]() as session:
                service = ApplicationService(session, clock)
                try:
                    return await service.change_status("GG-2026-000001", st.NOT_RECOMMENDED, actor_id=0, reason="other")
                except ApplicationError as refused:
                    return refused

        desk_reply, cli_result = await asyncio.gather(reviewer.press("commit", app_id, token), cli())
        assert isinstance(desk_reply, Reply)
        if isinstance(cli_result, ApplicationError):  # the reviewer came first
            assert cli_result.code == "not_allowed" and cli_result.last is not None
            assert cli_result.last.actor == "staff:901"
            assert desk_reply.notice is not None and desk_reply.notice.msgid.startswith("Done")
        else:  # the CLI came first: the reviewer is told who, and when
            assert desk_reply.notice is not None and desk_reply.notice.msgid.startswith("Not changed")
            assert desk_reply.notice.params["who"].msgid == "the CLI"  # type: ignore[union-attr]


# --- through the real bot ------------------------------------------------------------------------


async def test_quota_used_up_is_a_clear_answer_and_the_desk_stays_usable(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await applicant_who_submitted(emulator, 401)
    db = sqlite_db(settings)
    admin = emulator.user(ADMIN, language_code="en")
    await open_application(admin)
    await press_staff(admin, "✅ Recommend")
    # The last recommendation is issued by someone else between the confirmation and Confirm.
    await write_sqlite(settings, "update counters set value = 630 where name = 'recommendations'")
    refused = await press_staff(admin, "✔ Confirm")
    shown = "\n".join(m.plain for m in refused)
    assert APOLOGY_EN not in shown and "The quota is used up" in shown
    assert "GG-2026-000001" in shown  # the application again, as it stands
    assert db.execute("select status from applications").fetchone() == ("submitted",)
    menu = await press_staff(admin, "📥 Review queue")  # the desk goes on
    assert APOLOGY_EN not in menu[0].plain
    assert any(text.startswith("GG-2026-000001") for m in menu for row in m.buttons for text, _ in row)
    # Used up already: said at Recommend, before a confirmation that could only fail.
    await press_staff(admin, "GG-2026-000001")
    at_once = "\n".join(m.plain for m in await press_staff(admin, "✅ Recommend"))
    assert "The quota is used up" in at_once and "Confirm" not in at_once
    assert "Answers" not in at_once  # a line, not the whole application sent again


async def test_a_second_tap_on_confirm_does_nothing_twice(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    admin = await reviewing(emulator, 402)
    await press_staff(admin, "✅ Recommend")
    confirm = admin.messages[-1]
    first = await admin.tap("✔ Confirm", message=confirm)
    assert "Done" in first[0].plain
    again = await admin.tap("✔ Confirm", message=confirm)
    assert "already used" in again[0].plain
    db = sqlite_db(settings)
    assert db.execute("select value from counters").fetchone() == (1,)
    assert db.execute("select count(*) from status_changes where actor like 'staff:%'").fetchone() == (1,)


async def test_a_decision_is_checked_against_the_screen_it_was_made_on(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """Another reviewer asked for more information after this screen was drawn: its Recommend and
    its "Mark as under review" are refused with the application as it stands now (they acted on
    the status at the tap: a recommendation on documents nobody had seen; "now reviewing" right
    after "needs more information")."""
    from tests.test_status import change

    await applicant_who_submitted(emulator, 406)
    admin = emulator.user(ADMIN, language_code="en")
    shown = await open_application(admin)
    screen = next(m for m in shown if "✅ Recommend" in m.button_texts)
    await change(settings, clock, "GG-2026-000001", st.INFO_REQUESTED, reason="missing_document")
    for label in ("✅ Recommend", "🔎 Mark as under review"):
        stale = texts(await admin.tap(label, message=screen))
        assert "changed in the meantime" in stale or "Not changed" in stale, (label, stale)
    db = sqlite_db(settings)
    assert db.execute("select status from applications").fetchone() == (st.INFO_REQUESTED,)
    assert db.execute("select count(*) from status_changes where actor like 'staff:%'").fetchone() == (0,)


async def test_a_note_too_long_is_refused_not_cut_and_its_tail_is_not_the_note(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """The note "is sent as you write it": a 1,400-character one lost its end without a word."""
    admin = await reviewing(emulator, 407)
    await press_staff(admin, "📝 Request more information")
    await press_staff(admin, "1")
    refused = texts(await admin.say("Please " + "n" * 1400))
    assert "Not kept: the note is longer than 1,000 characters" in refused and "choose the reason" in refused
    tail = texts(await admin.say("end of the note"))  # the rest of a text Telegram split: not a note
    assert "end of the note" not in tail and "✔ Confirm" not in tail and "was not kept either" in tail
    assert sqlite_db(settings).execute("select status from applications").fetchone() == (st.SUBMITTED,)


async def test_continue_after_ones_own_cancel_says_the_button_is_spent(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """It said "That application has changed in the meantime" when only the reviewer had cancelled."""
    admin = await reviewing(emulator, 408)
    await press_staff(admin, "📝 Request more information")
    note = (await press_staff(admin, "1"))[-1]
    await press_staff(admin, "Cancel")
    late = texts(await admin.tap("Continue without a note", message=note))
    assert "already used, has expired" in late and "changed in the meantime" not in late
    assert sqlite_db(settings).execute("select status from applications").fetchone() == (st.SUBMITTED,)


async def test_a_staff_member_filling_in_their_own_form_keeps_their_place(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """A desk step that waits for typed text (a note), then Cancel: their next text went to the
    questionnaire ("I have no answer to that here"), not to the form field they were on."""
    from tests.e2e import consented

    admin = emulator.user(ADMIN, language_code="en")
    await consented(admin)  # their own application: at the form's first field (the full name)
    await applicant_who_submitted(emulator, 409)
    await open_application(admin, "GG-2026-000002")  # their own draft took the first id
    await press_staff(admin, "📝 Request more information")
    await press_staff(admin, "1")  # the note is awaited now
    await press_staff(admin, "Cancel")
    typed = texts(await admin.say("KIM MINSU"))  # no /apply in between: where their typing went before
    assert "I have no answer to that here" not in typed and "Question 1" not in typed, typed
    assert "Your date of birth" in typed  # taken as the name: the form's next field


async def test_a_forged_report_cannot_submit_a_draft(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    from tests.e2e import filled_form

    user = emulator.user(403)
    await filled_form(user)
    db = sqlite_db(settings)
    (draft_id,) = db.execute("select id from applications").fetchone()
    for forged in (f"rp1:submitted:{draft_id}:", f"rp1:recommended:{draft_id}:", f"rp1:visa_applied:{draft_id}:"):
        await user.click_data(forged)
        await emulator.wait_processed()
    assert not any(APOLOGY_EN in m.plain for m in user.messages)
    assert db.execute("select status, reference from applications").fetchone() == ("draft", None)
    assert db.execute("select count(*) from outbox").fetchone() == (0,)
    # The table itself refuses it, whatever the path: a report is not a submission.
    with pytest.raises(st.TransitionError):
        st.check_transition(st.DRAFT, st.SUBMITTED, st.APPLICANT)


async def test_one_application_per_person(bot: BotRunner, emulator: BotAPIEmulator, settings: Settings) -> None:
    user = await applicant_who_submitted(emulator, 404)
    await wait_for_text(user, "GG-2026-000001")
    consent = await user.say("/apply")
    assert "You already have an application, GG-2026-000001" in consent[-1].plain
    assert "Sent for pre-check" in consent[-1].plain
    # An old consent screen's "I agree" does not start a second one either.
    consent_screen = next(
        m for m in user.messages if any(d and d.startswith("n1:agree") for r in m.buttons for _, d in r)
    )
    agree = next(d for r in consent_screen.buttons for _, d in r if d and d.startswith("n1:agree"))
    agreed = await user.tap(agree, message=consent_screen)
    assert "You already have an application" in agreed[-1].plain
    db = sqlite_db(settings)
    assert db.execute("select count(*) from applications").fetchone() == (1,)
    # And the database refuses a second open one outright.
    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            from bot.db.models import Application as App

            session.add(App(user_id=404, status=st.DRAFT, created_at=NOW, updated_at=NOW))
            with pytest.raises(IntegrityError):
                await session.commit()
    finally:
        await engine.dispose()


async def test_delete_acts_only_from_the_screen_that_asked_and_once(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(405)
    await user.say("/start")
    db = sqlite_db(settings)
    first = (await user.say("/delete"))[-1]
    kept = await user.tap("No, keep it", message=first)
    assert "Nothing was deleted." in kept[0].plain and "Question 1" in kept[0].plain  # and where they were
    late = await user.tap("Yes, delete everything", message=first)
    assert "nothing was deleted" in late[-1].plain
    assert db.execute("select count(*) from users where id = 405").fetchone() == (1,)
    older = (await user.say("/delete"))[-1]
    newer = (await user.say("/delete"))[-1]
    stale = await user.tap("Yes, delete everything", message=older)  # replaced by the newer screen
    assert "nothing was deleted" in stale[-1].plain
    done = await user.tap("Yes, delete everything", message=newer)
    assert "All your data has been deleted" in done[-1].plain
    assert db.execute("select count(*) from applications").fetchone() == (0,)


async def test_submit_acts_only_from_the_latest_documents_screen(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    from tests.e2e import DOCUMENTS, upload_documents

    user = await at_documents(emulator, 406)
    old_screen = next(
        m for m in reversed(user.messages) if any(d and d.startswith("n1:submit") for row in m.buttons for _, d in row)
    )
    await upload_documents(user, emulator, DOCUMENTS)
    stale = await user.tap("📨 Send for pre-check", message=old_screen)
    assert "earlier message" in stale[0].plain
    db = sqlite_db(settings)
    assert db.execute("select status from applications").fetchone() == ("draft",)
    await user.tap(nav(user, "submit"))
    assert db.execute("select status from applications").fetchone() == ("submitted",)


async def test_recommending_an_application_not_reported_filed_on_gg24_warns_first(
    staff_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """The recommendation answers the application filed on gg24, which the bot cannot see: without
    the applicant's receipt number, the confirmation says to check gg24 (after the close too)."""
    await applicant_who_submitted(emulator, 403)
    admin = emulator.user(ADMIN, language_code="en")
    await open_application(admin)
    warned = (await press_staff(admin, "✅ Recommend"))[-1].plain
    assert "has not reported filing on gg24" in warned
    await write_sqlite(settings, "update applications set gg24_receipt = '2026-1234567'")
    await open_application(admin)
    assert "has not reported filing" not in (await press_staff(admin, "✅ Recommend"))[-1].plain
