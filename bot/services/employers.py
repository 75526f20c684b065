"""Employers: companies and their members, invite codes, the applicant's consent links, what a
linked employer may see, and the obligations check.

Access is decided here, at each request, from the link's current state: an employer sees a
candidate only through an *active* link of their own company; a revoked link ends it at once.
Wrong, used or expired codes all get the same answer, and wrong codes are rate-limited per person.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.crypto import Vault
from bot.db.models import Application, CodeAttempt, Company, EmployerLink, EmployerMember, InviteCode
from bot.db.repo import PersonRepo
from bot.db.repositories.applications import ApplicationRepo
from bot.db.repositories.documents import DocumentRepo
from bot.db.repositories.employers import CandidateRepo, EmployerRepo, InviteRepo, LinkRepo
from bot.db.repositories.outbox import OutboxRepo
from bot.services.outbox import tell
from bot.services.refusal import Refusal
from bot.services.uploads import StoredFile, stored_file
from dialogs import employer as ui
from dialogs import flow, sharing
from dialogs import questionnaire as q
from dialogs import statuses as st
from dialogs import uploads as up
from dialogs.deadline import candidate_window_today, in_hurry, is_closed
from dialogs.typed_answers import without_bidi_controls
from knowledge.loader import load
from knowledge.rules import evaluate

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from a screen
CODE_LENGTH = 8  # 32**8 ≈ 10**12 codes; with 5 tries an hour, guessing one takes ages
CODE_TTL = timedelta(days=7)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
# A registrant away from the bot this long may have left the firm: colleagues may then remove them.
REGISTRANT_AWAY = timedelta(days=30)


class EmployerError(Refusal):
    """An employer's step that cannot be done (a used invite, a wrong code, no consent, …)."""


@dataclass(frozen=True)
class Redeemed:
    kind: str  # employer | candidate | colleague
    link: EmployerLink | None
    company: Company


