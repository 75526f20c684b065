"""Outbox messages: written with the change that needs them (dedup keys make a second write a
no-op), claimed by one sender at a time (SKIP LOCKED on PostgreSQL) under a lease, and counted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update

from bot.db.models import OutboxMessage, User
from bot.db.repo import insert_if_absent, insert_many_if_absent
from bot.db.repositories.base import Repo

# States a sender may still act on: an announcement's cancellation stops these.
_UNSENT = ("pending", "claimed")
_RELEASED: dict[str, Any] = dict(state="pending", claimed_by=None, claimed_at=None, lease_until=None)


class OutboxRepo(Repo):
    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    # The writing side

    async def add(self, row: dict[str, object]) -> bool:
        """Adds a message unless one with its dedup key exists; whether it was new."""
        return await insert_if_absent(self.session, OutboxMessage, row)

    async def add_many(self, rows: list[dict[str, object]]) -> int:
        """The same for many messages in one statement; how many were new."""
        return await insert_many_if_absent(self.session, OutboxMessage, rows)

    async def backlog(self, states: Sequence[str]) -> dict[str, int]:
        """How many messages are in each of these states (the metrics' backlog)."""
        rows = await self.session.execute(
            select(OutboxMessage.state, func.count())
            .where(OutboxMessage.state.in_(states))
            .group_by(OutboxMessage.state)
        )
        return {state: int(n) for state, n in rows.all()}

    async def language_of(self, chat_id: int) -> str | None:
        """The recipient's language as stored, None if they are not known."""
        user = await self.session.get(User, chat_id)
        return user.language if user else None

    async def counts_of(self, announcement_id: int) -> dict[str, int]:
        """How many of an announcement's messages are in each state."""
        rows = await self.session.execute(
            select(OutboxMessage.state, func.count())
            .where(OutboxMessage.announcement_id == announcement_id)
            .group_by(OutboxMessage.state)
        )
        return {state: int(n) for state, n in rows.all()}

    async def _cancel(self, *where: ColumnElement[bool]) -> None:
        """The messages matching ``where`` not yet on their way are cancelled (their claims dropped)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(*where, OutboxMessage.state.in_(_UNSENT))
            .values(state="cancelled", claimed_by=None)
        )

    async def cancel_unsent(self, announcement_id: int) -> None:
        """An announcement's messages not yet on their way."""
        await self._cancel(OutboxMessage.announcement_id == announcement_id)

    async def cancel_status_notices(self, chat_ids: Sequence[int], mentions: Sequence[str] | None) -> None:
        """Employers' status notices (``status:<change>:e<member>``) to these chats not yet on their way,
        those naming one of ``mentions`` (a candidate's references), or all (None): written while a link
        or a membership stood, they must not arrive after it ended."""
        if not chat_ids or mentions == []:
            return
        where: list[ColumnElement[bool]] = [
            OutboxMessage.chat_id.in_(chat_ids),
            OutboxMessage.dedup_key.like("status:%:e%"),
        ]
        if mentions:
            where.append(or_(*(OutboxMessage.text.contains(m, autoescape=True) for m in mentions)))
        await self._cancel(*where)

    async def cancel_keyed(self, prefixes: Sequence[str]) -> None:
        """Messages not yet on their way whose dedup key starts with one of ``prefixes`` (an
        approval request of a link that no longer exists)."""
        if prefixes:
            await self._cancel(or_(*(OutboxMessage.dedup_key.startswith(p, autoescape=True) for p in prefixes)))

    # The sending side (bot/sender.py); each step is committed by the sender

    async def release_expired(self, now: datetime, lease: timedelta, *, all_but: str | None = None) -> int:
        """Releases the expired claims of a stopped sender (or, with ``all_but``, every claim not of
        that worker): claimed messages, and those caught sending that may be resent, go back to
        pending; the others caught sending become uncertain. How many changed."""
        expired: ColumnElement[bool] = (OutboxMessage.lease_until < now) | (
            OutboxMessage.lease_until.is_(None) & (OutboxMessage.claimed_at < now - lease)
        )
        if all_but is not None:
            expired = OutboxMessage.claimed_by != all_but
        base = update(OutboxMessage).where(expired, OutboxMessage.claimed_by.is_not(None))
        released = await self.session.execute(
            base.where(
                (OutboxMessage.state == "claimed")
                | ((OutboxMessage.state == "sending") & OutboxMessage.resend_if_unsure)
            ).values(**_RELEASED)
        )
        unsure = await self.session.execute(
            base.where(OutboxMessage.state == "sending", ~OutboxMessage.resend_if_unsure).values(state="uncertain")
        )
        return int(released.rowcount or 0) + int(unsure.rowcount or 0)  # type: ignore[attr-defined]

    async def due(self, now: datetime, limit: int) -> list[tuple[int, int]]:
        """Up to ``limit`` pending messages due at ``now``, oldest first: (id, chat id). On
        PostgreSQL the rows are locked, skipping those another sender is claiming."""
        query = (
            select(OutboxMessage.id, OutboxMessage.chat_id)
            .where(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return [(int(i), int(c)) for i, c in (await self.session.execute(query)).all()]

    async def mark_claimed(self, ids: Sequence[int], worker: str, at: datetime, lease_until: datetime) -> None:
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(state="claimed", claimed_by=worker, claimed_at=at, lease_until=lease_until)
        )

    async def release_unsent(self, ids: Sequence[int]) -> None:
        """Of these messages, the ones still only claimed go back to pending."""
        await self.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.state == "claimed").values(**_RELEASED)
        )

    async def renew(self, worker: str, lease_until: datetime) -> int:
        """Extends every claim of ``worker``; how many."""
        renewed = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.claimed_by == worker, OutboxMessage.state.in_(("claimed", "sending")))
            .values(lease_until=lease_until)
        )
        return int(renewed.rowcount or 0)  # type: ignore[attr-defined]

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, message_id)

    async def record_outcome(self, message_id: int, changes: dict[str, object]) -> None:
        """The result of a delivery attempt; the claim ends."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(claimed_by=None, claimed_at=None, lease_until=None, **changes)
        )

    async def mark_unreachable(self, chat_id: int, at: datetime) -> None:
        """The recipient blocked the bot."""
        await self.session.execute(update(User).where(User.id == chat_id).values(unreachable_at=at))
