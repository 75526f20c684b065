"""Each pathway end to end: the questionnaire through the real bot, the verdict's headline and reasons."""

from __future__ import annotations

import pytest

from emulator import BotAPIEmulator
from tests.conftest import BotRunner
from tests.e2e import answer, nav

OFFER = ("no", "VN", "yes", "yes", "=40000000")  # not in Korea, Vietnamese, offer in Gyeonggi, 40m won

CASES = [
    (
        "related master",
        ("web_developer", "master", "abroad", "yes", *OFFER),
        "✅",
        ["Related master's degree or higher"],
    ),
    (
        "related bachelor + 1 year",
        ("data_specialist", "bachelor", "abroad", "yes", "=1.5", "yes", *OFFER),
        "✅",
        ["Related bachelor's degree and 1 year of experience"],
    ),
    ("5 years of experience", ("network_developer", "none", "=6", *OFFER), "✅", ["5 years of related experience"]),
    (
        "Korean junior college",
        ("security_specialist", "associate", "korea", "expected", "yes", *OFFER),
        "✅",
        ["Korean junior college graduate"],
    ),
    (
        "Korean bachelor, any major",
        ("hardware_engineer", "bachelor", "korea", "completed", *OFFER),
        "✅",
        ["Korean university graduate (any major)"],
    ),
    (
        "Korean-proficiency special case",
        ("telecom_engineer", "bachelor", "abroad", "no", "=2", "yes", "kiip", "4", *OFFER),
        "✅",
        ["Gyeonggi's special rule for good Korean speakers (level 4)"],
    ),
    (
        "robotics relaxation (unconfirmed)",
        ("robotics_engineer", "bachelor", "abroad", "yes", "=2", "yes", "none", *OFFER),
        "⚠️",
        ["Robotics: bachelor's degree and 1 year", "031-120"],
    ),
    (
        "care worker",
        (
            "care_worker",
            "associate",
            "korea",
            "completed",
            "kiip_pre",
            "=65",
            "yes",
            "yes",
            "D-2",
            "NP",
            "yes",
            "yes",
            "=26000000",
        ),
        "✅",
        ["Pathway: Care worker", "Care-worker certificate (요양보호사 자격증)"],
    ),
    (
        "nurse (unconfirmed)",
        ("not_sure", "nursing", "no", "PH", "yes", "yes", "=40000000"),
        "⚠️",
        ["Nurse (not confirmed for Gyeonggi)", "031-120"],
    ),
    ("outside the 12 occupations", ("not_sure", "other"), "❌", ["covers only its 12 occupations"]),
    (
        "5 years missing one",
        ("network_developer", "none", "=4", *OFFER),
        "❌",
        [
            "You need at least 5 years of related experience; you have 4 years.",
            "1 year more of related work experience",
        ],
    ),
]


@pytest.mark.parametrize(("case", "steps", "mark", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_pathway(
    case: str, steps: tuple[str, ...], mark: str, expected: list[str], bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(300)
    await user.say("/start")
    await answer(user, *steps)
    result = await user.tap(nav(user, "result"))
    text = "\n".join(m.plain for m in result)
    assert result[0].plain.startswith(mark), result[0].plain[:200]
    for fragment in expected:
        assert fragment in text, (case, fragment)