class EmployerService:
    def __init__(self, session: AsyncSession, clock: Clock, vault: Vault, name: str | None = None) -> None:
        self.session = session
        self.clock = clock
        # The acting person's Telegram name: kept on their membership, for their colleagues to read.
        self.name = (without_bidi_controls(name).strip()[:64] or None) if name else None
        self.vault = vault
        self.companies = EmployerRepo(session)
        self.invites = InviteRepo(session)
        self.links = LinkRepo(session)
        self.candidate_rows = CandidateRepo(session)
        self.documents = DocumentRepo(session)

    # -- companies and members ---------------------------------------------------------------

    async def member(self, user_id: int) -> EmployerMember | None:
        return await self.companies.member(user_id)

    async def company(self, company_id: int) -> Company | None:
        return await self.companies.company(company_id)

    async def register(self, user_id: int, values: dict[str, Any]) -> Company:
        """A company and its first member, from the registration form's values."""
        if await self.member(user_id) is not None:
            raise EmployerError("already_member")
        if await self.companies.company_with_brn(values["brn"]) is not None:
            raise EmployerError("brn_taken")
        now = self.clock.now()
        company = Company(
            name=values["name"],
            brn=values["brn"],
            city=values["city"],
            contact_name=values["contact"],
            created_by=user_id,
            created_at=now,
        )
        self.session.add(company)
        await self.session.flush()
        self.session.add(EmployerMember(user_id=user_id, company_id=company.id, joined_at=now, name=self.name))
        await self.session.commit()
        return company

    async def name_unnamed(self, member: EmployerMember) -> None:
        """A member who joined before names were kept (migration 0016) is named at their next visit."""
        if member.name is None and self.name is not None:
            member.name = self.name
            await self.session.commit()

    async def team(self, company_id: int) -> list[EmployerMember]:
        return await self.companies.members(company_id)

    async def remove_member(self, actor_id: int, user_id: int) -> Company:
        """A member removes a colleague, or leaves (``user_id == actor_id``): under the company's
        lock, both re-read as members of it; the last member stays (a company needs one: /delete
        erases it), and the one who registered the company (its contact for the programme) is not
        removed by a colleague while they use the bot (registrant_present): a new member cannot take
        the company over, and one who left the firm without leaving here can still be removed. The
        removed colleague is told; their access ends with this commit."""
        actor = await self.member(actor_id)
        company = await self.companies.lock_company(actor.company_id) if actor is not None else None
        members = {m.user_id: m for m in await self.companies.members(company.id)} if company is not None else {}
        refused = None
        if company is None or actor_id not in members or user_id not in members:  # read again under the lock
            refused = "gone"
        elif len(members) == 1:
            refused = "last_member"
        elif user_id != actor_id and user_id == company.created_by and await self.registrant_present(company):
            refused = "registrant"
        if refused is not None:
            await self.session.commit()  # nothing was written: the lock goes, the loaded rows stay usable
            raise EmployerError(refused)
        assert company is not None
        await self.session.delete(members[user_id])
        if user_id == company.created_by:  # the company's contact goes with them (back by invite: a colleague)
            company.created_by, company.contact_name = 0, ""
        await self.invites.drop_unused_colleague_codes(company.id)  # none they hold lets them back
        await OutboxRepo(self.session).cancel_status_notices([user_id], None)  # no candidate's news after
        if user_id != actor_id:
            key = f"member:{company.id}:{user_id}:removed:{self.clock.now().isoformat()}"
            await tell(self.session, user_id, ui.removed_notice(company.name), dedup_key=key, clock=self.clock)
        await self.session.commit()
        return company

    async def removal_counts(self, company_id: int) -> tuple[Company, int, int] | None:
        """What removing a registration touches: the company, its members, the candidates it follows."""
        company = await self.company(company_id)
        if company is None:
            return None
        links = [link for link in await self.links.open_of_company(company_id) if link.state == "active"]
        return company, len(await self.companies.members(company_id)), len(links)

    async def remove_registration(self, company_id: int) -> Company | None:
        """Programme staff remove a company's registration (another firm's business number, or made in
        error), under its lock: members and followed candidates are told, queued status notices to the
        members are not sent, and the number is free again. None when it is gone already."""
        company = await self.companies.lock_company(company_id)
        if company is None:
            await self.session.commit()
            return None
        members = [m.user_id for m in await self.companies.members(company_id)]
        now = self.clock.now().isoformat()
        phone = load().programme.contact_phone
        for user_id in members:
            notice = ui.registration_removed(company.name, phone)
            await tell(
                self.session,
                user_id,
                notice,
                dedup_key=f"company:{company_id}:removed:{user_id}:{now}",
                clock=self.clock,
            )
        await OutboxRepo(self.session).cancel_status_notices(members, None)
        links = await self.links.open_of_company(company_id)
        for link in links:
            if link.state == "active":
                await tell_unfollowed(self.session, self.clock, link, company.name)
        # A request to approve a follower that is gone would lead nowhere (_tell_applicant's key).
        await OutboxRepo(self.session).cancel_keyed([f"link:{link.id}:" for link in links if link.state == "pending"])
        await self.companies.delete_company(company_id)
        return company  # the caller audits and commits

    async def registrant_present(self, company: Company) -> bool:
        """The registrant has used the bot within REGISTRANT_AWAY: colleagues cannot remove them."""
        registrant = await PersonRepo(self.session).row(company.created_by) if company.created_by else None
        return registrant is not None and self.clock.now() - registrant.last_seen_at < REGISTRANT_AWAY

    async def unverified(self) -> list[Company]:
        return await self.companies.unverified()

    async def verify(self, staff_id: int, company_id: int) -> Company | None:
        company = await self.company(company_id)
        if company is None or company.verified_at is not None:
            return company
        company.verified_at, company.verified_by = self.clock.now(), staff_id
        return company  # the caller audits and commits

    # -- codes ---------------------------------------------------------------------------------

    async def new_code(
        self, kind: str, *, applicant_id: int | None = None, member: EmployerMember | None = None
    ) -> str:
        """An applicant's code (``applicant_id``), or a company's, made by one of its ``member``s:
        checked under the company's lock, so a member removed at the same moment makes none."""
        company_id = member.company_id if member is not None else None
        if member is not None:
            company = await self.companies.lock_company(member.company_id)
            members = await self.companies.members(company.id) if company is not None else []
            if member.user_id not in {m.user_id for m in members}:
                await self.session.commit()  # nothing written: the lock goes
                raise EmployerError("gone")
        now = self.clock.now()
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        self.session.add(
            InviteCode(
                code=code,
                kind=kind,
                applicant_id=applicant_id,
                company_id=company_id,
                created_at=now,
                expires_at=now + CODE_TTL,
            )
        )
        await self.session.commit()
        return code

    async def _attempts(self, user_id: int) -> CodeAttempt:
        now = self.clock.now()
        row = await self.invites.attempts(user_id)
        if row is None:
            row = CodeAttempt(user_id=user_id, failures=0, window_start=now)
            self.session.add(row)
        elif now - row.window_start > FAILURE_WINDOW:
            row.failures, row.window_start = 0, now
        return row

    async def redeem(self, user_id: int, raw_code: str, kinds: tuple[str, ...]) -> Redeemed:
        """Uses a code of one of ``kinds``. Raises EmployerError("locked" | "invalid" | ...)."""
        attempts = await self._attempts(user_id)
        if attempts.failures >= MAX_FAILURES:
            await self.session.commit()
            raise EmployerError("locked")
        code = "".join(ch for ch in raw_code.upper() if ch.isalnum())
        invite = await self.invites.code(code) if 0 < len(code) <= 16 else None
        now = self.clock.now()
        if invite is None or invite.kind not in kinds or invite.used_at is not None or invite.expires_at < now:
            attempts.failures += 1
            await self.session.commit()
            raise EmployerError("invalid")  # the same answer whatever was wrong: nothing to learn
        if invite.kind == "colleague":
            company = await self.company(invite.company_id or 0)
            if company is None:
                raise EmployerError("invalid")
            refused = "already_member" if await self.member(user_id) is not None else None
            if refused is None and await self._is_candidate(user_id):  # a candidate's link sent by mistake
                refused = "is_candidate"
            if refused is not None:
                await self.session.commit()  # the code not used: its lock goes
                raise EmployerError(refused)
            invite.used_at = now
            await self._tell_members(company, user_id, now)
            self.session.add(EmployerMember(user_id=user_id, company_id=company.id, joined_at=now, name=self.name))
            await self.session.commit()
            return Redeemed("colleague", None, company)
        if invite.kind == "employer":  # an applicant's code, entered by an employer
            me = await self.member(user_id)
            if me is None:
                raise EmployerError("not_employer")
            applicant_id, company_id = invite.applicant_id or 0, me.company_id
        else:  # "candidate": a company's code, opened by the candidate
            applicant_id, company_id = user_id, invite.company_id or 0
            if await self.member(user_id) is not None:
                raise EmployerError("is_employer")
        company = await self.company(company_id)
        if company is None:
            raise EmployerError("invalid")
        invite.used_at = now
        link = await self._link(applicant_id, company_id)
        if link.state != "active":
            link.state, link.changed_at = "pending", now
            if invite.kind == "employer":  # the applicant approves in their own chat (not again once shared)
                await self._tell_applicant(applicant_id, link, company)
        await self.session.commit()
        return Redeemed(invite.kind, link, company)

    async def _is_candidate(self, user_id: int) -> bool:
        """An application of their own, or a company following them: they use the bot as a candidate."""
        if await ApplicationRepo(self.session).of_user(user_id):
            return True
        return bool(await self.links.open_of_applicant(user_id))

    async def _tell_members(self, company: Company, user_id: int, now: datetime) -> None:
        """Everyone acting for the company learns who joined: an invite forwarded to a stranger is
        seen at once, and the stranger removed (👥 Colleagues)."""
        joined = ui.TeamRow(user_id, now.date(), self.name).who()
        for m in await self.companies.members(company.id):
            key = f"member:{company.id}:{user_id}:joined:{now.isoformat()}:{m.user_id}"
            await tell(self.session, m.user_id, ui.joined_notice(company.name, joined), dedup_key=key, clock=self.clock)

    async def _link(self, applicant_id: int, company_id: int) -> EmployerLink:
        link = await self.links.between(applicant_id, company_id)
        if link is None:
            now = self.clock.now()
            link = EmployerLink(
                applicant_id=applicant_id,
                company_id=company_id,
                state="pending",
                shared_documents=[],
                created_at=now,
                changed_at=now,
            )
            self.session.add(link)
            await self.session.flush()
        return link

    async def _tell_applicant(self, applicant_id: int, link: EmployerLink, company: Company) -> None:
        asked = sharing.approval_request(company.name, company.verified_at is not None)
        key = f"link:{link.id}:{link.changed_at.isoformat()}"
        await tell(self.session, applicant_id, asked, dedup_key=key, clock=self.clock)

    # -- the applicant's side --------------------------------------------------------------------

    async def links_of(self, applicant_id: int) -> list[tuple[EmployerLink, Company]]:
        return await self.links.open_of_applicant(applicant_id)

    async def own_link(self, applicant_id: int, link_id: int) -> tuple[EmployerLink, Company] | None:
        link = await self.links.get(link_id)
        if link is None or link.applicant_id != applicant_id:
            return None
        company = await self.company(link.company_id)
        return (link, company) if company else None

    async def decide(self, applicant_id: int, link_id: int, approve: bool) -> tuple[EmployerLink, Company] | None:
        found = await self.own_link(applicant_id, link_id)
        if found is None or found[0].state != "pending":
            return None
        link, company = found
        link.state, link.changed_at = ("active" if approve else "declined"), self.clock.now()
        await self.session.commit()
        return link, company

    async def revoke_by_applicant(self, applicant_id: int, link_id: int) -> bool:
        found = await self.own_link(applicant_id, link_id)
        if found is None or found[0].state not in ("pending", "active"):
            return False
        link = found[0]
        members = [m.user_id for m in await self.companies.members(link.company_id)]
        await self._cancel_notices(members, applicant_id)
        await tell_unlinked(self.session, self.clock, [(link.id, m) for m in members])
        link.state, link.changed_at, link.shared_documents = "revoked", self.clock.now(), []
        await self.session.commit()
        return True

    async def toggle_share(self, applicant_id: int, link_id: int, kind: str) -> EmployerLink | None:
        found = await self.own_link(applicant_id, link_id)
        if found is None or found[0].state != "active":
            return None
        link = found[0]
        kinds = set(link.shared_documents or [])
        kinds ^= {kind}
        link.shared_documents = sorted(kinds)
        await self.session.commit()
        return link

    async def uploaded_kinds(self, applicant_id: int) -> list[tuple[str, str]]:
        """(kind, file name) of the documents the applicant has uploaded, latest application."""
        app = await self._latest_application(applicant_id)
        if app is None:
            return []
        return [(d.kind, d.file_name) for d in await self.documents.of_application(app.id)]

    # -- the employer's side ---------------------------------------------------------------------

    async def candidates(self, company_id: int) -> list[tuple[EmployerLink, str, str]]:
        """The company's links that are pending or active, with the candidate's name and application
        reference once active (two people of one name are told apart by it)."""
        out = []
        for link in await self.links.open_of_company(company_id):
            app = await self._latest_application(link.applicant_id) if link.state == "active" else None
            out.append((link, self._name_in(app), (app.reference or "") if app else ""))
        return out

    async def followed(self, member: EmployerMember, link_id: int) -> EmployerLink | None:
        """The link if it is this member's company's and active — else None, revealing nothing."""
        link = await self.links.get(link_id)
        if link is None or link.company_id != member.company_id or link.state != "active":
            return None
        return link

    async def stop_following(self, member: EmployerMember, link_id: int) -> bool:
        link = await self.links.get(link_id)
        if link is None or link.company_id != member.company_id or link.state not in ("pending", "active"):
            return False
        members = [m.user_id for m in await self.companies.members(link.company_id)]
        await self._cancel_notices(members, link.applicant_id)
        link.state, link.changed_at, link.shared_documents = "revoked", self.clock.now(), []
        company = await self.company(link.company_id)
        await tell_unfollowed(self.session, self.clock, link, company.name if company else "")
        await self.session.commit()
        return True

    async def _cancel_notices(self, member_ids: list[int], applicant_id: int) -> None:
        """The candidate's status notices still queued for these members: the link they were written
        under has ended, so they are not sent (a backlog could deliver them after the revocation)."""
        references = [a.reference for a in await ApplicationRepo(self.session).of_user(applicant_id) if a.reference]
        await OutboxRepo(self.session).cancel_status_notices(member_ids, references)

    async def _latest_application(self, applicant_id: int) -> Application | None:
        return await self.candidate_rows.latest_application(applicant_id)

    async def _candidate_name(self, applicant_id: int) -> str:
        return self._name_in(await self._latest_application(applicant_id))

    def _name_in(self, app: Application | None) -> str:
        name = self.vault.open(app.personal_sealed).get("name") if app else None
        return str(name or "")

    async def candidate_view(self, link: EmployerLink) -> ui.CandidateView:
        """Status, next step and which documents are missing — never the documents themselves."""
        app = await self._latest_application(link.applicant_id)
        answers = await ApplicationRepo(self.session).answers(app) if app else {}
        conv = q.Conversation(answers)
        today = self.clock.now()
        now = ApplicationRepo.judged_at(app, today) if app else today
        missing: tuple[str, ...] = ()
        total = 0
        if app is not None and flow.position(conv, now) == "summary":
            p = q.profile(conv, now)
            verdict = evaluate(p, now, alternatives=False)
            required = up.required(p, tuple(r.pathway.id for r in verdict.holding))
            uploaded = {k for k, _ in await self.uploaded_kinds(link.applicant_id)}
            missing = tuple(d.id for d in required if d.id not in uploaded)
            total = len(required)
        in_korea = bool(conv.answers.get("in_korea"))
        view = (
            st.StatusView(
                app.reference or "",
                app.status,
                in_korea,
                app.recommendation_number,
                app.recommendation_date,
                window_closed=is_closed(today),
                hurry=in_hurry(today),
            )
            if app is not None
            else None
        )
        filing = app is not None and app.status in ui.BEFORE_FILING and not app.gg24_receipt
        return ui.CandidateView(
            link.id,
            await self._candidate_name(link.applicant_id),
            view,
            missing,
            total,
            tuple(link.shared_documents or ()),
            # the candidate files on gg24 by the close: the days left, or that it has closed
            candidate_window_today(today) if filing else None,
        )

    async def shared_files(self, link: EmployerLink) -> list[StoredFile]:
        app = await self._latest_application(link.applicant_id)
        if app is None or not link.shared_documents:
            return []
        documents = await self.documents.of_kinds(app.id, link.shared_documents)
        return [stored_file(d, app.reference, up.document_name(d.kind)) for d in documents]


