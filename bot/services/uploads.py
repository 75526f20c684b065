"""Storing uploaded documents: download from Telegram, check what the bytes really are, encrypt,
write under FILES_DIR (one file per checklist item); read back decrypted and verified."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.crypto import CorruptFile, FileCipher
from bot.db.models import Application, UploadedDocument
from bot.db.repositories.documents import DocumentRepo
from bot.services import filecheck
from bot.services.refusal import Refusal
from bot.services.telegram import Telegram
from dialogs import uploads as up
from dialogs.typed_answers import without_bidi_controls
from knowledge.text import Message


class IntegrityError(Exception):
    """A stored file that cannot be given out: missing, undecryptable, or not the plaintext hashed."""


class Refused(Refusal):
    """The downloaded bytes are not a document we take (code: a filecheck refusal code)."""


@dataclass(frozen=True)
class StoredFile:
    """A stored document to send onward under the name the bot makes (``stem`` + extension)."""

    path: str
    sha256: str
    encryption: str | None
    mime_type: str
    stem: str  # e.g. GG-2026-000123_passport_copy
    caption: Message
    label: Message  # the document's name, for the integrity notice


def outgoing_stem(reference: str, kind: str) -> str:
    """Reference and document id, nothing of the uploader's file name (which may be ../../x.svg)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", f"{reference}_{kind}")[:120]


def stored_file(doc: UploadedDocument, reference: str | None, caption: Message) -> StoredFile:
    ref = reference or f"draft-{doc.application_id}"
    return StoredFile(
        doc.path,
        doc.sha256,
        doc.encryption,
        doc.mime_type,
        outgoing_stem(ref, doc.kind),
        caption,
        up.document_name(doc.kind),
    )


class FileStore:
    def __init__(self, root: str, cipher: FileCipher) -> None:
        self.root = Path(root)
        self.cipher = cipher

    def write(self, application_id: int, content: bytes) -> str:
        """Encrypts into a new file (a random name: no hash or type on disk) and returns its path.
        Written beside and renamed into place: a crash leaves no half file under the name."""
        folder = self.root / str(application_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{secrets.token_hex(16)}.bin"
        fd, draft = tempfile.mkstemp(dir=folder, prefix=".upload.")
        try:
            with os.fdopen(fd, "wb") as fh:
                self.cipher.encrypt(BytesIO(content), fh)
            os.replace(draft, path)
        except BaseException:
            Path(draft).unlink(missing_ok=True)
            raise
        return str(path)

    def read(self, f: StoredFile) -> tuple[bytes, str]:
        """The plaintext and its extension (from the content), or IntegrityError: a file that fails
        decryption or whose SHA-256 differs from the one recorded at upload is never given out."""
        try:
            with open(f.path, "rb") as fh:
                if f.encryption == FileCipher.SCHEME:
                    out = BytesIO()
                    self.cipher.decrypt(fh, out)
                    content = out.getvalue()
                elif f.encryption is None:  # stored in plaintext before migration 0009
                    content = fh.read()
                else:
                    raise IntegrityError(f"unknown encryption {f.encryption!r}")
        except (OSError, CorruptFile) as bad:
            raise IntegrityError(str(bad)) from bad
        if hashlib.sha256(content).hexdigest() != f.sha256:
            raise IntegrityError("hash differs")
        if f.encryption is None:  # an old file's declared type was never checked: check it now
            verdict = filecheck.check(content)
            if not isinstance(verdict, filecheck.Accepted):
                raise IntegrityError(f"stored file refused: {verdict.code}")
            return content, verdict.extension
        kind = filecheck.KIND_OF_MIME.get(f.mime_type)
        if kind is None:
            raise IntegrityError(f"unknown type {f.mime_type!r}")
        return content, filecheck.EXTENSIONS[kind]

    async def read_async(self, f: StoredFile) -> tuple[bytes, str]:
        return await asyncio.to_thread(self.read, f)

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
        return await DocumentRepo(self.session).by_kind(app.id)

    async def save(
        self,
        telegram: Telegram,
        app: Application,
        kind: str,
        *,
        file_id: str,
        file_name: str,
        mime_type: str,
        guard: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        """Downloads the file and stores it for ``kind``, replacing an earlier one. Raises Refused
        when the bytes are not an accepted document, whatever the declared type says. ``guard``
        re-checks the application under its row lock once the file is here (the download is a
        Telegram request, so no lock is held across it) and raises to store nothing."""
        content = await telegram.download(file_id)
        if up.check_file(mime_type, len(content)) is not None:
            raise ValueError("file refused after download")
        verdict = await asyncio.to_thread(filecheck.check, content)  # pypdf/Pillow: CPU, off the loop
        if not isinstance(verdict, filecheck.Accepted):
            raise Refused(verdict.code)
        if guard is not None:
            await guard()
        sha = hashlib.sha256(content).hexdigest()
        path = await asyncio.to_thread(self.store.write, app.id, content)
        existing = (await self.uploaded(app)).get(kind)
        if existing is not None:
            self.store.remove(existing.path)
            await self.session.delete(existing)
            await self.session.flush()
        self.session.add(
            UploadedDocument(
                application_id=app.id,
                kind=kind,
                # shown to the applicant only (staff see the bot's own name); never a path, never sent
                file_name=without_bidi_controls(file_name)[:255],
                mime_type=verdict.mime_type,  # from the content, not the client's claim
                size=len(content),
                sha256=sha,
                path=path,
                encryption=FileCipher.SCHEME,
                uploaded_at=self.clock.now(),
            )
        )

    async def remove(self, app: Application, kind: str) -> None:
        existing = (await self.uploaded(app)).get(kind)
        if existing is not None:
            self.store.remove(existing.path)
            await self.session.delete(existing)
