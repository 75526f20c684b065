"""Staff members, their interface state (staff sessions) and the audit log."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import AuditEntry, StaffMember, StaffSession
from bot.db.repositories.base import Repo


class StaffRepo(Repo):
    async def member(self, user_id: int) -> StaffMember | None:
        return await self.session.get(StaffMember, user_id)

    async def members_by_seniority(self) -> list[StaffMember]:
        """Everyone added in the bot, the earliest added first."""
        return list((await self.session.execute(select(StaffMember).order_by(StaffMember.added_at))).scalars())

    async def state_of(self, user_id: int) -> StaffSession | None:
        """The staff member's interface state, if they have one yet."""
        return await self.session.get(StaffSession, user_id)

    async def latest_audit(self, limit: int) -> list[AuditEntry]:
        rows = await self.session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
        return list(rows.scalars())
