"""The staff desk's admin part: companies, staff members, announcements (admin-only actions are
refused in StaffDesk.press before they get here)."""

from __future__ import annotations

from typing import Any

from bot.db.confirmations import CANCEL_ANNOUNCEMENT
from bot.i18n import available_locales
from bot.services.announcements import AnnouncementError
from bot.services.replies import Reply
from bot.services.staff import ADMIN, StaffError
from bot.services.staff_desk_base import ACTIONS, StaffDeskBase, for_admins
from dialogs import staff as ui
from dialogs import staff_announcements as ann_ui
from dialogs import staff_team as team_ui
from dialogs import statuses as st
from knowledge.loader import load


class StaffAdminDesk(StaffDeskBase):
    # -- companies registered by employers -----------------------------------------------------

    @ACTIONS("companies")
    async def _act_companies(self, ident: int, arg: str) -> Reply:
        rows = [(c.id, c.name, c.brn, c.city) for c in await self.employers.unverified()]
        return Reply([team_ui.companies_screen(rows, self.role == ADMIN)])

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

    @for_admins("rmcompany")
    async def _act_rmcompany(self, ident: int, arg: str) -> Reply:
        found = await self.employers.removal_counts(ident)
        if found is None:  # removed meanwhile (or its last member erased it)
            return await self._with_notice(self._act_companies(0, ""), team_ui.COMPANY_GONE)
        company, members, candidates = found
        return Reply([team_ui.remove_company_question(company.id, company.name, company.brn, members, candidates)])

    @for_admins("rmcompany_sure")
    async def _act_rmcompany_sure(self, ident: int, arg: str) -> Reply:
        company = await self.employers.remove_registration(ident)
        if company is None:
            return await self._with_notice(self._act_companies(0, ""), team_ui.COMPANY_GONE)
        self.staff.audit(self.actor, "company.remove", f"company:{ident}", {"brn": company.brn}, {"removed": True})
        await self._save()
        return await self._with_notice(self._act_companies(0, ""), team_ui.COMPANY_REMOVED)

    # -- staff members (admins) --------------------------------------------------------------------

    @for_admins("team")
    async def _act_team(self, ident: int, arg: str) -> Reply:
        await self._stop_waiting()
        members = await self.staff.members()
        return Reply([team_ui.team_screen([(m.user_id, m.role, m.configured) for m in members])])

    @for_admins("addstaff")
    async def _act_addstaff(self, ident: int, arg: str) -> Reply:
        if arg not in ("reviewer", "admin"):
            return await self._act_team(0, "")
        self._set(awaiting={"kind": "staff_id", "role": arg})
        await self._save()
        return Reply([team_ui.add_staff_prompt(arg)])

    @for_admins("unstaff")
    async def _act_unstaff(self, ident: int, arg: str) -> Reply:
        try:
            await self.staff.remove(self.actor, ident)
        except StaffError as bad:
            return await self._with_notice(self._act_team(0, ""), ui.ERRORS.get(bad.code))
        return await self._act_team(0, "")

    @for_admins("audit")
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

    @for_admins("ann")
    async def _act_ann(self, ident: int, arg: str) -> Reply:
        return Reply([ann_ui.announcements_screen(await self.announcements.latest())])

    @for_admins("newann")
    async def _act_newann(self, ident: int, arg: str) -> Reply:
        draft = self._draft()
        self._set(draft=draft, awaiting=None)
        await self._save()
        return Reply([ann_ui.draft_screen(draft, available_locales())])

    @for_admins("annlang")
    async def _act_annlang(self, ident: int, arg: str) -> Reply:
        if arg not in available_locales():
            return await self._act_newann(0, "")
        self._set(draft=self._draft(), awaiting={"kind": "version", "code": arg})
        await self._save()
        return Reply([ann_ui.version_prompt(arg)])

    @for_admins("annaud")
    async def _act_annaud(self, ident: int, arg: str) -> Reply:
        return Reply([ann_ui.audience_screen(available_locales())])

    @for_admins("annset")
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

    @for_admins("annfb")
    async def _act_annfb(self, ident: int, arg: str) -> Reply:
        draft = self._draft()
        if arg in draft["versions"]:
            draft["fallback"] = arg
            self._set(draft=draft)
        return await self._act_newann(0, "")

    @for_admins("annpreview")
    async def _act_annpreview(self, ident: int, arg: str) -> Reply:
        draft = self._draft()
        if not draft["versions"]:
            return await self._with_notice(self._act_newann(0, ""), ui.ERRORS["no_versions"])
        per_language = await self.announcements.per_language(draft["audience"])
        reply = Reply([ann_ui.preview_screen(draft, per_language, available_locales())])
        reply.raw = list(draft["versions"].items())
        return reply

    @for_admins("annsend")
    async def _act_annsend(self, ident: int, arg: str) -> Reply:
        draft = self._get("draft")
        if not draft:  # already sent (a second tap) or discarded: said, with the list
            return await self._with_notice(self._act_ann(0, ""), ui.ERRORS["used"])
        if arg != ann_ui.draft_mark(draft):  # an older preview: the draft has changed since
            return await self._with_notice(self._act_annpreview(0, ""), ann_ui.DRAFT_CHANGED)
        self._set(draft=None, awaiting=None)
        try:
            ann = await self.announcements.create(self.actor, draft)  # commits, the cleared draft with it
        except AnnouncementError as bad:
            return await self._with_notice(self._act_newann(0, ""), ui.ERRORS[bad.code])
        return Reply([ann_ui.announcement_view(await self.announcements.row(ann))])

    @for_admins("annview")
    async def _act_annview(self, ident: int, arg: str) -> Reply:
        ann = await self.announcements.get(ident)
        if ann is None:
            return await self._act_ann(0, "")
        return Reply([ann_ui.announcement_view(await self.announcements.row(ann))])

    @for_admins("anncancel")
    async def _act_anncancel(self, ident: int, arg: str) -> Reply:
        """Asks first: cancelling stops the messages not yet sent, for good."""
        ann = await self.announcements.get(ident)
        if ann is None:
            return await self._act_annview(ident, "")
        if ann.state != "sending":  # finished or cancelled meanwhile: nothing left to stop
            return await self._with_notice(self._act_annview(ident, ""), ui.ERRORS["not_sending"])
        token = await self.confirmations.ask(self.actor, CANCEL_ANNOUNCEMENT, ident)
        await self._save()
        return Reply([ann_ui.cancel_announcement_screen(await self.announcements.row(ann), token)])

    @for_admins("annstop")
    async def _act_annstop(self, ident: int, arg: str) -> Reply:
        if not await self.confirmations.spend(self.actor, CANCEL_ANNOUNCEMENT, arg, ident):
            return await self._with_notice(self._act_annview(ident, ""), ui.ERRORS["used"])
        ann = await self.announcements.cancel(self.actor, ident)  # commits, the spent token with it
        if ann is None:
            return await self._act_ann(0, "")
        return Reply([ann_ui.announcement_view(await self.announcements.row(ann))])

    @for_admins("anndiscard")
    async def _act_anndiscard(self, ident: int, arg: str) -> Reply:
        self._set(draft=None, awaiting=None)
        await self._save()
        return await self._act_ann(0, "")


def _change_text(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    def short(d: dict[str, Any] | None) -> str:
        return ", ".join(f"{k}={v}" for k, v in (d or {}).items()) or "—"

    return f"[{short(before)}] → [{short(after)}]"
