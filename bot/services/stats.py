"""Anonymous funnel statistics: each person counted once per stage, by occupation and language.

The counts live in FunnelCount, which holds no person; which stages a person has been counted for
lives on their own row (User.counted) and goes with it when they delete their data.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FunnelCount, User


async def count_once(
    session: AsyncSession, user_id: int, stage: str, occupation: str | None = None, reasons: Iterable[str] = ()
) -> None:
    """Within the caller's transaction: counts this person for ``stage`` unless already counted."""
    user = await session.get(User, user_id)
    if user is None or stage in (user.counted or []):
        return
    user.counted = [*(user.counted or []), stage]
    keys = [(stage, occupation or "", user.language, "")]
    keys += [(stage, occupation or "", user.language, reason) for reason in reasons]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for stage_, occ, language, reason in keys:
        statement = dialect.insert(FunnelCount).values(
            stage=stage_, occupation=occ, language=language, reason=reason, count=1
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["stage", "occupation", "language", "reason"],
                set_={"count": FunnelCount.count + 1},
            )
        )


async def funnel(session: AsyncSession) -> dict[tuple[str, str, str, str], int]:
    rows = await session.execute(select(FunnelCount))
    return {(r.stage, r.occupation, r.language, r.reason): r.count for r in rows.scalars()}
