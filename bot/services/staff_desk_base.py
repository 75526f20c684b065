"""What every part of the staff desk shares: its services, the staff member's StaffSession state
(filters, a decision being prepared, an announcement draft, the input awaited), and the one table
of staff actions the parts register in (bot/services/staff_desk.py, staff_admin_desk.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.crypto import Vault
from bot.db.confirmations import Confirmations
from bot.db.models import StaffSession, User
from bot.services import modes
from bot.services.actions import ActionTable, Method
from bot.services.announcements import AnnouncementService
from bot.services.applications import ApplicationService
from bot.services.employers import EmployerService
from bot.services.modes import Mode
from bot.services.replies import Reply
from bot.services.review import ReviewService
from bot.services.staff import StaffService
from bot.services.uploads import FileStore
from dialogs import statuses as st
from knowledge.text import Message

DECISIONS = (st.INFO_REQUESTED, st.RECOMMENDED, st.NOT_RECOMMENDED)
MAX_ANNOUNCEMENT = 3500  # characters of HTML: the heading and Telegram's 4,096 limit leave this much
MAX_NOTE = 1000  # a decision's note, shown in the applicant's notice beside the rest of it
TAIL_WINDOW = timedelta(seconds=10)  # the parts of one long text arrive within this of each other


# Every staff button, by its action name: the methods of the desk's parts register themselves.
ACTIONS: ActionTable[Reply] = ActionTable()
# The actions only an administrator may use, filled where each is registered (for_admins): a new
# admin action cannot be left out of the list that StaffDesk.press checks.
ADMIN_ACTS: set[str] = set()


def for_admins(*names: str) -> Callable[[Method[Reply]], Method[Reply]]:
    """@ACTIONS(*names) for actions only an administrator may use."""
    ADMIN_ACTS.update(names)
    return ACTIONS(*names)


class StaffDeskBase:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        vault: Vault,
        staff: StaffService,
        actor_id: int,
        role: str,
        state: StaffSession,
        user: User | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.staff = staff
        self.actor = actor_id
        self.role = role
        self.state = state
        self.user = user
        self.review = ReviewService(session, clock, vault, staff)
        self.applications = ApplicationService(session, clock)
        self.announcements = AnnouncementService(session, clock, staff)
        self.employers = EmployerService(session, clock, vault)
        self.confirmations = Confirmations(session, clock)
        self.store: FileStore | None = None  # set by the handler: what sends the files reads them

    # -- state helpers ---------------------------------------------------------------------------

    def _get(self, key: str) -> Any:
        return (self.state.pending or {}).get(key)

    def _set(self, **values: Any) -> None:
        merged = {**(self.state.pending or {}), **values}  # a new dict: SQLAlchemy sees the change
        self.state.pending = {k: v for k, v in merged.items() if v is not None}
        if self.user is not None and "awaiting" in values:
            # Typed text goes to the staff desk while it waits for some (a cheap check per message),
            # then back where it went before: a staff member who is also filling in their own
            # application was sent to the questionnaire, their form's place lost.
            if values["awaiting"]:
                if self.user.mode != Mode.STAFF:
                    self.state.pending = {**self.state.pending, "mode_before": self.user.mode}
                modes.put(self.user, Mode.STAFF)
            elif self.user.mode == Mode.STAFF:
                before = str((self.state.pending or {}).get("mode_before") or Mode.CHECK)
                modes.put(self.user, Mode(before) if before in set(Mode) else Mode.CHECK)
                self.state.pending = {k: v for k, v in (self.state.pending or {}).items() if k != "mode_before"}

    async def _save(self) -> None:
        await self.session.commit()

    async def _drop_tail(self) -> None:
        """After a text refused for its length: Telegram sends a long text in parts, and the next
        part, arriving at once, is dropped here (it went to the desk's next step, or to the person's
        own form once the mode was restored)."""
        until = (self.clock.now() + TAIL_WINDOW).isoformat()
        self._set(awaiting={"kind": "tail", "until": until})
        await self._save()

    async def _stop_waiting(self) -> None:
        """The desk awaits no typed text any more (a step done or cancelled), saved."""
        self._set(awaiting=None)
        await self._save()

    async def _after_refusal(self) -> None:
        """A refused change rolled the transaction back, which expires every loaded row: read
        this desk's own rows again so the screen that follows can use them."""
        await self.session.refresh(self.state)
        if self.user is not None:
            await self.session.refresh(self.user)

    async def _with_notice(self, reply_coro: Any, notice: Message | None) -> Reply:
        reply: Reply = await reply_coro
        reply.notice = notice
        return reply
