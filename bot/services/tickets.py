"""Questions to programme staff (tickets): a person's question, what staff see with it, the thread.

Entry points for other desks (the FAQ's "Ask programme staff" screen among them):

- ``await TicketService(session, clock, settings).ask(user_id, question, language)`` stores a DRAFT
  ticket with the person's case (only what they already gave the bot) and returns the screen that
  shows exactly what staff will see, with "Send to programme staff" / "Cancel"; or a refusal as a
  clear answer (an open ticket exists; the daily limit is reached). ``settings`` is anything with
  ``ticket_daily_limit`` and ``ticket_response_days`` (bot.config.Settings does).
- The applicant's buttons: ``bot.callbacks.TicketCB`` callback data ("tk1:act:id:arg"), answered by
  ``await service.press(user_id, act, ticket_id, arg)`` through the table ``APPLICANT_ACTIONS``
  (send, cancel, reply, stop). Send the returned Reply with ``send_reply(..., actions=TicketCB)``
  (bot/handlers/tickets.py does; /ask calls ``ask`` too).
- Typed text in Mode.TICKET goes to ``await service.text(user_id, text)``.

Staff act through the staff desk (bot/services/staff_ticket_desk.py): ``staff_reply`` and
``close``. Every message to the applicant goes through the outbox with a key per ticket message,
so it is sent once; all state is in the tickets tables (a restart loses nothing). Every method
checks on the server who acts: an applicant only on their own ticket; the staff desk only for staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.callback_version import versioned
from bot.clock import SEOUL, Clock
from bot.db.models import Ticket, TicketMessage
from bot.db.repo import QuestionnaireRepo
from bot.db.repositories.applications import ApplicationRepo
from bot.db.repositories.tickets import TicketRepo
from bot.i18n import translator
from bot.services import modes, outbox
from bot.services.actions import ActionTable
from bot.services.modes import Mode
from bot.services.refusal import Refusal
from bot.services.replies import Reply
from bot.services.staff import StaffService
from dialogs import flow
from dialogs import questionnaire as q
from dialogs import tickets as ui
from dialogs.answer_options import NOT_SURE, OTHER
from dialogs.results import MARK
from dialogs.typed_answers import without_bidi_controls
from knowledge.rules import evaluate
from knowledge.verdict import Status

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
SENT = (OPEN, CLOSED)  # what the daily limit counts


def reply_button_data(ticket_id: int) -> str:
    """The "↩️ Reply" button's callback data, as bot.callbacks.TicketCB packs it (the outbox stores
    the string; services import no aiogram)."""
    return f"{versioned('tk')}:reply:{ticket_id}:"


class TicketSettings(Protocol):
    @property
    def ticket_daily_limit(self) -> int: ...

    @property
    def ticket_response_days(self) -> int: ...


@dataclass(frozen=True)
class TicketLimits:
    """The defaults of bot.config.Settings, for callers without settings (the staff desk)."""

    ticket_daily_limit: int = 3
    ticket_response_days: int = 2


class TicketError(Refusal):
    """A question to staff that cannot be opened or answered (one open already, the day's limit, closed, …)."""


def written_in(text: str) -> str:
    """Staff write Korean or English: Korean if there is any Hangul syllable in it."""
    return "ko" if any("\uac00" <= ch <= "\ud7a3" for ch in text) else "en"


# The applicant's ticket buttons by action name.
APPLICANT_ACTIONS: ActionTable[Reply] = ActionTable()


class TicketService:
    def __init__(self, session: AsyncSession, clock: Clock, settings: TicketSettings | None = None) -> None:
        self.session = session
        self.clock = clock
        self.settings: TicketSettings = settings if settings is not None else TicketLimits()
        self.repo = TicketRepo(session)

    # -- the applicant ---------------------------------------------------------------------------

    async def ask(self, user_id: int, question: str, language: str) -> Reply:
        question = without_bidi_controls(question).strip()
        if not question:
            return Reply(notice=ui.EMPTY)
        if len(question) > ui.MAX_QUESTION:
            return Reply(notice=ui.TOO_LONG)
        await self.repo.lock_person(user_id)
        if (refused := await self._limited(user_id)) is not None:
            return refused
        case, has_application = await self._case(user_id, language)
        now = self.clock.now()
        ticket = await self.repo.of_user_in(user_id, (DRAFT,))  # an earlier draft is replaced
        if ticket is None:
            ticket = Ticket(user_id=user_id, status=DRAFT, created_at=now, last_from=ui.APPLICANT)
            self.session.add(ticket)
        ticket.language, ticket.question, ticket.case = language, question, case
        ticket.has_application, ticket.updated_at = has_application, now
        await self.session.flush()
        ticket_id = ticket.id
        await self.session.commit()
        days = self.settings.ticket_response_days
        return Reply([ui.preview_screen(ticket_id, question, case, language, days)])

    async def _limited(self, user_id: int) -> Reply | None:
        """One open question per person, and the daily limit: the refusal, said plainly (the
        person's row is locked by the caller, so two taps cannot both pass)."""
        if await self.repo.of_user_in(user_id, (OPEN,)) is not None:
            await self.session.commit()
            return Reply(notice=ui.OPEN_ALREADY)
        if await self.repo.count_since(user_id, SENT, self._start_of_day()) >= self.settings.ticket_daily_limit:
            await self.session.commit()
            return Reply(notice=ui.DAILY_LIMIT)
        return None

    async def press(self, user_id: int, act: str, ticket_id: int, arg: str) -> Reply:
        reply = await APPLICANT_ACTIONS.run(self, act, user_id, ticket_id, arg)
        return reply if reply is not None else Reply(notice=ui.STALE)

    async def _own(self, user_id: int, ticket_id: int, status: str) -> Ticket | None:
        """The ticket under its lock, only if it is the person's and in ``status``."""
        ticket = await self.repo.lock_for_change(ticket_id)
        if ticket is None or ticket.user_id != user_id or ticket.status != status:
            return None
        return ticket

    async def _stale(self) -> Reply:
        """The button or the reply no longer applies: said plainly, and the locks taken released."""
        await self.session.commit()
        return Reply(notice=ui.STALE)

    @APPLICANT_ACTIONS("send")
    async def _send(self, user_id: int, ticket_id: int, arg: str) -> Reply:
        await self.repo.lock_person(user_id)
        if (ticket := await self._own(user_id, ticket_id, DRAFT)) is None:
            return await self._stale()
        if (refused := await self._limited(user_id)) is not None:
            return refused
        now = self.clock.now()
        ticket.status, ticket.created_at, ticket.updated_at, ticket.last_from = OPEN, now, now, ui.APPLICANT
        self._audit(user_id, "ticket.open", ticket, None, {"status": OPEN})
        await self.session.commit()
        return Reply(notice=ui.sent_text(self.settings.ticket_response_days))

    @APPLICANT_ACTIONS("cancel")
    async def _cancel(self, user_id: int, ticket_id: int, arg: str) -> Reply:
        if (ticket := await self._own(user_id, ticket_id, DRAFT)) is None:
            return await self._stale()
        await self.session.delete(ticket)  # a draft never reached staff: nothing of it is kept
        await self.session.commit()
        return Reply(notice=ui.CANCELLED)

    @APPLICANT_ACTIONS("reply")
    async def _reply(self, user_id: int, ticket_id: int, arg: str) -> Reply:
        if await self._own(user_id, ticket_id, OPEN) is None:
            return await self._stale()
        await modes.put_by_id(self.session, user_id, Mode.TICKET)
        await self.session.commit()
        return Reply([ui.reply_prompt_screen(ticket_id)])

    @APPLICANT_ACTIONS("stop")
    async def _stop(self, user_id: int, ticket_id: int, arg: str) -> Reply:
        await modes.put_by_id(self.session, user_id, Mode.CHECK)
        await self.session.commit()
        return Reply(notice=ui.CANCELLED)

    async def text(self, user_id: int, text: str) -> Reply:
        """The person's typed reply (Mode.TICKET): appended to their open ticket's thread."""
        text = without_bidi_controls(text).strip()
        if len(text) > ui.MAX_QUESTION:
            return Reply(notice=ui.TOO_LONG)
        await modes.put_by_id(self.session, user_id, Mode.CHECK)
        ticket = await self.repo.of_user_in(user_id, (OPEN,))
        ticket = await self._own(user_id, ticket.id, OPEN) if ticket is not None else None
        if ticket is None and text and await self.repo.of_user_in(user_id, (CLOSED,)) is not None:
            await self.session.commit()
            return Reply(notice=ui.CLOSED)  # closed while they wrote: said, with the way to ask again
        if ticket is None or not text:
            return await self._stale()
        now = self.clock.now()
        self.session.add(TicketMessage(ticket_id=ticket.id, author=ui.APPLICANT, staff_id=None, text=text, at=now))
        ticket.last_from, ticket.updated_at = ui.APPLICANT, now
        await self.session.commit()
        return Reply(notice=ui.ADDED)

    # -- staff (the staff desk has checked the role) ---------------------------------------------

    async def staff_reply(
        self, staff: StaffService, actor: int, ticket_id: int, text: str, seen: int | None = None
    ) -> Ticket:
        """``seen``: how many messages of the thread the replying screen showed; refused if staff
        answered after those (two colleagues answering one question at once sent the applicant
        both, perhaps "yes" and "no")."""
        text = text.strip()
        if not text or len(text) > ui.MAX_QUESTION:
            raise TicketError("too_long")
        ticket = await self.repo.lock_for_change(ticket_id)
        if ticket is None or ticket.status != OPEN:
            await self.session.rollback()
            raise TicketError("closed")
        if seen is not None and any(m.author == ui.STAFF for m in (await self.repo.thread(ticket.id))[seen:]):
            await self.session.rollback()
            raise TicketError("answered")
        now = self.clock.now()
        message = TicketMessage(ticket_id=ticket.id, author=ui.STAFF, staff_id=actor, text=text, at=now)
        self.session.add(message)
        ticket.last_from, ticket.updated_at = ui.STAFF, now
        await self.session.flush()
        button = (ui.REPLY_BUTTON, reply_button_data(ticket.id))
        await outbox.tell(
            self.session,
            ticket.user_id,
            ui.staff_reply_text(written_in(text), text),
            dedup_key=f"ticket:{ticket.id}:msg:{message.id}",
            clock=self.clock,
            buttons=[button],
        )
        staff.audit(actor, "ticket.reply", f"ticket:{ticket.id}", None, {"message": message.id})
        await self.session.commit()
        return ticket

    async def close(self, staff: StaffService, actor: int, ticket_id: int) -> Ticket:
        ticket = await self.repo.lock_for_change(ticket_id)
        if ticket is None or ticket.status != OPEN:  # closed meanwhile by someone else: once only
            await self.session.rollback()
            raise TicketError("closed")
        # A reply they are typing still reaches text(), which says the question was closed (it went
        # to the FAQ without a word when the mode was reset here).
        ticket.status, ticket.updated_at = CLOSED, self.clock.now()
        await outbox.tell(
            self.session, ticket.user_id, ui.CLOSED, dedup_key=f"ticket:{ticket.id}:closed", clock=self.clock
        )
        staff.audit(actor, "ticket.close", f"ticket:{ticket.id}", {"status": OPEN}, {"status": CLOSED})
        await self.session.commit()
        return ticket

    async def queue(self, only_apps: bool, page: int = 0) -> tuple[list[ui.QueueRow], int]:
        """One page of the open questions (ui.PAGE), and how many there are."""
        rows, total = await self.repo.queue(OPEN, with_application=only_apps, limit=ui.PAGE, offset=page * ui.PAGE)
        return [
            ui.QueueRow(t.id, t.language, t.created_at, begun and t.last_from == ui.APPLICANT) for t, begun in rows
        ], total

    async def is_open(self, ticket_id: int) -> bool:
        """Whether staff may reply (checked again under the lock when the reply is sent)."""
        ticket = await self.repo.get(ticket_id)
        return ticket is not None and ticket.status == OPEN

    async def detail(self, staff: StaffService, actor: int, ticket_id: int) -> ui.TicketDetail | None:
        """A sent ticket as staff see it (opening it is audited); None for drafts and missing ones."""
        ticket = await self.repo.get(ticket_id)
        if ticket is None or ticket.status == DRAFT:
            return None
        thread = [ui.ThreadRow(m.author, m.text, m.at) for m in await self.repo.thread(ticket.id)]
        staff.audit(actor, "ticket.view", f"ticket:{ticket.id}", None, None)
        await self.session.commit()
        apps = await ApplicationRepo(self.session).of_user(ticket.user_id)
        latest = (apps[-1].reference or "", apps[-1].status) if apps else None
        asked = ticket.case.get("application") or {}
        moved = latest is not None and latest != (asked.get("reference") or "", asked.get("status"))
        return ui.TicketDetail(
            ticket.id,
            ticket.status,
            ticket.language,
            ticket.question,
            dict(ticket.case),
            ticket.created_at,
            thread,
            application_now=latest if moved else None,
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _start_of_day(self) -> datetime:
        local = self.clock.now().astimezone(SEOUL)
        return local.replace(hour=0, minute=0, second=0, microsecond=0)

    def _audit(
        self, actor: int, action: str, ticket: Ticket, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        StaffService(self.session, self.clock, frozenset()).audit(actor, action, f"ticket:{ticket.id}", before, after)

    async def _case(self, user_id: int, language: str) -> tuple[dict[str, Any], bool]:
        """What staff see with the question: only what the person already gave the bot. The unmet
        conditions are rendered now, in the staff's languages and the person's (a snapshot)."""
        row = await QuestionnaireRepo(self.session).get(user_id)
        conv = q.Conversation(dict(row.answers) if row else {})
        now = self.clock.now()
        case: dict[str, Any] = {"occupation": None, "outcome": None, "unmet": [], "application": None}
        occupation = conv.answers.get("occupation")
        if isinstance(occupation, str) and occupation not in (NOT_SURE, OTHER):
            case["occupation"] = occupation
        if flow.position(conv, now) == "summary":
            verdict = evaluate(q.profile(conv, now), now, alternatives=False)
            case["outcome"] = verdict.outcome.value
            if verdict.occupation is not None:
                case["occupation"] = verdict.occupation.id
            for check in verdict.deciding_checks:
                reason = check.reason()
                if check.status is Status.MET or reason is None:
                    continue
                texts = {loc: translator(loc).render(reason, html_mode=False) for loc in {"en", "ko", language}}
                case["unmet"].append({"id": check.condition.id, "mark": MARK[check.status], "text": texts})
        apps = await ApplicationRepo(self.session).of_user(user_id)
        if apps:
            case["application"] = {"reference": apps[-1].reference, "status": apps[-1].status}
        return case, bool(apps)
