"""/status and its buttons: where the person's applications stand, and the reports only they make
(filed on gg24 with its receipt number, visa applied, visa issued). A report is checked again on
the application's locked row (ApplicationService); a button that no longer fits shows the status
as it is now, said to be from an earlier message."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.actions import ActionTable
from bot.services.application_documents import FormService
from bot.services.applications import ApplicationError, ApplicationService
from bot.services.filing import FilingService
from bot.services.questionnaire import STALE
from bot.services.replies import Reply
from dialogs import statuses as st
from dialogs.deadline import closed_notice, is_closed
from dialogs.screens import Screen
from knowledge.text import Lines, T

# The /status buttons by action name (bot/callbacks.py ReportCB); each method takes the person's id
# and the application's, and answers None when the button no longer fits.
STATUS_ACTIONS: ActionTable[Reply | None] = ActionTable()


class StatusDesk:
    def __init__(self, session: AsyncSession, clock: Clock, form: FormService, filing: FilingService) -> None:
        self.applications = ApplicationService(session, clock)
        self.filing = filing
        self.form = form

    async def show(self, user_id: int) -> Reply:
        """A draft's progress, then each sent application with its next step and report button."""
        apps = await self.applications.of_user(user_id)
        screens: list[Screen] = []
        for draft in (a for a in apps if a.status == st.DRAFT and a.consent_at is not None):
            c = await self.form.completeness(draft)
            if not c.check_done:  # started over: what the draft needs is not known until the check is done
                screens.append(Screen("status:draft", (T("Please finish the eligibility check first: /start"),)))
                continue
            done = (c.fields_done, c.fields_total), (c.documents_done, c.documents_total)
            screens.append(Screen("status:draft", (st.draft_summary(*done, self.form.now()),)))
        sent = [a for a in apps if a.reference]
        for app in sent:
            screens.append(st.status_screen(await self.applications.view(app), app.id))
        if not sent and not any(a.status == st.DRAFT for a in apps):
            if is_closed(self.form.now()):  # "yet" and "check with /start" lead nowhere now
                return Reply([], Lines((T("You have no application here."), closed_notice())))
            return Reply([], T("You have no submitted application yet. Check your eligibility with /start."))
        return Reply(screens)

    async def press(self, user_id: int, act: str, app_id: int) -> Reply:
        reply = await STATUS_ACTIONS.run(self, act, user_id, app_id)
        if reply is None:  # not theirs, gone, already reported, or a report that no longer fits
            reply = await self.show(user_id)
            reply.notice = STALE
        return reply

    @STATUS_ACTIONS(st.VISA_APPLIED, to=st.VISA_APPLIED)
    @STATUS_ACTIONS(st.VISA_ISSUED, to=st.VISA_ISSUED)
    async def _report(self, user_id: int, app_id: int, *, to: str) -> Reply | None:
        app = await self.applications.owned(app_id, user_id)
        if app is None or st.report_for(app.status, app.gg24_receipt) != to:
            return None
        try:
            await self.applications.report(app, to)
        except ApplicationError:  # changed meanwhile (a second tap): checked under the row's lock
            return None
        return Reply([])  # the notification itself comes through the outbox

    @STATUS_ACTIONS(st.FILED)
    async def _filed(self, user_id: int, app_id: int) -> Reply | None:
        if not await self.filing.wait_for_receipt(user_id, app_id):
            return None
        return Reply([st.receipt_screen(app_id)])

    @STATUS_ACTIONS(st.CANCEL)
    async def _cancel(self, user_id: int, app_id: int) -> Reply | None:
        """Then where the application stands: the report is still one tap away."""
        if not await self.filing.cancel(user_id):
            return None
        reply = await self.show(user_id)
        reply.notice = T("Cancelled.")
        return reply
