"""The review queue and one application as a reviewer sees it (answers, verdict, details, documents,
history). Opening an application with its personal details is itself recorded in the audit log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SEOUL, Clock
from bot.crypto import Vault
from bot.db.models import Application, UploadedDocument
from bot.db.repo import PersonRepo
from bot.db.repositories.applications import ApplicationRepo
from bot.db.repositories.documents import DocumentRepo
from bot.services.staff import StaffService
from bot.services.uploads import outgoing_stem
from dialogs import flow
from dialogs import questionnaire as q
from dialogs import staff as ui
from knowledge.rules import evaluate


def _korea_day(at: datetime | None) -> date | None:
    return at.astimezone(SEOUL).date() if at is not None else None


class ReviewService:
    def __init__(self, session: AsyncSession, clock: Clock, vault: Vault, staff: StaffService) -> None:
        self.session = session
        self.clock = clock
        self.vault = vault
        self.staff = staff

    async def queue(self, flt: ui.QueueFilter) -> tuple[list[ui.QueueRow], int]:
        """Submitted applications matching the filter, oldest first: one page and the total."""
        rows, total = await ApplicationRepo(self.session).queue(
            status=flt.status,
            among=ui.OPEN_STATUSES,
            occupation=flt.occupation,
            language=flt.language,
            offset=flt.page * ui.PAGE,
            limit=ui.PAGE,
        )
        return [
            ui.QueueRow(a.id, a.reference or "", a.status, a.occupation, language, _korea_day(a.submitted_at))
            for a, language in rows
        ], total

    async def application(self, app_id: int) -> Application | None:
        app = await ApplicationRepo(self.session).get(app_id)
        return app if app is not None and app.reference else None  # drafts are the applicant's own

    async def detail(self, actor_id: int, app: Application) -> ui.ApplicationDetail:
        user = await PersonRepo(self.session).row(app.user_id)
        conv = q.Conversation(await ApplicationRepo(self.session).answers(app))  # as sent
        now = ApplicationRepo.judged_at(app, self.clock.now())  # as sent, too
        verdict = (
            evaluate(q.profile(conv, now), now, alternatives=False) if flow.position(conv, now) == "summary" else None
        )
        docs = await self.documents(app)
        history = await ApplicationRepo(self.session).history(app.id)
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
            # the names of the files staff receive, not the uploader's (which they chose)
            documents=[(d.kind, outgoing_stem(app.reference or "", d.kind)) for d in docs],
            history=[ui.HistoryRow(h.at, h.from_status, h.to_status, h.actor, h.reason, h.note) for h in history],
            recommendation_number=app.recommendation_number,
            gg24_receipt=app.gg24_receipt,
            own=app.user_id == actor_id,
        )

    async def documents(self, app: Application) -> list[UploadedDocument]:
        return await DocumentRepo(self.session).of_application(app.id)

    async def languages(self) -> list[str]:
        return await PersonRepo(self.session).languages()
