"""Announcements: the audience, who gets which language version, creation (all outbox messages in
one transaction with the announcement), progress and cancellation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Announcement
from bot.db.repositories.announcements import AnnouncementRepo
from bot.db.repositories.outbox import OutboxRepo
from bot.i18n import translator
from bot.services.outbox import delivery_counts, enqueue_announcement, report_to_author
from bot.services.refusal import Refusal
from bot.services.staff import StaffService
from dialogs import staff_announcements as ann_ui
from knowledge.text import T


class AnnouncementError(Refusal):
    """An announcement step that cannot be done (a draft already sent, an empty text, …)."""


class AnnouncementService:
    def __init__(self, session: AsyncSession, clock: Clock, staff: StaffService) -> None:
        self.session = session
        self.clock = clock
        self.staff = staff
        self.repo = AnnouncementRepo(session)

    async def recipients(self, audience: Mapping[str, Any]) -> dict[int, str]:
        """Chat id -> language of everyone in the audience who has not blocked the bot."""
        kind, value = audience.get("kind", "all"), str(audience.get("value", ""))
        people = await self.repo.reachable(
            language=value if kind == "language" else None,
            employers=kind == "employers",
            status=value if kind == "status" else None,
        )
        if kind == "occupation":
            applied = await self.repo.applied_for(value)
            answered = {
                uid
                for uid, answers in await self.repo.questionnaire_answers()
                if (answers or {}).get("occupation") == value
            }
            people = {uid: lang for uid, lang in people.items() if uid in applied | answered}
        return people

    async def per_language(self, audience: Mapping[str, Any]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for lang in (await self.recipients(audience)).values():
            counts[lang] = counts.get(lang, 0) + 1
        return counts

    async def create(self, actor_id: int, draft: Mapping[str, Any]) -> Announcement:
        """The announcement and one outbox message per recipient, committed together."""
        versions: dict[str, str] = dict(draft.get("versions") or {})
        if not versions:
            raise AnnouncementError("no_versions")
        fallback = draft.get("fallback") or next(iter(versions))
        audience = dict(draft.get("audience") or {"kind": "all"})
        people = await self.recipients(audience)
        ann = Announcement(
            created_by=actor_id,
            audience=audience,
            versions=versions,
            fallback=fallback,
            state="sending",
            recipients=len(people),
            created_at=self.clock.now(),
        )
        self.session.add(ann)
        await self.session.flush()
        texts: dict[int, str] = {}
        heading = {
            lang: translator(lang).render(T("📣 <b>Announcement from Gyeonggi Province</b>"))
            for lang in set(people.values())
        }
        for chat, lang in people.items():
            texts[chat] = f"{heading[lang]}\n\n{versions.get(lang, versions[fallback])}"
        await enqueue_announcement(self.session, ann.id, texts, self.clock)
        self.staff.audit(
            actor_id,
            "announcement.send",
            f"announcement:{ann.id}",
            None,
            {"audience": audience, "languages": sorted(versions), "fallback": fallback, "recipients": len(people)},
        )
        await self.session.commit()
        return ann

    async def row(self, ann: Announcement) -> ann_ui.AnnouncementRow:
        return ann_ui.AnnouncementRow(
            ann.id, ann.state, ann.created_at, ann.recipients, await delivery_counts(self.session, ann.id)
        )

    async def latest(self, limit: int = 5) -> list[ann_ui.AnnouncementRow]:
        return [await self.row(a) for a in await self.repo.latest(limit)]

    async def get(self, announcement_id: int) -> Announcement | None:
        return await self.repo.get(announcement_id)

    async def cancel(self, actor_id: int, announcement_id: int) -> Announcement | None:
        """Stops what has not been sent yet; a message already on its way is not recalled."""
        ann = await self.repo.get(announcement_id)
        if ann is None or ann.state != "sending":
            return ann
        await OutboxRepo(self.session).cancel_unsent(ann.id)
        before = await delivery_counts(self.session, ann.id)
        ann.state, ann.finished_at = "cancelled", self.clock.now()
        self.staff.audit(
            actor_id,
            "announcement.cancel",
            f"announcement:{ann.id}",
            {"state": "sending"},
            {"state": "cancelled", **before},
        )
        await report_to_author(self.session, ann, before, self.clock)
        await self.session.commit()
        return ann
