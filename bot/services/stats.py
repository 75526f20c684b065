"""Anonymous funnel statistics: each person counted once per stage, by occupation and language.

The counts live in FunnelCount, which holds no person; which stages a person has been counted for
lives on their own row (User.counted) and goes with it when they delete their data.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.repositories.counters import FunnelRepo


async def count_once(
    session: AsyncSession, user_id: int, stage: str, occupation: str | None = None, reasons: Iterable[str] = ()
) -> None:
    """Within the caller's transaction: counts this person for ``stage`` unless already counted."""
    repo = FunnelRepo(session)
    language = await repo.mark_counted(user_id, stage)
    if language is None:
        return
    keys = [(stage, occupation or "", language, "")]
    keys += [(stage, occupation or "", language, reason) for reason in reasons]
    await repo.add_one(keys)


async def funnel(session: AsyncSession) -> dict[tuple[str, str, str, str], int]:
    return await FunnelRepo(session).counts()
