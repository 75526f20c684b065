"""Uploaded documents of an application (ORM rows: the upload service replaces and removes them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.db.models import UploadedDocument
from bot.db.repositories.base import Repo


class DocumentRepo(Repo):
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

    async def of_kinds(self, application_id: int, kinds: Sequence[str]) -> list[UploadedDocument]:
        """Those of the application's documents that are of the given checklist items."""
        rows = await self.session.execute(
            select(UploadedDocument).where(
                UploadedDocument.application_id == application_id, UploadedDocument.kind.in_(kinds)
            )
        )
        return list(rows.scalars())

    async def paths(self, application_ids: Sequence[int]) -> list[str]:
        """Where the applications' files are stored (for erasing them)."""
        rows = await self.session.execute(
            select(UploadedDocument.path).where(UploadedDocument.application_id.in_(application_ids))
        )
        return list(rows.scalars())
