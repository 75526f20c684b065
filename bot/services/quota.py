"""The quota of recommendations, consumed atomically.

One counter row, changed only by ``UPDATE ... SET value = value + 1 WHERE value < quota RETURNING``:
the database decides, so two reviewers recommending at the same moment (in two processes, too) can
never pass the quota. The value returned numbers the recommendation.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Counter

RECOMMENDATIONS = "recommendations"


async def issued(session: AsyncSession) -> int:
    value = (await session.execute(select(Counter.value).where(Counter.name == RECOMMENDATIONS))).scalar_one_or_none()
    return int(value or 0)


async def take_one(session: AsyncSession, quota: int) -> int | None:
    """Consumes one recommendation within the caller's transaction: its sequence number, or None
    when the quota is used up. Rolled back with the transaction if the recommendation fails."""
    result = await session.execute(
        update(Counter)
        .where(Counter.name == RECOMMENDATIONS, Counter.value < quota)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    value = result.scalar_one_or_none()
    return int(value) if value is not None else None
