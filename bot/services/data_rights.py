"""The person's rights over their data: see all of it (/mydata) and erase it (/delete)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.crypto import Vault
from bot.db.confirmations import DECIDE, ERASE, SUBMIT, Confirmations
from bot.db.repositories.documents import DocumentRepo
from bot.db.repositories.employers import EmployerRepo, InviteRepo, LinkRepo
from bot.db.repositories.person_data import PersonDataRepo
from bot.db.repositories.questions import QuestionRepo
from bot.db.repositories.tickets import TicketRepo
from bot.erasers import KeyEraser
from bot.services.actions import ActionTable
from bot.services.employers import tell_unfollowed, tell_unlinked
from bot.services.replies import MadeFile, Reply
from bot.services.uploads import FileStore
from dialogs import data_rights as ui

# What /delete keeps: the anonymous funnel counts (FunnelCount), the counter of recommendations
# issued, and audit entries about the person with their target replaced by ERASED and only these
# fields of before/after (what happened, never a note, a name or a number that leads to them).
ERASED = "erased"
ERASED_ACTOR = -1  # an erased person's own act in the audit log (0 is the CLI: never them)
IMPERSONAL = frozenset({"status", "reason", "role"})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# /delete's two answers (bot/callbacks.py EraseCB), each taking the person's id and the question's token.
ERASE_ACTIONS: ActionTable[Reply | None] = ActionTable()


class DataRightsService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        vault: Vault,
        store: FileStore | None = None,
        eraser: KeyEraser | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.vault = vault
        self.store = store
        self.eraser = eraser
        self.repo = PersonDataRepo(session)
        self.links = LinkRepo(session)
        self.documents = DocumentRepo(session)
        self.tickets = TicketRepo(session)

    async def mydata(self, user_id: int) -> Reply:
        """/mydata: everything stored about the person, as a JSON file."""
        payload = json.dumps(await self.export(user_id), ensure_ascii=False, indent=2).encode()
        return Reply(made=[MadeFile(ui.EXPORT_NAME, payload, ui.EXPORT_CAPTION)])

    def _confirmations(self) -> Confirmations:
        return Confirmations(self.session, self.clock)

    async def ask_erase(self, user_id: int) -> Reply:
        """/delete: asked first; an older question's Yes stops acting."""
        token = await self._confirmations().ask(user_id, ERASE)
        question = ui.erase_question(token, await self.company_going_with(user_id))
        await self.session.commit()
        return Reply([question])

    async def answer(self, user_id: int, act: str, token: str) -> Reply | None:
        """The question's answer (ERASE_ACTIONS); None: kept, the caller shows where the person was."""
        if act not in ERASE_ACTIONS:  # forged, or of another version: nothing erased, nothing disarmed
            return Reply([], ui.NO_LONGER_VALID)
        return await ERASE_ACTIONS.run(self, act, user_id, token)

    @ERASE_ACTIONS("keep")
    async def _keep(self, user_id: int, token: str) -> None:
        """Disarms the Yes beside it."""
        await self._confirmations().withdraw(user_id, ERASE)
        await self.session.commit()

    @ERASE_ACTIONS("erase")
    async def _erase(self, user_id: int, token: str) -> Reply:
        """Only with the live token of the newest question, once."""
        if not await self._confirmations().spend(user_id, ERASE, token):
            return Reply([], ui.NO_LONGER_VALID)
        await self.erase(user_id)
        return Reply([], ui.ERASED)

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the person, decrypted, as plain JSON-able data."""
        user = await self.repo.user(user_id)
        questionnaire = await self.repo.questionnaire(user_id)
        apps = await self.repo.applications_in_order(user_id)
        out: dict[str, Any] = {
            "telegram_user_id": user_id,
            "language": user.language if user else None,
            "first_seen": _iso(user.created_at) if user else None,
            "last_seen": _iso(user.last_seen_at) if user else None,
            "eligibility_answers": dict(questionnaire.answers or {}) if questionnaire else {},
            "applications": [],
            "documents": [],
            "messages_sent_to_you": [],
        }
        for app in apps:
            docs = await self.documents.of_application(app.id)
            out["documents"] += [
                {
                    "application": app.reference,
                    "item": d.kind,
                    "file_name": d.file_name,
                    "size": d.size,
                    "sha256": d.sha256,
                    "uploaded": _iso(d.uploaded_at),
                }
                for d in docs
            ]
            history = await self.repo.history(app.id)
            out["applications"].append(
                {
                    "reference": app.reference,
                    "status": app.status,
                    "occupation": app.occupation,
                    "consent_given_at": _iso(app.consent_at),
                    "personal_details": self.vault.open(app.personal_sealed),
                    "job_offer": dict(app.job or {}),
                    "answers_as_sent": app.answers,
                    "recommendation_number": app.recommendation_number,
                    "recommendation_date": app.recommendation_date.isoformat() if app.recommendation_date else None,
                    "history": [
                        {"from": h.from_status, "to": h.to_status, "at": _iso(h.at), "note": h.note} for h in history
                    ],
                }
            )
        out["questions_to_staff"] = [
            {
                "question": t.question,
                "status": t.status,
                "language": t.language,
                "asked": _iso(t.created_at),
                "what_staff_see": dict(t.case or {}),
                "thread": [
                    {"from": m.author, "text": m.text, "at": _iso(m.at)} for m in await self.tickets.thread(t.id)
                ],
            }
            for t in await self.tickets.of_user(user_id)
        ]
        out["your_last_typed_question"] = user.pending_question if user else None
        out["questions_the_bot_could_not_answer"] = [
            {"text": u.text, "language": u.language, "asked": _iso(u.at)}
            for u in await QuestionRepo(self.session).unanswered_of(user_id)
        ]
        references = [a.reference for a in apps if a.reference]
        # When programme staff opened the application (not who: a reviewer's id is theirs).
        out["times_staff_opened_your_application"] = [
            {"application": e.target, "at": _iso(e.at)}
            for e in await self.repo.audit_about(references)
            if e.action == "application.view"
        ]
        out["employers_following_your_application"] = [
            {
                "company": company.name,
                "business_registration_number": company.brn,
                "state": link.state,
                "documents_you_share": list(link.shared_documents or []),
                "asked": _iso(link.created_at),
                "changed": _iso(link.changed_at),
            }
            for link, company in await self.repo.employer_links(user_id)
        ]
        member = await self.repo.membership(user_id)
        company = await self.repo.company(member.company_id) if member else None
        out["your_company"] = (
            {
                "company": company.name,
                "business_registration_number": company.brn,
                "contact_person": company.contact_name,
                "your_name_shown_to_colleagues": member.name,
                "joined": _iso(member.joined_at),
            }
            if member and company
            else None
        )
        out["company_registration_in_progress"] = (user.employer_form or None) if user else None
        messages = await self.repo.messages_to(user_id)
        out["messages_sent_to_you"] = [
            {"text": m.text, "state": m.state, "created": _iso(m.created_at)} for m in messages
        ]
        return out

    async def erase(self, user_id: int) -> None:
        """Removes everything that identifies the person; see ERASED above for what is kept.

        Rows go in one transaction; then the files, then the runtime's keys (bot/erasers.py)."""
        apps = await self.repo.applications(user_id)
        app_ids = [a.id for a in apps]
        references = [a.reference for a in apps if a.reference]
        names = {str(self.vault.open(a.personal_sealed).get("name") or "") for a in apps} - {""}
        paths = await self.documents.paths(app_ids)
        # Messages to them, and to anyone (linked employers) that name their reference or name.
        await self.repo.delete_messages(user_id, [*references, *(n for n in names if len(n) >= 5)])
        ticket_ids = await self.tickets.delete_of_user(user_id)  # their questions to staff and threads
        followers = await self.links.followers_of(user_id)
        await tell_unlinked(self.session, self.clock, [(link_id, uid) for link_id, uid, _ in followers])
        await self._deidentify_audit(user_id, [*references, *(f"ticket:{i}" for i in ticket_ids)], app_ids)
        await self._forget_in_staff_screens(app_ids, ticket_ids)
        # Their own rows, the invite codes made for them included: an employer redeeming their old
        # code must find no code, not a link to a missing person.
        await self.repo.delete_applicant_rows(user_id, app_ids, (SUBMIT, DECIDE))
        await self._leave_company(user_id)
        await self.repo.delete_account(user_id)
        await self.session.commit()
        for path in paths:
            Path(path).unlink(missing_ok=True)
        if self.store is not None:
            for app_id in app_ids:
                self.store.remove_application(app_id)
        if self.eraser is not None:
            await self.eraser.erase(user_id)

    async def _deidentify_audit(self, user_id: int, references: list[str], app_ids: list[int]) -> None:
        """Entries about the person stay (what was done, when, by whom) with the target "erased"
        and only non-personal fields (no note, no recommendation number)."""
        targets = [*references, f"user:{user_id}", *(str(i) for i in app_ids)]
        for entry in await self.repo.audit_about(targets):
            if entry.target.isdigit() and not entry.action.startswith("application."):
                continue  # a bare number is an application id only in application.* entries
            entry.target = ERASED
            if entry.actor_id == user_id:  # their own act (sending a question to staff)
                entry.actor_id = ERASED_ACTOR
            entry.before = _impersonal(entry.before)
            entry.after = _impersonal(entry.after)

    async def _forget_in_staff_screens(self, app_ids: list[int], ticket_ids: list[int]) -> None:
        """A reviewer's unfinished decision (with its typed note) on the erased application, and
        a reply awaited for one of their questions."""
        for state in await self.repo.staff_states_with_pending():
            decision = (state.pending or {}).get("decision") or {}
            if decision.get("app") in app_ids:
                state.pending = {k: v for k, v in (state.pending or {}).items() if k not in ("decision", "awaiting")}
            awaiting = (state.pending or {}).get("awaiting") or {}
            if awaiting.get("kind") == "ticket" and awaiting.get("id") in ticket_ids:
                state.pending = {k: v for k, v in (state.pending or {}).items() if k != "awaiting"}

    async def company_going_with(self, user_id: int) -> str | None:
        """The name of the company /delete would erase too (the person is its only member), or None."""
        member = await self.repo.membership(user_id)
        if member is None:
            return None
        if await self.repo.member_count(member.company_id) != 1:
            return None
        company = await self.repo.company(member.company_id)
        return company.name if company else None

    async def _leave_company(self, user_id: int) -> None:
        """The last member erases the company with them (its number can be registered again);
        otherwise only their membership goes, and the company forgets who registered it."""
        await self.repo.forget_registrant_everywhere(user_id)  # a company they registered and left since
        member = await self.repo.membership(user_id)
        if member is None:
            return
        company_id = member.company_id
        # Under the company's lock, as a colleague's removal or leaving: the count is theirs too.
        company = await EmployerRepo(self.session).lock_company(company_id)
        await self.repo.delete_membership(user_id)
        if await self.repo.member_count(company_id):
            await InviteRepo(self.session).drop_unused_colleague_codes(company_id)  # none of theirs lets them back
            return
        for link in await self.links.open_of_company(company_id):  # its candidates learn it follows no one
            if link.state == "active":  # a pending one never followed: nothing to tell
                await tell_unfollowed(self.session, self.clock, link, company.name if company else "")
        await self.repo.delete_company_codes(company_id)
        for entry in await self.repo.audit_about_company(company_id):
            entry.target = ERASED
        await self.repo.delete_company(company_id)


def _impersonal(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: v for k, v in values.items() if k in IMPERSONAL}
