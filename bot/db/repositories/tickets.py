"""Tickets (a person's question to programme staff) and their threads: ORM rows, since the ticket
service changes them. Statuses are passed in by the caller (bot/services/tickets.py defines them)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import case, delete, exists, func, select

from bot.db.models import Ticket, TicketMessage, User
from bot.db.repositories.base import Repo


class TicketRepo(Repo):
    async def get(self, ticket_id: int) -> Ticket | None:
        return await self.session.get(Ticket, ticket_id)

    async def lock_for_change(self, ticket_id: int) -> Ticket | None:
        """The row re-read under its lock (PostgreSQL FOR UPDATE), overwriting any copy this session
        loaded before: a reply or a close is checked on this fresh row only."""
        query = select(Ticket).where(Ticket.id == ticket_id).with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def lock_person(self, user_id: int) -> None:
        """The person's row locked: two of their requests at once are checked one after the other
        (one open ticket, the daily limit)."""
        await self.session.execute(select(User.id).where(User.id == user_id).with_for_update())

    async def of_user_in(self, user_id: int, statuses: Collection[str]) -> Ticket | None:
        """The person's newest ticket in one of ``statuses``."""
        rows = await self.session.execute(
            select(Ticket)
            .where(Ticket.user_id == user_id, Ticket.status.in_(statuses))
            .order_by(Ticket.id.desc())
            .limit(1)
        )
        return rows.scalar_one_or_none()

    async def count_since(self, user_id: int, statuses: Collection[str], since: datetime) -> int:
        query = (
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.user_id == user_id, Ticket.status.in_(statuses), Ticket.created_at >= since)
        )
        return int(await self.session.scalar(query) or 0)

    async def queue(
        self, status: str, *, with_application: bool, limit: int, offset: int = 0
    ) -> tuple[list[tuple[Ticket, bool]], int]:
        """Tickets in ``status`` with whether the thread has begun, one page and the total: first
        those the applicant answered (the thread begun, their message last), then the new ones,
        then those waiting for the applicant; oldest first within each."""
        where = [Ticket.status == status]
        if with_application:
            where.append(Ticket.has_application.is_(True))
        total = int(await self.session.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0)
        begun = exists().where(TicketMessage.ticket_id == Ticket.id)
        rank = case((Ticket.last_from != "applicant", 2), (begun, 0), else_=1)
        rows = await self.session.execute(
            select(Ticket, begun).where(*where).order_by(rank, Ticket.updated_at, Ticket.id).offset(offset).limit(limit)
        )
        return [(t, bool(b)) for t, b in rows.all()], total

    async def thread(self, ticket_id: int) -> list[TicketMessage]:
        rows = await self.session.execute(
            select(TicketMessage).where(TicketMessage.ticket_id == ticket_id).order_by(TicketMessage.id)
        )
        return list(rows.scalars())

    async def of_user(self, user_id: int) -> list[Ticket]:
        rows = await self.session.execute(select(Ticket).where(Ticket.user_id == user_id).order_by(Ticket.id))
        return list(rows.scalars())

    async def delete_of_user(self, user_id: int) -> list[int]:
        """Their tickets and threads (within the caller's transaction); the ids that were theirs."""
        ids = list((await self.session.execute(select(Ticket.id).where(Ticket.user_id == user_id))).scalars())
        await self.session.execute(delete(TicketMessage).where(TicketMessage.ticket_id.in_(ids)))
        await self.session.execute(delete(Ticket).where(Ticket.user_id == user_id))
        return ids
