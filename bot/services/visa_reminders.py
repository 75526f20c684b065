"""Nudges after the recommendation, through the outbox (each sent once, surviving restarts):
- "Have you applied for the visa?" 14 and 30 days after the recommendation, while the
  application is still "recommended": two weeks leave time to gather the documents, and agents
  quote 2 weeks to 1 month for a visa issuance confirmation (program-facts.md §7, P1);
- "Has your visa been issued?" 21 and 45 days after the person reported applying, while it is
  still "visa applied": after the agents' usual month has passed, and once more well after it.
They stop as soon as the person reports the next step with /status (the status moves on). The
days count from when the application entered its status (its history row), not from other edits;
at most one nudge per application per check (the latest due), so a bot that was down does not
send two at once. Unlike the draft reminders they do not depend on the application window: the
road after the recommendation goes on after the close.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.repositories.applications import ApplicationRepo
from bot.services.outbox import tell
from dialogs import after_recommendation as ar
from dialogs import statuses as st
from knowledge.text import Text

APPLIED_YET_DAYS = (14, 30)  # after the recommendation
ISSUED_YET_DAYS = (21, 45)  # after the person reported applying


def _due(elapsed: timedelta, days: tuple[int, ...]) -> int | None:
    """The latest of ``days`` that has passed, if any."""
    passed = [d for d in days if elapsed >= timedelta(days=d)]
    return max(passed) if passed else None


async def run_visa_reminders(session: AsyncSession, clock: Clock) -> int:
    """Enqueues the nudges due now (the caller commits); returns how many were new."""
    now, repo, added = clock.now(), ApplicationRepo(session), 0
    plans: tuple[tuple[str, tuple[int, ...], str], ...] = (
        (st.RECOMMENDED, APPLIED_YET_DAYS, "applied"),
        (st.VISA_APPLIED, ISSUED_YET_DAYS, "issued"),
    )
    for status, days, occasion in plans:
        for app, user, since in await repo.consented_in_since(status):
            day = _due(now - since, days)
            if day is None:
                continue
            ref = app.reference or ""
            text: Text = (
                ar.applied_yet(ref, app.recommendation_date) if status == st.RECOMMENDED else ar.issued_yet(ref)
            )
            key = f"remind:{occasion}{day}:{app.id}"
            added += await tell(session, user.id, text, dedup_key=key, clock=clock, language=user.language)
    return added
