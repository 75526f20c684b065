"""The person's place: the screen they are on, shown again after something that interrupts it
(/help, /status, a language change, an FAQ answer's Back), so one tap continues."""

from __future__ import annotations

from bot.db.repo import Person
from bot.services.application_documents import FormService
from bot.services.modes import Mode
from bot.services.questionnaire import WELCOME_BACK, QuestionnaireService
from bot.services.replies import Reply
from dialogs.deadline import is_closed
from dialogs.screens import Screen


async def step(person: Person, questionnaire: QuestionnaireService, form: FormService) -> Reply | None:
    """The step in progress: the documents screen, the form's field or review, or a question; None
    when none is (every question answered, no form open): /help and /status then add nothing."""
    if person.mode == Mode.DOCS:
        return await form.on_documents(person.id)
    if person.mode == Mode.APPLY:
        return await form.open(person.id)
    return await questionnaire.unfinished(person.id)


async def where(person: Person, questionnaire: QuestionnaireService, form: FormService) -> Reply:
    """The step in progress, else the questionnaire's summary (what a language change shows)."""
    return await step(person, questionnaire, form) or await questionnaire.current(person.id)


async def start(person: Person, questionnaire: QuestionnaireService, form: FormService) -> Reply:
    """/start: the application being prepared (a draft with consent), where it was (as /apply shows
    it), while the window is open; otherwise the questionnaire's start, and typed text answers the
    questionnaire again."""
    if (update := await form.update(person.id)) is not None:  # more information requested: the next step
        update.notice = WELCOME_BACK
        return update
    preparing = person.mode in (Mode.APPLY, Mode.DOCS) and await form.position(person.id) is not None
    if preparing and not is_closed(questionnaire.clock.now()):
        reply = await where(person, questionnaire, form)
        if reply.screens:  # the form where it was; else why it cannot go on (the quota used up), said
            reply.notice = WELCOME_BACK
            return reply
        if reply.notice is not None:
            return reply
    await questionnaire.take_typed_text(person)
    sent = await form.sent(person.id)
    status = Screen("status:sent", (sent[1],)) if sent is not None else None  # "Application GG-…: <status>", next
    if status is not None and is_closed(questionnaire.clock.now()):
        return Reply([status])  # theirs goes on; "no application can be made now" is not for them
    reply = await questionnaire.start(person.id)
    if status is not None:  # first: it goes on, whatever the check says now
        reply.screens.insert(0, status)
    return reply
