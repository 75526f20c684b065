"""The questionnaire's questions as data: their order, when each applies (some only when their
answer could change the result), their buttons and how a typed answer is read. The state machine
that asks them is dialogs/questionnaire.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from itertools import product
from typing import Any

from dialogs.answer_options import (
    DEGREES,
    KOREAN_TESTS,
    OTHER,
    STAY_LABELS,
    STAY_STATUSES,
    YES_NO,
    YES_NO_UNSURE,
    area_options,
    choices,
    occupation_options,
)
from dialogs.countries import COMMON
from dialogs.screens import Option
from dialogs.typed_answers import parse_country, parse_occupation, parse_salary, parse_score, parse_years
from knowledge.loader import derived, load
from knowledge.profile import Profile
from knowledge.rules import best_status
from knowledge.text import Country, T, Text

Answers = dict[str, Any]


@dataclass(frozen=True)
class Question:
    key: str  # the Profile field it fills
    prompt: Text
    summary_label: Text
    applies: Callable[[Profile, datetime], bool]
    options: Callable[[Profile], tuple[Option, ...]] = lambda p: ()
    # Free-text answers: returns the value to store, or raises Invalid.
    parse_text: Callable[[str], Any] | None = None
    columns: int = 1

    def option_values(self, p: Profile) -> dict[str, Option]:
        return {o.value: o for o in self.options(p)}


# --- when questions apply ---------------------------------------------------------------------


def _levels(numbers: range) -> Callable[[Profile], tuple[Option, ...]]:
    """The buttons of a level question (TOPIK 1-6, KIIP 0-5), made once."""
    levels = tuple(Option(str(n), T("Level {level}", level=n)) for n in numbers)
    return lambda p: levels


def _level_question(test: str, prompt: Text, label: Text, levels: range) -> Question:
    """ "Which level?" after the Korean test ``test`` was chosen: its levels as buttons, three a row."""
    return Question(
        key=f"{test}_level",
        prompt=prompt,
        summary_label=label,
        applies=lambda p, now: p.korean_test == test,
        options=_levels(levels),
        columns=3,
    )


def _real(p: Profile) -> bool:
    """An occupation of the programme (nurse included) has been chosen."""
    return p.occupation in {o.id for o in load().occupations}


def _track(p: Profile) -> str | None:
    return load().occupation(p.occupation).track if _real(p) else None  # type: ignore[arg-type]


def _e71(p: Profile) -> bool:
    return _track(p) == "E-7-1" and p.occupation != "nurse"


def _care(p: Profile) -> bool:
    return p.occupation == "care_worker"


def _offered(p: Profile, now: datetime) -> bool:
    """The offer's details (where, what salary) are asked only of someone who has one."""
    return _real(p) and bool(p.job_offer)


# For judging whether a question matters: the answers that later questions could still give.
_LATER: dict[str, tuple[dict[str, Any], ...]] = {
    "major_related": ({"major_related": "yes"}, {"major_related": "no"}),
    "experience_years": ({"experience_years": 0.0}, {"experience_years": 1.0}, {"experience_years": 5.0}),
    "experience_after_degree": ({"experience_after_degree": True}, {"experience_after_degree": False}),
    "korean_test": (
        {"korean_test": "none"},
        {"korean_test": "topik", "topik_level": 3},
        {"korean_test": "topik", "topik_level": 4},
    ),
}


def day_of(now: datetime) -> date:
    """The Korean day of an instant, the caches' key (an instant given in UTC, say, may fall on
    another day there): the one ``noon`` turns back into an instant."""
    return now.astimezone(load().programme.window.closes.tzinfo).date()


def noon(day: date) -> datetime:
    """A day as the instant the cached answers are worked out at: the questions' conditions depend on
    the date only, not on the hour (the caches here and in dialogs/questionnaire.py key on the day)."""
    return datetime.combine(day, time(12), tzinfo=load().programme.window.closes.tzinfo)


@derived
@lru_cache(maxsize=1 << 16)  # bounded: profiles differ per person
def _matters_cached(p: Profile, day: date, name: str, values: tuple[Any, ...]) -> bool:
    now = noon(day)
    later = [options for key, options in _LATER.items() if key != name and getattr(p, key) is None]
    for completion in product(*later):
        base = p
        for part in completion:
            base = base.with_(**part)
        if len({best_status(base.with_(**{name: v}), now) for v in values}) > 1:
            return True
    return False


def _matters(p: Profile, now: datetime, **alternatives: list[Any]) -> bool:
    """True if, for some answers to the later questions, this field's value changes the result.

    A question whose answer cannot change the result (e.g. experience for someone with a related
    master's degree) is not asked.
    """
    ((name, values),) = alternatives.items()
    return _matters_cached(p, day_of(now), name, tuple(values))


def _asks_degree(p: Profile, now: datetime) -> bool:
    return _e71(p) or _care(p)


