"""The review queue and one application as a reviewer sees it (answers, verdict, details, documents,
history). Opening an application with its personal details is itself recorded in the audit log."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.crypto import Vault
from bot.db.models import Application, Questionnaire, StatusChange, UploadedDocument, User
from bot.services.staff import StaffService
from dialogs import flow
from dialogs import questionnaire as q
from dialogs import staff as ui
from knowledge.rules import evaluate


class ReviewService:
    def __init__(self, session: AsyncSession, clock: Clock, vault: Vault, staff: StaffService) -> None:
        self.session = session
        self.clock = clock
        self.vault = vault
        self.staff = staff

    async def queue(self, flt: ui.QueueFilter) -> tuple[list[ui.QueueRow], int]:
        """Submitted applications matching the filter, oldest first: one page and the total."""
        where: list[ColumnElement[bool]] = [Application.reference.is_not(None)]
        where.append(Application.status == flt.status if flt.status else Application.status.in_(ui.OPEN_STATUSES))
        if flt.occupation:
            where.append(Application.occupation == flt.occupation)
        if flt.language:
            where.append(User.language == flt.language)
        base = select(Application, User.language).join(User, User.id == Application.user_id).where(*where)
        total = int((await self.session.execute(select(func.count()).select_from(base.subquery()))).scalar_one())
        rows = await self.session.execute(
            base.order_by(Application.submitted_at, Application.id).offset(flt.page * ui.PAGE).limit(ui.PAGE)
        )
        return [
            ui.QueueRow(a.id, a.reference or "", a.status, a.occupation, language, a.submitted_at)
            for a, language in rows.all()
        ], total

    async def application(self, app_id: int) -> Application | None:
        app = await self.session.get(Application, app_id)
        return app if app is not None and app.reference else None  # drafts are the applicant's own

    async def detail(self, actor_id: int, app: Application) -> ui.ApplicationDetail:
        user = await self.session.get(User, app.user_id)
        row = await self.session.get(Questionnaire, app.user_id)
        conv = q.Conversation(dict(row.answers or {}) if row else {})
        now = self.clock.now()
        verdict = (
            evaluate(q.profile(conv, now), now, alternatives=False) if flow.position(conv, now) == "summary" else None
        )
        docs = await self.documents(app)
        history = await self.session.execute(
            select(StatusChange).where(StatusChange.application_id == app.id).order_by(StatusChange.id)
        )
        self.staff.audit(actor_id, "application.view", app.reference or str(app.id), None, None)
        await self.session.commit()
        return ui.ApplicationDetail(
            id=app.id,
            reference=app.reference or "",
            status=app.status,
            language=user.language if user else "",
            submitted_at=app.submitted_at,
            answers=q.effective_answers(conv.answers, now),
            verdict=verdict,
            form={**(app.job or {}), **self.vault.open(app.personal_sealed)},
            documents=[(d.kind, d.file_name) for d in docs],
            history=[
                ui.HistoryRow(h.at, h.from_status, h.to_status, h.actor, h.reason, h.note) for h in history.scalars()
            ],
            recommendation_number=app.recommendation_number,
        )

    async def documents(self, app: Application) -> list[UploadedDocument]:
        rows = await self.session.execute(
            select(UploadedDocument).where(UploadedDocument.application_id == app.id).order_by(UploadedDocument.id)
        )
        return list(rows.scalars())

    async def languages(self) -> list[str]:
        rows = await self.session.execute(select(User.language).distinct().order_by(User.language))
        return list(rows.scalars())
