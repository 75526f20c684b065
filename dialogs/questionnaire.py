"""The eligibility questionnaire's state and the pure functions that drive it (the questions
themselves, as data, are dialogs/questions.py).

The conversation state is just the answers given so far (plus an undo history and the question
being edited). Which question comes next is derived from the answers: a question is asked only
when it applies to the answers so far and, for some, only when its answer could change the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from dialogs.answer_options import (
    NOT_SURE,
    OTHER,
    occupations_in_area,
)
from dialogs.questions import BY_KEY, QUESTIONS, Answers, Question, day_of, noon
from dialogs.screens import Option
from dialogs.typed_answers import (
    Confirm,
    Invalid,
)
from knowledge.loader import derived
from knowledge.profile import Profile
from knowledge.text import Country, T

# Stored values are strings from buttons; these fields hold other types in a Profile.
_CONVERT: dict[str, Callable[[str], Any]] = {
    "experience_years": float,
    "experience_after_degree": lambda v: v == "yes",
    "topik_level": int,
    "kiip_level": int,
    "in_korea": lambda v: v == "yes",
    "job_offer": lambda v: v == "yes",
}


# --- state ----------------------------------------------------------------------------------


@dataclass
class Conversation:
    """What the database keeps for one person's questionnaire."""

    answers: Answers = field(default_factory=dict)
    history: list[Answers] = field(default_factory=list)  # snapshots before each answer, for Back
    editing: str | None = None  # a question reopened from the summary
    # A typed answer waiting for the person's Yes (a monthly salary's yearly amount, a country name
    # with a typo): {"key": question, "value": what Yes stores, "monthly": the amount typed}. Saved
    # inside the answers under PENDING (no question has that key), so no column is needed.
    pending: dict[str, Any] | None = None

    MAX_HISTORY = 40

    @classmethod
    def saved(cls, answers: Answers, history: list[Answers], editing: str | None) -> Conversation:
        """The conversation as the database keeps it (the pending answer inside the answers)."""
        answers = dict(answers)
        pending = answers.pop(PENDING, None)
        return cls(answers, history, editing, pending if isinstance(pending, dict) else None)

    def to_save(self) -> Answers:
        """The answers to save, with the pending answer in them."""
        return {**self.answers, PENDING: self.pending} if self.pending else self.answers


PENDING = "_pending"
REJECT = "-"  # the "No, let me type again" button's value


def pending_for(conv: Conversation, q: Question) -> dict[str, Any] | None:
    """The answer waiting for confirmation on this question, if any."""
    return conv.pending if conv.pending and conv.pending.get("key") == q.key else None


def pending_options(conv: Conversation, q: Question, p: Profile) -> tuple[Option, ...]:
    """The buttons of a question while an answer waits: the answer itself first (its value is what
    Yes stores, so an old button cannot confirm a newer answer), then No (a salary) or the usual
    buttons (a country)."""
    pending = pending_for(conv, q)
    if pending is None:
        return q.options(p)
    value = str(pending["value"])
    if q.key == "nationality":
        usual = tuple(o for o in q.options(p) if o.value != value)
        return (Option(value, T("{country}", country=Country(value))), *usual)
    return (Option(value, CONFIRM_YES), Option(REJECT, CONFIRM_NO))


CONFIRM_YES = T("Yes, that is right")
CONFIRM_NO = T("No, let me type again")


def effective_answers(answers: Answers, now: datetime) -> Answers:
    """The answers that count: those whose question applies given the earlier ones.

    Answers to questions that no longer apply (after a change) are kept but ignored, so changing
    one answer back restores the rest.
    """
    key = _hashable(answers)
    return _effective(answers, now) if key is None else dict(_effective_cached(key, day_of(now)))


def _hashable(answers: Answers) -> tuple[tuple[str, Any], ...] | None:
    """The answers as a cache key; None for an unhashable value (not one the questions produce)."""
    key = tuple(answers.items())
    try:
        hash(key)
    except TypeError:
        return None
    return key


@derived
@lru_cache(maxsize=4096)  # a step asks for the same answers several times (measured: 5 per update)
def _effective_cached(items: tuple[tuple[str, Any], ...], day: date) -> tuple[tuple[str, Any], ...]:
    return tuple(_effective(dict(items), noon(day)).items())


