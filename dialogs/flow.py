"""What to show next: the screens for a conversation state and for its result."""

from __future__ import annotations

from datetime import datetime

from dialogs.deadline import is_closed
from dialogs.question_screens import question_screen, summary_screen
from dialogs.questionnaire import Conversation, current_question, profile
from dialogs.results import checklist_screen, programme_screen, verdict_screen
from dialogs.screens import Screen
from knowledge.documents import checklist
from knowledge.rules import evaluate
from knowledge.verdict import Outcome, Verdict


def position(conv: Conversation, now: datetime) -> str:
    """Where the person is: a question key, or "summary" once everything is answered."""
    q = current_question(conv, now)
    return q.key if q else "summary"


def next_screen(conv: Conversation, now: datetime) -> Screen:
    q = current_question(conv, now)
    return question_screen(conv, q, now) if q else summary_screen(conv, now)


def result(conv: Conversation, now: datetime, quota_left: bool = True) -> tuple[Verdict, list[Screen]]:
    """The verdict, then (when a pathway can hold) the checklist, then the programme at a glance.
    After the close the verdict leaves the window out and says it is information only; with every
    recommendation issued it offers no application."""
    p = profile(conv, now)
    closed = is_closed(now)
    verdict = evaluate(p, now, window=not closed)
    screens = [verdict_screen(verdict, now, quota_left)]
    if verdict.outcome is not Outcome.NOT_ELIGIBLE:
        screens.append(checklist_screen(checklist(p, tuple(r.pathway.id for r in verdict.holding)), now))
    screens.append(programme_screen(now))
    return verdict, screens


def checklist_for(conv: Conversation, now: datetime) -> Screen:
    """The checklist on its own (the ❌ verdict's button): for the pathways that hold, else the
    nearest ones, so a person can prepare while they fix what is missing."""
    p = profile(conv, now)
    verdict = evaluate(p, now, alternatives=False)
    return checklist_screen(checklist(p, tuple(r.pathway.id for r in verdict.holding or verdict.nearest)))
