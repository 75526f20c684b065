"""The eligibility rules: plain functions from a Profile (and a date) to a Verdict.

Each condition of conditions.yaml has one check function here; a pathway holds when all of its
conditions are met. Every check carries its condition, whose citation names the source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from knowledge.loader import load
from knowledge.model import Condition, Knowledge, Occupation, Pathway
from knowledge.parameters import minimum_wage, wage_floor, window_state
from knowledge.profile import Profile
from knowledge.route import kiip_open
from knowledge.text import Money, T, Verbatim, years_text
from knowledge.verdict import OUTCOME_OF, Check, Outcome, PathwayResult, Status, Verdict


@dataclass(frozen=True)
class Context:
    kb: Knowledge
    now: datetime  # aware; the programme's dates are Asia/Seoul


CheckFn = Callable[[Profile, Context], Check]
_CHECKS: dict[str, CheckFn] = {}


def check(condition_id: str) -> Callable[[Callable[[Profile, Context, Condition], Check]], CheckFn]:
    """Registers the check for a condition of conditions.yaml."""

    def register(fn: Callable[[Profile, Context, Condition], Check]) -> CheckFn:
        def run(p: Profile, ctx: Context) -> Check:
            return fn(p, ctx, ctx.kb.conditions[condition_id])

        _CHECKS[condition_id] = run
        return run

    return register


def _years(p: Profile) -> float:
    return float(p.experience_years or 0.0)


def _level_text(p: Profile) -> object:
    if p.korean_test == "topik" and p.topik_level:
        return T("TOPIK level {level}", level=p.topik_level)
    if p.korean_test == "kiip" and p.kiip_level is not None:
        return T("KIIP level {level}", level=p.kiip_level)
    if p.korean_test == "kiip_pre" and p.kiip_pre_score is not None:
        return T("a pre-assessment score of {score}", score=p.kiip_pre_score)
    return T("no Korean test result")


@check("occupation_covered")
def _occupation_covered(p: Profile, ctx: Context, c: Condition) -> Check:
    known = {o.id for o in ctx.kb.occupations}
    return Check(c, Status.MET if p.occupation in known else Status.UNMET)


@check("nurse_confirmed")
def _nurse(p: Profile, ctx: Context, c: Condition) -> Check:
    return Check(c, Status.PENDING)


@check("robotics_relaxation")
def _robotics(p: Profile, ctx: Context, c: Condition) -> Check:
    return Check(c, Status.PENDING, kiip_closed=not kiip_open(p))


@check("degree_master")
def _degree_master(p: Profile, ctx: Context, c: Condition) -> Check:
    ok = p.degree_rank >= 3 and p.degree_awarded_or_korean_expected
    return Check(c, Status.MET if ok else Status.UNMET)


def _bachelor(c: Condition, p: Profile) -> Check:
    if p.degree_rank < 2:
        return Check(c, Status.UNMET)
    if not p.degree_awarded_or_korean_expected:
        return Check(c, Status.UNMET, "expected_abroad")
    return Check(c, Status.MET)


@check("degree_bachelor")
def _degree_bachelor(p: Profile, ctx: Context, c: Condition) -> Check:
    return _bachelor(c, p)


@check("foreign_bachelor")
def _foreign_bachelor(p: Profile, ctx: Context, c: Condition) -> Check:
    # Same test as degree_bachelor; its own condition so the special case cites its own source.
    return _bachelor(c, p)


@check("major_related")
def _major_related(p: Profile, ctx: Context, c: Condition) -> Check:
    if p.major_related == "yes":
        return Check(c, Status.MET)
    if p.major_related == "no":
        return Check(c, Status.UNMET)
    return Check(c, Status.PENDING)


@check("experience_1y")
def _experience_1y(p: Profile, ctx: Context, c: Condition) -> Check:
    years = _years(p)
    params: dict[str, object] = {"years": years_text(years), "missing": years_text(max(0.0, 1 - years))}
    if years < 1:
        return Check(c, Status.UNMET, params=params)
    if p.experience_after_degree is False:
        return Check(c, Status.UNMET, "not_after_degree", params)
    return Check(c, Status.MET, params=params)


@check("experience_5y")
def _experience_5y(p: Profile, ctx: Context, c: Condition) -> Check:
    years = _years(p)
    params: dict[str, object] = {"years": years_text(years), "missing": years_text(max(0.0, 5 - years))}
    return Check(c, Status.MET if years >= 5 else Status.UNMET, params=params)


@check("korean_junior_college")
def _junior_college(p: Profile, ctx: Context, c: Condition) -> Check:
    ok = p.degree == "associate" and p.degree_country == "korea"
    return Check(c, Status.MET if ok else Status.UNMET)


@check("korean_bachelor")
def _korean_bachelor(p: Profile, ctx: Context, c: Condition) -> Check:
    ok = p.degree_rank >= 2 and p.degree_country == "korea"
    return Check(c, Status.MET if ok else Status.UNMET)


@check("korean_level_4")
def _korean_4(p: Profile, ctx: Context, c: Condition) -> Check:
    params = {"level": _level_text(p)}
    closed = not kiip_open(p)
    if p.korean_test in ("topik", "kiip") and p.korean_level() >= 4:
        return Check(c, Status.MET, params=params)
    if p.korean_test == "kiip_pre" and p.korean_level() >= 4:
        return Check(c, Status.PENDING, "pre_assessment", params, closed)
    return Check(c, Status.UNMET, params=params, kiip_closed=closed)


@check("korean_level_3")
def _korean_3(p: Profile, ctx: Context, c: Condition) -> Check:
    status = Status.MET if p.korean_level() >= 3 else Status.UNMET
    return Check(c, status, params={"level": _level_text(p)}, kiip_closed=not kiip_open(p))


@check("korean_associate")
def _korean_associate(p: Profile, ctx: Context, c: Condition) -> Check:
    if p.degree_rank < 1 or p.degree_country != "korea":
        return Check(c, Status.UNMET)
    if p.degree_status == "expected":
        return Check(c, Status.PENDING, "expected")
    return Check(c, Status.MET)


@check("care_certificate")
def _care_certificate(p: Profile, ctx: Context, c: Condition) -> Check:
    status = {"yes": Status.MET, "in_progress": Status.PENDING}.get(p.care_certificate or "", Status.UNMET)
    return Check(c, status)


@check("window_open")
def _window(p: Profile, ctx: Context, c: Condition) -> Check:
    w = ctx.kb.programme.window
    params: dict[str, object] = {"opens": w.opens, "closes": w.closes}
    state = window_state(ctx.kb, ctx.now)
    if state == "open":
        return Check(c, Status.MET, params=params)
    if state == "not_open":
        return Check(c, Status.PENDING, "not_yet", params)
    return Check(c, Status.UNMET, params=params)


@check("job_offer")
def _job_offer(p: Profile, ctx: Context, c: Condition) -> Check:
    return Check(c, Status.MET if p.job_offer else Status.PENDING)


@check("employer_gyeonggi")
def _employer(p: Profile, ctx: Context, c: Condition) -> Check:
    if not p.job_offer:
        return Check(c, Status.PENDING)
    status = {"yes": Status.MET, "no": Status.UNMET}.get(p.employer_in_gyeonggi or "", Status.PENDING)
    return Check(c, status)


@check("salary_floor")
def _salary(p: Profile, ctx: Context, c: Condition) -> Check:
    occ = next((o for o in ctx.kb.occupations if o.id == p.occupation), None)
    track = occ.track if occ else "E-7-1"
    on = ctx.now.astimezone(ctx.kb.programme.window.closes.tzinfo).date()
    floor = wage_floor(ctx.kb, track, on)
    high, low = floor.annual_krw, floor.lower_krw
    if track == "E-7-2":  # care workers: at least the minimum wage as well (M2 p.278)
        mw = minimum_wage(ctx.kb, on).monthly_krw * 12
        high, low = max(high, mw), max(low, mw)
    params: dict[str, object] = {"floor": Money(high), "track": Verbatim(track), "date": on}
    if not p.job_offer or p.salary_krw is None:
        return Check(c, Status.PENDING, params=params)
    params["salary"] = Money(p.salary_krw)
    if p.salary_krw >= high:
        return Check(c, Status.MET, params=params)
    if p.salary_krw >= low:  # only in a gap between notices
        return Check(c, Status.PENDING, "gap", params)
    return Check(c, Status.UNMET, params={**params, "floor": Money(low if not floor.certain else high)})


@check("stay_status")
def _stay_status(p: Profile, ctx: Context, c: Condition) -> Check:
    status = p.stay_status or "other"
    params: dict[str, object] = {"status": Verbatim(status) if status != "other" else T("your current status")}
    if status in ctx.kb.blocked_statuses:
        # Not possible inside Korea, but still possible from abroad: a condition, not a refusal.
        return Check(c, Status.PENDING, "abroad", params)
    if status in KNOWN_CHANGEABLE:
        return Check(c, Status.MET, params=params)
    return Check(c, Status.PENDING, "unlisted", params)


# Statuses the questionnaire offers that the manual lets change to E-7 in Korea (M2 p.224; P3).
KNOWN_CHANGEABLE = frozenset({"D-2", "D-10", "E-7", "D-4", "F-1", "F-3"})

GENERAL_CONDITIONS = ("occupation_covered", "window_open", "job_offer", "employer_gyeonggi", "salary_floor")


def evaluate_pathway(pathway: Pathway, p: Profile, ctx: Context) -> PathwayResult:
    return PathwayResult(pathway, tuple(_CHECKS[cid](p, ctx) for cid in pathway.conditions))


def _rank(r: PathwayResult) -> tuple[int, int, int, int]:
    return (r.status, -len(r.unmet), -len(r.pending), -int(r.pathway.uncertain))


def evaluate(
    p: Profile, now: datetime, kb: Knowledge | None = None, *, alternatives: bool = True, window: bool = True
) -> Verdict:
    """The verdict for a profile at the instant ``now`` (aware datetime). ``window=False`` leaves the
    application window out: after the close the check is information only ("how do I fit the rules")."""
    kb = kb or load()
    ctx = Context(kb, now)
    occupation = next((o for o in kb.occupations if o.id == p.occupation), None)
    # Outside the 12 occupations nothing else was asked: only say why, and whether the window is open.
    ids: tuple[str, ...] = GENERAL_CONDITIONS if occupation else ("occupation_covered", "window_open")
    if not window:
        ids = tuple(i for i in ids if i != "window_open")
    general = [_CHECKS[cid](p, ctx) for cid in ids]
    if occupation and p.in_korea:
        general.append(_CHECKS["stay_status"](p, ctx))
    results: tuple[PathwayResult, ...] = ()
    if occupation:
        results = tuple(
            sorted((evaluate_pathway(pw, p, ctx) for pw in kb.pathways_for(occupation.id)), key=_rank, reverse=True)
        )
    best = results[0].status if results else Status.UNMET
    overall = min([best, *(c.status for c in general)])
    verdict = Verdict(OUTCOME_OF[overall], occupation, results, tuple(general))
    if alternatives and verdict.outcome is not Outcome.ELIGIBLE and occupation:
        better = _alternatives(p, verdict, now, kb, window)
        verdict = Verdict(verdict.outcome, occupation, results, tuple(general), better)
    return verdict


_ORDER = {Outcome.NOT_ELIGIBLE: 0, Outcome.CONDITIONAL: 1, Outcome.ELIGIBLE: 2}


def _alternatives(p: Profile, current: Verdict, now: datetime, kb: Knowledge, window: bool) -> tuple[Occupation, ...]:
    """Other confirmed occupations for which the same answers give a better outcome (at most 3,
    those of the same area first). The answer about the major is kept as given: the verdict
    text asks the person to check that their major fits the other occupation."""
    better = []
    for occ in kb.occupations:
        if occ.id == p.occupation or not occ.confirmed:
            continue
        other = evaluate(p.with_(occupation=occ.id), now, kb, alternatives=False, window=window)
        if _ORDER[other.outcome] > _ORDER[current.outcome]:
            better.append(occ)
    area = current.occupation.area if current.occupation else ""
    better.sort(key=lambda o: o.area != area)
    return tuple(better[:3])


def best_status(p: Profile, now: datetime, kb: Knowledge | None = None) -> Status:
    """The status of the best pathway alone (the general conditions left out)."""
    kb = kb or load()
    if not p.occupation or p.occupation not in {o.id for o in kb.occupations}:
        return Status.UNMET
    ctx = Context(kb, now)
    return max((evaluate_pathway(pw, p, ctx).status for pw in kb.pathways_for(p.occupation)), default=Status.UNMET)
