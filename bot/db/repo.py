"""Repositories: the only place with queries. They return model objects or plain values."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Base, GroupNotice, Questionnaire, User

LAST_SEEN_RESOLUTION = timedelta(minutes=5)

# The person and their questionnaire: built once, not per update (building the expressions was a
# fifth of the read's CPU, cProfile under bench/throughput.py).
_PERSON = (
    select(User, Questionnaire)
    .outerjoin(Questionnaire, Questionnaire.user_id == User.id)
    .where(User.id == bindparam("user_id"))
)


async def insert_if_absent(session: AsyncSession, model: type[Base], values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite or PostgreSQL); True if the row is new."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    result = await session.execute(dialect.insert(model).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def insert_many_if_absent(session: AsyncSession, model: type[Base], rows: list[dict[str, Any]]) -> int:
    """The same for many rows in one statement; how many were new."""
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    result = await session.execute(dialect.insert(model).values(rows).on_conflict_do_nothing())
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def first_group_notice(session: AsyncSession, chat_id: int, now: datetime) -> bool:
    """Records that a group chat was told the bot serves private chats; True the first time only."""
    new = await insert_if_absent(session, GroupNotice, {"chat_id": chat_id, "at": now})
    await session.commit()
    return new


class UserRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_or_create(self, user_id: int, language: str, now: datetime) -> User:
        # The person and their questionnaire in one statement: nearly every update of an applicant
        # needs both, and the questionnaire then comes from the session's identity map.
        row = (await self.session.execute(_PERSON, {"user_id": user_id})).first()
        user = row[0] if row is not None else None
        if row is not None and row[1] is not None:
            # The identity map holds unmodified objects weakly: without this reference the
            # questionnaire would be dropped at once and read again.
            self.session.info["questionnaire"] = row[1]
        if user is None:
            user = User(
                id=user_id,
                language=language,
                language_chosen=False,
                created_at=now,
                last_seen_at=now,
                mode="check",
                counted=[],
            )
            self.session.add(user)
        else:
            if now - user.last_seen_at > LAST_SEEN_RESOLUTION:  # not a write on every update
                user.last_seen_at = now
            if user.unreachable_at is not None:  # they wrote to us: they have unblocked the bot
                user.unreachable_at = None
        return user


class QuestionnaireRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> Questionnaire | None:
        return await self.session.get(Questionnaire, user_id)

    async def get_or_create(self, user_id: int, now: datetime) -> Questionnaire:
        row = await self.get(user_id)
        if row is None:
            row = Questionnaire(
                user_id=user_id, answers={}, history=[], editing=None, revision=0, started_at=now, updated_at=now
            )
            self.session.add(row)
        return row
