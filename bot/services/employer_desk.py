"""What the employer's buttons (/employer) and the applicant's sharing buttons (/share) do, and the
typed input their forms wait for. Every call decides access from the database, never the button.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SEOUL, Clock
from bot.db.models import Company, EmployerLink, EmployerMember, User
from bot.services import modes
from bot.services.actions import ActionTable
from bot.services.employers import EmployerError, EmployerService
from bot.services.modes import Mode
from bot.services.replies import Reply
from bot.services.telegram import Telegram
from dialogs import employer as ui
from dialogs import employer_forms as forms
from dialogs import sharing
from dialogs.typed_answers import Invalid
from knowledge.text import Message, T, Text, Verbatim


def _done(template: Text, company: str) -> Text:
    return Text(template.msgid, {**template.params, "company": Verbatim(company)})


# Every employer and /share button, by its action name: the methods below register themselves.
EMPLOYER_ACTIONS: ActionTable[Reply] = ActionTable()  # anyone in the employer area
MEMBER_ACTIONS: ActionTable[Reply] = ActionTable()  # a company's members only
SHARE_ACTIONS: ActionTable[Reply] = ActionTable()  # the applicant's /share


class EmployerDesk:
    """An employer (registered or not yet) in their own chat."""

    def __init__(
        self, session: AsyncSession, clock: Clock, employers: EmployerService, telegram: Telegram, user: User
    ) -> None:
        self.session = session
        self.clock = clock
        self.employers = employers
        self.telegram = telegram
        self.user = user

    async def _form(self, value: dict[str, Any] | None) -> None:
        self.user.employer_form = value
        modes.put(self.user, Mode.EMPLOYER if value else Mode.CHECK)
        await self.session.commit()

    async def home(self, notice: Message | None = None) -> Reply:
        member = await self.employers.member(self.user.id)
        if member is None:
            return Reply([ui.intro_screen()], notice)
        await self.employers.name_unnamed(member)  # joined before names were kept
        company = await self.employers.company(member.company_id)
        assert company is not None
        rows = [
            ui.CandidateRow(link.id, link.state, name, ref)
            for link, name, ref in await self.employers.candidates(company.id)
        ]
        return Reply([ui.home_screen(company.name, company.verified_at is not None, rows)], notice)

    async def press(self, act: str, ident: int, arg: str) -> Reply:
        reply = await EMPLOYER_ACTIONS.run(self, act, ident, arg)
        if reply is not None:
            return reply
        member = await self.employers.member(self.user.id)
        if member is None:  # the rest are for a company's members: an old button of a removed one
            return await self.home(ui.ERRORS["gone"] if act in MEMBER_ACTIONS else None)
        reply = await MEMBER_ACTIONS.run(self, act, member, ident, arg)
        return reply if reply is not None else await self.home()

    @EMPLOYER_ACTIONS("home")
    async def _home(self, ident: int, arg: str) -> Reply:
        await self._form(None)
        return await self.home()

    @EMPLOYER_ACTIONS("register")
    async def _register(self, ident: int, arg: str) -> Reply:
        if await self.employers.member(self.user.id) is not None:
            return await self.home(ui.ERRORS["already_member"])
        return await self._start_form("register")

    @EMPLOYER_ACTIONS("code")
    async def _code(self, ident: int, arg: str) -> Reply:
        await self._form({"awaiting": "code"})
        return Reply([ui.code_prompt("home")])

    @MEMBER_ACTIONS("oblig")
    async def _oblig(self, member: EmployerMember, ident: int, arg: str) -> Reply:
        return await self._start_form("oblig")

    @MEMBER_ACTIONS("invite")
    async def _invite(self, member: EmployerMember, ident: int, arg: str) -> Reply:
        return await self._invite_screen("candidate", member)

    @MEMBER_ACTIONS("colleague")
    async def _colleague(self, member: EmployerMember, ident: int, arg: str) -> Reply:
        return await self._invite_screen("colleague", member)

    async def _invite_screen(self, kind: str, member: EmployerMember) -> Reply:
        try:
            code = await self.employers.new_code(kind, member=member)
        except EmployerError:  # removed meanwhile
            return await self.home(ui.ERRORS["gone"])
        link = await self.telegram.deep_link("c" if kind == "candidate" else "m", code)
        return Reply([ui.invite_screen(code, link, kind == "candidate")])

    @MEMBER_ACTIONS("team")
    async def _team(self, member: EmployerMember, ident: int, arg: str) -> Reply:
        company = await self.employers.company(member.company_id)
        assert company is not None
        protected = await self.employers.registrant_present(company)
        rows = [
            ui.TeamRow(
                m.user_id, m.joined_at.astimezone(SEOUL).date(), m.name, protected and m.user_id == company.created_by
            )
            for m in await self.employers.team(company.id)
        ]
        return Reply([ui.team_screen(company.name, rows, self.user.id)])

    @MEMBER_ACTIONS("unmember")  # ident: the colleague to remove, or the member themselves (leaving)
    async def _unmember(self, member: EmployerMember, ident: int, arg: str) -> Reply:
        company = await self.employers.company(member.company_id)
        assert company is not None
        target = await self.employers.member(ident)
        if target is None or target.company_id != company.id:  # left or removed meanwhile: not asked again
            return await self.home(ui.ERRORS["gone"])
        if ident != self.user.id and ident == company.created_by and await self.employers.registrant_present(company):
            return await self.home(ui.ERRORS["registrant"])  # no Remove is shown: an old or forged one
        return Reply(
            [
                ui.unmember_question(
                    company.name,
                    ui.TeamRow(ident, target.joined_at.astimezone(SEOUL).date(), target.name),
                    self.user.id,
                )
            ]
        )

    @MEMBER_ACTIONS("unmember_sure")  # the answer is checked under the company's lock, whatever the button
    async def _unmember_sure(self, member: EmployerMember, ident: int, arg: str) -> Reply:
        try:
            company = await self.employers.remove_member(self.user.id, ident)
        except EmployerError as bad:
            return await self.home(ui.ERRORS.get(bad.code, ui.ERRORS["gone"]))
        if ident == self.user.id:
            return await self.home(ui.left_company(company.name))
        reply = await self._team(member, 0, "")
        reply.notice = ui.member_removed(ident)
        return reply

    @MEMBER_ACTIONS("cand")
    async def _candidate(self, member: EmployerMember, ident: int, arg: str) -> Reply:
        link = await self.employers.followed(member, ident)
        if link is None:  # not theirs, revoked, or never existed: the same answer
            return await self.home(ui.ERRORS["gone"])
        return Reply([ui.candidate_screen(await self.employers.candidate_view(link))])

    @MEMBER_ACTIONS("files")
    async def _files(self, member: EmployerMember, ident: int, arg: str) -> Reply:
        link = await self.employers.followed(member, ident)
        if link is None:
            return await self.home(ui.ERRORS["gone"])
        files = await self.employers.shared_files(link)
        if not files:  # the candidate stopped sharing since the screen was shown: say so, with the screen now
            return Reply([ui.candidate_screen(await self.employers.candidate_view(link))], ui.ERRORS["gone"])
        return Reply(documents=files)

    @MEMBER_ACTIONS("unfollow")  # asked once more: the candidate is told, and only they can share again
    async def _unfollow(self, member: EmployerMember, ident: int, arg: str) -> Reply:
        link = await self.employers.followed(member, ident)
        if link is None:
            return await self.home(ui.ERRORS["gone"])
        return Reply([ui.unfollow_question(await self.employers.candidate_view(link))])

    @MEMBER_ACTIONS("unfollow_sure")
    async def _unfollow_sure(self, member: EmployerMember, ident: int, arg: str) -> Reply:
        if not await self.employers.stop_following(member, ident):
            return await self.home(ui.ERRORS["gone"])
        return await self.home(sharing.EMPLOYER_DONE["unfollowed"])

    async def _start_form(self, kind: str) -> Reply:
        await self._form({"kind": kind, "values": {}})
        field = forms.next_field(kind, {})
        assert field is not None
        return Reply([forms.field_screen(kind, field, {})])

    async def _next(self, kind: str, values: dict[str, Any]) -> Reply:
        await self._form({"kind": kind, "values": values})
        field = forms.next_field(kind, values)
        if field is not None:
            return Reply([forms.field_screen(kind, field, values)])
        if kind == "register":
            return Reply([forms.registration_review(values)])
        await self._form(None)
        return Reply([forms.obligations_screen(values, self.clock.now())])

    @EMPLOYER_ACTIONS("opt")  # arg: "<field>=<value>"
    async def _option(self, ident: int, arg: str) -> Reply:
        form = self.user.employer_form or {}
        kind, values = form.get("kind"), dict(form.get("values") or {})
        key, _, value = arg.partition("=")
        field = forms.next_field(kind, values) if kind in forms.FORMS else None
        if field is None or field.key != key or value not in {v for v, _ in field.options(values)}:
            return await self.home(T("That button is from an earlier message. Here is where you are now:"))
        values[key] = value
        return await self._next(str(kind), values)

    async def text(self, text: str) -> Reply:
        form = self.user.employer_form or {}
        if form.get("awaiting") == "code":
            return await self.redeem(text)
        kind, values = form.get("kind"), dict(form.get("values") or {})
        field = forms.next_field(kind, values) if kind in forms.FORMS else None
        if field is None or field.parse is None:
            return Reply(notice=T("Please use the buttons below."))
        try:
            values[field.key] = field.parse(text)
        except Invalid as bad:
            return Reply([forms.field_screen(str(kind), field, values)], bad.message)
        return await self._next(str(kind), values)

    @EMPLOYER_ACTIONS("save")
    async def _save_registration(self, ident: int, arg: str) -> Reply:
        form = self.user.employer_form or {}
        values = dict(form.get("values") or {})
        if form.get("kind") != "register" or forms.next_field("register", values) is not None:
            return await self.home()
        try:
            company = await self.employers.register(self.user.id, values)
        except EmployerError as bad:  # refused before anything was written
            return await self.home(ui.ERRORS[bad.code])
        await self._form(None)
        return await self.home(_done(sharing.EMPLOYER_DONE["registered"], company.name))

    async def redeem(self, code: str) -> Reply:
        """A code typed or from a deep link: a colleague's invite, or a candidate's code."""
        await self._form(None)
        try:
            redeemed = await self.employers.redeem(self.user.id, code, ("colleague", "employer"))
        except EmployerError as bad:
            return await self.home(ui.ERRORS.get(bad.code, ui.ERRORS["invalid"]))
        if redeemed.kind == "colleague":
            return await self.home(_done(sharing.EMPLOYER_DONE["joined"], redeemed.company.name))
        if redeemed.link is not None and redeemed.link.state == "active":  # shared already: nobody was asked
            return await self.home(sharing.EMPLOYER_DONE["following"])
        return await self.home(sharing.EMPLOYER_DONE["requested"])


class ShareDesk:
    """An applicant managing which employers follow their application (/share)."""

    def __init__(self, session: AsyncSession, employers: EmployerService, telegram: Telegram, user: User) -> None:
        self.session = session
        self.employers = employers
        self.telegram = telegram
        self.user = user

    async def home(self, notice: Message | None = None) -> Reply:
        rows = [_row(link, company) for link, company in await self.employers.links_of(self.user.id)]
        return Reply([sharing.share_screen(rows)], notice)

    async def press(self, act: str, ident: int, arg: str) -> Reply:
        reply = await SHARE_ACTIONS.run(self, act, ident, arg)
        return reply if reply is not None else await self.home()

    @SHARE_ACTIONS("invite")
    async def _invite(self, ident: int, arg: str) -> Reply:
        code = await self.employers.new_code("employer", applicant_id=self.user.id)
        return Reply([sharing.applicant_invite_screen(code, await self.telegram.deep_link("e", code))])

    @SHARE_ACTIONS("code")
    async def _code(self, ident: int, arg: str) -> Reply:
        self.user.employer_form = {"awaiting": "share_code"}
        modes.put(self.user, Mode.EMPLOYER)
        await self.session.commit()
        return Reply([ui.code_prompt("home")])

    @SHARE_ACTIONS("ask")
    async def _ask(self, ident: int, arg: str) -> Reply:
        found = await self.employers.own_link(self.user.id, ident)
        if found is None or found[0].state != "pending":
            return await self.home(ui.ERRORS["gone"])
        return Reply([sharing.approval_screen(found[0].id, found[1].name, found[1].verified_at is not None)])

    @SHARE_ACTIONS("company")
    async def _company(self, ident: int, arg: str) -> Reply:
        found = await self.employers.own_link(self.user.id, ident)
        if found is None or found[0].state != "active":
            return await self.home(ui.ERRORS["gone"])
        people = len(await self.employers.team(found[1].id))  # who at the company sees it
        return Reply([sharing.company_screen(_row(*found), people)])

    @SHARE_ACTIONS("approve", approve=True)
    @SHARE_ACTIONS("decline", approve=False)
    async def _decide(self, ident: int, arg: str, *, approve: bool) -> Reply:
        decided = await self.employers.decide(self.user.id, ident, approve)
        if decided is None:
            return await self.home(ui.ERRORS["gone"])
        return await self.home(_done(sharing.APPLICANT_DONE["approved" if approve else "declined"], decided[1].name))

    @SHARE_ACTIONS("revoke")
    async def _revoke(self, ident: int, arg: str) -> Reply:
        uid = self.user.id
        found = await self.employers.own_link(uid, ident)
        if found is None or not await self.employers.revoke_by_applicant(uid, ident):
            return await self.home(ui.ERRORS["gone"])
        return await self.home(_done(sharing.APPLICANT_DONE["revoked"], found[1].name))

    @SHARE_ACTIONS("shared", toggles=False)
    @SHARE_ACTIONS("toggle", toggles=True)  # arg: the kind of document to share or stop sharing
    async def _shared_documents(self, ident: int, arg: str, *, toggles: bool) -> Reply:
        uid = self.user.id
        found = await self.employers.own_link(uid, ident)
        if found is None or found[0].state != "active":
            return await self.home(ui.ERRORS["gone"])
        link, company = found
        uploaded = await self.employers.uploaded_kinds(uid)
        if toggles and arg in {k for k, _ in uploaded}:
            link = await self.employers.toggle_share(uid, ident, arg) or link
        return Reply([sharing.share_documents_screen(link.id, company.name, uploaded, link.shared_documents or [])])

    async def redeem(self, code: str) -> Reply:
        """An employer's invite (typed, or opened as a deep link): ask the applicant to approve."""
        self.user.employer_form = None
        modes.put(self.user, Mode.CHECK)
        try:
            redeemed = await self.employers.redeem(self.user.id, code, ("candidate",))
        except EmployerError as bad:
            return await self.home(ui.ERRORS.get(bad.code, ui.ERRORS["invalid"]))
        assert redeemed.link is not None
        if redeemed.link.state == "active":
            return await self.home()
        company = redeemed.company
        return Reply([sharing.approval_screen(redeemed.link.id, company.name, company.verified_at is not None)])


def _row(link: EmployerLink, company: Company) -> sharing.LinkRow:
    return sharing.LinkRow(link.id, company.name, company.verified_at is not None, link.state)
