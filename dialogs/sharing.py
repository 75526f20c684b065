"""The applicant's side of employer links (/share): approvals, links, invites, shared documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogs.employer import verified_text
from dialogs.screens import Action, Screen, action_of
from dialogs.uploads import short_name
from knowledge.text import TP, Lines, Message, Name, T, Text, Verbatim


def approval_request(company: str, verified: bool) -> Message:
    """Sent to an applicant when an employer used their code."""
    return T(
        "🏢 <b>{company}</b> ({verified}) asks to follow your application. Open /share to approve or decline.",
        company=Verbatim(company),
        verified=verified_text(verified),
    )


def approval_screen(link_id: int, company: str, verified: bool) -> Screen:
    return Screen(
        "share:ask",
        (
            T(
                "🏢 <b>{company}</b> ({verified}) would like to follow your application.",
                company=Verbatim(company),
                verified=verified_text(verified),
            ),
            T(
                "If you approve, they will see your name, your application's status and next step, and which documents are missing — not your documents, unless you choose to share them. You can stop this at any time with /share."
            ),
        ),
        actions=(action_of("approve", T("✅ Approve"), link_id), action_of("decline", T("Decline"), link_id)),
    )


@dataclass(frozen=True)
class LinkRow:
    link_id: int
    company: str
    verified: bool
    state: str


def share_screen(links: Sequence[LinkRow]) -> Screen:
    lines: list[Message] = [T("🏢 <b>Employers following your application</b>")]
    actions: list[Action] = []
    if not links:
        lines.append(T("None. Invite your employer, or enter a code your employer gave you."))
    for link in links:
        lines.append(_line(link))
        if link.state == "active":  # its own screen, under its whole name: two long names cut alike stay apart
            actions.append(action_of("company", T("🏢 {company}", company=Name(link.company)), link.link_id))
        else:
            actions.append(
                action_of("ask", T("Approve or decline {company}", company=Name(link.company)), link.link_id)
            )
    actions += [action_of("invite", T("➕ Invite my employer")), action_of("code", T("🔑 Enter an employer's code"))]
    return Screen("share:home", (Lines(tuple(lines)),), actions=tuple(actions))


def _line(link: LinkRow) -> Text:
    state = T("follows your application") if link.state == "active" else T("waiting for your approval")
    return T(
        "{company} ({verified}): {state}",
        company=Verbatim(link.company),
        verified=verified_text(link.verified),
        state=state,
    )


def company_screen(link: LinkRow, people: int) -> Screen:
    """One company following the application: how many act for it (each sees it), what it may
    receive, and stopping it."""
    seen_by = TP(
        "{n} person acts for this company and sees what it follows.",
        "{n} people act for this company and see what it follows.",
        people,
    )
    return Screen(
        "share:company",
        (_line(link), seen_by),
        actions=(
            action_of("shared", T("📎 Documents shared with {company}", company=Name(link.company)), link.link_id),
            action_of("revoke", T("⛔ Stop sharing with {company}", company=Name(link.company)), link.link_id),
            action_of("home", T("« Back")),
        ),
    )


def applicant_invite_screen(code: str, link: str) -> Screen:
    return Screen(
        "share:invite",
        (
            T(
                "Give your employer the code <b>{code}</b> or the link {link}. It works once, for 7 days. You will be asked to approve before they see anything.",
                code=Verbatim(code),
                link=Verbatim(link),
            ),
        ),
        actions=(action_of("home", T("« Back")),),
    )


def share_documents_screen(
    link_id: int, company: str, uploaded: Sequence[tuple[str, str]], shared: Sequence[str]
) -> Screen:
    body: list[Message] = [
        T("Choose the documents {company} may receive. Tap again to stop sharing one.", company=Verbatim(company))
    ]
    if not uploaded:
        body.append(T("You have not uploaded any documents yet."))
    actions = [
        action_of("toggle", T("✔ {name}", name=short_name(kind)) if kind in shared else short_name(kind), link_id, kind)
        for kind, _ in uploaded
    ]
    actions.append(action_of("home", T("« Back")))
    return Screen("share:docs", tuple(body), actions=tuple(actions))


def unfollowed_notice(company: str) -> Text:
    """To the candidate: a company stopped following them (or is gone from the bot)."""
    return T(
        "🏢 {company} no longer follows your application and sees nothing of it. See who does with /share.",
        company=Verbatim(company),
    )


APPLICANT_DONE: dict[str, Text] = {
    "approved": T("Approved: {company} can now follow your application."),
    "declined": T("Declined: {company} sees nothing."),
    "revoked": T("Stopped: {company} no longer sees your application."),
}
EMPLOYER_DONE: dict[str, Text] = {
    "registered": T(
        "Registered: {company}. Programme staff may verify the company; candidates will see whether they have."
    ),
    "joined": T("You now act for {company}."),
    "requested": T("Thank you. The candidate has been asked to approve; you will see them here once they do."),
    "unfollowed": T("You no longer follow this candidate."),
    "following": T("You already follow this candidate: they share their application with your company."),
}
