"""Applications: drafts, submission with a reference code, and status changes with their history.

Every status change writes its history row and the applicant's notification (in their language)
in one transaction, through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SEOUL, Clock
from bot.db.models import Application, AuditEntry, Questionnaire, StatusChange, User
from bot.i18n import translator
from bot.services.employers import employer_recipients
from bot.services.outbox import enqueue
from bot.services.quota import take_one
from bot.services.stats import count_once
from dialogs import statuses as st
from knowledge.loader import load


class ApplicationError(ValueError):
    pass


@dataclass(frozen=True)
class Change:
    reference: str
    from_status: str
    to_status: str


def reference_for(app: Application, year: int) -> str:
    return f"GG-{year}-{app.id:06d}"


class ApplicationService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def create_draft(self, user_id: int, occupation: str | None) -> Application:
        now = self.clock.now()
        app = Application(user_id=user_id, status=st.DRAFT, occupation=occupation, created_at=now, updated_at=now)
        self.session.add(app)
        await self.session.flush()
        self.session.add(
            StatusChange(application_id=app.id, from_status=None, to_status=st.DRAFT, actor="applicant", at=now)
        )
        await count_once(self.session, user_id, "draft", occupation)
        return app

    async def submit(self, app: Application) -> Change:
        """Gives the draft its reference code and submits it (the applicant's own move)."""
        now = self.clock.now()
        await self.session.flush()
        app.reference = reference_for(app, now.astimezone(SEOUL).year)
        return await self._move(app, st.SUBMITTED, by=st.APPLICANT, actor="applicant")

    async def by_reference(self, reference: str, *, lock: bool = False) -> Application:
        query = select(Application).where(Application.reference == reference)
        if lock:  # PostgreSQL: a second reviewer waits for the first; SQLite's BEGIN IMMEDIATE does the same
            query = query.with_for_update()
        app = (await self.session.execute(query)).scalar_one_or_none()
        if app is None:
            raise ApplicationError(f"no application {reference}")
        return app

    async def change_status(
        self,
        reference: str,
        new: str,
        *,
        actor_id: int,
        reason: str | None = None,
        note: str | None = None,
        on: date | None = None,
    ) -> Change:
        """A move by the province: a staff member (``actor_id``, their Telegram id) or the CLI (0).

        A recommendation takes one from the quota in the same transaction, atomically, and gets
        its number from it; the move, its history, the audit entry and the applicant's notification
        commit together or not at all."""
        app = await self.by_reference(reference, lock=True)
        if reason is not None and reason not in st.REASONS.get(new, {}):
            raise ApplicationError(f"unknown reason {reason!r} for {new}")
        before = {"status": app.status}
        if new == st.RECOMMENDED:
            sequence = await take_one(self.session, load().programme.quota)
            if sequence is None:
                await self.session.rollback()
                raise ApplicationError("quota")
            day = on or self.clock.now().astimezone(SEOUL).date()
            app.recommendation_number = f"GGR-{day.year}-{sequence:04d}"
            app.recommendation_date = day
        actor = f"staff:{actor_id}" if actor_id else "cli"
        after = {"status": new, "reason": reason, "note": note, "recommendation_number": app.recommendation_number}
        self.session.add(
            AuditEntry(
                actor_id=actor_id,
                action="application.status",
                target=reference,
                before=before,
                after={k: v for k, v in after.items() if v is not None},
                at=self.clock.now(),
            )
        )
        return await self._move(app, new, by=st.PROVINCE, actor=actor, note=note, reason=reason)

    async def report(self, app: Application, new: str) -> Change:
        """The applicant's own report (visa applied, visa issued)."""
        return await self._move(app, new, by=st.APPLICANT, actor="applicant")

    async def _move(
        self, app: Application, new: str, *, by: str, actor: str, note: str | None = None, reason: str | None = None
    ) -> Change:
        try:
            st.check_transition(app.status, new, by)
        except st.TransitionError as bad:
            await self.session.rollback()
            raise ApplicationError(str(bad)) from bad
        now = self.clock.now()
        old, app.status, app.updated_at = app.status, new, now
        if new == st.SUBMITTED:
            app.submitted_at = now
        if new in (st.SUBMITTED, st.RECOMMENDED):
            await count_once(self.session, app.user_id, new, app.occupation)
        change = StatusChange(
            application_id=app.id, from_status=old, to_status=new, actor=actor, reason=reason, note=note, at=now
        )
        self.session.add(change)
        await self.session.flush()
        await self._notify(app, note, reason, change.id)
        await self.session.commit()
        assert app.reference is not None
        return Change(app.reference, old, new)

    async def view(self, app: Application, note: str | None = None, reason: str | None = None) -> st.StatusView:
        answers = await self.session.get(Questionnaire, app.user_id)
        in_korea = bool(answers and (answers.answers or {}).get("in_korea"))
        return st.StatusView(
            reference=app.reference or "",
            status=app.status,
            in_korea=in_korea,
            recommendation_number=app.recommendation_number,
            recommendation_date=app.recommendation_date,
            note=note,
            reason=reason,
        )

    async def _notify(self, app: Application, note: str | None, reason: str | None, change_id: int) -> None:
        user = await self.session.get(User, app.user_id)
        tr = translator(user.language if user else "en")
        text = tr.render(st.notification(await self.view(app, note, reason)))
        # One notification per history row: a retried request cannot enqueue it twice.
        await enqueue(self.session, chat_id=app.user_id, text=text, dedup_key=f"status:{change_id}", clock=self.clock)
        # Employers the applicant has linked (and only while the link is active) are told too.
        for member_id, language in await employer_recipients(self.session, app.user_id):
            told = translator(language).render(st.employer_notification(app.reference or "", app.status))
            await enqueue(
                self.session,
                chat_id=member_id,
                text=told,
                dedup_key=f"status:{change_id}:e{member_id}",
                clock=self.clock,
            )

    async def owned(self, application_id: int, user_id: int) -> Application | None:
        """The application if it belongs to this user; None otherwise (reveals nothing)."""
        app = await self.session.get(Application, application_id)
        return app if app is not None and app.user_id == user_id else None

    async def of_user(self, user_id: int) -> list[Application]:
        rows = await self.session.execute(
            select(Application).where(Application.user_id == user_id).order_by(Application.id)
        )
        return list(rows.scalars())
