"""What is stored about one person, across tables: read for their export (/mydata) and cleared
for their erasure (/delete). The erasure's statements run in the caller's transaction, in the
order the service calls them (bot/services/data_rights.py); each method keeps its own order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select, update

from bot.db.models import (
    Application,
    AuditEntry,
    CodeAttempt,
    Company,
    Confirmation,
    EmployerLink,
    EmployerMember,
    InviteCode,
    OutboxMessage,
    Questionnaire,
    StaffMember,
    StaffSession,
    StatusChange,
    UnansweredQuestion,
    UploadedDocument,
    User,
)
from bot.db.repositories.base import Repo


class PersonDataRepo(Repo):
    # Reading

    async def user(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def questionnaire(self, user_id: int) -> Questionnaire | None:
        return await self.session.get(Questionnaire, user_id)

    async def applications(self, user_id: int) -> list[Application]:
        return list((await self.session.execute(select(Application).where(Application.user_id == user_id))).scalars())

    async def applications_in_order(self, user_id: int) -> list[Application]:
        """Their applications, the first made first."""
        rows = await self.session.execute(
            select(Application).where(Application.user_id == user_id).order_by(Application.id)
        )
        return list(rows.scalars())

    async def history(self, app_id: int) -> list[StatusChange]:
        """An application's status changes, oldest first."""
        rows = await self.session.execute(
            select(StatusChange).where(StatusChange.application_id == app_id).order_by(StatusChange.id)
        )
        return list(rows.scalars())

    async def messages_to(self, user_id: int) -> list[OutboxMessage]:
        """The messages written for them, oldest first."""
        rows = await self.session.execute(
            select(OutboxMessage).where(OutboxMessage.chat_id == user_id).order_by(OutboxMessage.id)
        )
        return list(rows.scalars())

    async def audit_about(self, targets: Sequence[str]) -> list[AuditEntry]:
        rows = await self.session.execute(select(AuditEntry).where(AuditEntry.target.in_(targets)))
        return list(rows.scalars())

    async def staff_states_with_pending(self) -> list[StaffSession]:
        """Staff interface states with something unfinished in them."""
        rows = await self.session.execute(select(StaffSession).where(StaffSession.pending.is_not(None)))
        return list(rows.scalars())

    async def membership(self, user_id: int) -> EmployerMember | None:
        return await self.session.get(EmployerMember, user_id)

    async def member_count(self, company_id: int) -> int | None:
        return await self.session.scalar(
            select(func.count()).select_from(EmployerMember).where(EmployerMember.company_id == company_id)
        )

    async def company(self, company_id: int) -> Company | None:
        return await self.session.get(Company, company_id)

    async def employer_links(self, applicant_id: int) -> list[tuple[EmployerLink, Company]]:
        """The companies the person let follow their application (or was asked to), oldest first."""
        rows = await self.session.execute(
            select(EmployerLink, Company)
            .join(Company, Company.id == EmployerLink.company_id)
            .where(EmployerLink.applicant_id == applicant_id)
            .order_by(EmployerLink.id)
        )
        return [(link, company) for link, company in rows]

    # Erasing (within the caller's transaction)

    async def delete_messages(self, user_id: int, mentions: Iterable[str]) -> None:
        """The messages to them, then, one mention at a time, every message naming them."""
        await self.session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == user_id))
        # Their colleagues' "👥 <name · id> now acts for …" (employers.py _tell_members): keyed by their id.
        await self.session.execute(
            delete(OutboxMessage).where(OutboxMessage.dedup_key.like(f"member:%:{user_id}:joined:%"))
        )
        for mention in mentions:
            await self.session.execute(
                delete(OutboxMessage).where(OutboxMessage.text.contains(mention, autoescape=True))
            )

    async def delete_applicant_rows(
        self, user_id: int, app_ids: Sequence[int], app_confirmations: Sequence[str]
    ) -> None:
        """In this order: the confirmations of ``app_confirmations`` actions on their applications
        and their own, documents, status changes, applications, questionnaire, the invite codes and
        employer links made for them, their code attempts, the questions the FAQ did not answer."""
        await self.session.execute(
            delete(Confirmation).where(
                Confirmation.action.in_(app_confirmations), Confirmation.target.in_([str(i) for i in app_ids])
            )
        )
        await self.session.execute(delete(Confirmation).where(Confirmation.user_id == user_id))
        await self.session.execute(delete(UploadedDocument).where(UploadedDocument.application_id.in_(app_ids)))
        await self.session.execute(delete(StatusChange).where(StatusChange.application_id.in_(app_ids)))
        await self.session.execute(delete(Application).where(Application.user_id == user_id))
        await self.session.execute(delete(Questionnaire).where(Questionnaire.user_id == user_id))
        await self.session.execute(delete(InviteCode).where(InviteCode.applicant_id == user_id))
        await self.session.execute(delete(EmployerLink).where(EmployerLink.applicant_id == user_id))
        await self.session.execute(delete(CodeAttempt).where(CodeAttempt.user_id == user_id))
        await self.session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.user_id == user_id))

    async def delete_membership(self, user_id: int) -> None:
        await self.session.execute(delete(EmployerMember).where(EmployerMember.user_id == user_id))

    async def forget_registrant_everywhere(self, user_id: int) -> None:
        """Every company they registered (a member or not any more) no longer says who did."""
        await self.session.execute(
            update(Company).where(Company.created_by == user_id).values(created_by=0, contact_name="")
        )

    async def delete_company_codes(self, company_id: int) -> None:
        """The company's invite codes, then its employer links."""
        await self.session.execute(delete(InviteCode).where(InviteCode.company_id == company_id))
        await self.session.execute(delete(EmployerLink).where(EmployerLink.company_id == company_id))

    async def audit_about_company(self, company_id: int) -> list[AuditEntry]:
        rows = await self.session.execute(select(AuditEntry).where(AuditEntry.target == f"company:{company_id}"))
        return list(rows.scalars())

    async def delete_company(self, company_id: int) -> None:
        await self.session.execute(delete(Company).where(Company.id == company_id))

    async def delete_account(self, user_id: int) -> None:
        """Last: their staff state, staff membership and the person's row itself."""
        await self.session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
        await self.session.execute(delete(StaffMember).where(StaffMember.user_id == user_id))
        await self.session.execute(delete(User).where(User.id == user_id))
