"""The staff desk: what each staff button and typed input does. The caller (bot/handlers/staff.py)
has checked that the sender is staff; admin-only actions are checked here, on every call.

State between steps (queue filters, a decision being prepared, an announcement draft, the input
awaited) lives in the staff member's StaffSession row, so a restart loses none of it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.crypto import Vault
from bot.db.confirmations import CANCEL_ANNOUNCEMENT, DECIDE, Confirmations
from bot.db.models import StaffSession, User
from bot.i18n import available_locales
from bot.services import modes, quota, stats
from bot.services.actions import ActionTable
from bot.services.announcements import AnnouncementError, AnnouncementService
from bot.services.applications import ApplicationError, ApplicationService
from bot.services.employers import EmployerService
from bot.services.modes import Mode
from bot.services.replies import Reply
from bot.services.review import ReviewService
from bot.services.staff import ADMIN, StaffError, StaffService
from bot.services.uploads import FileStore, StoredFile, stored_file
from dialogs import staff as ui
from dialogs import staff_announcements as ann_ui
from dialogs import staff_team as team_ui
from dialogs import statuses as st
from dialogs.results import quota_screen
from dialogs.uploads import document_name
from knowledge.loader import load
from knowledge.text import Message

ADMIN_ACTS = frozenset(
    {
        "team",
        "addstaff",
        "unstaff",
        "audit",
        "ann",
        "newann",
        "annlang",
        "annaud",
        "annset",
        "annfb",
        "annpreview",
        "annsend",
        "annview",
        "anncancel",
        "annstop",
        "anndiscard",
    }
)
DECISIONS = (st.INFO_REQUESTED, st.RECOMMENDED, st.NOT_RECOMMENDED)
MAX_ANNOUNCEMENT = 3500  # characters of HTML: the heading and Telegram's 4,096 limit leave this much


# Every staff button, by its action name: the methods below register themselves.
ACTIONS: ActionTable[Reply] = ActionTable()


class StaffDesk:
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
            # Typed text goes to the staff desk while it waits for some (a cheap check per message).
            if values["awaiting"]:
                modes.put(self.user, Mode.STAFF)
            elif self.user.mode == Mode.STAFF:
                modes.put(self.user, Mode.CHECK)

    async def _save(self) -> None:
        await self.session.commit()

    async def _after_refusal(self) -> None:
        """A refused change rolled the transaction back, which expires every loaded row: read
        this desk's own rows again so the screen that follows can use them."""
        await self.session.refresh(self.state)
        if self.user is not None:
            await self.session.refresh(self.user)

    # -- entry points ----------------------------------------------------------------------------

    async def menu(self) -> Reply:
        self._set(awaiting=None)
        await self._save()
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
        if kind == "note":
            decision = self._get("decision") or {}
            self._set(decision={**decision, "note": text.strip()[:1000]}, awaiting=None)
            await self._save()
            return await self._confirm(int(decision.get("app", 0)))
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
            if not text.strip() or len(html) > MAX_ANNOUNCEMENT:
                return Reply([ann_ui.version_prompt(str(awaiting.get("code")))], ui.ERRORS["bad_text"])
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

    async def _with_notice(self, reply_coro: Any, notice: Message | None) -> Reply:
        reply: Reply = await reply_coro
        reply.notice = notice
        return reply

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

    # -- the queue -------------------------------------------------------------------------------

    def _filter(self) -> ui.QueueFilter:
        return ui.QueueFilter.of(self._get("queue"))

    @ACTIONS("queue")
    async def _act_queue(self, ident: int, arg: str) -> Reply:
        self._set(decision=None, awaiting=None)
        await self._save()
        flt = self._filter()
        rows, total = await self.review.queue(flt)
        return Reply([ui.queue_screen(rows, total, flt)])

    @ACTIONS("page")
    async def _act_page(self, ident: int, arg: str) -> Reply:
        if arg.isdigit():
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
        if app is None:
            await self._save()
            return await self._with_notice(self._act_queue(0, ""), ui.ERRORS["stale"])
        detail = await self.review.detail(self.actor, app)  # commits (with the audit entry)
        reply = Reply([ui.application_screen(detail)])
        if files:
            reply.documents = await self._files(app.id)
        return reply

    async def _files(self, app_id: int) -> list[StoredFile]:
        app = await self.review.application(app_id)
        if app is None:
            return []
        return [stored_file(d, app.reference, document_name(d.kind)) for d in await self.review.documents(app)]

    @ACTIONS("files")
    async def _act_files(self, ident: int, arg: str) -> Reply:
        return Reply(documents=await self._files(ident))

    @ACTIONS("move")
    async def _act_move(self, ident: int, arg: str) -> Reply:
        """Under review: no reason or note, no confirmation."""
        if arg != st.UNDER_REVIEW:
            return await self._act_open(ident, "", files=False)
        return await self._change(ident, arg, None, None)

    @ACTIONS("decide")
    async def _act_decide(self, ident: int, arg: str) -> Reply:
        app = await self.review.application(ident)
        if app is None or arg not in DECISIONS or st.TRANSITIONS.get(app.status, {}).get(arg) != st.PROVINCE:
            return await self._with_notice(self._act_open(ident, "", files=False), ui.ERRORS["stale"])
        # The status the reviewer sees now: the decision is made on it, and refused if the
        # application moves before the confirmation (another reviewer decided meanwhile).
        self._set(decision={"app": ident, "status": arg, "seen": app.status}, awaiting=None)
        await self._save()
        if arg in st.REASONS:
            return Reply([ui.reason_screen(ident, app.reference or "", arg)])
        return await self._confirm(ident)

    def _decision(self, ident: int) -> dict[str, Any] | None:
        decision = self._get("decision") or {}
        return decision if decision.get("app") == ident else None

    @ACTIONS("reason")
    async def _act_reason(self, ident: int, arg: str) -> Reply:
        decision = self._decision(ident)
        if decision is None or arg not in st.REASONS.get(decision["status"], {}):
            return await self._with_notice(self._act_open(ident, "", files=False), ui.ERRORS["stale"])
        self._set(decision={**decision, "reason": arg}, awaiting={"kind": "note"})
        await self._save()
        return Reply([ui.note_screen(ident)])

    @ACTIONS("confirm")
    async def _act_confirm(self, ident: int, arg: str) -> Reply:
        self._set(awaiting=None)
        await self._save()
        return await self._confirm(ident)

    async def _confirm(self, ident: int) -> Reply:
        decision = self._decision(ident)
        app = await self.review.application(ident)
        if decision is None or app is None:
            return await self._with_notice(self._act_open(ident, "", files=False), ui.ERRORS["stale"])
        token = await self.confirmations.ask(self.actor, DECIDE, ident)  # this screen's Confirm, once
        screen = ui.confirm_screen(
            ident,
            app.reference or "",
            decision["status"],
            decision.get("reason"),
            decision.get("note"),
            await quota.issued(self.session),
            load().programme.quota,
            token,
        )
        await self._save()
        return Reply([screen])

    @ACTIONS("commit")
    async def _act_commit(self, ident: int, arg: str) -> Reply:
        decision = self._decision(ident)
        if decision is None or not await self.confirmations.spend(self.actor, DECIDE, arg, ident):
            # A second tap, or the Confirm of an older screen: nothing is done twice.
            return await self._with_notice(self._act_open(ident, "", files=False), ui.ERRORS["used"])
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
            return await self._with_notice(self._act_queue(0, ""), ui.ERRORS["gone"])
        reference = app.reference
        await self._save()  # the cleared decision and the spent token, before the change's own transaction
        try:
            await self.applications.change_status(
                reference, status, actor_id=self.actor, reason=reason, note=note, expected=seen
            )
        except ApplicationError as bad:
            await self._after_refusal()
            if bad.code == "gone":
                return await self._with_notice(self._act_queue(0, ""), ui.ERRORS["gone"])
            return await self._with_notice(self._act_open(ident, "", files=False), _refusal(bad))
        return await self._with_notice(self._act_open(ident, "", files=False), ui.done_line(reference, status))

    # -- companies registered by employers -----------------------------------------------------

    @ACTIONS("companies")
    async def _act_companies(self, ident: int, arg: str) -> Reply:
        rows = [(c.id, c.name, c.brn, c.city) for c in await self.employers.unverified()]
        return Reply([team_ui.companies_screen(rows)])

    @ACTIONS("verify")
    async def _act_verify(self, ident: int, arg: str) -> Reply:
        company = await self.employers.verify(self.actor, ident)
        if company is not None and company.verified_by == self.actor:
            self.staff.audit(
                self.actor,
                "company.verify",
                f"company:{company.id}",
                {"verified": False},
                {"verified": True, "brn": company.brn},
            )
            await self._save()
        return await self._act_companies(0, "")

    # -- staff members (admins) --------------------------------------------------------------------

    @ACTIONS("team")
    async def _act_team(self, ident: int, arg: str) -> Reply:
        self._set(awaiting=None)
        await self._save()
        members = await self.staff.members()
        return Reply([team_ui.team_screen([(m.user_id, m.role, m.configured) for m in members])])

    @ACTIONS("addstaff")
    async def _act_addstaff(self, ident: int, arg: str) -> Reply:
        if arg not in ("reviewer", "admin"):
            return await self._act_team(0, "")
        self._set(awaiting={"kind": "staff_id", "role": arg})
        await self._save()
        return Reply([team_ui.add_staff_prompt(arg)])

    @ACTIONS("unstaff")
    async def _act_unstaff(self, ident: int, arg: str) -> Reply:
        try:
            await self.staff.remove(self.actor, ident)
        except StaffError as bad:
            return await self._with_notice(self._act_team(0, ""), ui.ERRORS.get(bad.code))
        return await self._act_team(0, "")

    @ACTIONS("audit")
    async def _act_audit(self, ident: int, arg: str) -> Reply:
        entries = [
            (e.at, e.actor_id, e.action, e.target, _change_text(e.before, e.after))
            for e in await self.staff.audit_log()
        ]
        return Reply([team_ui.audit_screen(entries)])

    # -- announcements (admins) --------------------------------------------------------------------

    def _draft(self) -> dict[str, Any]:
        draft = self._get("draft") or {}
        return {
            "audience": dict(draft.get("audience") or {"kind": "all"}),
            "versions": dict(draft.get("versions") or {}),
            "fallback": draft.get("fallback"),
        }

    @ACTIONS("ann")
    async def _act_ann(self, ident: int, arg: str) -> Reply:
        return Reply([ann_ui.announcements_screen(await self.announcements.latest())])

    @ACTIONS("newann")
    async def _act_newann(self, ident: int, arg: str) -> Reply:
        draft = self._draft()
        self._set(draft=draft, awaiting=None)
        await self._save()
        return Reply([ann_ui.draft_screen(draft, available_locales())])

    @ACTIONS("annlang")
    async def _act_annlang(self, ident: int, arg: str) -> Reply:
        if arg not in available_locales():
            return await self._act_newann(0, "")
        self._set(draft=self._draft(), awaiting={"kind": "version", "code": arg})
        await self._save()
        return Reply([ann_ui.version_prompt(arg)])

    @ACTIONS("annaud")
    async def _act_annaud(self, ident: int, arg: str) -> Reply:
        return Reply([ann_ui.audience_screen(available_locales())])

    @ACTIONS("annset")
    async def _act_annset(self, ident: int, arg: str) -> Reply:
        kind, _, value = arg.partition("=")
        valid = {
            "all": {""},
            "employers": {""},
            "status": set(st.STATUSES) - {st.DRAFT},
            "occupation": {o.id for o in load().occupations},
            "language": set(available_locales()),
        }
        draft = self._draft()
        if value in valid.get(kind, set()):
            draft["audience"] = {"kind": kind, "value": value}
            self._set(draft=draft)
        return await self._act_newann(0, "")

    @ACTIONS("annfb")
    async def _act_annfb(self, ident: int, arg: str) -> Reply:
        draft = self._draft()
        if arg in draft["versions"]:
            draft["fallback"] = arg
            self._set(draft=draft)
        return await self._act_newann(0, "")

    @ACTIONS("annpreview")
    async def _act_annpreview(self, ident: int, arg: str) -> Reply:
        draft = self._draft()
        if not draft["versions"]:
            return await self._with_notice(self._act_newann(0, ""), ui.ERRORS["no_versions"])
        per_language = await self.announcements.per_language(draft["audience"])
        reply = Reply([ann_ui.preview_screen(draft, per_language, available_locales())])
        reply.raw = list(draft["versions"].items())
        return reply

    @ACTIONS("annsend")
    async def _act_annsend(self, ident: int, arg: str) -> Reply:
        draft = self._get("draft")
        if not draft:  # already sent (a second tap) or discarded
            return await self._act_ann(0, "")
        self._set(draft=None, awaiting=None)
        try:
            ann = await self.announcements.create(self.actor, draft)  # commits, the cleared draft with it
        except AnnouncementError as bad:
            return await self._with_notice(self._act_newann(0, ""), ui.ERRORS[bad.code])
        return Reply([ann_ui.announcement_view(await self.announcements.row(ann))])

    @ACTIONS("annview")
    async def _act_annview(self, ident: int, arg: str) -> Reply:
        ann = await self.announcements.get(ident)
        if ann is None:
            return await self._act_ann(0, "")
        return Reply([ann_ui.announcement_view(await self.announcements.row(ann))])

    @ACTIONS("anncancel")
    async def _act_anncancel(self, ident: int, arg: str) -> Reply:
        """Asks first: cancelling stops the messages not yet sent, for good."""
        ann = await self.announcements.get(ident)
        if ann is None or ann.state != "sending":
            return await self._act_annview(ident, "")
        token = await self.confirmations.ask(self.actor, CANCEL_ANNOUNCEMENT, ident)
        await self._save()
        return Reply([ann_ui.cancel_announcement_screen(await self.announcements.row(ann), token)])

    @ACTIONS("annstop")
    async def _act_annstop(self, ident: int, arg: str) -> Reply:
        if not await self.confirmations.spend(self.actor, CANCEL_ANNOUNCEMENT, arg, ident):
            return await self._with_notice(self._act_annview(ident, ""), ui.ERRORS["used"])
        ann = await self.announcements.cancel(self.actor, ident)  # commits, the spent token with it
        if ann is None:
            return await self._act_ann(0, "")
        return Reply([ann_ui.announcement_view(await self.announcements.row(ann))])

    @ACTIONS("anndiscard")
    async def _act_anndiscard(self, ident: int, arg: str) -> Reply:
        self._set(draft=None, awaiting=None)
        await self._save()
        return await self._act_ann(0, "")


def _refusal(bad: ApplicationError) -> Message:
    """What a reviewer is told when their change is refused: the reason, never an apology."""
    if bad.code == "quota":
        return ui.ERRORS["quota"]
    if bad.last is not None:
        return ui.decided_meanwhile(bad.last.status, bad.last.actor, bad.last.at)
    return ui.ERRORS["not_allowed"]


def _change_text(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    def short(d: dict[str, Any] | None) -> str:
        return ", ".join(f"{k}={v}" for k, v in (d or {}).items()) or "—"

    return f"[{short(before)}] → [{short(after)}]"
