"""Counters: named counters (the recommendations quota) and the anonymous funnel counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.db.models import Counter, FunnelCount, User
from bot.db.repositories.base import Repo

_users = cast(Table, User.__table__)
_funnel = cast(Table, FunnelCount.__table__)
# Core statements, not the ORM: counting runs inside the conversation's hot path (the first /start,
# the summary, the result), where loading the person's ORM row and the ORM insert's autoflush
# were a tenth of the database's CPU (py-spy under bench/throughput.py).
_COUNTED = select(_users.c.counted, _users.c.language).where(_users.c.id == bindparam("user_id"))


class CounterRepo(Repo):
    async def value(self, name: str) -> int | None:
        return (await self.session.execute(select(Counter.value).where(Counter.name == name))).scalar_one_or_none()

    async def increment_below(self, name: str, limit: int) -> int | None:
        """``UPDATE ... SET value = value + 1 WHERE value < limit RETURNING value``: the database
        decides, so concurrent callers can never pass the limit. The new value, or None at the limit."""
        result = await self.session.execute(
            update(Counter)
            .where(Counter.name == name, Counter.value < limit)
            .values(value=Counter.value + 1)
            .returning(Counter.value)
        )
        return result.scalar_one_or_none()


class FunnelRepo(Repo):
    async def counted_of(self, user_id: int) -> tuple[list[str], str] | None:
        """The stages the person is counted for, and their language; None if they have no row."""
        row = (await self.session.execute(_COUNTED, {"user_id": user_id})).first()
        return (list(row.counted or []), row.language) if row is not None else None

    async def set_counted(self, user_id: int, counted: list[str]) -> None:
        await self.session.execute(update(_users).where(_users.c.id == user_id).values(counted=counted))

    async def add_one(self, keys: Iterable[tuple[str, str, str, str]]) -> None:
        """Adds one to each (stage, occupation, language, reason) count, creating it at 1."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        for stage, occupation, language, reason in keys:
            statement = dialect.insert(_funnel).values(
                stage=stage, occupation=occupation, language=language, reason=reason, count=1
            )
            await self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["stage", "occupation", "language", "reason"],
                    set_={"count": _funnel.c.count + 1},
                )
            )

    async def counts(self) -> dict[tuple[str, str, str, str], int]:
        rows = await self.session.execute(select(FunnelCount))
        return {(r.stage, r.occupation, r.language, r.reason): r.count for r in rows.scalars()}
