"""The application form service: consent, the draft's details (personal data sealed), review."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.crypto import Vault
from bot.db.models import Application, Questionnaire, User
from bot.services.applications import ApplicationService
from bot.services.questionnaire import STALE, Reply
from dialogs import application_form as af
from dialogs import flow
from dialogs import questionnaire as q
from dialogs import statuses as st
from dialogs.screens import Screen
from knowledge.profile import Profile
from knowledge.rules import Outcome, evaluate
from knowledge.text import T


class FormService:
    def __init__(self, session: AsyncSession, clock: Clock, vault: Vault) -> None:
        self.session = session
        self.clock = clock
        self.vault = vault

    async def _profile(self, user_id: int) -> tuple[Profile, bool]:
        """The eligibility answers as a profile, and whether the check was completed."""
        row = await self.session.get(Questionnaire, user_id)
        conv = q.Conversation(dict(row.answers or {}) if row else {})
        now = self.clock.now()
        return q.profile(conv, now), flow.position(conv, now) == "summary"

    async def _draft(self, user_id: int) -> Application | None:
        rows = await self.session.execute(
            select(Application)
            .where(Application.user_id == user_id, Application.status == st.DRAFT)
            .order_by(Application.id.desc())
            .limit(1)
        )
        return rows.scalar_one_or_none()

    def _form(self, app: Application) -> af.Form:
        return af.Form({**(app.job or {}), **self.vault.open(app.personal_sealed)}, app.form_editing)

    async def _save(self, app: Application, form: af.Form) -> None:
        sensitive = {k: v for k, v in form.values.items() if af.BY_KEY[k].sensitive}
        app.personal_sealed = self.vault.seal(sensitive)
        app.job = {k: v for k, v in form.values.items() if not af.BY_KEY[k].sensitive}
        app.form_editing = form.editing
        app.updated_at = self.clock.now()
        await self.session.commit()

    async def _set_mode(self, user_id: int, mode: str) -> None:
        user = await self.session.get(User, user_id)
        if user is not None:
            user.mode = mode

    def _screen(self, form: af.Form, p: Profile) -> Screen:
        field = af.current_field(form, p)
        return af.field_screen(form, field, p) if field else af.review_screen(form, p)

    async def position(self, user_id: int) -> str | None:
        app = await self._draft(user_id)
        if app is None or app.consent_at is None:
            return None
        p, _ = await self._profile(user_id)
        field = af.current_field(self._form(app), p)
        return field.key if field else "form_review"

    async def open(self, user_id: int) -> Reply:
        """/apply or the verdict's button: consent first, then where the person left off."""
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
        app = await self._draft(user_id)
        if app is None or app.consent_at is None:
            return Reply([af.CONSENT])
        await self._set_mode(user_id, "apply")
        await self.session.commit()
        return Reply([self._screen(self._form(app), p)])

    async def agree(self, user_id: int) -> Reply:
        p, complete = await self._profile(user_id)
        if not complete:
            return Reply([], T("Please finish the eligibility check first: /start"))
        app = await self._draft(user_id)
        if app is None:
            app = await ApplicationService(self.session, self.clock).create_draft(user_id, p.occupation)
        if app.consent_at is None:
            app.consent_at = self.clock.now()
        await self._set_mode(user_id, "apply")
        await self.session.commit()
        return Reply([self._screen(self._form(app), p)], T("Thank you. Your draft is saved after every answer."))

    async def decline(self, user_id: int) -> Reply:
        await self._set_mode(user_id, "check")
        await self.session.commit()
        return Reply(
            [], T("No problem. Nothing personal has been stored. You can start the application later with /apply.")
        )

    async def _current(self, user_id: int) -> tuple[Application, af.Form, Profile] | None:
        app = await self._draft(user_id)
        if app is None or app.consent_at is None:
            return None
        p, _ = await self._profile(user_id)
        return app, self._form(app), p

    async def text(self, user_id: int, text: str) -> Reply:
        state = await self._current(user_id)
        if state is None:
            return await self.open(user_id)
        app, form, p = state
        try:
            form = af.answer_text(form, p, text, self.clock.now())
        except q.Invalid as bad:
            return Reply([self._screen(form, p)], bad.message)
        await self._save(app, form)
        return Reply([self._screen(form, p)])

    async def option(self, user_id: int, key: str, value: str) -> Reply:
        state = await self._current(user_id)
        if state is None:
            return Reply([], STALE)
        app, form, p = state
        try:
            form = af.answer_option(form, p, key, value)
        except KeyError:
            return Reply([self._screen(form, p)], STALE)
        await self._save(app, form)
        return Reply([self._screen(form, p)])

    async def navigate(self, user_id: int, action: str, at: str, arg: str) -> Reply:
        state = await self._current(user_id)
        if state is None:
            return Reply([], STALE)
        app, form, p = state
        here = await self.position(user_id)
        try:
            if action == "back" and at == here:
                form = af.back(form, p)
            elif action == "edit":
                form = af.edit(form, p, arg)
            else:
                return Reply([self._screen(form, p)], STALE)
        except KeyError:
            return Reply([self._screen(form, p)], STALE)
        await self._set_mode(user_id, "apply")
        await self._save(app, form)
        return Reply([self._screen(form, p)])
