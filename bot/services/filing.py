"""Filing on gg24: the filing pack on demand (/gg24), and the receipt number the applicant reports
(/status → "I filed on gg24" → typed number), which moves the application to "filed on gg24"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Application
from bot.db.repo import PersonRepo
from bot.services import modes
from bot.services.application_documents import FormService
from bot.services.applications import ApplicationError, ApplicationService
from bot.services.modes import Mode
from bot.services.replies import Reply
from dialogs import statuses as st
from dialogs.deadline import closed_notice, in_hurry, is_closed
from dialogs.filing import RECEIPT_PROMPT, documents_screen, fields_screen, pack_screens, parse_receipt, with_days_left
from dialogs.screens import Screen
from dialogs.typed_answers import Invalid
from knowledge.text import Lines, T, Verbatim


class FilingService:
    def __init__(self, session: AsyncSession, clock: Clock, form: FormService) -> None:
        self.session = session
        self.clock = clock
        self.applications = ApplicationService(session, clock)
        self.form = form

    async def _sent(self, user_id: int) -> Application | None:
        app = await self.applications.open_application(user_id)
        return app if app is not None and app.reference else None

    async def pack(self, user_id: int) -> Reply:
        """/gg24: the filing pack of the person's sent application, with the time left to file; after
        the close, that applications are closed first (the pack stays, for whoever filed in time)."""
        app, now = await self._sent(user_id), self.clock.now()
        if app is None:
            if is_closed(now):
                return Reply([], closed_notice())
            if in_hurry(now):  # no time to wait for the pre-check
                return await self._draft_pack(user_id, now)
            return Reply(
                [],
                T(
                    "Your filing pack comes when you send your draft to programme staff for the pre-check: prepare it with /apply."
                ),
            )
        pack = await self.form.pack_for(app)
        record = [fields_screen(pack), documents_screen(pack, record=True)]  # what was sent, no steps to follow
        if app.gg24_receipt or app.status not in st.FILABLE:  # filed, or decided
            done = T(
                "Application <b>{ref}</b> ({status}) needs no more filing. What it was sent with, for your records:",
                ref=Verbatim(app.reference or ""),
                status=st.LABELS[app.status],
            )
            return Reply(record, done)
        if is_closed(now):  # for whoever filed in time
            return Reply(record, st.not_filed_yet(window_closed=True))
        return Reply(with_days_left(pack_screens(pack), now))

    async def _draft_pack(self, user_id: int, now: datetime) -> Reply:
        """The last days: the pack from the draft as it stands, sent or not (the days-left line says
        not to wait for the pre-check, and that /gg24 has every value)."""
        if (refused := await self.form.refusal(user_id)) is not None:  # the quota, the check, a ❌ verdict
            return refused
        draft = await self.form.draft_with_consent(user_id)
        if draft is None:
            return Reply(
                [], T("Your filing pack is made from your draft: prepare it now with /apply, then send /gg24.")
            )
        done = await self.form.completeness(draft)
        empty = (
            T("⚠️ Some details of your draft are still empty: fill them in with /apply, then send /gg24 again.")
            if done.fields_done < done.fields_total
            else None
        )
        return Reply(with_days_left(pack_screens(await self.form.pack_for(draft)), now), empty)

    async def wait_for_receipt(self, user_id: int, app_id: int) -> bool:
        """The "I filed on gg24" button: typed text is the receipt number from now on. False when
        the button is stale (not theirs, filed already, or no longer in a filable status)."""
        app = await self.applications.owned(app_id, user_id)
        if app is None or st.report_for(app.status, app.gg24_receipt) != st.FILED:
            return False
        await modes.put_by_id(self.session, user_id, Mode.RECEIPT)
        await self.session.commit()
        return True

    async def cancel(self, user_id: int) -> bool:
        """Stops waiting for the receipt number; False when nothing was waited for (an old Cancel)."""
        user = await PersonRepo(self.session).row(user_id)
        if user is None or user.mode != Mode.RECEIPT:
            return False
        await modes.put_by_id(self.session, user_id, Mode.CHECK)
        await self.session.commit()
        return True

    async def receipt(self, user_id: int, text: str) -> Reply:
        """The typed receipt number: checked, then the move, checked again under the row's lock. A
        number refused shows the prompt again with its Cancel (ReportCB, as /status draws it)."""
        app = await self._sent(user_id)
        try:
            receipt = parse_receipt(text)
        except Invalid as bad:
            return Reply([st.receipt_screen(app.id) if app else Screen("receipt", (RECEIPT_PROMPT,))], bad.message)
        await modes.put_by_id(self.session, user_id, Mode.CHECK)
        await self.session.commit()
        if app is None or app.status not in st.FILABLE:
            return Reply([], T("There is no application waiting for a gg24 receipt number. See /status."))
        try:
            await self.applications.report_filed(app, receipt)
        except ApplicationError as refused:  # rolled back: the mode was committed before
            if refused.code == "already":
                return Reply([], T("The filing on gg24 was reported already. See /status."))
            return Reply([], T("Your application changed meanwhile, so nothing was recorded. See /status."))
        return Reply(
            [],
            Lines(
                (
                    T(
                        "Saved: receipt number <b>{receipt}</b>. Programme staff see it with your application.",
                        receipt=Verbatim(receipt),
                    ),
                )
            ),
        )
