"""Programme staff: who is staff (and in which role), the audit log, the staff's interface state.

Roles are checked on the server for every staff update (bot/handlers/staff.py asks ``role``), never
taken from the button that was pressed. The admins of STAFF_ADMIN_IDS cannot be removed in the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import AuditEntry, StaffMember, StaffSession
from bot.db.repositories.staff import StaffRepo
from bot.services.refusal import Refusal

ADMIN, REVIEWER = "admin", "reviewer"
ROLES = (ADMIN, REVIEWER)


class StaffError(Refusal):
    """A staff action that cannot be done; ``code`` names the reason for the screen."""


@dataclass(frozen=True)
class Member:
    user_id: int
    role: str
    configured: bool  # from STAFF_ADMIN_IDS: not removable in the bot


class StaffService:
    def __init__(self, session: AsyncSession, clock: Clock, admin_ids: frozenset[int]) -> None:
        self.session = session
        self.clock = clock
        self.admin_ids = admin_ids
        self.repo = StaffRepo(session)

    async def role(self, user_id: int) -> str | None:
        if user_id in self.admin_ids:
            return ADMIN
        row = await self.repo.member(user_id)
        return row.role if row else None

    def audit(
        self, actor_id: int, action: str, target: str, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        """Adds an audit entry to the caller's transaction (it commits with the action itself)."""
        self.session.add(
            AuditEntry(actor_id=actor_id, action=action, target=target, before=before, after=after, at=self.clock.now())
        )

    async def members(self) -> list[Member]:
        rows = await self.repo.members_by_seniority()
        listed = [Member(uid, ADMIN, True) for uid in sorted(self.admin_ids)]
        return listed + [Member(r.user_id, r.role, False) for r in rows if r.user_id not in self.admin_ids]

    async def add(self, actor_id: int, user_id: int, role: str) -> None:
        if await self.role(actor_id) != ADMIN:
            raise StaffError("not_admin")
        if role not in ROLES:
            raise StaffError("bad_role")
        if user_id in self.admin_ids:
            raise StaffError("configured")
        row = await self.repo.member(user_id)
        before = {"role": row.role} if row else None
        if row is None:
            self.session.add(StaffMember(user_id=user_id, role=role, added_by=actor_id, added_at=self.clock.now()))
        else:
            row.role = role
        self.audit(actor_id, "staff.add", f"user:{user_id}", before, {"role": role})
        await self.session.commit()

    async def remove(self, actor_id: int, user_id: int) -> None:
        if await self.role(actor_id) != ADMIN:
            raise StaffError("not_admin")
        if user_id in self.admin_ids:
            raise StaffError("configured")
        row = await self.repo.member(user_id)
        if row is None:
            raise StaffError("not_staff")
        self.audit(actor_id, "staff.remove", f"user:{user_id}", {"role": row.role}, None)
        await self.session.delete(row)
        await self.session.commit()

    async def state(self, user_id: int) -> StaffSession:
        """The staff member's interface state (created in Korean on first use)."""
        row = await self.repo.state_of(user_id)
        if row is None:
            row = StaffSession(user_id=user_id, locale="ko", pending=None)
            self.session.add(row)
            await self.session.flush()
        return row

    async def audit_log(self, limit: int = 20) -> list[AuditEntry]:
        return await self.repo.latest_audit(limit)
