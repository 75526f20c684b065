"""Counters: named counters (the recommendations quota) and the anonymous funnel counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.db.models import Counter, FunnelCount, User
from bot.db.repositories.base import Repo

_users = cast(Table, User.__table__)
_funnel = cast(Table, FunnelCount.__table__)
# Counting runs inside the conversation's hot path (the first /start, the summary, the result):
# two statements built once, where it was three built per call (reading the person's stages,
# writing them back, the count's upsert) and cost twice an answer's whole database work.
#
# A stage is marked on the person's row in one statement that appends it only if it is absent and
# returns their language: atomic under concurrency (a staff decision counting "recommended" while
# the person's own update counts "finished" cannot write back a stale list), and no row (erased)
# or already counted both come back empty. A missing list reads as empty (the column is NOT NULL).
_MARK = {
    "sqlite": text(
        f"UPDATE {_users.name} SET counted = json_insert(coalesce(counted, '[]'), '$[#]', :stage)"
        " WHERE id = :user_id"
        " AND NOT EXISTS (SELECT 1 FROM json_each(coalesce(counted, '[]')) WHERE json_each.value = :stage)"
        " RETURNING language"
    ),
    "postgresql": text(
        f"UPDATE {_users.name}"
        " SET counted = (coalesce(counted::jsonb, '[]') || jsonb_build_array(CAST(:stage AS text)))::json"
        " WHERE id = :user_id AND NOT coalesce(counted::jsonb, '[]') @> jsonb_build_array(CAST(:stage AS text))"
        " RETURNING language"
    ),
}
_KEY = ("stage", "occupation", "language", "reason")
_ADD_ONE = {
    name: insert(_funnel)
    .values({**{k: bindparam(k) for k in _KEY}, "count": 1})
    .on_conflict_do_update(index_elements=list(_KEY), set_={"count": _funnel.c.count + 1})
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


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
    async def mark_counted(self, user_id: int, stage: str) -> str | None:
        """Marks ``stage`` as counted for the person; their language if it was not yet, else None
        (already counted, or no such person)."""
        dialect = self.session.get_bind().dialect.name
        return (await self.session.execute(_MARK[dialect], {"user_id": user_id, "stage": stage})).scalar()

    async def add_one(self, keys: Iterable[tuple[str, str, str, str]]) -> None:
        """Adds one to each (stage, occupation, language, reason) count, creating it at 1."""
        rows = [dict(zip(_KEY, key, strict=True)) for key in keys]
        if rows:  # an empty list of parameters is not "no rows" to SQLAlchemy
            await self.session.execute(_ADD_ONE[self.session.get_bind().dialect.name], rows)

    async def counts(self) -> dict[tuple[str, str, str, str], int]:
        rows = await self.session.execute(select(FunnelCount))
        return {(r.stage, r.occupation, r.language, r.reason): r.count for r in rows.scalars()}
