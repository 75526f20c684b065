"""Announcements, and the audience they are sent to (people read across users, employers,
applications and questionnaires)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.models import Announcement, Application, EmployerMember, Questionnaire, User
from bot.db.repositories.base import Repo


class AnnouncementRepo(Repo):
    async def reachable(
        self, *, language: str | None = None, employers: bool = False, status: str | None = None
    ) -> dict[int, str]:
        """Chat id -> language of everyone who has not blocked the bot, narrowed to one language,
        to employers or to the applicants with an application in ``status``."""
        query = select(User.id, User.language).where(User.unreachable_at.is_(None))
        if language is not None:
            query = query.where(User.language == language)
        if employers:
            query = query.where(User.id.in_(select(EmployerMember.user_id)))
        if status is not None:
            query = query.where(User.id.in_(select(Application.user_id).where(Application.status == status)))
        return {uid: lang for uid, lang in (await self.session.execute(query)).all()}

    async def applied_for(self, occupation: str) -> set[int]:
        """Who has an application for ``occupation``."""
        rows = await self.session.execute(select(Application.user_id).where(Application.occupation == occupation))
        return set(rows.scalars().all())

    async def questionnaire_answers(self) -> list[tuple[int, dict[str, Any] | None]]:
        """Every questionnaire's answers, by person."""
        rows = await self.session.execute(select(Questionnaire.user_id, Questionnaire.answers))
        return [(uid, answers) for uid, answers in rows.all()]

    async def latest(self, limit: int) -> list[Announcement]:
        rows = await self.session.execute(select(Announcement).order_by(Announcement.id.desc()).limit(limit))
        return list(rows.scalars())

    async def get(self, announcement_id: int) -> Announcement | None:
        return await self.session.get(Announcement, announcement_id)

    async def sending(self) -> list[Announcement]:
        """The announcements still being sent."""
        return list((await self.session.execute(select(Announcement).where(Announcement.state == "sending"))).scalars())
