"""Typed questions: the person's pending question, and the anonymous counts staff read."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.db.models import QuestionCount, User
from bot.db.repositories.base import Repo

_counts = cast(Table, QuestionCount.__table__)


class QuestionRepo(Repo):
    async def set_pending(self, user_id: int, text: str | None) -> None:
        await self.session.execute(update(User).where(User.id == user_id).values(pending_question=text))

    async def pending(self, user_id: int) -> str | None:
        return (
            await self.session.execute(select(User.pending_question).where(User.id == user_id))
        ).scalar_one_or_none()

    async def count(self, language: str, kind: str, key: str, at: datetime) -> None:
        """Adds one to (language, kind, key), creating it at 1 (one statement: concurrent adds add up)."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(_counts).values(language=language, kind=kind, key=key[:200], count=1, last_at=at)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["language", "kind", "key"], set_={"count": _counts.c.count + 1, "last_at": at}
            )
        )

    async def top(self, kind: str, limit: int, language: str | None = None) -> list[tuple[str, str, int]]:
        """(language, key, count), most counted first."""
        query = select(QuestionCount.language, QuestionCount.key, QuestionCount.count).where(QuestionCount.kind == kind)
        if language:
            query = query.where(QuestionCount.language == language)
        rows = await self.session.execute(query.order_by(QuestionCount.count.desc(), QuestionCount.key).limit(limit))
        return [(language, key, count) for language, key, count in rows.all()]
