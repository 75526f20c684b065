"""The eligibility rules: a table of profiles with expected verdicts, plus properties."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.clock import SEOUL
from knowledge.loader import load
from knowledge.profile import Profile
from knowledge.rules import evaluate
from knowledge.verdict import Outcome, Status

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)
OFFER = {
    "in_korea": False,
    "nationality": "VN",
    "job_offer": True,
    "employer_in_gyeonggi": "yes",
    "salary_krw": 35_000_000,
}
E, C, N = Outcome.ELIGIBLE, Outcome.CONDITIONAL, Outcome.NOT_ELIGIBLE


def profile(occupation: str, **answers: Any) -> Profile:
    return Profile(occupation=occupation, **{**OFFER, **answers})


def related(degree: str, country: str = "abroad", **more: Any) -> dict[str, Any]:
    return {"degree": degree, "degree_country": country, "degree_status": "completed", "major_related": "yes", **more}


def foreign_unrelated(**more: Any) -> dict[str, Any]:
    return {
        "degree": "bachelor",
        "degree_country": "abroad",
        "major_related": "no",
        "experience_years": 2.0,
        "experience_after_degree": True,
        **more,
    }


CARE = {
    "degree": "associate",
    "degree_country": "korea",
    "degree_status": "completed",
    "care_certificate": "yes",
    "korean_test": "kiip",
    "kiip_level": 3,
    "salary_krw": 26_000_000,
}

# (case, occupation, answers, outcome, pathways that hold, condition ids that must be among the reasons)
TABLE: list[tuple[str, str, dict[str, Any], Outcome, set[str], set[str]]] = [
    ("related master", "web_developer", related("master"), E, {"master_related"}, set()),
    ("related doctorate", "data_specialist", related("doctorate"), E, {"master_related"}, set()),
    (
        "related bachelor + 1y",
        "application_software_developer",
        related("bachelor", experience_years=1.0, experience_after_degree=True),
        E,
        {"bachelor_related"},
        set(),
    ),
    (
        "related bachelor, half a year",
        "data_specialist",
        related("bachelor", experience_years=0.5),
        N,
        set(),
        {"experience_1y"},
    ),
    (
        "experience before the degree only",
        "data_specialist",
        related("bachelor", experience_years=2.0, experience_after_degree=False),
        N,
        set(),
        {"experience_1y"},
    ),
    (
        "5 years, no degree",
        "network_developer",
        {"degree": "none", "experience_years": 5.0},
        E,
        {"experience_5y"},
        set(),
    ),
    (
        "4 years, no degree",
        "network_developer",
        {"degree": "none", "experience_years": 4.0},
        N,
        set(),
        {"experience_5y"},
    ),
    (
        "korean junior college, related",
        "security_specialist",
        related("associate", "korea"),
        E,
        {"korean_junior_college"},
        set(),
    ),
    (
        "korean junior college, unrelated",
        "systems_analyst",
        {**related("associate", "korea"), "major_related": "no"},
        N,
        set(),
        {"major_related"},
    ),
    (
        "korean bachelor expected, any major",
        "hardware_engineer",
        {"degree": "bachelor", "degree_country": "korea", "degree_status": "expected", "major_related": "no"},
        E,
        {"korean_bachelor"},
        set(),
    ),
    (
        "foreign unrelated + TOPIK 4",
        "telecom_engineer",
        foreign_unrelated(korean_test="topik", topik_level=4),
        E,
        {"korean_proficiency"},
        set(),
    ),
    (
        "foreign unrelated + KIIP 4",
        "telecom_engineer",
        foreign_unrelated(korean_test="kiip", kiip_level=4),
        E,
        {"korean_proficiency"},
        set(),
    ),
    (
        "foreign unrelated + TOPIK 3",
        "telecom_engineer",
        foreign_unrelated(korean_test="topik", topik_level=3),
        N,
        set(),
        {"korean_level_4"},
    ),
    (
        "foreign unrelated + pre-assessment 85",
        "telecom_engineer",
        foreign_unrelated(korean_test="kiip_pre", kiip_pre_score=85),
        C,
        {"korean_proficiency"},
        {"korean_level_4"},
    ),
    (
        "major relatedness unsure",
        "web_developer",
        {**related("master"), "major_related": "unsure"},
        C,
        {"master_related"},
        {"major_related"},
    ),
    (
        "robotics bachelor + 1y (relaxation unconfirmed)",
        "robotics_engineer",
        related("bachelor", experience_years=2.0, experience_after_degree=True, korean_test="none"),
        C,
        {"robotics_bachelor"},
        {"robotics_relaxation"},
    ),
    ("robotics master", "robotics_engineer", related("master"), E, {"master_related"}, set()),
    (
        "robotics: experience alone is not enough",
        "robotics_engineer",
        {"degree": "none", "experience_years": 10.0},
        N,
        set(),
        set(),
    ),
    (
        "robotics bachelor + TOPIK 4 (MoJ text)",
        "robotics_engineer",
        foreign_unrelated(korean_test="topik", topik_level=4),
        E,
        {"korean_proficiency"},
        set(),
    ),
    ("care worker", "care_worker", CARE, E, {"care_worker"}, set()),
    (
        "care worker, pre-assessment 61",
        "care_worker",
        {**CARE, "korean_test": "kiip_pre", "kiip_pre_score": 61},
        E,
        {"care_worker"},
        set(),
    ),
    (
        "care worker, pre-assessment 60",
        "care_worker",
        {**CARE, "korean_test": "kiip_pre", "kiip_pre_score": 60},
        N,
        set(),
        {"korean_level_3"},
    ),
    (
        "care worker, degree from abroad",
        "care_worker",
        {**CARE, "degree_country": "abroad"},
        N,
        set(),
        {"korean_associate"},
    ),
    (
        "care worker, certificate in progress",
        "care_worker",
        {**CARE, "care_certificate": "in_progress"},
        C,
        {"care_worker"},
        {"care_certificate"},
    ),
    (
        "care worker below the E-7-2 floor",
        "care_worker",
        {**CARE, "salary_krw": 25_000_000},
        N,
        {"care_worker"},
        {"salary_floor"},
    ),
    ("nurse (unconfirmed)", "nurse", {}, C, {"nurse_unconfirmed"}, {"nurse_confirmed"}),
    ("something else", "other", {}, N, set(), {"occupation_covered"}),
    (
        "no job offer yet",
        "web_developer",
        {**related("master"), "job_offer": False},
        C,
        {"master_related"},
        {"job_offer"},
    ),
    (
        "workplace outside Gyeonggi",
        "web_developer",
        {**related("master"), "employer_in_gyeonggi": "no"},
        N,
        {"master_related"},
        {"employer_gyeonggi"},
    ),
    (
        "salary below the 2026 floor",
        "web_developer",
        {**related("master"), "salary_krw": 30_000_000},
        N,
        {"master_related"},
        {"salary_floor"},
    ),
    (
        "E-9 in Korea: only from abroad",
        "web_developer",
        {**related("master"), "in_korea": True, "stay_status": "E-9"},
        C,
        {"master_related"},
        {"stay_status"},
    ),
    (
        "D-2 in Korea",
        "web_developer",
        {**related("master"), "in_korea": True, "stay_status": "D-2"},
        E,
        {"master_related"},
        set(),
    ),
    (
        "H-2 in Korea: check with immigration",
        "web_developer",
        {**related("master"), "in_korea": True, "stay_status": "H-2"},
        C,
        {"master_related"},
        {"stay_status"},
    ),
]


@pytest.mark.parametrize(
    ("case", "occupation", "answers", "outcome", "holding", "reasons"), TABLE, ids=[row[0] for row in TABLE]
)
def test_verdict_table(
    case: str, occupation: str, answers: dict[str, Any], outcome: Outcome, holding: set[str], reasons: set[str]
) -> None:
    v = evaluate(profile(occupation, **answers), NOW)
    assert v.outcome is outcome, case
    assert {r.pathway.id for r in v.holding} >= holding
    not_met = {c.condition.id for c in v.deciding_checks if c.status is not Status.MET}
    assert reasons <= not_met, (case, not_met)


def test_uncertain_facts_say_so() -> None:
    for occupation, answers in [
        ("robotics_engineer", related("bachelor", experience_years=2.0, experience_after_degree=True)),
        ("nurse", {}),
        ("telecom_engineer", foreign_unrelated(korean_test="kiip_pre", kiip_pre_score=90)),
    ]:
        assert evaluate(profile(occupation, **answers), NOW).uncertain, occupation
    assert not evaluate(profile("web_developer", **related("master")), NOW).uncertain


def test_dated_outcomes_wage_floor_changes_with_the_date() -> None:
    p = profile("web_developer", **related("master"), salary_krw=30_000_000)
    assert evaluate(p, datetime(2025, 10, 1, tzinfo=SEOUL)).outcome is E  # 2025 floor 28.67m
    jan = evaluate(p, datetime(2026, 1, 15, tzinfo=SEOUL))  # no notice: between 28.67m and 31.12m
    assert jan.outcome is C and jan.uncertain
    assert evaluate(p, NOW).outcome is N  # 2026 floor 31.12m


def test_window_closed_and_not_yet_open() -> None:
    p = profile("web_developer", **related("master"))
    closed = evaluate(p, datetime(2027, 1, 1, 0, 0, tzinfo=SEOUL))
    assert closed.outcome is N
    assert "window_open" in {c.condition.id for c in closed.general if c.status is not Status.MET}
    assert evaluate(p, datetime(2025, 9, 1, tzinfo=SEOUL)).outcome is C


def test_alternatives_offer_other_occupations_for_robotics_profile() -> None:
    v = evaluate(
        profile("robotics_engineer", **related("bachelor", experience_years=2.0, experience_after_degree=True)), NOW
    )
    assert v.alternatives and all(o.id != "robotics_engineer" for o in v.alternatives)


# --- properties ---------------------------------------------------------------------------------

occupations = st.sampled_from([o.id for o in load().occupations])
profiles = st.builds(
    Profile,
    occupation=occupations,
    degree=st.sampled_from(["doctorate", "master", "bachelor", "associate", "none"]),
    degree_country=st.sampled_from(["korea", "abroad", None]),
    degree_status=st.sampled_from(["completed", "expected", None]),
    major_related=st.sampled_from(["yes", "no", "unsure", None]),
    experience_years=st.one_of(st.none(), st.floats(0, 30).map(lambda x: round(x * 2) / 2)),
    experience_after_degree=st.sampled_from([True, False, None]),
    korean_test=st.sampled_from(["topik", "kiip", "kiip_pre", "none", None]),
    topik_level=st.integers(1, 6),
    kiip_level=st.integers(0, 5),
    kiip_pre_score=st.integers(0, 100),
    care_certificate=st.sampled_from(["yes", "in_progress", "no", None]),
    in_korea=st.booleans(),
    stay_status=st.sampled_from(["D-2", "D-10", "E-9", "H-2", "C-3", "other", None]),
    nationality=st.sampled_from(["VN", "US", None]),
    job_offer=st.booleans(),
    employer_in_gyeonggi=st.sampled_from(["yes", "no", "unsure", None]),
    salary_krw=st.one_of(st.none(), st.integers(10_000_000, 60_000_000)),
)
instants = st.datetimes(min_value=datetime(2025, 9, 1), max_value=datetime(2027, 2, 1)).map(
    lambda d: d.replace(tzinfo=SEOUL)
)
RANK = {N: 0, C: 1, E: 2}


@settings(max_examples=300, deadline=None)
@given(profiles, instants, st.floats(0, 10).map(lambda x: round(x)))
def test_more_experience_never_hurts(p: Profile, now: datetime, extra: float) -> None:
    before = evaluate(p, now, alternatives=False)
    after = evaluate(p.with_(experience_years=(p.experience_years or 0) + extra), now, alternatives=False)
    assert RANK[after.outcome] >= RANK[before.outcome]


@settings(max_examples=300, deadline=None)
@given(profiles, instants, st.integers(0, 5))
def test_higher_korean_level_never_hurts(p: Profile, now: datetime, extra: int) -> None:
    base = p.with_(korean_test="topik")
    before = evaluate(base, now, alternatives=False)
    after = evaluate(base.with_(topik_level=min(6, base.topik_level + extra)), now, alternatives=False)
    assert RANK[after.outcome] >= RANK[before.outcome]
    kiip = p.with_(korean_test="kiip")
    assert (
        RANK[evaluate(kiip.with_(kiip_level=min(5, kiip.kiip_level + extra)), now, alternatives=False).outcome]
        >= RANK[evaluate(kiip, now, alternatives=False).outcome]
    )


@settings(max_examples=300, deadline=None)
@given(profiles, instants)
def test_every_unmet_condition_names_a_source_and_a_reason(p: Profile, now: datetime) -> None:
    kb = load()
    v = evaluate(p, now)
    for check in v.deciding_checks:
        assert check.cite.keys and all(k in kb.sources for k in check.cite.keys)
        if check.status is not Status.MET:
            reason = check.reason()
            assert reason is not None and reason.msgid
            assert check.advice().msgid


@pytest.mark.parametrize(
    ("where", "kiip_advised"),
    [
        ({"in_korea": False}, False),
        ({"in_korea": True, "stay_status": "C-3"}, False),
        ({"in_korea": True, "stay_status": "D-10"}, True),
    ],
)
def test_korean_advice_names_kiip_only_to_people_who_can_take_it(where: dict[str, Any], kiip_advised: bool) -> None:
    """KIIP is for registered residents of Korea (program-facts.md §8, K4): others are advised TOPIK."""
    p = profile("web_developer", **foreign_unrelated(korean_test="topik", topik_level=3, **where))
    v = evaluate(p, NOW)
    advice = [c.advice().msgid for r in v.pathways for c in r.checks if c.condition.id == "korean_level_4"]
    assert advice and all("TOPIK level 4" in a for a in advice)
    assert all(("KIIP level 4" in a) == kiip_advised for a in advice)
    care = evaluate(profile("care_worker", **{**CARE, "kiip_level": 2, **where}), NOW)
    advice = [c.advice().msgid for r in care.pathways for c in r.checks if c.condition.id == "korean_level_3"]
    assert advice and all(("KIIP level 3" in a) == kiip_advised for a in advice)
