"""What would make a person eligible, as the verdict lists it: what is needed in any case, then, where
the nearest pathways differ, "one of these" (the QA walk of 2026-12-07 read "3 more years of
experience" and "a Korean bachelor's" as both needed, where either is enough)."""

from __future__ import annotations

from datetime import datetime

from bot.clock import SEOUL
from bot.i18n import translator
from dialogs import flow
from tests.answers import ELIGIBLE_WEB_DEV
from tests.test_questionnaire import play

NOW = datetime(2026, 12, 10, 10, 0, tzinfo=SEOUL)


def advice_of(*answers: str) -> str:
    conv = play(*answers)
    verdict = flow.result(conv, NOW)[1][0]
    text = "\n".join(translator("en").render(b) for b in verdict.body)
    return text.split("What would make you eligible:</b>")[1].split("\n\n")[0]


def test_alternatives_are_listed_as_one_of_them() -> None:
    advice = advice_of("web_developer", "none", "=2", "no", "ID", "yes", "yes", "=28000000")
    needed, either = advice.split("<i>and one of these:</i>")
    assert "₩31,120,000" in needed  # the salary floor holds for every pathway
    assert "3 years more of related work experience" in either and "Korean university" in either
    assert "experience" not in needed and "Korean university" not in needed


def test_alternatives_alone_are_one_of_them() -> None:
    """TOPIK 3 with 2 years: TOPIK 4, or 3 more years: the list said both were needed."""
    topik_3 = tuple("3" if answer == "4" else answer for answer in ELIGIBLE_WEB_DEV)  # the one TOPIK answer
    advice = advice_of(*topik_3)
    assert "<i>One of these:</i>" in advice
    assert "   – TOPIK level 4" in advice and "   – 3 years more of related work experience" in advice


def test_what_every_pathway_lacks_is_a_plain_list() -> None:
    advice = advice_of("web_developer", "master", "abroad", "yes", "no", "CN", "no")
    assert "one of these" not in advice.lower()
    assert "• A job offer from an employer in Gyeonggi" in advice and "• An offer of at least ₩31,120,000" in advice
