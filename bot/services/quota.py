"""The quota of recommendations, consumed atomically.

One counter row, changed only by ``UPDATE ... SET value = value + 1 WHERE value < quota RETURNING``:
the database decides, so two reviewers recommending at the same moment (in two processes, too) can
never pass the quota. The value returned numbers the recommendation.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.repositories.counters import CounterRepo
from knowledge.loader import load

RECOMMENDATIONS = "recommendations"


async def issued(session: AsyncSession) -> int:
    value = await CounterRepo(session).value(RECOMMENDATIONS)
    return int(value or 0)


async def used_up(session: AsyncSession) -> bool:
    """Every recommendation issued: no application can succeed any more (checked again, atomically,
    by take_one when staff recommend)."""
    return await issued(session) >= load().programme.quota


async def take_one(session: AsyncSession, quota: int) -> int | None:
    """Consumes one recommendation within the caller's transaction: its sequence number, or None
    when the quota is used up. Rolled back with the transaction if the recommendation fails."""
    value = await CounterRepo(session).increment_below(RECOMMENDATIONS, quota)
    return int(value) if value is not None else None
