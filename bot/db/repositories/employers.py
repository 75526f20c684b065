"""The employers aggregate's queries: companies and members, invite codes and the attempts at them,
the applicant's links to companies, and what a linked employer may read of the candidate.

ORM objects throughout: the employer service changes these rows (a link's state, a code's use).
"""

from __future__ import annotations

from sqlalchemy import delete, select

from bot.db.models import (
    Application,
    CodeAttempt,
    Company,
    EmployerLink,
    EmployerMember,
    InviteCode,
    User,
)
from bot.db.repositories.base import Repo

OPEN_STATES = ("pending", "active")  # a link that still counts: asked for, or approved


class EmployerRepo(Repo):
    """Companies and their members."""

    async def member(self, user_id: int) -> EmployerMember | None:
        return await self.session.get(EmployerMember, user_id)

    async def company(self, company_id: int) -> Company | None:
        return await self.session.get(Company, company_id)

    async def members(self, company_id: int) -> list[EmployerMember]:
        query = select(EmployerMember).where(EmployerMember.company_id == company_id)
        return list(
            (await self.session.scalars(query.order_by(EmployerMember.joined_at, EmployerMember.user_id))).all()
        )

    async def lock_company(self, company_id: int) -> Company | None:
        """The company's row locked (PostgreSQL FOR UPDATE; SQLite's write lock is held already):
        two members removing each other at once are checked one after the other."""
        query = select(Company).where(Company.id == company_id).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def delete_company(self, company_id: int) -> None:
        """The company with its invite codes, links and memberships (removed by programme staff)."""
        await self.session.execute(delete(InviteCode).where(InviteCode.company_id == company_id))
        await self.session.execute(delete(EmployerLink).where(EmployerLink.company_id == company_id))
        await self.session.execute(delete(EmployerMember).where(EmployerMember.company_id == company_id))
        await self.session.execute(delete(Company).where(Company.id == company_id))

    async def company_with_brn(self, brn: str) -> Company | None:
        return (await self.session.execute(select(Company).where(Company.brn == brn))).scalar_one_or_none()

    async def unverified(self) -> list[Company]:
        rows = await self.session.execute(select(Company).where(Company.verified_at.is_(None)).order_by(Company.id))
        return list(rows.scalars())


class InviteRepo(Repo):
    """Invite codes and each person's failed attempts at them."""

    async def code(self, code: str) -> InviteCode | None:
        """The code's row locked and read afresh (PostgreSQL FOR UPDATE): two people redeeming one
        code at once are checked one after the other, so the second sees it used."""
        query = select(InviteCode).where(InviteCode.code == code).with_for_update()
        rows = await self.session.execute(query.execution_options(populate_existing=True))
        return rows.scalar_one_or_none()

    async def attempts(self, user_id: int) -> CodeAttempt | None:
        return await self.session.get(CodeAttempt, user_id)

    async def drop_unused_colleague_codes(self, company_id: int) -> None:
        """A removed member may hold an invite they made: it must not let them back in."""
        await self.session.execute(
            delete(InviteCode).where(
                InviteCode.company_id == company_id, InviteCode.kind == "colleague", InviteCode.used_at.is_(None)
            )
        )


class LinkRepo(Repo):
    """Links between an applicant and a company (the applicant's consent)."""

    async def get(self, link_id: int) -> EmployerLink | None:
        return await self.session.get(EmployerLink, link_id)

    async def between(self, applicant_id: int, company_id: int) -> EmployerLink | None:
        rows = await self.session.execute(
            select(EmployerLink).where(EmployerLink.applicant_id == applicant_id, EmployerLink.company_id == company_id)
        )
        return rows.scalar_one_or_none()

    async def open_of_applicant(self, applicant_id: int) -> list[tuple[EmployerLink, Company]]:
        """The applicant's pending or active links with their companies, oldest first."""
        rows = await self.session.execute(
            select(EmployerLink, Company)
            .join(Company, Company.id == EmployerLink.company_id)
            .where(EmployerLink.applicant_id == applicant_id, EmployerLink.state.in_(OPEN_STATES))
            .order_by(EmployerLink.id)
        )
        return [(link, company) for link, company in rows.all()]

    async def open_of_company(self, company_id: int) -> list[EmployerLink]:
        """The company's pending or active links, oldest first."""
        rows = await self.session.execute(
            select(EmployerLink)
            .where(EmployerLink.company_id == company_id, EmployerLink.state.in_(OPEN_STATES))
            .order_by(EmployerLink.id)
        )
        return list(rows.scalars())

    async def followers_of(self, applicant_id: int) -> list[tuple[int, int, str]]:
        """(link id, member user id, language) of everyone whose company actively follows this applicant."""
        rows = await self.session.execute(
            select(EmployerLink.id, EmployerMember.user_id, User.language)
            .select_from(EmployerMember)
            .join(EmployerLink, EmployerLink.company_id == EmployerMember.company_id)
            .join(User, User.id == EmployerMember.user_id)
            .where(EmployerLink.applicant_id == applicant_id, EmployerLink.state == "active")
        )
        return [(link_id, uid, lang) for link_id, uid, lang in rows.all()]


class CandidateRepo(Repo):
    """What the employer side reads of a candidate: their latest application, its documents and
    the questionnaire's answers (the service decides what a link lets an employer see)."""

    async def latest_application(self, applicant_id: int) -> Application | None:
        rows = await self.session.execute(
            select(Application).where(Application.user_id == applicant_id).order_by(Application.id.desc()).limit(1)
        )
        return rows.scalar_one_or_none()
