"""Applications: drafts, submission with a reference code, and status changes with their history.

Every status change writes its history row and the applicant's notification (in their language)
in one transaction, through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SEOUL, Clock
from bot.db.models import Application, AuditEntry, StatusChange
from bot.db.repositories.applications import ApplicationRepo
from bot.services.employers import employer_recipients
from bot.services.outbox import tell
from bot.services.quota import take_one
from bot.services.refusal import Refusal
from bot.services.stats import count_once
from dialogs import statuses as st
from dialogs.deadline import in_hurry, is_closed
from knowledge.loader import load


class ApplicationError(Refusal):
    """A refused change, said plainly. ``code`` tells the screen what to say:

    - ``quota``: all recommendations are issued;
    - ``changed``: the application moved since the person saw it (``last`` says by whom, when);
    - ``not_allowed``: that move is not one this person may make from the application's status;
    - ``gone``: the application no longer exists (its applicant erased their data);
    - ``bad_reason``: a reason that does not belong to the decision."""

    def __init__(self, message: str, code: str = "not_allowed", *, last: LastChange | None = None) -> None:
        super().__init__(code)
        self.args = (message,)  # str(): the plain sentence the CLI prints
        self.last = last


@dataclass(frozen=True)
class LastChange:
    """The latest move of an application: shown to a reviewer whose decision came second."""

    status: str
    actor: str  # "applicant", "cli", "staff:<telegram id>"
    at: datetime


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
        self.repo = ApplicationRepo(session)

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
        """Gives the draft its reference code and submits it. Only FormService.submit calls this,
        after its checks (documents, window, quota, eligibility): the table's SUBMISSION move."""
        fresh = await self.locked(app.id, expected=st.DRAFT)
        fresh.reference = reference_for(fresh, self.clock.now().astimezone(SEOUL).year)
        return await self._move(fresh, st.SUBMITTED, by=st.SUBMISSION, actor="applicant")

    async def resend(self, app: Application) -> Change:
        """The answer to a request for more information, back to programme staff: their queue has it
        as submitted again, or as filed on gg24 when its receipt was reported (it stays filed). Only
        InfoUpdate calls this, after its token."""
        fresh = await self.locked(app.id, expected=st.INFO_REQUESTED)
        if fresh.gg24_receipt:
            return await self._move(fresh, st.FILED, by=st.APPLICANT, actor="applicant", resent=True)
        return await self._move(fresh, st.SUBMITTED, by=st.SUBMISSION, actor="applicant", resent=True)

    async def locked(self, application_id: int, *, expected: str | None = None) -> Application:
        """The application re-read under its row lock (PostgreSQL FOR UPDATE; SQLite's BEGIN
        IMMEDIATE holds the write lock already), refreshing any copy this session loaded before:
        every move checks its transition on this fresh row, never on an object read earlier.
        With ``expected``, a row whose status is no longer the one the person saw is refused."""
        app = await self.repo.lock_for_change(application_id)
        if app is None:
            await self.session.rollback()
            raise ApplicationError(f"application {application_id} no longer exists", "gone")
        if expected is not None and app.status != expected:
            last = await self.last_change(app.id)
            message = f"{app.reference or app.id} is {app.status} now, not {expected}"
            await self.session.rollback()  # expires every object: read nothing from them after this
            raise ApplicationError(message, "changed", last=last)
        return app

    async def last_change(self, application_id: int) -> LastChange | None:
        row = await self.repo.last_change(application_id)
        return LastChange(*row) if row else None

    async def by_reference(self, reference: str) -> Application:
        app = await self.repo.by_reference(reference)
        if app is None:
            raise ApplicationError(f"no application {reference}", "gone")
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
        expected: str | None = None,
    ) -> Change:
        """A move by the province: a staff member (``actor_id``, their Telegram id) or the CLI (0).

        The row is re-read under its lock and the move checked on it (``expected``: the status the
        reviewer saw when they decided; a row that moved since is refused with who moved it).
        A recommendation takes one from the quota in the same transaction, atomically, and gets
        its number from it; the move, its history, the audit entry and the applicant's notification
        commit together or not at all."""
        if reason is not None and reason not in st.REASONS.get(new, {}):
            raise ApplicationError(f"unknown reason {reason!r} for {new}", "bad_reason")
        found = await self.by_reference(reference)
        app = await self.locked(found.id, expected=expected)
        if actor_id and app.user_id == actor_id:  # nobody decides on their own application
            await self.session.rollback()
            raise ApplicationError(f"{reference} is staff member {actor_id}'s own application", "own")
        try:
            self._check(app, new, st.PROVINCE)
        except ApplicationError as refused:  # say who moved it where, then let the lock go
            refused.last = await self.last_change(app.id)
            await self.session.rollback()
            raise
        before = {"status": app.status}
        if new == st.RECOMMENDED:
            sequence = await take_one(self.session, load().programme.quota)
            if sequence is None:
                await self.session.rollback()
                raise ApplicationError("all recommendations are issued", "quota")
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

    async def report_filed(self, app: Application, receipt: str) -> Change:
        """The applicant reports filing on gg24 with its receipt number: once, checked on the fresh row."""
        fresh = await self.locked(app.id)
        if fresh.gg24_receipt:
            reference = fresh.reference
            await self.session.rollback()  # expires every object: read nothing from them after this
            raise ApplicationError(f"{reference} was reported filed already", "already")
        fresh.gg24_receipt = receipt
        return await self._move(fresh, st.FILED, by=st.APPLICANT, actor="applicant")

    async def report(self, app: Application, new: str) -> Change:
        """The applicant's own report (visa applied, visa issued), checked on the fresh row."""
        fresh = await self.locked(app.id)
        return await self._move(fresh, new, by=st.APPLICANT, actor="applicant")

    def _check(self, app: Application, new: str, by: str) -> None:
        try:
            st.check_transition(app.status, new, by)
        except st.TransitionError as bad:
            raise ApplicationError(str(bad), "not_allowed") from bad

    async def _move(
        self,
        app: Application,
        new: str,
        *,
        by: str,
        actor: str,
        note: str | None = None,
        reason: str | None = None,
        resent: bool = False,
    ) -> Change:
        try:
            self._check(app, new, by)
        except ApplicationError:
            await self.session.rollback()
            raise
        now = self.clock.now()
        old, app.status, app.updated_at = app.status, new, now
        if new == st.SUBMITTED and old == st.DRAFT:  # sent once: an update keeps its day (judged_at) and place
            app.submitted_at = now
        if new in (st.SUBMITTED, st.RECOMMENDED):
            await count_once(self.session, app.user_id, new, app.occupation)
        change = StatusChange(
            application_id=app.id, from_status=old, to_status=new, actor=actor, reason=reason, note=note, at=now
        )
        self.session.add(change)
        await self.session.flush()
        await self._notify(app, note, reason, change.id, resent=resent)
        await self.session.commit()
        assert app.reference is not None
        return Change(app.reference, old, new)

    async def view(self, app: Application, note: str | None = None, reason: str | None = None) -> st.StatusView:
        if reason is None and app.status == st.NOT_RECOMMENDED:  # /status: its next step follows the reason
            last = await ApplicationRepo(self.session).last_move_to(app.id, app.status)
            reason = last.reason if last is not None else None
        given = await ApplicationRepo(self.session).answers(app)
        in_korea = bool(given.get("in_korea"))
        stay = given.get("stay_status") if in_korea else None
        return st.StatusView(
            reference=app.reference or "",
            status=app.status,
            in_korea=in_korea,
            stay_status=stay if isinstance(stay, str) else None,
            occupation=app.occupation,
            recommendation_number=app.recommendation_number,
            recommendation_date=app.recommendation_date,
            note=note,
            reason=reason,
            receipt=app.gg24_receipt,
            window_closed=is_closed(self.clock.now()),
            hurry=in_hurry(self.clock.now()),
        )

    async def _notify(
        self, app: Application, note: str | None, reason: str | None, change_id: int, *, resent: bool = False
    ) -> None:
        # One notification per history row: a retried request cannot enqueue it twice.
        view = replace(await self.view(app, note, reason), resent=resent)
        await tell(self.session, app.user_id, st.notification(view), dedup_key=f"status:{change_id}", clock=self.clock)
        # What follows it (after the recommendation: the route, documents, open questions), in order.
        for i, more in enumerate(st.follow_ups(view), 1):
            await tell(self.session, app.user_id, more, dedup_key=f"status:{change_id}:{i}", clock=self.clock)
        # Employers the applicant has linked (and only while the link is active) are told too,
        # with what the milestone means for them on the candidate's route.
        for member_id, language in await employer_recipients(self.session, app.user_id):
            told = st.employer_notification(
                app.reference or "", app.status, in_korea=view.in_korea, stay_status=view.stay_status
            )
            key = f"status:{change_id}:e{member_id}"
            await tell(self.session, member_id, told, dedup_key=key, clock=self.clock, language=language)

    async def owned(self, application_id: int, user_id: int) -> Application | None:
        """The application if it belongs to this user; None otherwise (reveals nothing)."""
        app = await self.repo.get(application_id)
        return app if app is not None and app.user_id == user_id else None

    async def open_application(self, user_id: int) -> Application | None:
        """The person's one open application (a draft or past it; a refused one is not open)."""
        return await self.repo.open_of(user_id, refused=st.NOT_RECOMMENDED)

    async def of_user(self, user_id: int) -> list[Application]:
        return await self.repo.of_user(user_id)