def _has_degree(p: Profile) -> bool:
    return p.degree not in (None, "none")


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="occupation",
        prompt=T(
            "<b>Which job will you do in Korea?</b>\nPick the closest one. Not sure? Tap “I'm not sure” and I will help."
        ),
        summary_label=T("Occupation"),
        applies=lambda p, now: True,  # always first; "not sure" leads to work_area
        options=occupation_options,
        parse_text=parse_occupation,  # a typed name or code; a code alone never decides
    ),
    Question(
        key="work_area",
        prompt=T("<b>What kind of work is it?</b>"),
        summary_label=T("Kind of work"),
        applies=lambda p, now: False,  # asked through the occupation question (see apply_answer)
        options=area_options,
    ),
    Question(
        key="degree",
        prompt=T(
            "<b>What is your highest degree?</b>\nIf you are about to graduate from a Korean school, choose that degree."
        ),
        summary_label=T("Highest degree"),
        applies=_asks_degree,
        options=choices(DEGREES),
    ),
    Question(
        key="degree_country",
        prompt=T("<b>Where did you earn this degree?</b>"),
        summary_label=T("Where the degree is from"),
        applies=lambda p, now: _asks_degree(p, now) and _has_degree(p),
        options=choices((("korea", T("In Korea")), ("abroad", T("Abroad")))),
    ),
    Question(
        key="degree_status",
        prompt=T("<b>Have you graduated already?</b>"),
        summary_label=T("Graduated"),
        applies=lambda p, now: _asks_degree(p, now) and _has_degree(p) and p.degree_country == "korea",
        options=choices((("completed", T("Yes, I have graduated")), ("expected", T("Not yet, I will graduate soon")))),
    ),
    Question(
        key="major_related",
        prompt=T("<b>Is your major related to this job?</b>\nFor example, computer science for a software developer."),
        summary_label=T("Major related to the job"),
        applies=lambda p, now: _e71(p) and _has_degree(p) and _matters(p, now, major_related=["yes", "no"]),
        options=YES_NO_UNSURE,
    ),
    Question(
        key="experience_years",
        prompt=T(
            "<b>How many years of work experience do you have in this field?</b>\nType a number, for example 2 or 1.5. Type 0 if none."
        ),
        summary_label=T("Related experience"),
        applies=lambda p, now: _e71(p) and _matters(p, now, experience_years=[0.0, 1.0, 5.0]),
        parse_text=parse_years,
        options=lambda p: (Option("0", T("None")),),
    ),
    Question(
        key="experience_after_degree",
        prompt=T(
            "<b>Was at least 1 year of that experience after your degree?</b>\nIn IT fields, internships during your studies count too."
        ),
        summary_label=T("Worked 1 year after degree"),
        applies=lambda p, now: (
            _e71(p)
            and p.degree_rank >= 2
            and 1 <= (p.experience_years or 0) < 5
            and _matters(p, now, experience_after_degree=[True, False])
        ),
        options=YES_NO,
    ),
    Question(
        key="korean_test",
        prompt=T("<b>Do you have a Korean-language result?</b>\nChoose the best one you have."),
        summary_label=T("Korean language"),
        applies=lambda p, now: (
            _care(p) or (_e71(p) and _matters(p.with_(korean_test="topik"), now, topik_level=[None, 4]))
        ),
        options=choices(KOREAN_TESTS),
    ),
    _level_question("topik", T("<b>Which TOPIK level do you have?</b>"), T("TOPIK level"), range(1, 7)),
    _level_question("kiip", T("<b>Which KIIP level have you completed?</b>"), T("KIIP level completed"), range(0, 6)),
    Question(
        key="kiip_pre_score",
        prompt=T("<b>What was your KIIP pre-assessment score?</b>\nType a number from 0 to 100."),
        summary_label=T("Pre-assessment score"),
        applies=lambda p, now: p.korean_test == "kiip_pre",
        parse_text=parse_score,
    ),
    Question(
        key="care_certificate",
        prompt=T("<b>Do you have the Korean care-worker certificate (요양보호사 자격증)?</b>"),
        summary_label=T("Care-worker certificate"),
        applies=lambda p, now: _care(p),
        options=choices((("yes", T("Yes")), ("in_progress", T("I am taking the course or exam")), ("no", T("No")))),
    ),
    Question(
        key="in_korea",
        prompt=T("<b>Are you in Korea now?</b>"),
        summary_label=T("In Korea now"),
        applies=lambda p, now: _real(p),
        options=YES_NO,
    ),
    Question(
        key="stay_status",
        prompt=T(
            "<b>What is your current stay status (visa type)?</b>\nIt is printed on your alien registration card."
        ),
        summary_label=T("Stay status"),
        applies=lambda p, now: _real(p) and bool(p.in_korea),
        options=lambda p: tuple(Option(s, STAY_LABELS[s]) for s in (*STAY_STATUSES, OTHER)),
        columns=2,
    ),
    Question(
        key="nationality",
        prompt=T("<b>What is your nationality?</b>\nPick a button or type the name of your country."),
        summary_label=T("Nationality"),
        applies=lambda p, now: _real(p),
        options=lambda p: tuple(Option(c, T("{country}", country=Country(c))) for c in COMMON),
        parse_text=parse_country,
        columns=3,
    ),
    Question(
        key="job_offer",
        prompt=T("<b>Do you have a job offer from an employer?</b>"),
        summary_label=T("Job offer"),
        applies=lambda p, now: _real(p),
        options=choices((("yes", T("Yes")), ("no", T("Not yet")))),
    ),
    Question(
        key="employer_in_gyeonggi",
        prompt=T(
            "<b>Is the workplace in Gyeonggi Province (경기도)?</b>\nFor example Suwon, Seongnam, Yongin, Hwaseong or Ansan."
        ),
        summary_label=T("Workplace in Gyeonggi"),
        applies=_offered,
        options=YES_NO_UNSURE,
    ),
    Question(
        key="salary_krw",
        prompt=T(
            "<b>What yearly salary does the offer state, in won?</b>\nType the amount, for example 32000000 or 3200만."
        ),
        summary_label=T("Offered yearly salary"),
        applies=_offered,
        parse_text=parse_salary,
    ),
)
BY_KEY = {q.key: q for q in QUESTIONS}
