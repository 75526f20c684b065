"""The employer's side: the obligations an employer must meet for the occupation they hire for,
checked from a few facts they give (pure; the wording is in dialogs/employer.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import yaml

from knowledge import loader
from knowledge.loader import StrictLoader, derived, load
from knowledge.model import Cite, Confidence, Document, EmployerRule, Occupation
from knowledge.parameters import wage_floor
from knowledge.verdict import Status

FILE = "employer_checks.yaml"  # in knowledge/data (loader.DATA_DIR), beside the other data


def _cite(raw: dict[str, Any]) -> Cite:
    cite = Cite(source=str(raw["source"]), confidence=Confidence(raw["confidence"]))
    sources = load().sources
    if not cite.keys or any(k not in sources for k in cite.keys):
        raise ValueError(f"employer_checks.yaml: unknown source in {raw}")
    return cite


@dataclass(frozen=True)
class Ratio:
    occupation: str
    percent: int
    cite: Cite


@dataclass(frozen=True)
class EmployerRules:
    ratios: dict[str, Ratio]
    min_korean_staff: int
    min_korean_staff_cite: Cite
    it_ratio_percent: int
    it_ratio_cite: Cite
    unpaid_tax_cite: Cite
    care_code_prefix: str
    care_facility_cite: Cite
    workplace_cite: Cite


@derived
@cache
def rules() -> EmployerRules:
    raw = yaml.load((loader.DATA_DIR / FILE).read_text(encoding="utf-8"), Loader=StrictLoader)
    return EmployerRules(
        ratios={r["occupation"]: Ratio(r["occupation"], int(r["percent"]), _cite(r["cite"])) for r in raw["ratios"]},
        min_korean_staff=int(raw["min_korean_staff"]),
        min_korean_staff_cite=_cite(raw["min_korean_staff_cite"]),
        it_ratio_percent=int(raw["it_ratio_percent"]),
        it_ratio_cite=_cite(raw["it_ratio_cite"]),
        unpaid_tax_cite=_cite(raw["unpaid_tax_cite"]),
        care_code_prefix=str(raw["care_facility_code_prefix"]),
        care_facility_cite=_cite(raw["care_facility_cite"]),
        workplace_cite=_cite(raw["workplace_cite"]),
    )


def allowed_foreign_staff(korean_staff: int, percent: int) -> int:
    """How many foreign staff (E-1 ... E-7-3) the Korean staff allow: percent of them, rounded
    half up (M3 p.181: 0.5 and above up, below 0.5 down). Exact decimal arithmetic, no float."""
    share = Decimal(korean_staff) * Decimal(percent) / Decimal(100)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class EmployerFacts:
    occupation: str
    salary_krw: int | None = None
    korean_staff: int | None = None  # insured for at least 3 months
    foreign_staff: int | None = None  # now employed on E-1 ... E-7-3, not counting the new hire
    unpaid_tax: bool | None = None
    elderly_facility: bool | None = None  # care workers
    institution_code: str | None = None  # care workers: the long-term-care institution code


@dataclass(frozen=True)
class Obligation:
    id: str  # wage | tax | ratio | min_korean | it_ratio | care_facility | workplace
    status: Status
    cite: Cite
    uncertain: bool = False
    params: dict[str, object] = field(default_factory=dict)


def obligations(facts: EmployerFacts, on: date) -> tuple[Obligation, ...]:
    kb = load()
    r = rules()
    occ = kb.occupation(facts.occupation)
    out: list[Obligation] = [Obligation("workplace", Status.MET, r.workplace_cite, uncertain=True)]
    floor = wage_floor(kb, occ.track, on)
    if facts.salary_krw is not None:
        met = facts.salary_krw >= floor.annual_krw
        out.append(
            Obligation(
                "wage",
                Status.MET if met else Status.UNMET,
                floor.cite,
                uncertain=not floor.certain,
                params={"floor": floor.annual_krw, "salary": facts.salary_krw, "track": occ.track},
            )
        )
    if facts.unpaid_tax is not None:
        out.append(Obligation("tax", Status.UNMET if facts.unpaid_tax else Status.MET, r.unpaid_tax_cite))
    ratio = r.ratios.get(occ.id)
    if ratio is not None and facts.korean_staff is not None:
        allowed = allowed_foreign_staff(facts.korean_staff, ratio.percent)
        after = (facts.foreign_staff or 0) + 1  # with the new hire
        out.append(
            Obligation(
                "ratio",
                Status.MET if after <= allowed else Status.UNMET,
                ratio.cite,
                params={"percent": ratio.percent, "korean": facts.korean_staff, "allowed": allowed, "after": after},
            )
        )
        if facts.korean_staff < r.min_korean_staff:
            out.append(
                Obligation(
                    "min_korean",
                    Status.PENDING,
                    r.min_korean_staff_cite,
                    params={"minimum": r.min_korean_staff, "korean": facts.korean_staff},
                )
            )
    elif ratio is None and occ.track == "E-7-1" and facts.korean_staff is not None:
        allowed = allowed_foreign_staff(facts.korean_staff, r.it_ratio_percent)
        after = (facts.foreign_staff or 0) + 1
        out.append(
            Obligation(
                "it_ratio",
                Status.MET if after <= allowed else Status.PENDING,
                r.it_ratio_cite,
                uncertain=True,
                params={
                    "percent": r.it_ratio_percent,
                    "korean": facts.korean_staff,
                    "allowed": allowed,
                    "after": after,
                },
            )
        )
    if occ.id == "care_worker" and facts.elderly_facility is not None:
        code_ok = (facts.institution_code or "").startswith(r.care_code_prefix)
        out.append(
            Obligation(
                "care_facility",
                Status.MET if facts.elderly_facility and code_ok else Status.UNMET,
                r.care_facility_cite,
                params={"prefix": r.care_code_prefix},
            )
        )
    return tuple(out)


def employer_documents(occupation: str) -> tuple[Document, ...]:
    """The documents the employer supplies for this occupation (documents.yaml, employer side)."""
    out = []
    for d in load().documents:
        if d.side != "employer":
            continue
        wanted = d.when.get("occupations")
        if isinstance(wanted, list) and occupation not in wanted:
            continue
        out.append(d)
    return tuple(out)


def rules_for(occ: Occupation) -> tuple[EmployerRule, ...]:
    """What the employer of this occupation must meet, and nothing of other occupations: the
    general rules of its track (the uncertain IT ratio only where no ratio of its own applies,
    as in obligations()), then its own rules."""
    own_ratio = occ.id in rules().ratios
    general = [r for r in load().employer_rules if not (r.id == "it_ratio" and own_ratio)]
    return tuple(r for r in (*general, *occ.employer_rules) if occ.track in r.tracks)
