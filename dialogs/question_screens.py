"""The questionnaire's screens: a question with its options, and the summary of the answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialogs.answer_options import NOT_SURE, OTHER, occupations_in_area
from dialogs.questionnaire import (
    Conversation,
    answered_questions,
    effective_answers,
    pending_for,
    pending_options,
    profile,
)
from dialogs.questions import BY_KEY, Question
from dialogs.screens import Action, Screen
from knowledge.loader import load
from knowledge.profile import Profile
from knowledge.text import Country, Joined, Lines, Message, Money, T, Text, Verbatim, WithKorean, years_text


def display_value(key: str, value: Any) -> Text:
    """How an answer reads in the summary."""
    kb = load()
    if key == "occupation":
        if value == OTHER:
            return T("Something else")
        occ = kb.occupation(value)
        return T("{name}", name=WithKorean(T(occ.name), occ.name_ko))
    if key == "experience_years":
        return years_text(float(value))
    if key == "salary_krw":
        return T("{amount}", amount=Money(int(value)))
    if key == "nationality":
        return T("{country}", country=Country(value))
    if key == "kiip_pre_score":
        return T("{score}", score=int(value))
    q = BY_KEY[key]
    if isinstance(value, bool):
        # The label of the button pressed ("Not yet" for a job offer), not a generic "No".
        pressed = q.option_values(Profile()).get("yes" if value else "no")
        return pressed.label if pressed else T("Yes") if value else T("No")
    option = q.option_values(Profile()).get(str(value))
    if option is None and key in ("topik_level", "kiip_level"):
        return T("Level {level}", level=int(value))
    return option.label if option else T("{value}", value=Verbatim(str(value)))


def pending_prompt(key: str, pending: dict[str, Any]) -> Text:
    """The question a typed answer waits on: a monthly salary read as yearly, a likely country."""
    if key == "nationality":
        return T("Did you mean {country}?", country=Country(str(pending["value"])))
    if pending.get("monthly") is None:  # "3200" read as 3,200만
        return T("Did you mean {yearly} a year?", yearly=Money(int(pending["value"])))
    return T(
        "{monthly} a month is {yearly} a year. Is that right?",
        monthly=Money(int(pending["monthly"])),
        yearly=Money(int(pending["value"])),
    )


NAV_BACK = Action("back", T("« Back"))
NAV_RESTART = Action("restart", T("Start over"))
# A "No" that changes nothing: the handler shows where the person was (bot/handlers/applicant.py).
STAY = "stay"


def restart_question(origin: str = "") -> Screen:
    """/restart or "Start over" while an application is being prepared: the answers the draft rests
    on would be cleared, so the person is asked first (the draft and its documents are kept). From the
    result (``origin`` "verdict"), "No" shows the verdict again rather than the step in progress."""
    return Screen(
        "restart:sure",
        (
            T("<b>Start the check over?</b>"),
            T(
                "Your answers will be cleared. Your draft application and its documents are kept, but you will need to finish the check again before you can send it."
            ),
        ),
        actions=(
            Action("restart_sure", T("Yes, start over")),
            Action(f"{STAY}:{origin}" if origin else STAY, T("No, keep my answers")),
        ),
    )


def question_screen(conv: Conversation, q: Question, now: datetime) -> Screen:
    p = profile(conv, now)
    # "I'm not sure" answers nothing yet: the kind of work and then the occupation are still
    # question 1 (counted as answered, it numbered them 2 and 1, and the degree 2 again).
    answered = [
        a for a in answered_questions(conv, now) if a.key != "occupation" or conv.answers["occupation"] != NOT_SURE
    ]
    step = len(answered) + (0 if conv.editing else 1)
    body: list[Message] = [T("Question {n}", n=step) if not conv.editing else T("Change your answer"), q.prompt]
    pending = pending_for(conv, q)
    if pending is not None:
        body.append(pending_prompt(q.key, pending))
    options = pending_options(conv, q, p)
    if q.key == "occupation" and conv.answers.get("work_area"):
        in_area = set(occupations_in_area(conv.answers["work_area"]))
        options = tuple(o for o in options if o.value in in_area or o.value == NOT_SURE)
        kb = load()
        for occ_id in sorted(in_area, key=lambda i: [o.id for o in kb.occupations].index(i)):
            occ = kb.occupation(occ_id)
            body.append(
                T(
                    "<b>{name}</b>: {description}\nFor example: {examples}",
                    name=WithKorean(T(occ.name), occ.name_ko),
                    description=T(occ.description),
                    examples=Joined(tuple(T(e) for e in occ.examples)),
                )
            )
    actions = [NAV_BACK] if conv.history or conv.editing else []
    actions.append(NAV_RESTART)
    return Screen(f"question:{q.key}", tuple(body), options, tuple(actions), q.columns, q.key)


def summary_screen(conv: Conversation, now: datetime) -> Screen:
    kept = effective_answers(conv.answers, now)
    lines: list[Message] = []
    actions = [Action("result", T("✅ Show my result"))]
    for q in answered_questions(conv, now):
        lines.append(T("{label}: <b>{value}</b>", label=q.summary_label, value=display_value(q.key, kept[q.key])))
        actions.append(Action(f"edit:{q.key}", T("✏️ {label}", label=q.summary_label)))
    body = (T("<b>Your answers</b>"), Lines(tuple(lines)), T("Tap an answer to change it, or see your result."))
    return Screen("summary", body, (), (*actions, NAV_RESTART))
