"""Typed questions: the person's pending question, the questions the FAQ could not answer (the
person's), and the anonymous counts of unhelpful answers staff read."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.db.models import QuestionCount, UnansweredQuestion, User
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

    async def unanswered(self, user_id: int, language: str, text: str, at: datetime) -> None:
        self.session.add(UnansweredQuestion(user_id=user_id, language=language, text=text[:200], at=at))

    async def top_unanswered(self, limit: int, language: str | None = None) -> list[tuple[str, str, int]]:
        """(language, text, how many asked it), most asked first: no person in what staff read."""
        n = func.count().label("n")
        query = select(UnansweredQuestion.language, UnansweredQuestion.text, n).group_by(
            UnansweredQuestion.language, UnansweredQuestion.text
        )
        if language:
            query = query.where(UnansweredQuestion.language == language)
        rows = await self.session.execute(query.order_by(n.desc(), UnansweredQuestion.text).limit(limit))
        return [(language, text, count) for language, text, count in rows.all()]

    async def unanswered_of(self, user_id: int) -> list[UnansweredQuestion]:
        query = select(UnansweredQuestion).where(UnansweredQuestion.user_id == user_id)
        return list((await self.session.scalars(query.order_by(UnansweredQuestion.id))).all())
