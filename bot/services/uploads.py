"""Storing uploaded documents: download from Telegram, hash, write under FILES_DIR, one per item."""

from __future__ import annotations

import hashlib
import shutil
from io import BytesIO
from pathlib import Path

from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Application, UploadedDocument
from dialogs import uploads as up


class FileStore:
    def __init__(self, root: str) -> None:
        self.root = Path(root)

    def write(self, application_id: int, sha256: str, extension: str, content: bytes) -> str:
        folder = self.root / str(application_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{sha256}.{extension}"
        path.write_bytes(content)
        return str(path)

    def remove(self, path: str) -> None:
        Path(path).unlink(missing_ok=True)

    def remove_application(self, application_id: int) -> None:
        """The application's whole folder, whatever is in it (erasure leaves no empty folder)."""
        shutil.rmtree(self.root / str(int(application_id)), ignore_errors=True)


class UploadService:
    def __init__(self, session: AsyncSession, clock: Clock, store: FileStore) -> None:
        self.session = session
        self.clock = clock
        self.store = store

    async def uploaded(self, app: Application) -> dict[str, UploadedDocument]:
        rows = await self.session.execute(select(UploadedDocument).where(UploadedDocument.application_id == app.id))
        return {d.kind: d for d in rows.scalars()}

    async def save(
        self, bot: Bot, app: Application, kind: str, *, file_id: str, file_name: str, mime_type: str
    ) -> None:
        """Downloads the file and stores it for ``kind``, replacing an earlier one."""
        buffer = BytesIO()
        await bot.download(file_id, destination=buffer)
        content = buffer.getvalue()
        if up.check_file(mime_type, len(content)) is not None:
            raise ValueError("file refused after download")
        sha = hashlib.sha256(content).hexdigest()
        path = self.store.write(app.id, sha, up.ACCEPTED[mime_type], content)
        existing = (await self.uploaded(app)).get(kind)
        if existing is not None:
            if existing.path != path:
                self.store.remove(existing.path)
            await self.session.delete(existing)
            await self.session.flush()
        self.session.add(
            UploadedDocument(
                application_id=app.id,
                kind=kind,
                file_name=file_name[:255],
                mime_type=mime_type,
                size=len(content),
                sha256=sha,
                path=path,
                uploaded_at=self.clock.now(),
            )
        )

    async def remove(self, app: Application, kind: str) -> None:
        existing = (await self.uploaded(app)).get(kind)
        if existing is not None:
            self.store.remove(existing.path)
            await self.session.delete(existing)
