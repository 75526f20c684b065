"""The application form service: consent, the draft's details (personal data sealed), review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.crypto import Vault
from bot.db.confirmations import Confirmations
from bot.db.models import Application
from bot.db.repo import PersonRepo, QuestionnaireRepo
from bot.db.repositories.applications import ApplicationRepo
from bot.db.repositories.questions import QuestionRepo
from bot.services import modes, quota
from bot.services.actions import ActionTable, Press
from bot.services.applications import ApplicationService
from bot.services.modes import Mode
from bot.services.questionnaire import STALE
from bot.services.replies import Reply
from bot.services.uploads import FileStore, UploadService
from dialogs import application_form as af
from dialogs import faq, flow
from dialogs import questionnaire as q
from dialogs import statuses as st
from dialogs import uploads as up
from dialogs.deadline import closed_notice, days_left_line, draft_after_close, in_hurry, is_closed, quota_used_up
from dialogs.filing import Pack
from dialogs.screens import Screen, with_note
from dialogs.typed_answers import Invalid
from dialogs.typed_dates import AmbiguousDate
from knowledge.model import Document
from knowledge.profile import Profile
from knowledge.rules import evaluate
from knowledge.text import Message, T, Verbatim
from knowledge.verdict import Outcome

# The form's own buttons (consent, Submit) and Back or edit on its screens; each method takes the
# Press (bot/services/actions.py). The documents screen's are in application_documents.py.
FORM_ACTIONS: ActionTable[Reply] = ActionTable()


class FormFields:
    """The draft's consent, fields, review and edit; FormService (application_documents.py) adds its
    documents and Submit."""

    def __init__(self, session: AsyncSession, clock: Clock, vault: Vault, store: FileStore) -> None:
        self.session = session
        self.clock = clock
        self.vault = vault
        self.uploads = UploadService(session, clock, store)
        self.confirmations = Confirmations(session, clock)

    async def _profile(self, user_id: int) -> tuple[Profile, bool]:
        """The eligibility answers as a profile, and whether the check was completed."""
        row = await QuestionnaireRepo(self.session).get(user_id)
        return self._profile_of(dict(row.answers) if row else {})

    def _profile_of(self, answers: dict[str, object]) -> tuple[Profile, bool]:
        conv = q.Conversation(answers)
        now = self.clock.now()
        return q.profile(conv, now), flow.position(conv, now) == "summary"

    async def _draft(self, user_id: int) -> Application | None:
        return await ApplicationRepo(self.session).latest_in(user_id, st.DRAFT)

    async def draft_with_consent(self, user_id: int) -> Application | None:
        """The draft being prepared (consent given), not sent."""
        app = await self._draft(user_id)
        return app if app is not None and app.consent_at is not None else None

    def _form(self, app: Application) -> af.Form:
        return af.Form({**(app.job or {}), **self.vault.open(app.personal_sealed)}, app.form_editing)

    async def _save(self, app: Application, form: af.Form) -> None:
        sensitive = {k: v for k, v in form.values.items() if af.BY_KEY[k].sensitive}
        app.personal_sealed = self.vault.seal(sensitive)
        app.job = {k: v for k, v in form.values.items() if not af.BY_KEY[k].sensitive}
        app.form_editing = form.editing
        app.updated_at = self.clock.now()
        await self.session.commit()

    async def _set_mode(self, user_id: int, mode: Mode) -> None:
        user = await PersonRepo(self.session).row(user_id)
        if user is not None:
            modes.put(user, mode)

    def _screen(self, form: af.Form, p: Profile, refused: Invalid | None = None) -> Screen:
        field = af.current_field(form, p)
        choices = af.date_choices(refused) if isinstance(refused, AmbiguousDate) else ()
        screen = af.field_screen(form, field, p, choices) if field else af.review_screen(form, p, in_hurry(self.now()))
        return with_note(screen, days_left_line(self.clock.now()))

    async def _closed(self, user_id: int) -> Reply | None:
        """After the close the form is shut: say so, and what happens to the draft and its data."""
        if not is_closed(self.clock.now()):
            return None
        app = await self._draft(user_id)
        body: list[Message] = [closed_notice()]
        if app is not None and app.consent_at is not None:
            body.append(draft_after_close())
        else:
            body.append(T("You can still see how your profile fits the rules with /start (information only)."))
        await self._set_mode(user_id, Mode.CHECK)  # typed text goes back to the questionnaire
        await self.session.commit()
        return Reply([Screen("closed", tuple(body))])

    def now(self) -> datetime:
        return self.clock.now()

    async def completeness(self, app: Application) -> af.Completeness:
        """How far a draft is: its details and its documents (for /status and the reminders)."""
        p, check_done = await self._profile(app.user_id)
        form = af.Form({**(app.job or {}), **self.vault.open(app.personal_sealed)})
        fields = [f for f in af.FIELDS if f.applies(p)]
        required = self._required(p)
        uploaded = await self.uploads.uploaded(app)
        return af.Completeness(
            sum(f.key in form.values for f in fields),
            len(fields),
            sum(d.id in uploaded for d in required),
            len(required),
            check_done,
        )

    async def pack_for(self, app: Application) -> Pack:
        """The filing pack's data for a sent application: its values, the profile, the documents."""
        at = ApplicationRepo.judged_at(app, self.clock.now())  # its answers and documents as when sent
        p = q.profile(q.Conversation(await ApplicationRepo(self.session).answers(app)), at)
        uploaded = await self.uploads.uploaded(app)
        values = {**(app.job or {}), **self.vault.open(app.personal_sealed)}
        return Pack(app.reference or "", values, p, self._required(p, at), frozenset(uploaded))

    async def position(self, user_id: int) -> str | None:
        app = await self._draft(user_id)
        if app is None or app.consent_at is None:
            return None
        p, _ = await self._profile(user_id)
        field = af.current_field(self._form(app), p)
        return field.key if field else "form_review"

    def _required(self, p: Profile, at: datetime | None = None) -> tuple[Document, ...]:
        verdict = evaluate(p, at or self.clock.now(), alternatives=False)
        return up.required(p, tuple(r.pathway.id for r in verdict.holding))

    async def sent(self, user_id: int) -> tuple[Verbatim, Message] | None:
        """The person's application past the draft: its reference and where it stands; None without one."""
        applications = ApplicationService(self.session, self.clock)
        app = await applications.open_application(user_id)
        if app is None or app.status == st.DRAFT:
            return None
        return Verbatim(app.reference or ""), st.status_summary(await applications.view(app))

    async def _already(self, user_id: int) -> Reply | None:
        """One application per person: someone whose application is past the draft is shown it."""
        if (sent := await self.sent(user_id)) is None:
            return None
        ref, summary = sent
        intro = T("You already have an application, <b>{ref}</b>: one per person. Here is where it stands:", ref=ref)
        # a screen, not a notice: the renderer keeps it within a phone's budget (dialogs/budgets.py)
        return Reply([Screen("status:already", (intro, summary))])

    async def refusal(self, user_id: int) -> Reply | None:
        """Why an application cannot be made now (the answer to show), or None (_may_apply)."""
        answer = await self._may_apply(user_id)
        return answer if isinstance(answer, Reply) else None

    async def _may_apply(self, user_id: int) -> Reply | Profile:
        """Why the person cannot open or start an application now (the answer to show), else their
        profile: one already sent, the window closed, the check unfinished, or a ❌ verdict."""
        if (already := await self._already(user_id)) is not None:
            return already
        if (closed := await self._closed(user_id)) is not None:
            return closed
        if await quota.used_up(self.session):  # not a draft that can never be sent
            return Reply([], quota_used_up())
        p, complete = await self._profile(user_id)
        if not complete:
            return Reply([], T("Please finish the eligibility check first: /start"))
        if evaluate(p, self.clock.now(), alternatives=False).outcome is Outcome.NOT_ELIGIBLE:
            return Reply(
                [],
                T(
                    "Your answers do not meet the rules yet, so an application would not succeed. See your result and what would help: /start"
                ),
            )
        return p

    async def open(self, user_id: int) -> Reply:
        """/apply or the verdict's button: consent first, then where the person left off."""
        if isinstance(p := await self._may_apply(user_id), Reply):
            return p
        app = await self._draft(user_id)
        if app is None or app.consent_at is None:
            return Reply([af.CONSENT])
        await self._set_mode(user_id, Mode.APPLY)
        await self.session.commit()
        return Reply([self._screen(self._form(app), p)])

    @FORM_ACTIONS("apply")  # the verdict's "Start my application"
    async def _apply(self, press: Press) -> Reply:
        return await self.open(press.user_id)

    @FORM_ACTIONS("agree")
    async def _agree(self, press: Press) -> Reply:
        """The consent given: a draft (made now if need be), its first field. Checked as open() is, so
        an old consent button after the answers changed to ❌ starts nothing."""
        user_id = press.user_id
        if isinstance(p := await self._may_apply(user_id), Reply):
            return p
        app = await self._draft(user_id)
        if app is None:
            app = await ApplicationService(self.session, self.clock).create_draft(user_id, p.occupation)
        if app.consent_at is None:
            app.consent_at = self.clock.now()
        await self._set_mode(user_id, Mode.APPLY)
        await self.session.commit()
        return Reply([self._screen(self._form(app), p)], T("Thank you. Your draft is saved after every answer."))

    @FORM_ACTIONS("decline")
    async def _decline(self, press: Press) -> Reply:
        await self._set_mode(press.user_id, Mode.CHECK)
        await self.session.commit()
        return Reply(
            [], T("No problem. Nothing personal has been stored. You can start the application later with /apply.")
        )

    async def _current(self, user_id: int) -> tuple[Application, af.Form, Profile] | None:
        """The draft being edited; None when there is none (or the window closed)."""
        if is_closed(self.clock.now()):
            return None
        app = await self._draft(user_id)
        if app is None or app.consent_at is None:
            return None
        p, _ = await self._profile(user_id)
        return app, self._form(app), p

    async def _editable(self, user_id: int) -> tuple[Application, af.Form, Profile] | Reply:
        """The draft being edited, or the answer to a button that finds none (closed, or stale)."""
        state = await self._current(user_id)
        return state if state is not None else (await self._closed(user_id) or await self._in_the_check(user_id))

    async def _in_the_check(self, user_id: int) -> Reply:
        """A form button with no draft behind it (the person deleted their data, or never consented):
        said, with where they are in the check, so the answer is never a sentence leading nowhere."""
        row = await QuestionnaireRepo(self.session).get(user_id)
        conv = q.Conversation(dict(row.answers) if row else {})
        return Reply([flow.next_screen(conv, self.clock.now())], STALE)

    async def text(self, user_id: int, text: str) -> Reply:
        state = await self._current(user_id)
        if state is None:
            return await self.open(user_id)
        app, form, p = state
        if await self._asks(user_id, form, p, text):  # answered from the FAQ by the handler, with the way back here
            return Reply([self._screen(form, p)], unread=text)
        try:
            form = af.answer_text(form, p, text, self.clock.now())
        except Invalid as bad:
            return Reply([self._screen(form, p, bad)], bad.message, unread=None if bad.understood else text)
        await self._save(app, form)
        return Reply([self._screen(form, p)])

    async def _asks(self, user_id: int, form: af.Form, p: Profile, text: str) -> bool:
        """A question typed where any text is a value (a name, a company) is not stored as the value,
        unless it is the person's last question typed again: after its answer, that is their value."""
        field = af.current_field(form, p)
        if field is None or not field.free or not faq.interrupts(text):
            return False
        return text != await QuestionRepo(self.session).pending(user_id)

    async def option(self, user_id: int, key: str, value: str) -> Reply:
        if isinstance(state := await self._editable(user_id), Reply):
            return state
        app, form, p = state
        try:
            form = af.answer_option(form, p, key, value, self.clock.now())
        except KeyError:
            return Reply([self._screen(form, p)], STALE)
        except Invalid as bad:  # an ambiguous date's reading that another check refuses
            return Reply([self._screen(form, p)], bad.message)
        await self._save(app, form)
        return Reply([self._screen(form, p)])

    async def leave(self, user_id: int) -> Reply:
        """Back from the consent or the form's first field: the verdict the form was opened from
        (its "Start my application" comes back here); typed text goes to the questionnaire again."""
        await self._set_mode(user_id, Mode.CHECK)
        await self.session.commit()
        row = await QuestionnaireRepo(self.session).get(user_id)
        conv = q.Conversation(dict(row.answers) if row else {})
        now = self.clock.now()
        if flow.position(conv, now) != "summary":
            return Reply([flow.next_screen(conv, now)])
        return Reply(flow.result(conv, now)[1][:1])

    async def press(self, press: Press) -> Reply:
        """A button on a form screen or of the form's own; one it does not know is from an earlier message."""
        reply = await FORM_ACTIONS.run(self, press.act, press)
        if reply is not None:
            return reply
        if isinstance(state := await self._editable(press.user_id), Reply):
            return state
        _, form, p = state
        return Reply([self._screen(form, p)], STALE)

    @FORM_ACTIONS("back")
    async def _back(self, press: Press) -> Reply:
        if press.at == af.CONSENT.key:
            return await self.leave(press.user_id)
        if isinstance(state := await self._editable(press.user_id), Reply):
            return state
        app, form, p = state
        if press.at != await self.position(press.user_id):
            return Reply([self._screen(form, p)], STALE)
        walked = af.back(form, p)
        if walked is None:  # Back before the first field
            await self._save(app, af.Form(form.values))
            return await self.leave(press.user_id)
        return await self._edited(app, walked, p)

    @FORM_ACTIONS("edit")  # a field's Change on the review
    async def _edit(self, press: Press) -> Reply:
        if isinstance(state := await self._editable(press.user_id), Reply):
            return state
        app, form, p = state
        try:
            edited = af.edit(form, p, press.arg)
        except KeyError:
            return Reply([self._screen(form, p)], STALE)
        return await self._edited(app, edited, p)

    async def _edited(self, app: Application, form: af.Form, p: Profile) -> Reply:
        await self._set_mode(app.user_id, Mode.APPLY)
        await self._save(app, form)
        return Reply([self._screen(form, p)])