def _effective(answers: Answers, now: datetime) -> Answers:
    kept: Answers = {}
    if "work_area" in answers:
        kept["work_area"] = answers["work_area"]
    for q in QUESTIONS:
        if q.key in answers and (q.key == "occupation" or q.applies(Profile.from_answers(kept), now)):
            kept[q.key] = answers[q.key]
    return kept


def profile(conv: Conversation, now: datetime) -> Profile:
    return Profile.from_answers(effective_answers(conv.answers, now))


def current_question(conv: Conversation, now: datetime) -> Question | None:
    """The question to ask now, or None when the questionnaire is complete."""
    if conv.editing in BY_KEY:
        return BY_KEY[conv.editing]
    if conv.answers.get("occupation") == NOT_SURE:
        return BY_KEY["work_area"]
    key = _hashable(conv.answers)
    return _next_question(conv.answers, now) if key is None else _next_cached(key, day_of(now))


@derived
@lru_cache(maxsize=4096)  # asked about three times an update, each time walking the questions
def _next_cached(items: tuple[tuple[str, Any], ...], day: date) -> Question | None:
    return _next_question(dict(items), noon(day))


def _next_question(answers: Answers, now: datetime) -> Question | None:
    kept = effective_answers(answers, now)
    for q in QUESTIONS:
        if (
            q.key not in kept
            and q.key != "work_area"
            and (q.key == "occupation" or q.applies(Profile.from_answers(kept), now))
        ):
            return q
    return None


def answered_questions(conv: Conversation, now: datetime) -> list[Question]:
    kept = effective_answers(conv.answers, now)
    return [q for q in QUESTIONS if q.key in kept and q.key != "work_area"]


def _store(conv: Conversation, key: str, value: Any) -> Conversation:
    history = [*conv.history, dict(conv.answers)][-Conversation.MAX_HISTORY :]
    answers = dict(conv.answers)
    if key == "work_area":
        in_area = occupations_in_area(value)
        if value == OTHER or not in_area:
            answers["occupation"] = OTHER
        elif len(in_area) == 1:
            answers["occupation"] = in_area[0]
        else:
            answers.pop("occupation", None)
        answers["work_area"] = value
    else:
        if key == "occupation" and value != NOT_SURE:
            answers.pop("work_area", None)
        answers[key] = value
    return Conversation(answers, history, None)


def answer_option(conv: Conversation, key: str, value: str, now: datetime) -> Conversation:
    """Applies a button answer. Raises KeyError if it is not an option of the current question."""
    q = current_question(conv, now)
    if q is None or q.key != key:
        raise KeyError(key)
    pending = pending_for(conv, q)
    if pending is not None and value == str(pending["value"]):  # Yes: the confirmed answer is stored
        return _store(conv, key, pending["value"])
    if pending is not None and value == REJECT and q.key != "nationality":
        return replace(conv, pending=None)
    options = q.option_values(profile(conv, now))
    if value not in options:
        raise KeyError(value)
    convert = _CONVERT.get(key)
    stored: Any = convert(value) if convert else value
    return _store(conv, key, stored)


def answer_text(conv: Conversation, text: str, now: datetime) -> Conversation:
    """Applies a typed answer to the current question. Raises Invalid with a message to show."""
    q = current_question(conv, now)
    if q is None:
        raise Invalid(T("Please use the buttons below."))
    if q.parse_text is None:
        raise Invalid(T("Please answer with one of the buttons."))
    try:
        value = q.parse_text(text)
    except Confirm as unsure:  # stored only when the person says Yes
        return replace(conv, pending={"key": q.key, "value": unsure.value, "monthly": unsure.monthly})
    return _store(conv, q.key, value)


def back(conv: Conversation) -> Conversation:
    """Undoes the last answer; while editing from the summary, cancels the edit instead. An answer
    waiting for confirmation is dropped either way."""
    if conv.editing:
        return Conversation(dict(conv.answers), list(conv.history), None)
    if not conv.history:
        return Conversation(dict(conv.answers), [], None)
    return Conversation(conv.history[-1], conv.history[:-1], None)


def restart() -> Conversation:
    return Conversation()


def edit(conv: Conversation, key: str, now: datetime) -> Conversation:
    """Reopens one answered question from the summary. Raises KeyError for anything else."""
    if key not in {q.key for q in answered_questions(conv, now)}:
        raise KeyError(key)
    return Conversation(dict(conv.answers), list(conv.history), key)
