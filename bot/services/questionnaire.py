"""The questionnaire service: applies an event to a person's saved conversation and saves it."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime
from functools import cache

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.repo import Person, PersonRepo, QuestionnaireRepo, SavedConversation
from bot.db.repositories.applications import ApplicationRepo
from bot.db.repositories.employers import EmployerRepo
from bot.i18n import DEFAULT_LOCALE, available_locales, translator
from bot.services import modes, quota
from bot.services.actions import ActionTable, Press
from bot.services.modes import Mode
from bot.services.replies import Reply
from bot.services.stats import count_once
from dialogs import flow
from dialogs import questionnaire as q
from dialogs import statuses as st
from dialogs.answer_options import TYPED_YES_NO
from dialogs.deadline import closed_notice, closed_screen, info_only_banner, is_closed, quota_used_up
from dialogs.question_screens import restart_question
from dialogs.results import help_screen, programme_screen, welcome_screen
from dialogs.screens import Screen
from dialogs.typed_answers import Invalid
from knowledge.ngrams import normalise
from knowledge.text import Lines, T, Verbatim
from knowledge.verdict import Outcome, Status

EMPLOYER_TYPED = T(
    "🏢 You act for a company in this bot: your candidates and your obligations are in /employer. To check a person's own eligibility, use /start."
)

STALE = T("That button is from an earlier message. Here is where you are now:")
WELCOME_BACK = T("Welcome back! Let's continue where you left off.")

# The questionnaire's navigation buttons by action name; each method takes the Press, the
# person's conversation as loaded and the press's instant.
QUESTIONNAIRE_ACTIONS: ActionTable[Reply | q.Conversation] = ActionTable()


def _bare(text: str) -> str:
    """Text as a button label is compared: letters, digits and the vowel signs of Thai, Khmer and
    Devanagari (ใช่ is not ใช้), folded; emoji and punctuation dropped."""
    return "".join(ch for ch in normalise(text) if ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc"))


def _folded(text: str) -> str:
    return " ".join(normalise(text).split())


@cache
def _typed_yes_no(locale: str) -> tuple[frozenset[str], frozenset[str]]:
    """TYPED_YES_NO of a language, folded once (typed text is compared folded)."""
    yes, no = TYPED_YES_NO.get(locale, (frozenset(), frozenset()))
    return frozenset(map(_folded, yes)), frozenset(map(_folded, no))


def _stale(conv: q.Conversation, now: datetime) -> Reply:
    return Reply([flow.next_screen(conv, now)], STALE)


class QuestionnaireService:
    def __init__(self, session: AsyncSession, clock: Clock, person: Person | None = None) -> None:
        self.session = session
        self.clock = clock
        self.repo = QuestionnaireRepo(session, person)  # the update's person: their questionnaire is read
        self.locale = person.language if person is not None else DEFAULT_LOCALE

    async def _load(self, user_id: int) -> tuple[SavedConversation, q.Conversation]:
        saved = await self.repo.get_or_create(user_id, self.clock.now())
        return saved, q.Conversation.saved(saved.answers, list(saved.history), saved.editing)

    async def _save(self, user_id: int, saved: SavedConversation, conv: q.Conversation) -> None:
        now = self.clock.now()
        completed_at = saved.completed_at
        if flow.position(conv, now) == "summary" and completed_at is None:
            completed_at = now
            await count_once(self.session, user_id, "finished", conv.answers.get("occupation"))
        await self.repo.save(user_id, saved, replace(conv, answers=conv.to_save()), now, completed_at)
        await self.session.commit()

    async def choose_language(self, user_id: int, code: str) -> bool:
        """/language's choice: kept from now on, whatever Telegram's language says; False for a code
        this bot has no catalog for (a forged button)."""
        if code not in available_locales():
            return False
        await PersonRepo(self.session).update(user_id, language=code, language_chosen=True)
        await self.session.commit()
        return True

    async def take_typed_text(self, person: Person) -> None:
        """Typed text answers the questionnaire again, not the application form (/start, /restart)."""
        if person.mode != Mode.CHECK:
            await modes.put_by_id(self.session, person.id, Mode.CHECK)

    async def start(self, user_id: int) -> Reply:
        """/start: a welcome for newcomers; otherwise continue where the person was."""
        _, conv = await self._load(user_id)
        now = self.clock.now()
        await count_once(self.session, user_id, "started")
        await self.session.commit()  # the questionnaire row exists from the first /start on
        if is_closed(now):  # say it at once; the check stays open as information
            draft = await ApplicationRepo(self.session).latest_in(user_id, st.DRAFT)
            return Reply([closed_screen(draft is not None and draft.consent_at is not None)])
        if not conv.answers:
            notice = quota_used_up() if await quota.used_up(self.session) else None
            return Reply([welcome_screen(), programme_screen(now), flow.next_screen(conv, now)], notice)
        return Reply([flow.next_screen(conv, now)], WELCOME_BACK)

    async def current(self, user_id: int) -> Reply:
        _, conv = await self._load(user_id)
        return Reply([flow.next_screen(conv, self.clock.now())])

    async def unfinished(self, user_id: int) -> Reply | None:
        """The current question; None once every question is answered (the summary), and after the
        close for someone who never began (the check is then information only, begun from /start)."""
        _, conv = await self._load(user_id)
        now = self.clock.now()
        if flow.position(conv, now) == "summary" or (not conv.answers and is_closed(now)):
            return None
        return Reply([flow.next_screen(conv, now)])

    async def restart(self, user_id: int, *, sure: bool = False, origin: str = "") -> Reply:
        """The check from its first question, typed text answering it; while a draft is being
        prepared (consent given, not sent, window open), only once the person said yes."""
        now = self.clock.now()
        if not sure and not is_closed(now):
            draft = await ApplicationRepo(self.session).latest_in(user_id, st.DRAFT)
            if draft is not None and draft.consent_at is not None:
                return Reply([restart_question("verdict" if origin == "verdict" else "")])
        saved, _ = await self._load(user_id)
        await modes.put_by_id(self.session, user_id, Mode.CHECK)
        conv = q.restart()
        await self.repo.set_outcome(user_id, None)
        await self._save(user_id, replace(saved, completed_at=None), conv)
        if is_closed(now):  # what /start says after the close: the check is information only now
            return Reply([flow.next_screen(conv, now)], Lines((T("Starting over."), info_only_banner())))
        return Reply([flow.next_screen(conv, now)], T("Starting over."))

    async def answer(self, user_id: int, key: str, value: str) -> Reply:
        saved, conv = await self._load(user_id)
        now = self.clock.now()
        try:
            conv = q.answer_option(conv, key, value, now)
        except KeyError:
            return Reply([flow.next_screen(conv, now)], STALE)
        await self._save(user_id, saved, conv)
        return Reply([flow.next_screen(conv, now)])

    async def text(self, user_id: int, text: str) -> Reply:
        saved, conv = await self._load(user_id)
        now = self.clock.now()
        if flow.position(conv, now) == "summary":
            sent = await ApplicationRepo(self.session).open_of(user_id, refused=st.NOT_RECOMMENDED)
            if sent is not None and sent.reference:  # past the check: "my visa came" is about the application
                notice = T(
                    "Your application <b>{ref}</b> has been sent. Where it stands, and your next step: /status.",
                    ref=Verbatim(sent.reference),
                )
                return Reply([], notice, unread=text)
            notice = T("You have answered every question. Use the buttons below.")
            return Reply([flow.next_screen(conv, now)], notice, unread=text)
        screen = flow.next_screen(conv, now)
        try:
            named = self._option_named(screen, text)
            conv = q.answer_option(conv, screen.question or "", named, now) if named else q.answer_text(conv, text, now)
        except Invalid as bad:
            if not conv.answers and await EmployerRepo(self.session).member(user_id) is not None:
                # HR typing to the bot: their desk, not the applicant's question 1 (the FAQ still reads it)
                return Reply([], EMPLOYER_TYPED, unread=None if bad.understood else text)
            return Reply([screen], bad.message, unread=None if bad.understood else text)
        await self._save(user_id, saved, conv)
        return Reply([flow.next_screen(conv, now)])

    def _option_named(self, screen: Screen, text: str) -> str | None:
        """The option whose button says what was typed ("Không", "Веб-разработчик"), in the person's
        language or English: people type the word on the button, and in Vietnamese and Khmer the
        word for "no" is also a question word, which sent it to the FAQ."""
        typed = _bare(text)
        if screen.question is None or not typed:
            return None
        for option in screen.options:
            for locale in {self.locale, DEFAULT_LOCALE}:
                if _bare(translator(locale).render(option.label, html_mode=False)) == typed:
                    return option.value
        values = {o.value for o in screen.options}
        if {"yes", "no"} <= values:  # "Không" where the button says "Chưa", "네" where it says "예"
            said = _folded(text)
            for locale in {self.locale, DEFAULT_LOCALE}:
                yes, no = _typed_yes_no(locale)
                if said in yes or said in no:
                    return "yes" if said in yes else "no"
        return None

    async def press(self, press: Press) -> Reply:
        """A navigation button (Back, edit, Start over, the summary, the result). Its method answers
        with a Reply, or with the conversation to save before showing the next screen; a button it
        does not know is from an earlier message. One instant for the whole press: the screens
        depend on the date (the window's close)."""
        saved, conv = await self._load(press.user_id)
        now = self.clock.now()
        answer = await QUESTIONNAIRE_ACTIONS.run(self, press.act, press, conv, now)
        if answer is None:
            return _stale(conv, now)
        if isinstance(answer, Reply):
            return answer
        await self._save(press.user_id, saved, answer)
        return Reply([flow.next_screen(answer, now)])

    @QUESTIONNAIRE_ACTIONS("restart")
    @QUESTIONNAIRE_ACTIONS("restart_sure", sure=True)
    async def _restart(self, press: Press, conv: q.Conversation, now: datetime, *, sure: bool = False) -> Reply:
        return await self.restart(press.user_id, sure=sure, origin=press.at)

    @QUESTIONNAIRE_ACTIONS("info_check")  # after the close: the check as information only
    async def _info_check(self, press: Press, conv: q.Conversation, now: datetime) -> Reply:
        return Reply([flow.next_screen(conv, now)])

    @QUESTIONNAIRE_ACTIONS("back")
    async def _back(self, press: Press, conv: q.Conversation, now: datetime) -> Reply | q.Conversation:
        if press.at != flow.position(conv, now):
            return _stale(conv, now)
        return q.back(conv)

    @QUESTIONNAIRE_ACTIONS("edit")
    async def _edit(self, press: Press, conv: q.Conversation, now: datetime) -> Reply | q.Conversation:
        try:
            return q.edit(conv, press.arg, now)
        except KeyError:
            return _stale(conv, now)

    @QUESTIONNAIRE_ACTIONS("summary")
    async def _summary(self, press: Press, conv: q.Conversation, now: datetime) -> Reply | q.Conversation:
        if flow.position(conv, now) != "summary":
            return _stale(conv, now)
        return q.Conversation(conv.answers, conv.history, None)

    @QUESTIONNAIRE_ACTIONS("result")
    async def _result(self, press: Press, conv: q.Conversation, now: datetime) -> Reply:
        if flow.position(conv, now) != "summary":
            return _stale(conv, now)
        user_id = press.user_id
        used_up = await quota.used_up(self.session)
        verdict, screens = flow.result(conv, now, quota_left=not used_up)
        await self.repo.set_outcome(user_id, verdict.outcome.value)
        occupation = conv.answers.get("occupation")
        if verdict.outcome is Outcome.NOT_ELIGIBLE:
            unmet = {c.condition.id for c in verdict.deciding_checks if c.status is Status.UNMET}
            await count_once(self.session, user_id, "ineligible", occupation, sorted(unmet))
        else:
            await count_once(self.session, user_id, "eligible", occupation)
        await self.session.commit()
        sent = await ApplicationRepo(self.session).open_of(user_id, refused=st.NOT_RECOMMENDED)
        if sent is None or not sent.reference:
            # every recommendation issued: said first, and the result invites no application
            return Reply(screens, quota_used_up() if used_up else None)
        # A check made again after sending: the sent application keeps its answers (applications.answers).
        notice = T(
            "Your application <b>{ref}</b> was sent with your earlier answers: this result does not change it. See /status.",
            ref=Verbatim(sent.reference),
        )
        return Reply(screens, notice)

    async def verdict_again(self, user_id: int) -> Reply | None:
        """The verdict screen alone (a "No" to starting over, asked from the result); None when the
        check is not finished (an old button), so the caller shows where the person is."""
        _, conv = await self._load(user_id)
        now = self.clock.now()
        if flow.position(conv, now) != "summary":
            return None
        _, screens = flow.result(conv, now, quota_left=not await quota.used_up(self.session))
        return Reply(screens[:1])

    @QUESTIONNAIRE_ACTIONS("checklist")  # the ❌ verdict's button: nothing to save
    async def _checklist(self, press: Press, conv: q.Conversation, now: datetime) -> Reply:
        if flow.position(conv, now) != "summary":
            return _stale(conv, now)
        return Reply([flow.checklist_for(conv, now)])

    def about(self) -> Reply:
        return Reply([programme_screen(self.clock.now())])

    def help(self) -> Reply:
        # After the close the list still names /apply: the closure comes first, so it is not a promise.
        return Reply([help_screen()], closed_notice() if is_closed(self.clock.now()) else None)
