"""What the rules answer: a Verdict (the outcome, the pathways with their checks, the conditions
every pathway shares), each Check carrying its condition and so its source. The rules that make
them are knowledge/rules.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from knowledge.model import Cite, Condition, Occupation, Pathway
from knowledge.text import T, Text


class Status(IntEnum):
    """Ordered: a pathway is as good as its worst condition."""

    UNMET = 0
    PENDING = 1  # could hold: depends on something still to get, or to confirm
    MET = 2


class Outcome(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    CONDITIONAL = "conditional"
    ELIGIBLE = "eligible"


# A pathway's status as the outcome it gives.
OUTCOME_OF = {Status.UNMET: Outcome.NOT_ELIGIBLE, Status.PENDING: Outcome.CONDITIONAL, Status.MET: Outcome.ELIGIBLE}

# Reason variants that rest on a fact program-facts.md marks as uncertain.
UNCERTAIN_VARIANTS = frozenset({"gap", "pre_assessment", "expected", "unlisted"})


@dataclass(frozen=True)
class Check:
    condition: Condition
    status: Status
    variant: str = ""
    params: dict[str, object] = field(default_factory=dict)
    kiip_closed: bool = False  # the person cannot take KIIP: the advice names TOPIK only

    @property
    def cite(self) -> Cite:
        return self.condition.cite

    @property
    def uncertain(self) -> bool:
        return self.status is not Status.MET and (self.condition.uncertain or self.variant in UNCERTAIN_VARIANTS)

    def requirement(self) -> Text:
        return T(self.condition.requirement, **self.params)

    def reason(self) -> Text | None:
        """Why the condition is not met (None when it is)."""
        if self.status is Status.MET:
            return None
        default = "unmet" if self.status is Status.UNMET else "pending"
        return T(self.condition.reasons[self.variant or default], **self.params)

    def advice(self) -> Text:
        abroad = self.condition.advice_abroad
        return T(abroad.text if abroad and self.kiip_closed else self.condition.advice, **self.params)


@dataclass(frozen=True)
class PathwayResult:
    pathway: Pathway
    checks: tuple[Check, ...]

    @property
    def status(self) -> Status:
        return min((c.status for c in self.checks), default=Status.MET)

    @property
    def unmet(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status is Status.UNMET)

    @property
    def pending(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status is Status.PENDING)

    @property
    def effort(self) -> int:
        """The summed effort of the unmet conditions."""
        return sum(c.condition.effort for c in self.unmet)


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    occupation: Occupation | None
    pathways: tuple[PathwayResult, ...]  # best first
    general: tuple[Check, ...]  # conditions every pathway shares (window, offer, salary, status)
    alternatives: tuple[Occupation, ...] = ()  # other occupations that would do better

    @property
    def holding(self) -> tuple[PathwayResult, ...]:
        """The pathways that decide the outcome (all met, or met but for pending conditions)."""
        if not self.pathways:
            return ()
        best = self.pathways[0].status
        if best is Status.UNMET:
            return ()
        return tuple(p for p in self.pathways if p.status is best)

    @property
    def nearest(self) -> tuple[PathwayResult, ...]:
        """When no pathway holds: the two needing the least effort to meet (see conditions.yaml)."""
        if self.holding or not self.pathways:
            return ()
        return tuple(sorted(self.pathways, key=lambda p: (p.effort, len(p.unmet))))[:2]

    @property
    def deciding_checks(self) -> tuple[Check, ...]:
        """The checks behind the outcome: the general ones plus the holding (or nearest) pathways'."""
        chosen = self.holding or self.nearest
        return self.general + tuple(c for p in chosen for c in p.checks)

    @property
    def uncertain(self) -> bool:
        """True when the outcome rests on a fact marked uncertain: then say "confirm with 031-120"."""
        if any(p.pathway.uncertain for p in self.holding) and all(p.pathway.uncertain for p in self.holding):
            return True
        return any(c.uncertain for c in self.deciding_checks)
