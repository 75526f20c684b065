"""The staff desk: what each staff button and typed input does. The caller (bot/handlers/staff.py)
has checked that the sender is staff; admin-only actions are checked here, on every call.

State between steps (queue filters, a decision being prepared, an announcement draft, the input
awaited) lives in the staff member's StaffSession row, so a restart loses none of it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.db.confirmations import DECIDE
from bot.i18n import available_locales
from bot.services import quota, stats
from bot.services.applications import ApplicationError
from bot.services.faq import UNHELPFUL, UNMATCHED, FaqService
from bot.services.replies import Reply
from bot.services.staff import ADMIN, StaffError
from bot.services.staff_admin_desk import StaffAdminDesk
from bot.services.staff_desk_base import ACTIONS, ADMIN_ACTS, DECISIONS, MAX_ANNOUNCEMENT, MAX_NOTE
from bot.services.staff_ticket_desk import StaffTicketDesk
from bot.services.uploads import StoredFile, stored_file
from dialogs import staff as ui
from dialogs import staff_announcements as ann_ui
from dialogs import staff_decisions as decisions
from dialogs import staff_team as team_ui
from dialogs import statuses as st
from dialogs.results import quota_screen
from dialogs.uploads import document_name
from knowledge.loader import load
from knowledge.text import Message


class StaffDesk(StaffAdminDesk, StaffTicketDesk):
    """The whole staff desk: the entry points, the menu, the queue and one application here; the
    admin actions in StaffAdminDesk; the questions (tickets) in StaffTicketDesk; the state and
    services in StaffDeskBase."""

    # -- entry points ----------------------------------------------------------------------------

    async def menu(self) -> Reply:
        await self._stop_waiting()
        return Reply([ui.menu_screen(self.role, self.state.locale)])

    async def press(self, act: str, ident: int, arg: str) -> Reply:
        if act in ADMIN_ACTS and self.role != ADMIN:
            return Reply([ui.menu_screen(self.role, self.state.locale)], ui.ERRORS["not_admin"])
        reply = await ACTIONS.run(self, act, ident, arg)
        return reply if reply is not None else await self.menu()  # an unknown or retired staff button

    async def text(self, text: str, html: str) -> Reply:
        """Typed input the desk asked for (a note, a staff id, an announcement version)."""
        awaiting = self._get("awaiting") or {}
        kind = awaiting.get("kind")
        if kind == "tail":  # the rest of a text just refused for its length
            self._set(awaiting=None)
            await self._save()
            if self.clock.now() <= datetime.fromisoformat(str(awaiting.get("until"))):
                return Reply([], ui.ERRORS["tail"])
            return await self.menu()
        if kind == "note":
            decision = self._get("decision") or {}
            if len(text.strip()) > MAX_NOTE:  # refused, not cut: the note "is sent as you write it"
                await self._drop_tail()  # the next part of a text Telegram split is not the note
                app_id = int(decision.get("app", 0))
                app = await self.review.application(app_id)
                if app is None:
                    return await self._gone()
                screen = decisions.reason_screen(app_id, app.reference or "", str(decision.get("status")))
                return Reply([screen], decisions.NOTE_TOO_LONG)  # the reason again, then the note
            self._set(decision={**decision, "note": text.strip()}, awaiting=None)
            await self._save()
            return await self._confirm(int(decision.get("app", 0)))
        if kind == "ticket":
            seen = awaiting.get("seen")
            return await self._ticket_text(int(awaiting.get("id", 0)), text, seen if isinstance(seen, int) else None)
        if kind == "staff_id" and self.role == ADMIN:
            digits = text.strip()
            if not digits.isdigit() or len(digits) > 15:
                return Reply([team_ui.add_staff_prompt(str(awaiting.get("role")))], ui.ERRORS["bad_id"])
            self._set(awaiting=None)
            try:
                await self.staff.add(self.actor, int(digits), str(awaiting.get("role")))
            except StaffError as bad:
                await self._save()
                return await self._with_notice(self._act_team(0, ""), ui.ERRORS.get(bad.code))
            return await self._act_team(0, "")
        if kind == "version" and self.role == ADMIN:
            if not text.strip() or len(html) > MAX_ANNOUNCEMENT:  # not waiting again (a split text's tail)
                await self._drop_tail()
                return Reply([ann_ui.draft_screen(self._draft(), available_locales())], ui.ERRORS["version_too_long"])
            draft = self._draft()
            code = str(awaiting.get("code"))
            draft["versions"] = {**draft["versions"], code: html}
            draft["fallback"] = draft.get("fallback") or code
            self._set(draft=draft, awaiting=None)
            await self._save()
            return Reply([ann_ui.draft_screen(draft, available_locales())])
        return await self.menu()

    def awaiting_input(self) -> bool:
        return bool(self._get("awaiting"))

    # -- menu, language, quota, statistics ---------------------------------------------------------

    @ACTIONS("menu")
    async def _act_menu(self, ident: int, arg: str) -> Reply:
        return await self.menu()

    @ACTIONS("lang")
    async def _act_lang(self, ident: int, arg: str) -> Reply:
        if arg in ui.LANGUAGE_NAMES:
            self.state.locale = arg
        return await self.menu()

    @ACTIONS("quota")
    async def _act_quota(self, ident: int, arg: str) -> Reply:
        return Reply(
            [
                quota_screen(await quota.issued(self.session), self.clock.now()),
                ui.menu_screen(self.role, self.state.locale),
            ]
        )

    @ACTIONS("stats")
    async def _act_stats(self, ident: int, arg: str) -> Reply:
        return Reply([team_ui.stats_screen(await stats.funnel(self.session))])

    @ACTIONS("asked")
    async def _act_asked(self, ident: int, arg: str) -> Reply:
        faq = FaqService(self.session, self.clock)
        top = [await faq.top(kind, 15) for kind in (UNMATCHED, UNHELPFUL)]
        return Reply([team_ui.asked_screen(*top)])

    # -- the queue -------------------------------------------------------------------------------

    def _filter(self) -> ui.QueueFilter:
        return ui.QueueFilter.of(self._get("queue"))

    @ACTIONS("queue")
    async def _act_queue(self, ident: int, arg: str) -> Reply:
        self._set(decision=None, awaiting=None)
        await self._save()
        flt = self._filter()
        rows, total = await self.review.queue(flt)
        last = max((total - 1) // ui.PAGE, 0)
        if flt.page > last:  # applications decided since: the last page that has some
            flt = replace(flt, page=last)
            self._set(queue=flt.as_dict())
            await self._save()
            rows, total = await self.review.queue(flt)
        return Reply([ui.queue_screen(rows, total, flt)])

    @ACTIONS("page")
    async def _act_page(self, ident: int, arg: str) -> Reply:
        if arg.isdecimal() and len(arg) < 6:  # a forged "²" passes isdigit, 10**30 overflows the OFFSET
            self._set(queue={**self._filter().as_dict(), "page": int(arg)})
        return await self._act_queue(0, "")

    @ACTIONS("filter")
    async def _act_filter(self, ident: int, arg: str) -> Reply:
        if arg not in ("status", "occupation", "language"):
            return await self._act_queue(0, "")
        return Reply([ui.filter_screen(arg, await self.review.languages())])

    @ACTIONS("setf")
    async def _act_setf(self, ident: int, arg: str) -> Reply:
        key, _, value = arg.partition("=")
        valid = {
            "status": set(st.STATUSES),
            "occupation": {o.id for o in load().occupations},
            "language": set(available_locales()),
        }
        if value in valid.get(key, set()):
            self._set(queue={**self._filter().as_dict(), key: value, "page": 0})
        return await self._act_queue(0, "")

    @ACTIONS("clear")
    async def _act_clear(self, ident: int, arg: str) -> Reply:
        self._set(queue=ui.QueueFilter().as_dict())
        return await self._act_queue(0, "")

    # -- one application -------------------------------------------------------------------------

    @ACTIONS("open")
    async def _act_open(self, ident: int, arg: str, *, files: bool = True) -> Reply:
        self._set(decision=None, awaiting=None)
        app = await self.review.application(ident)
        if app is None:  # drafts are not staff's: only an erased one is missing
            await self._save()
            return await self._gone()
        detail = await self.review.detail(self.actor, app)  # commits (with the audit entry)
        reply = Reply([ui.application_screen(detail)])
        if files:
            reply.documents = await self._files(app.id)
        return reply

    async def _gone(self) -> Reply:
        """A button of an application the applicant erased: the queue, saying so."""
        return await self._with_notice(self._act_queue(0, ""), ui.ERRORS["gone"])

    async def _reopen(self, ident: int, notice: Message) -> Reply:
        """The application again under ``notice``; the queue, saying so, once it was erased."""
        reply = await self._act_open(ident, "", files=False)
        if reply.notice is None:  # _act_open's own notice: the application is gone
            reply.notice = notice
        return reply

    async def _files(self, app_id: int) -> list[StoredFile]:
        app = await self.review.application(app_id)
        if app is None:
            return []
        return [stored_file(d, app.reference, document_name(d.kind)) for d in await self.review.documents(app)]

    @ACTIONS("files")
    async def _act_files(self, ident: int, arg: str) -> Reply:
        if await self.review.application(ident) is None:
            return await self._gone()
        return Reply(documents=await self._files(ident))

    @ACTIONS("move")
    async def _act_move(self, ident: int, arg: str) -> Reply:
        """Under review: no reason or note, no confirmation; refused if the application moved since
        the screen showed it (another reviewer asked for more information meanwhile)."""
        target, shown = ui.target_and_seen(arg)
        if target != st.UNDER_REVIEW:
            return await self._act_open(ident, "", files=False)
        return await self._change(ident, target, None, None, shown)

    @ACTIONS("decide")
    async def _act_decide(self, ident: int, arg: str) -> Reply:
        app = await self.review.application(ident)
        if app is None:
            return await self._gone()
        arg, shown = ui.target_and_seen(arg)
        if arg not in DECISIONS or st.TRANSITIONS.get(app.status, {}).get(arg) != st.PROVINCE:
            return await self._reopen(ident, ui.ERRORS["stale"])
        if shown is not None and shown != app.status:  # decided on a screen older than the application
            return await self._reopen(ident, ui.ERRORS["stale"])
        # Said before the reason and the note are asked, in a line: the application stays on screen above.
        if app.user_id == self.actor:
            return Reply([], ui.ERRORS["own"])
        if arg == st.RECOMMENDED and await quota.used_up(self.session):  # checked again when it is taken
            return Reply([], ui.ERRORS["quota"])
        # The status the reviewer sees now: the decision is made on it, and refused if the
        # application moves before the confirmation (another reviewer decided meanwhile).
        self._set(decision={"app": ident, "status": arg, "seen": app.status}, awaiting=None)
        await self._save()
        if arg in st.REASONS:
            return Reply([decisions.reason_screen(ident, app.reference or "", arg)])
        return await self._confirm(ident)

    def _decision(self, ident: int) -> dict[str, Any] | None:
        decision = self._get("decision") or {}
        return decision if decision.get("app") == ident else None

    @ACTIONS("reason")
    async def _act_reason(self, ident: int, arg: str) -> Reply:
        decision = self._decision(ident)
        if decision is None or arg not in st.REASONS.get(decision["status"], {}):
            return await self._reopen(ident, ui.ERRORS["stale"])
        self._set(decision={**decision, "reason": arg}, awaiting={"kind": "note"})
        await self._save()
        return Reply([decisions.note_screen(ident)])

    @ACTIONS("confirm")
    async def _act_confirm(self, ident: int, arg: str) -> Reply:
        await self._stop_waiting()
        return await self._confirm(ident)

    async def _confirm(self, ident: int) -> Reply:
        decision = self._decision(ident)
        app = await self.review.application(ident)
        if app is None:
            return await self._gone()
        if decision is None:  # cancelled or made since: this button's screen is gone, not the application changed
            return await self._reopen(ident, ui.ERRORS["used"])
        token = await self.confirmations.ask(self.actor, DECIDE, ident)  # this screen's Confirm, once
        screen = decisions.confirm_screen(
            ident,
            app.reference or "",
            decision["status"],
            decision.get("reason"),
            decision.get("note"),
            await quota.issued(self.session),
            load().programme.quota,
            token,
            filed=app.gg24_receipt is not None,
        )
        await self._save()
        return Reply([screen])

    @ACTIONS("commit")
    async def _act_commit(self, ident: int, arg: str) -> Reply:
        decision = self._decision(ident)
        if decision is None:  # a second tap after the decision was made: nothing is done twice
            return await self._reopen(ident, ui.ERRORS["used"])
        if not await self.confirmations.spend(self.actor, DECIDE, arg, ident):
            # The Confirm of an older screen while the decision still waits: it is asked again, so
            # the pending decision is not lost (it was, and the newer screen's Confirm failed too).
            return await self._with_notice(self._confirm(ident), ui.ERRORS["used"])
        self._set(decision=None, awaiting=None)
        return await self._change(
            ident, decision["status"], decision.get("reason"), decision.get("note"), decision.get("seen")
        )

    async def _change(
        self, ident: int, status: str, reason: str | None, note: str | None, seen: str | None = None
    ) -> Reply:
        app = await self.review.application(ident)
        if app is None or app.reference is None:
            await self._save()
            return await self._gone()
        reference = app.reference
        await self._save()  # the cleared decision and the spent token, before the change's own transaction
        try:
            await self.applications.change_status(
                reference, status, actor_id=self.actor, reason=reason, note=note, expected=seen
            )
        except ApplicationError as bad:
            await self._after_refusal()
            if bad.code == "gone":
                return await self._gone()
            return await self._reopen(ident, _refusal(bad))
        return await self._reopen(ident, decisions.done_line(reference, status))


def _refusal(bad: ApplicationError) -> Message:
    """What a reviewer is told when their change is refused: the reason, never an apology."""
    if bad.code in ("quota", "own"):
        return ui.ERRORS[bad.code]
    if bad.last is not None:
        return decisions.decided_meanwhile(bad.last.status, bad.last.actor, bad.last.at)
    return ui.ERRORS["not_allowed"]
