"""The application's documents and its submission: the documents screen (choose, upload, remove),
then Submit with its checks. FormService is the whole form: FormFields (application_form.py) and these."""

from __future__ import annotations

from bot.db.confirmations import SUBMIT
from bot.db.models import Application
from bot.db.repositories.applications import ApplicationRepo
from bot.services import quota
from bot.services.actions import ActionTable, Press
from bot.services.application_form import FORM_ACTIONS
from bot.services.applications import ApplicationError, ApplicationService
from bot.services.info_update import InfoUpdate
from bot.services.modes import Mode
from bot.services.questionnaire import STALE
from bot.services.replies import Reply
from bot.services.telegram import DownloadFailed, Telegram
from bot.services.uploads import Refused
from bot.summary_doc import build as build_summary
from bot.summary_doc import made_file
from dialogs import application_form as af
from dialogs import statuses as st
from dialogs import uploads as up
from dialogs.deadline import days_left_line, in_hurry, quota_used_up
from dialogs.filing import pack_screens, with_days_left
from dialogs.screens import Screen, with_note
from knowledge.loader import load
from knowledge.parameters import window_state
from knowledge.profile import Profile
from knowledge.rules import evaluate
from knowledge.text import T
from knowledge.verdict import Outcome

DOCUMENT_ACTIONS: ActionTable[Reply] = ActionTable()  # the documents screen's buttons, each taking the Press