async def tell_unlinked(session: AsyncSession, clock: Clock, links: Sequence[tuple[int, int]]) -> None:
    """The members of companies a candidate stopped sharing with (revoked, or erased their data), each
    (link id, member id) once: the candidate is gone from /employer, and they are told why. Nothing
    in the message or its key names the candidate (an erasure leaves nothing of them)."""
    for link_id, member_id in links:
        key = f"unlinked:{link_id}:{member_id}:{clock.now().isoformat()}"  # a link can be shared again, and stopped
        await tell(session, member_id, ui.STOPPED_SHARING, dedup_key=key, clock=clock)


async def tell_unfollowed(session: AsyncSession, clock: Clock, link: EmployerLink, company: str) -> None:
    """The candidate learns that a company stopped following them (or left the bot with its last
    member): who sees their application is theirs to know."""
    key = f"unfollowed:{link.id}:{clock.now().isoformat()}"
    await tell(session, link.applicant_id, sharing.unfollowed_notice(company), dedup_key=key, clock=clock)


async def employer_recipients(session: AsyncSession, applicant_id: int) -> list[tuple[int, str]]:
    """(member user id, language) of everyone whose company actively follows this applicant."""
    return [(uid, language) for _, uid, language in await LinkRepo(session).followers_of(applicant_id)]
