"""The person's rights over their data: see all of it (/mydata) and erase it (/delete)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crypto import Vault
from bot.db.models import Application, OutboxMessage, Questionnaire, StatusChange, UploadedDocument, User


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class DataRightsService:
    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self.session = session
        self.vault = vault

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the person, decrypted, as plain JSON-able data."""
        user = await self.session.get(User, user_id)
        questionnaire = await self.session.get(Questionnaire, user_id)
        apps = list(
            (
                await self.session.execute(
                    select(Application).where(Application.user_id == user_id).order_by(Application.id)
                )
            ).scalars()
        )
        out: dict[str, Any] = {
            "telegram_user_id": user_id,
            "language": user.language if user else None,
            "first_seen": _iso(user.created_at) if user else None,
            "last_seen": _iso(user.last_seen_at) if user else None,
            "eligibility_answers": dict(questionnaire.answers or {}) if questionnaire else {},
            "applications": [],
            "documents": [],
            "messages_sent_to_you": [],
        }
        for app in apps:
            docs = (
                await self.session.execute(select(UploadedDocument).where(UploadedDocument.application_id == app.id))
            ).scalars()
            out["documents"] += [
                {
                    "application": app.reference,
                    "item": d.kind,
                    "file_name": d.file_name,
                    "size": d.size,
                    "sha256": d.sha256,
                    "uploaded": _iso(d.uploaded_at),
                }
                for d in docs
            ]
            history = (
                await self.session.execute(
                    select(StatusChange).where(StatusChange.application_id == app.id).order_by(StatusChange.id)
                )
            ).scalars()
            out["applications"].append(
                {
                    "reference": app.reference,
                    "status": app.status,
                    "occupation": app.occupation,
                    "consent_given_at": _iso(app.consent_at),
                    "personal_details": self.vault.open(app.personal_sealed),
                    "job_offer": dict(app.job or {}),
                    "recommendation_number": app.recommendation_number,
                    "recommendation_date": app.recommendation_date.isoformat() if app.recommendation_date else None,
                    "history": [
                        {"from": h.from_status, "to": h.to_status, "at": _iso(h.at), "note": h.note} for h in history
                    ],
                }
            )
        messages = (
            await self.session.execute(
                select(OutboxMessage).where(OutboxMessage.chat_id == user_id).order_by(OutboxMessage.id)
            )
        ).scalars()
        out["messages_sent_to_you"] = [
            {"text": m.text, "state": m.state, "created": _iso(m.created_at)} for m in messages
        ]
        return out

    async def erase(self, user_id: int) -> None:
        """Deletes the person's rows, their uploaded files and their queued messages."""
        await self.session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == user_id))
        app_ids = select(Application.id).where(Application.user_id == user_id)
        files = (
            await self.session.execute(
                select(UploadedDocument.path).where(UploadedDocument.application_id.in_(app_ids))
            )
        ).scalars()
        for path in files:
            Path(path).unlink(missing_ok=True)
        await self.session.execute(delete(UploadedDocument).where(UploadedDocument.application_id.in_(app_ids)))
        await self.session.execute(delete(StatusChange).where(StatusChange.application_id.in_(app_ids)))
        await self.session.execute(delete(Application).where(Application.user_id == user_id))
        await self.session.execute(delete(Questionnaire).where(Questionnaire.user_id == user_id))
        await self.session.execute(delete(User).where(User.id == user_id))
        await self.session.commit()
