"""Uploaded documents of an application (ORM rows: the upload service replaces and removes them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import UploadedDocument


class DocumentRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_kind(self, application_id: int) -> dict[str, UploadedDocument]:
        """The application's documents by checklist item (one per item: a unique constraint)."""
        rows = await self.session.execute(
            select(UploadedDocument).where(UploadedDocument.application_id == application_id)
        )
        return {d.kind: d for d in rows.scalars()}

    async def of_application(self, application_id: int) -> list[UploadedDocument]:
        """The application's documents in the order they were uploaded."""
        rows = await self.session.execute(
            select(UploadedDocument)
            .where(UploadedDocument.application_id == application_id)
            .order_by(UploadedDocument.id)
        )
        return list(rows.scalars())
