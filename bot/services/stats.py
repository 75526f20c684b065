"""Anonymous funnel statistics: each person counted once per stage, by occupation and language.

The counts live in FunnelCount, which holds no person; which stages a person has been counted for
lives on their own row (User.counted) and goes with it when they delete their data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FunnelCount, User

_users = cast(Table, User.__table__)
_funnel = cast(Table, FunnelCount.__table__)
# Core statements, not the ORM: counting runs inside the conversation's hot path (the first /start,
# the summary, the result), where loading the person's ORM row and the ORM insert's autoflush
# were a tenth of the database's CPU (py-spy under bench/throughput.py).
_COUNTED = select(_users.c.counted, _users.c.language).where(_users.c.id == bindparam("user_id"))


async def count_once(
    session: AsyncSession, user_id: int, stage: str, occupation: str | None = None, reasons: Iterable[str] = ()
) -> None:
    """Within the caller's transaction: counts this person for ``stage`` unless already counted."""
    person = (await session.execute(_COUNTED, {"user_id": user_id})).first()
    if person is None or stage in (person.counted or []):
        return
    counted = [*(person.counted or []), stage]
    await session.execute(update(_users).where(_users.c.id == user_id).values(counted=counted))
    keys = [(stage, occupation or "", person.language, "")]
    keys += [(stage, occupation or "", person.language, reason) for reason in reasons]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for stage_, occ, language, reason in keys:
        statement = dialect.insert(_funnel).values(
            stage=stage_, occupation=occ, language=language, reason=reason, count=1
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["stage", "occupation", "language", "reason"],
                set_={"count": _funnel.c.count + 1},
            )
        )


async def funnel(session: AsyncSession) -> dict[tuple[str, str, str, str], int]:
    rows = await session.execute(select(FunnelCount))
    return {(r.stage, r.occupation, r.language, r.reason): r.count for r in rows.scalars()}