class FormService(InfoUpdate):
    """The application form as the person uses it: its fields (FormFields), its documents, Submit;
    and, once sent, the answer to a request for more information (InfoUpdate)."""

    async def _documents_screen(self, app: Application, p: Profile) -> Screen:
        uploaded = await self.uploads.uploaded(app)
        token = await self.confirmations.ask(app.user_id, SUBMIT, app.id)  # only this screen's Submit acts
        screen = up.documents_screen(
            self._required(p), {k: d.file_name for k, d in uploaded.items()}, app.awaiting_upload, token
        )
        # the days left only: the screen says what foreign documents need (twice, with deadline_note)
        return with_note(screen, days_left_line(self.clock.now()))

    @DOCUMENT_ACTIONS("review")  # from the documents screen back to the review
    async def _to_review(self, press: Press) -> Reply:
        if isinstance(state := await self._editable(press.user_id), Reply):
            return state
        app, form, p = state
        app.awaiting_upload = None
        await self._set_mode(press.user_id, Mode.APPLY)
        await self.session.commit()
        return Reply([af.review_screen(form, p, in_hurry(self.now()))])

    @DOCUMENT_ACTIONS("docs", "doc", "rmdoc")
    async def _documents(self, press: Press) -> Reply:
        """The documents screen: "docs" shows it (the review's 📎, Back from an upload prompt), "doc"
        awaits the upload of one item, "rmdoc" removes one; its argument is the document's kind."""
        if isinstance(state := await self._editable(press.user_id), Reply):
            return state
        app, _, p = state
        kind = press.arg
        if press.act != "docs" and kind not in {d.id for d in self._required(p)}:
            return Reply([await self._documents_screen(app, p)], STALE)
        if press.act == "rmdoc":
            await self.uploads.remove(app, kind)
        app.awaiting_upload = kind if press.act == "doc" else None
        await self._set_mode(press.user_id, Mode.DOCS)
        await self.session.commit()
        return Reply([await self._documents_screen(app, p)])

    async def on_documents(self, user_id: int, text: str | None = None) -> Reply:
        """The documents screen again, as it was (after /help, /language, /status, an FAQ answer);
        given typed text (Mode.DOCS), it says a file is expected and keeps the text for the FAQ."""
        state = await self._current(user_id)
        if state is None:
            notice = None if text is None else T("Please use the buttons below.")
            if (update := await self.update(user_id, notice)) is not None:
                update.unread = text
                return update
            # Nothing awaits a file any more (the request was decided): typed text goes to the check
            # and the FAQ again, not to "you already have an application" forever.
            await self._set_mode(user_id, Mode.CHECK)
            await self.session.commit()
            reply = await self._already(user_id) or await self._closed(user_id) or await self.open(user_id)
            reply.unread = text
            return reply
        app, _, p = state
        screen = await self._documents_screen(app, p)
        if text is None:
            return Reply([screen])
        notice = up.WRONG_TYPE if app.awaiting_upload else T("Please use the buttons below.")
        return Reply([screen], notice, unread=text)

    async def receive_file(
        self, telegram: Telegram, user_id: int, file_id: str, file_name: str, mime_type: str | None, size: int | None
    ) -> Reply:
        state = await self._current(user_id)
        guard = None
        if state is not None:
            app, _, p = state
            docs = self._required(p)

            async def screen() -> Screen:
                return await self._documents_screen(app, p)
        elif (asked := await self._asked(user_id)) is not None:  # more information requested
            app, docs = asked, await self._update_documents(asked)

            async def screen() -> Screen:
                return await self._update_screen(app)

            async def guard() -> object:  # decided while the file came: nothing is stored
                return await ApplicationService(self.session, self.clock).locked(app.id, expected=st.INFO_REQUESTED)
        else:
            return await self.open(user_id)
        if app.awaiting_upload is None:
            return Reply([await screen()], T("First tap the document you are sending."))
        refused = up.check_file(mime_type, size)
        if refused is not None:
            return Reply([await screen()], refused)
        kind = app.awaiting_upload
        try:
            await self.uploads.save(
                telegram, app, kind, file_id=file_id, file_name=file_name, mime_type=mime_type or "", guard=guard
            )
        except ApplicationError:  # rolled back under the lock: the application was decided meanwhile
            return await self._no_update(user_id)
        except Refused as bad:  # the bytes: damaged, another type in disguise, a picture too large
            return Reply([await screen()], up.content_refusal(bad.code))
        except (DownloadFailed, ValueError):  # e.g. "file is too big" from getFile, or bytes not as announced
            return Reply([await screen()], up.check_file(mime_type, up.MAX_BYTES + 1))
        app.awaiting_upload = None
        app.updated_at = self.clock.now()  # worked on: no "waiting for you" reminder from the form's last day
        await self.session.commit()
        name = next((d.name for d in docs if d.id == kind), kind)
        return Reply([await screen()], T("Saved: {name}.", name=T(name)))

    @FORM_ACTIONS("submit")
    async def _submit(self, press: Press) -> Reply:
        """Submits the draft, or says why not (missing fields or documents, window, quota, rules).
        Only the Submit of the latest documents screen acts, once (its one-time token: the argument)."""
        user_id, token = press.user_id, press.arg
        state = await self._current(user_id)
        if state is None:
            return await self._already(user_id) or await self._closed(user_id) or await self._in_the_check(user_id)
        app, form, p = state
        if not (await self._profile(user_id))[1]:  # the check was started over after the documents
            return Reply([], T("Please finish the eligibility check first: /start"))
        now, kb = self.clock.now(), load()
        if af.current_field(form, p) is not None:
            await self._set_mode(user_id, Mode.APPLY)  # typed text answers the field shown
            await self.session.commit()
            return Reply([self._screen(form, p)], T("Please complete the application first."))
        if window_state(kb, now) != "open":
            return Reply([], T("Applications are closed, so the application cannot be submitted."))
        if not p.job_offer:  # the draft may wait for an offer; the application cannot
            return Reply([self._screen(form, p)], af.NO_EMPLOYER_YET)
        applications = ApplicationService(self.session, self.clock)
        if await quota.used_up(self.session):
            return Reply([], quota_used_up())
        if evaluate(p, now, alternatives=False).outcome is Outcome.NOT_ELIGIBLE:
            return Reply(
                [],
                T(
                    "Your answers do not meet the rules yet, so an application would not succeed. See your result and what would help: /start"
                ),
            )
        uploaded = await self.uploads.uploaded(app)
        missing = tuple(d for d in self._required(p) if d.id not in uploaded)
        if missing:
            return Reply([await self._documents_screen(app, p)], up.missing_text(missing))
        if not await self.confirmations.spend(user_id, SUBMIT, token, app.id):  # spent by the submission only
            return Reply([await self._documents_screen(app, p)], STALE)
        app.answers = await ApplicationRepo(self.session).answers(app)  # frozen: later changes are the person's own
        change = await applications.submit(app)  # commits, with the notification and the spent token
        await self._set_mode(user_id, Mode.CHECK)
        await self.session.commit()
        summary = build_summary(
            reference=change.reference,
            submitted=now,
            values=form.values,
            profile=p,
            documents=[(d.id, uploaded[d.id].sha256) for d in self._required(p) if d.id in uploaded],  # checklist order
            locale=press.locale,
        )
        fresh = await ApplicationRepo(self.session).get(app.id)
        screens = with_days_left(pack_screens(await self.pack_for(fresh)), now) if fresh is not None else []
        return Reply(screens, made=[made_file(change.reference, summary)])
