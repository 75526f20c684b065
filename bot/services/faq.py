"""Typed questions answered from the FAQ (dialogs/faq.py decides; knowledge/faq_match.py matches).

A question the FAQ cannot answer confidently is kept on the person's row (pending_question) so that
"Ask programme staff" sends exactly what they typed, and counted anonymously (the normalised text, no
person) with the answers people found unhelpful, for staff to read (`python -m bot questions`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.repo import QuestionnaireRepo
from bot.db.repositories.questions import QuestionRepo
from bot.services.actions import ActionTable, Press
from bot.services.replies import Reply
from bot.services.tickets import TicketService, TicketSettings
from dialogs import faq
from dialogs import questionnaire as q
from dialogs.screens import Action, Screen
from knowledge.ngrams import normalise
from knowledge.rules import evaluate

UNMATCHED, UNHELPFUL = "unmatched", "unhelpful"

# The FAQ's buttons (a topic, 👍 / 👎, programme staff, back); None answers "where the person was".
FAQ_ACTIONS: ActionTable[Reply | None] = ActionTable()


class FaqService:
    def __init__(self, session: AsyncSession, clock: Clock, tickets: TicketSettings | None = None) -> None:
        self.session = session
        self.clock = clock
        self.tickets = tickets
        self.repo = QuestionRepo(session)

    async def _context(self, user_id: int) -> faq.Context:
        """The person's case from their answers; the verdict once the questionnaire is finished."""
        row = await QuestionnaireRepo(self.session).get(user_id)
        if row is None:
            return faq.Context()
        now = self.clock.now()
        conv = q.Conversation(dict(row.answers))
        p = q.profile(conv, now)
        finished = q.current_question(conv, now) is None
        outcome = evaluate(p, now, alternatives=False).outcome if finished else None
        return faq.Context(p.occupation, outcome, p.job_offer, p.stay_status)

    async def wants(self, user_id: int, text: str) -> bool:
        """Whether text a step could not read is a question (dialogs/faq.py's rule)."""
        if faq.looks_like_question(text):
            return True
        if not faq.has_letters(text):
            return False
        return faq.confident(faq.rank(text, await self._context(user_id))) is not None

    async def ask(self, user_id: int, text: str, language: str) -> Reply:
        matches = faq.rank(text, await self._context(user_id))
        best = faq.confident(matches)
        # The person's last question, answered or not: "Ask programme staff" (after 👎 too) sends it,
        # and a form field takes it when it is typed there again (FormFields._asks).
        await self.repo.set_pending(user_id, text[:1000])
        if best is not None:
            await self.session.commit()
            return Reply([faq.answer_screen(faq.entries()[best.entry], self.clock.now())])
        await self.repo.unanswered(user_id, language, normalise(text), self.clock.now())
        await self.session.commit()
        return Reply([faq.suggestions_screen(matches)])

    @FAQ_ACTIONS("faq")  # a suggested topic; one no longer in the FAQ: where the person was
    async def _show(self, press: Press) -> Reply | None:
        entry = faq.entries().get(press.arg)
        return Reply([faq.answer_screen(entry, self.clock.now())]) if entry is not None else None

    @FAQ_ACTIONS("faq_back")
    async def _back(self, press: Press) -> None:
        return None  # back to where the person was, which the handler shows

    @FAQ_ACTIONS("faq_yes", helpful=True)
    @FAQ_ACTIONS("faq_no", helpful=False)
    async def _feedback(self, press: Press, *, helpful: bool) -> Reply:
        entry_id, language = press.arg, press.locale
        if entry_id not in faq.entries():
            return Reply()
        if helpful:
            return Reply([], faq.THANKS)
        await self.repo.count(language, UNHELPFUL, entry_id, self.clock.now())
        await self.session.commit()
        actions = (Action("faq_staff", faq.ASK_STAFF), Action("faq_back", faq.BACK))
        return Reply([Screen("faq:sorry", (faq.SORRY,), actions=actions)], faq.THANKS_ANYWAY)

    @FAQ_ACTIONS("faq_staff")
    async def _to_staff(self, press: Press) -> Reply:
        """ "Ask programme staff": the person's last unanswered question as a ticket draft, showing
        what staff will see (bot/services/tickets.py); without one, how to ask."""
        question = await self.repo.pending(press.user_id)
        if not question:
            return Reply([], faq.TYPE_FIRST)
        return await TicketService(self.session, self.clock, self.tickets).ask(press.user_id, question, press.locale)

    async def top(self, kind: str, limit: int, language: str | None = None) -> list[tuple[str, str, int]]:
        if kind == UNMATCHED:  # the people's own texts, counted together
            return await self.repo.top_unanswered(limit, language)
        return await self.repo.top(kind, limit, language)
