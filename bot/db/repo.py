"""Repositories: the only place with queries. They return model objects or plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Base, GroupNotice, Questionnaire, User
from bot.db.repositories.base import Repo

LAST_SEEN_RESOLUTION = timedelta(minutes=5)

_users = cast(Table, User.__table__)
_questionnaires = cast(Table, Questionnaire.__table__)

# The person and their questionnaire, read with SQLAlchemy Core and built once at import. Nearly
# every update needs both; through the ORM (two mapped objects, their identity-map state and the
# flush that compares them) the read and the answer's save cost 690 µs of CPU against 390 µs as
# Core statements (in one process, 2,000 each; BENCHMARKS.md, change 14).
_PERSON = (
    select(
        _users.c.language,
        _users.c.language_chosen,
        _users.c.mode,
        _users.c.employer_form,
        _users.c.last_seen_at,
        _users.c.unreachable_at,
        _questionnaires.c.user_id.label("q_user_id"),
        _questionnaires.c.answers,
        _questionnaires.c.history,
        _questionnaires.c.editing,
        _questionnaires.c.revision,
        _questionnaires.c.completed_at,
    )
    .select_from(_users.outerjoin(_questionnaires, _questionnaires.c.user_id == _users.c.id))
    .where(_users.c.id == bindparam("user_id"))
)
_QUESTIONNAIRE = select(
    _questionnaires.c.answers,
    _questionnaires.c.history,
    _questionnaires.c.editing,
    _questionnaires.c.revision,
    _questionnaires.c.completed_at,
).where(_questionnaires.c.user_id == bindparam("user_id"))
_SAVE_ANSWERS = (
    update(_questionnaires)
    .where(_questionnaires.c.user_id == bindparam("b_user_id"))
    .values(
        answers=bindparam("v_answers"),
        history=bindparam("v_history"),
        editing=bindparam("v_editing"),
        revision=bindparam("v_revision"),
        updated_at=bindparam("v_updated_at"),
        completed_at=bindparam("v_completed_at"),
    )
)


class ConversationState(Protocol):
    """What is saved of a conversation (dialogs.questionnaire.Conversation has it; the repository
    does not import dialogs/: the layers flow bot -> dialogs -> knowledge, queries stay below)."""

    @property
    def answers(self) -> dict[str, Any]: ...
    @property
    def history(self) -> list[dict[str, Any]]: ...
    @property
    def editing(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class SavedConversation:
    """A questionnaire row as read: what the questionnaire service needs to go on and save."""

    answers: dict[str, Any]
    history: list[dict[str, Any]]
    editing: str | None
    revision: int
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Person:
    """What an update needs of the person, read once at its start (bot/middlewares.py).

    A snapshot: the ORM row (``session.get(User, id)``) is for the rarer handlers that change
    more than the questionnaire (employer and staff desks, the application form)."""

    id: int
    language: str
    language_chosen: bool
    mode: str
    employer_form: dict[str, Any] | None
    # The questionnaire as read in the same statement (None: they have none yet), handed to the
    # update's QuestionnaireRepo explicitly so it is not read twice.
    questionnaire: SavedConversation | None = None


def _saved(row: Any) -> SavedConversation:
    # Fresh from JSON: no copy needed (the questionnaire service copies before it changes them).
    return SavedConversation(row.answers or {}, row.history or [], row.editing, row.revision or 0, row.completed_at)


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
    """Records that a group chat was told the bot serves private chats; True the first time only
    (committed before the Bot API request that tells it, bot/db/context.py)."""
    return await insert_if_absent(session, GroupNotice, {"chat_id": chat_id, "at": now})


async def ping(session: AsyncSession) -> None:
    """The health check's round trip to the database."""
    await session.execute(text("SELECT 1"))


