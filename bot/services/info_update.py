"""Answering "more information requested" (dialogs/statuses.py INFO_REQUESTED): the sent application's
documents, each added or replaced, then sent back to programme staff, whose queue it rejoins as
submitted. Its answers and details stay as they were sent; only documents change. Open after the
close too: staff go on deciding after it, so a request must stay answerable.

FormService (application_documents.py) is built on this: /apply, a file and typed text reach the
update when the person's application waits for more information."""

from __future__ import annotations

from bot.db.confirmations import SEND_UPDATE
from bot.db.models import Application
from bot.db.repositories.applications import ApplicationRepo
from bot.services.actions import ActionTable, Press
from bot.services.application_form import FormFields
from bot.services.applications import ApplicationError, ApplicationService
from bot.services.modes import Mode
from bot.services.questionnaire import STALE
from bot.services.replies import Reply
from dialogs import statuses as st
from dialogs import uploads as up
from dialogs.deadline import days_left_line
from dialogs.screens import Screen, with_note
from knowledge.model import Document
from knowledge.text import T, Text

NOTHING_NEW = T(
    "Nothing was added or replaced since the request. Tap the document the province asked for and send it; for anything else, write to programme staff with /ask."
)

# The update screen's buttons (its documents, Back from a document's prompt, Send), each taking the Press.
UPDATE_ACTIONS: ActionTable[Reply] = ActionTable()


class InfoUpdate(FormFields):
    async def _asked(self, user_id: int) -> Application | None:
        """The person's application waiting for more information, if it is."""
        return await ApplicationRepo(self.session).latest_in(user_id, st.INFO_REQUESTED)

    async def _update_documents(self, app: Application) -> tuple[Document, ...]:
        return (await self.pack_for(app)).documents  # the checklist it was sent with

    async def _update_screen(self, app: Application) -> Screen:
        request = await ApplicationRepo(self.session).last_move_to(app.id, st.INFO_REQUESTED)
        said = st.what_was_said(st.INFO_REQUESTED, request.reason, request.note) if request else None
        uploaded = await self.uploads.uploaded(app)
        token = await self.confirmations.ask(app.user_id, SEND_UPDATE, app.id)  # only this screen's Send acts
        screen = up.update_screen(
            app.reference or "",
            said or T("See the message the province sent you."),
            await self._update_documents(app),
            {kind: d.file_name for kind, d in uploaded.items()},
            app.awaiting_upload,
            token,
        )
        # Not filed on gg24 yet: the days left (and, in the last ones, not to wait) stand here too.
        return screen if app.gg24_receipt else with_note(screen, days_left_line(self.clock.now()))

    async def update(self, user_id: int, notice: Text | None = None) -> Reply | None:
        """The update screen (from /apply, /start, a file or text sent to it); None when the
        person's application does not wait for more information."""
        app = await self._asked(user_id)
        if app is None:
            return None
        await self._set_mode(user_id, Mode.DOCS)  # a file is expected, typed text is told so
        await self.session.commit()
        return Reply([await self._update_screen(app)], notice)

    async def open(self, user_id: int) -> Reply:
        """/apply: the update while more information is requested, else the form (FormFields)."""
        return await self.update(user_id) or await super().open(user_id)

    @UPDATE_ACTIONS("upd", "updoc")
    async def _choose(self, press: Press) -> Reply:
        """ "upd" shows the screen (Back from a document's prompt), "updoc" awaits one document."""
        app = await self._asked(press.user_id)
        if app is None:  # sent already, or decided meanwhile
            return await self._no_update(press.user_id)
        if press.act == "updoc" and press.arg not in {d.id for d in await self._update_documents(app)}:
            return Reply([await self._update_screen(app)], STALE)
        app.awaiting_upload = press.arg if press.act == "updoc" else None
        await self._set_mode(press.user_id, Mode.DOCS)
        await self.session.commit()
        return Reply([await self._update_screen(app)])

    @UPDATE_ACTIONS("updsend")
    async def _send_update(self, press: Press) -> Reply:
        """Back to programme staff, once (the screen's one-time token); checked on the locked row."""
        app = await self._asked(press.user_id)
        if app is None:
            return await self._no_update(press.user_id)
        request = await ApplicationRepo(self.session).last_move_to(app.id, st.INFO_REQUESTED)
        uploaded = await self.uploads.uploaded(app)
        if request is not None and not any(d.uploaded_at > request.at for d in uploaded.values()):
            # a tap by mistake would end the request with nothing in it
            return Reply([await self._update_screen(app)], NOTHING_NEW)
        if not await self.confirmations.spend(press.user_id, SEND_UPDATE, press.arg, app.id):
            return Reply([await self._update_screen(app)], STALE)
        try:
            await ApplicationService(self.session, self.clock).resend(app)  # commits, with the notification
        except ApplicationError:  # decided or sent meanwhile: rolled back
            return await self._no_update(press.user_id)
        await self._set_mode(press.user_id, Mode.CHECK)
        await self.session.commit()
        return Reply([])  # the notification says it was sent (through the outbox, once)

    async def _no_update(self, user_id: int) -> Reply:
        return Reply([], T("Your application no longer waits for more information. See /status."))
