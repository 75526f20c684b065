"""Applications and their status history: ORM rows, since the services change them.

Statuses are passed in by the caller (they are defined in dialogs/statuses.py, above this layer)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select

from bot.db.models import Application, Confirmation, Questionnaire, StatusChange, UploadedDocument, User
from bot.db.repositories.base import Repo


class ApplicationRepo(Repo):
    async def get(self, application_id: int) -> Application | None:
        return await self.session.get(Application, application_id)

    async def answers(self, app: Application) -> dict[str, Any]:
        """The questionnaire's answers the application stands on: as sent, or a draft's owner's current ones."""
        if app.answers is not None:
            return dict(app.answers)
        row = await self.session.get(Questionnaire, app.user_id)
        return dict(row.answers or {}) if row else {}

    @staticmethod
    def judged_at(app: Application, now: datetime) -> datetime:
        """The instant the rules judge the application at: when it was sent (the window was open
        then, and that day's parameters held), a draft now. After the close, judged now, every sent
        application read "not eligible: applications closed" on the staff's and employers' screens."""
        return app.submitted_at if app.submitted_at is not None and app.submitted_at < now else now

    async def lock_for_change(self, application_id: int) -> Application | None:
        """The row re-read under its lock (PostgreSQL FOR UPDATE), overwriting any copy this
        session loaded before (populate_existing): a move is checked on this fresh row only."""
        query = (
            select(Application)
            .where(Application.id == application_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_reference(self, reference: str) -> Application | None:
        query = select(Application).where(Application.reference == reference)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def open_of(self, user_id: int, *, refused: str) -> Application | None:
        """The person's one application whose status is not ``refused`` (a unique index keeps it one)."""
        rows = await self.session.execute(
            select(Application).where(Application.user_id == user_id, Application.status != refused)
        )
        return rows.scalar_one_or_none()

    async def latest_in(self, user_id: int, status: str) -> Application | None:
        """The person's newest application in ``status`` (their draft)."""
        rows = await self.session.execute(
            select(Application)
            .where(Application.user_id == user_id, Application.status == status)
            .order_by(Application.id.desc())
            .limit(1)
        )
        return rows.scalar_one_or_none()

    async def of_user(self, user_id: int) -> list[Application]:
        rows = await self.session.execute(
            select(Application).where(Application.user_id == user_id).order_by(Application.id)
        )
        return list(rows.scalars())

    async def queue(
        self,
        *,
        status: str | None,
        among: Collection[str],
        occupation: str | None,
        language: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[tuple[Application, str]], int]:
        """Submitted applications in ``status`` (or any of ``among``), with their applicant's
        language, oldest first: one page and the total."""
        where: list[ColumnElement[bool]] = [Application.reference.is_not(None)]
        where.append(Application.status == status if status else Application.status.in_(among))
        if occupation:
            where.append(Application.occupation == occupation)
        if language:
            where.append(User.language == language)
        base = select(Application, User.language).join(User, User.id == Application.user_id).where(*where)
        total = int((await self.session.execute(select(func.count()).select_from(base.subquery()))).scalar_one())
        rows = await self.session.execute(
            base.order_by(Application.submitted_at, Application.id).offset(offset).limit(limit)
        )
        return [(a, language) for a, language in rows.all()], total

    async def consented_in(self, status: str) -> list[tuple[Application, User]]:
        """Applications in ``status`` whose applicant consented and can still be written to."""
        rows = await self.session.execute(
            select(Application, User)
            .join(User, User.id == Application.user_id)
            .where(Application.status == status, Application.consent_at.is_not(None), User.unreachable_at.is_(None))
        )
        return [(app, user) for app, user in rows.all()]

    async def unfiled_in(self, statuses: Collection[str]) -> list[tuple[Application, User]]:
        """Sent applications in ``statuses`` whose filing on gg24 is not reported, with their reachable owner."""
        rows = await self.session.execute(
            select(Application, User)
            .join(User, User.id == Application.user_id)
            .where(
                Application.status.in_(statuses),
                Application.gg24_receipt.is_(None),
                User.unreachable_at.is_(None),
            )
        )
        return [(app, user) for app, user in rows.all()]

    async def consented_in_since(self, status: str) -> list[tuple[Application, User, datetime]]:
        """Like ``consented_in``, with when each application last entered ``status`` (its history)."""
        entered = (
            select(StatusChange.application_id, func.max(StatusChange.at).label("at"))
            .where(StatusChange.to_status == status)
            .group_by(StatusChange.application_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(Application, User, entered.c.at)
            .join(User, User.id == Application.user_id)
            .join(entered, entered.c.application_id == Application.id)
            .where(Application.status == status, Application.consent_at.is_not(None), User.unreachable_at.is_(None))
        )
        return [(app, user, at) for app, user, at in rows.all()]

    async def last_change(self, application_id: int) -> tuple[str, str, datetime] | None:
        """The latest history row's (to_status, actor, at)."""
        row = (
            await self.session.execute(
                select(StatusChange.to_status, StatusChange.actor, StatusChange.at)
                .where(StatusChange.application_id == application_id)
                .order_by(StatusChange.id.desc())
                .limit(1)
            )
        ).first()
        return (row[0], row[1], row[2]) if row else None

    async def last_move_to(self, application_id: int, status: str) -> StatusChange | None:
        """The latest history row that moved the application to ``status`` (its reason and note)."""
        query = (
            select(StatusChange)
            .where(StatusChange.application_id == application_id, StatusChange.to_status == status)
            .order_by(StatusChange.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def history(self, application_id: int) -> list[StatusChange]:
        rows = await self.session.execute(
            select(StatusChange).where(StatusChange.application_id == application_id).order_by(StatusChange.id)
        )
        return list(rows.scalars())

    async def erase_if_in(self, application_id: int, status: str, confirmations: Collection[str]) -> list[str] | None:
        """Deletes the application with its documents' rows, history and pending ``confirmations``,
        if it is still in ``status`` when re-read under its lock; returns the documents' file paths
        (to unlink after the commit), or None when it moved meanwhile."""
        app = await self.lock_for_change(application_id)
        if app is None or app.status != status:
            return None
        paths = list(
            (
                await self.session.execute(
                    select(UploadedDocument.path).where(UploadedDocument.application_id == application_id)
                )
            ).scalars()
        )
        await self.session.execute(
            delete(Confirmation).where(
                Confirmation.action.in_(confirmations), Confirmation.target == str(application_id)
            )
        )
        await self.session.execute(delete(UploadedDocument).where(UploadedDocument.application_id == application_id))
        await self.session.execute(delete(StatusChange).where(StatusChange.application_id == application_id))
        await self.session.delete(app)
        return paths