class PersonRepo(Repo):
    async def load(self, user_id: int, language: str, now: datetime) -> Person:
        """The person (created on their first update), read with their questionnaire in one
        statement; the questionnaire is kept in the session for QuestionnaireRepo.get."""
        row = (await self.session.execute(_PERSON, {"user_id": user_id})).first()
        if row is None:
            await self.session.execute(
                insert(_users).values(
                    id=user_id,
                    language=language,
                    language_chosen=False,
                    created_at=now,
                    last_seen_at=now,
                    mode="check",
                    counted=[],
                )
            )
            return Person(user_id, language, False, "check", None)  # a newcomer: no questionnaire yet
        changes: dict[str, Any] = {}
        if now - row.last_seen_at > LAST_SEEN_RESOLUTION:  # not a write on every update
            changes["last_seen_at"] = now
        if row.unreachable_at is not None:  # they wrote to us: they have unblocked the bot
            changes["unreachable_at"] = None
        if changes:
            await self.update(user_id, **changes)
        saved = _saved(row) if row.q_user_id is not None else None
        return Person(user_id, row.language, row.language_chosen, row.mode, row.employer_form, saved)

    async def update(self, user_id: int, **values: Any) -> None:
        """Changes columns of the person's row (language, mode, ...) without loading it."""
        await self.session.execute(update(_users).where(_users.c.id == user_id).values(**values))

    async def row(self, user_id: int) -> User | None:
        """The ORM row, for a service that changes it with other rows (see Person)."""
        return await self.session.get(User, user_id)

    async def languages(self) -> list[str]:
        """Every language someone uses the bot in, sorted (the staff queue's filter)."""
        rows = await self.session.execute(select(User.language).distinct().order_by(User.language))
        return list(rows.scalars())


class QuestionnaireRepo:
    """Questionnaire rows as SavedConversation snapshots, saved with Core statements (see _PERSON)."""

    def __init__(self, session: AsyncSession, known: Person | None = None) -> None:
        self.session = session
        # What this repository has read or written, per person: the update's own person comes
        # with their questionnaire already read (PersonRepo.load); anyone else is read on demand.
        self._known: dict[int, SavedConversation | None] = {known.id: known.questionnaire} if known else {}

    async def get(self, user_id: int) -> SavedConversation | None:
        if user_id in self._known:
            return self._known[user_id]
        row = (await self.session.execute(_QUESTIONNAIRE, {"user_id": user_id})).first()
        return _saved(row) if row is not None else None

    async def get_or_create(self, user_id: int, now: datetime) -> SavedConversation:
        saved = await self.get(user_id)
        if saved is None:
            await self.session.execute(
                insert(_questionnaires).values(
                    user_id=user_id, answers={}, history=[], editing=None, revision=0, started_at=now, updated_at=now
                )
            )
            saved = SavedConversation({}, [], None, 0, None)
            self._known[user_id] = saved
        return saved

    async def save(
        self,
        user_id: int,
        saved: SavedConversation,
        conv: ConversationState,
        now: datetime,
        completed_at: datetime | None,
    ) -> SavedConversation:
        """Writes the conversation, bumping the revision; returns what is now saved."""
        new = SavedConversation(conv.answers, conv.history, conv.editing, saved.revision + 1, completed_at)
        result = await self.session.execute(
            _SAVE_ANSWERS,
            {
                "b_user_id": user_id,
                "v_answers": new.answers,
                "v_history": new.history,
                "v_editing": new.editing,
                "v_revision": new.revision,
                "v_updated_at": now,
                "v_completed_at": completed_at,
            },
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            # The row is gone (erased meanwhile): fail the update, as the ORM's flush did
            # (StaleDataError), rather than report an answer as saved.
            raise LookupError(f"no questionnaire row for user {user_id}")
        self._known[user_id] = new
        return new

    async def set_outcome(self, user_id: int, outcome: str | None) -> None:
        """The verdict last shown (None: the answers changed since)."""
        await self.session.execute(
            update(_questionnaires).where(_questionnaires.c.user_id == user_id).values(outcome=outcome)
        )
