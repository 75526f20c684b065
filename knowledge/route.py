"""The person's road to the visa after the recommendation, and whether KIIP is open to them.

Both follow from where the person is and their stay status, as the verdict's stay-status check
reads them (knowledge/rules.py), so the verdict, the advice and the checklist agree.
"""

from __future__ import annotations

from enum import StrEnum

from knowledge.model import Knowledge
from knowledge.profile import Profile


class Route(StrEnum):
    # In Korea, a status that may change to E-7: integrated application form, passport and ARC (M2 p.225).
    CHANGE_OF_STATUS = "change_of_status"
    # Abroad, or in Korea on a status that cannot change to E-7 (M2 p.224): a visa issuance
    # confirmation (사증발급인정서) filed for the person, then the visa at a consulate (M3 p.178).
    VISA_ISSUANCE = "visa_issuance"


# Visitors (B, C; the questionnaire's "C-3" button) are not registered residents (no alien
# registration card) [I]. KIIP takes only registered residents (program-facts.md §8, K4 [C]).
UNREGISTERED_STATUSES = frozenset({"B-1", "B-2", "C-1", "C-3", "C-4"})


def visa_route(p: Profile, kb: Knowledge) -> Route:
    """The route the verdict names: change of status only in Korea on a status that may change."""
    if p.in_korea and (p.stay_status or "other") not in kb.blocked_statuses:
        return Route.CHANGE_OF_STATUS
    return Route.VISA_ISSUANCE


def kiip_open(p: Profile) -> bool:
    """Whether the person can take KIIP now: registered residents of Korea only (§8, K4 [C])."""
    return bool(p.in_korea) and p.stay_status not in UNREGISTERED_STATUSES
