"""Employers' screens (/employer): the home, invitations, a candidate as the employer sees them.
The forms are in dialogs/employer_forms.py, the applicant's /share screens in dialogs/sharing.py.

Action names are "act:id:arg"; bot/render.py packs them into EmpCB callback data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from dialogs import after_recommendation as ar
from dialogs import statuses as st
from dialogs.screens import Action, Screen, action_of
from dialogs.uploads import document_name
from knowledge.text import Joined, Lines, Message, Name, T, Text, Verbatim

STOPPED_SHARING = T(
    "🏢 A candidate stopped sharing their application with your company, so they no longer appear in /employer."
)


def verified_text(verified: bool) -> Text:
    return T("✔ verified by Gyeonggi Province") if verified else T("not yet verified by the province")


ERRORS: dict[str, Text] = {
    "invalid": T("That code is not valid. Check it, or ask for a new one."),
    "locked": T("Too many wrong codes. Please try again in an hour."),
    "brn_taken": T(
        "This business registration number is already registered. Ask a colleague there for an invite (👥 Invite a colleague)."
    ),
    "already_member": T("You already act for a company."),
    "not_employer": T("This code is for an employer. Register your company first with /employer."),
    "is_employer": T("This code is for a candidate, and you are registered as an employer."),
    "gone": T("That is no longer available."),
    "is_candidate": T(
        "This invite is for someone who acts for the company. You use this bot as a candidate, so it cannot be used from your account; if it was meant for you, ask the company for a candidate invite."
    ),
    "registrant": T(
        "The colleague who registered the company is its contact for the programme: only they can end that, by leaving it. If they have not used this bot for 30 days, a colleague can remove them."
    ),
    "last_member": T(
        "You are the company's only member, so you cannot leave it. To erase it with your data, use /delete."
    ),
}


# --- the employer's home --------------------------------------------------------------------------


def intro_screen() -> Screen:
    return Screen(
        "emp:intro",
        (
            T("🏢 <b>For employers</b>"),
            T(
                "Register your company to follow the applications of candidates who agree to it, and to check your obligations as an employer. If a colleague has registered the company already, ask them for an invite code."
            ),
        ),
        actions=(action_of("register", T("Register my company")), action_of("code", T("I have an invite code"))),
    )


@dataclass(frozen=True)
class CandidateRow:
    link_id: int
    state: str  # pending | active
    name: str
    reference: str = ""  # their application's, on the button when another candidate has the same name


def home_screen(company_name: str, verified: bool, candidates: Sequence[CandidateRow]) -> Screen:
    lines: list[Message] = [
        T("🏢 <b>{company}</b> ({verified})", company=Verbatim(company_name), verified=verified_text(verified))
    ]
    if not candidates:
        lines.append(T("No candidates yet. Invite one, or ask your candidate for their code."))
    actions: list[Action] = []
    names = Counter(c.name for c in candidates if c.state == "active")
    for c in candidates:
        if c.state == "active" and names[c.name] > 1 and c.reference:  # two of one name: which is which
            label = T("👤 {name} · {ref}", name=Name(c.name or "—"), ref=Verbatim(c.reference))
            actions.append(action_of("cand", label, c.link_id))
        elif c.state == "active":
            actions.append(action_of("cand", T("👤 {name}", name=Name(c.name or "—")), c.link_id))
        else:
            lines.append(T("⏳ A candidate has not approved yet."))
    actions += [
        action_of("invite", T("➕ Invite a candidate")),
        action_of("code", T("🔑 Enter a candidate's code")),
        action_of("team", T("👥 Colleagues")),
        action_of("oblig", T("📋 Check our obligations")),
    ]
    return Screen("emp:home", (Lines(tuple(lines)),), actions=tuple(actions))


@dataclass(frozen=True)
class TeamRow:
    user_id: int
    joined: date  # the day in Korea
    name: str | None = None  # their Telegram name when they joined (None before it was kept)
    registrant: bool = False  # registered the company and uses the bot: colleagues cannot remove them

    def who(self) -> Verbatim:
        """How colleagues tell them apart: their name and their Telegram id."""
        return Verbatim(f"{self.name} · {self.user_id}" if self.name else str(self.user_id))

    def label(self) -> Name:
        """On a button, shortened to fit: the id first, so what is cut is the name."""
        return Name(f"{self.user_id} · {self.name}" if self.name else str(self.user_id))


def team_screen(company_name: str, members: Sequence[TeamRow], me: int) -> Screen:
    """Who acts for the company (and sees its candidates): inviting one more; removing a colleague
    who left the firm ends their access at once (not the one who registered the company: only they
    end that); anyone can leave, except the last member."""
    lines: list[Message] = [T("👥 <b>People who act for {company}</b>", company=Verbatim(company_name))]
    actions: list[Action] = [action_of("colleague", T("👥 Invite a colleague"))]
    for m in members:
        if m.user_id == me:
            if m.registrant:
                lines.append(T("• you, since {date} (you registered the company)", date=m.joined))
            else:
                lines.append(T("• you, since {date}", date=m.joined))
        elif m.registrant:
            lines.append(T("• member {id}, since {date} (registered the company)", id=m.who(), date=m.joined))
        else:
            lines.append(T("• member {id}, since {date}", id=m.who(), date=m.joined))
            actions.append(action_of("unmember", T("Remove member {id}", id=m.label()), m.user_id))
    if len(members) > 1:
        actions.append(action_of("unmember", T("🚪 Leave the company"), me))
    else:  # why there is no Leave, and the way out there is
        lines.append(ERRORS["last_member"])
    actions.append(action_of("home", T("« Back")))
    return Screen("emp:team", (Lines(tuple(lines)),), actions=tuple(actions))


def unmember_question(company_name: str, row: TeamRow, me: int) -> Screen:
    """A removal or leaving, asked once more: on a phone one tap too many ends someone's access."""
    user_id = row.user_id
    if user_id == me:
        body = T("Leave {company}? You will no longer see its candidates.", company=Verbatim(company_name))
        sure = T("Yes, leave")
    else:
        body = T("Remove member {id}? They will no longer see the company's candidates.", id=row.who())
        sure = T("Yes, remove")
    return Screen(
        "emp:unmember", (body,), actions=(action_of("unmember_sure", sure, user_id), action_of("team", T("« Back")))
    )


def registration_removed(company_name: str, phone: str) -> Text:
    """To a member: programme staff removed the company's registration (e.g. another firm's number)."""
    return T(
        "🏢 Programme staff removed the registration of {company} from this bot, so you no longer act for it. Questions: {phone}.",
        company=Verbatim(company_name),
        phone=Verbatim(phone),
    )


def removed_notice(company_name: str) -> Text:
    return T("You no longer act for {company}: a colleague removed you.", company=Verbatim(company_name))


def joined_notice(company_name: str, who: Verbatim) -> Text:
    return T(
        "👥 {who} now acts for {company}, with an invite from a colleague. If you do not know them, remove them in 👥 Colleagues (/employer).",
        who=who,
        company=Verbatim(company_name),
    )


def member_removed(user_id: int) -> Text:
    return T("Removed: member {id} no longer acts for the company.", id=Verbatim(str(user_id)))


def left_company(company_name: str) -> Text:
    return T("You have left {company}.", company=Verbatim(company_name))


def invite_screen(code: str, link: str, for_candidate: bool) -> Screen:
    if for_candidate:
        body = T(
            "Send this to your candidate: the code <b>{code}</b> or the link {link}. It works once, for 7 days. Nothing is shared until the candidate approves.",
            code=Verbatim(code),
            link=Verbatim(link),
        )
    else:
        body = T(
            "Send this to your colleague: the code <b>{code}</b> or the link {link}. It works once, for 7 days, and lets them act for your company.",
            code=Verbatim(code),
            link=Verbatim(link),
        )
    back = action_of("home" if for_candidate else "team", T("« Back"))  # where the invite was made
    return Screen("emp:invite", (body,), actions=(back,))


def code_prompt(back: str) -> Screen:
    return Screen("emp:code", (T("Type the code:"),), actions=(action_of(back, T("« Back")),))


# --- a candidate, as the employer sees them -------------------------------------------------------


@dataclass(frozen=True)
class CandidateView:
    link_id: int
    name: str
    status: st.StatusView | None  # None: no application yet
    missing: tuple[str, ...]  # checklist kinds not uploaded
    total: int  # documents the checklist asks for
    shared: tuple[str, ...]  # kinds the applicant shares with the employer
    deadline: Message | None = None  # before filing on gg24: the days left, or that applications closed


# The statuses in which the candidate has still to file on gg24 (by the window's close).
BEFORE_FILING = (st.DRAFT, st.SUBMITTED, st.UNDER_REVIEW, st.INFO_REQUESTED)


# What comes next for the employer, by status (recommended: by the candidate's route, candidate_screen).
EMPLOYER_NEXT: dict[str, Text] = {
    st.DRAFT: T("The candidate is preparing the application."),
    st.SUBMITTED: T(
        "Programme staff are pre-checking the candidate's draft; the candidate then files the official application on gg24."
    ),
    st.FILED: T("The candidate filed the official application on gg24; the province is reviewing it."),
    st.UNDER_REVIEW: T("The province is reviewing the application; nothing to do for now."),
    st.INFO_REQUESTED: T("The province asked the candidate for more information."),
    st.NOT_RECOMMENDED: T("The province decided not to recommend the candidate."),
    st.VISA_APPLIED: T("The visa application is with the immigration office."),
    st.VISA_ISSUED: T("The visa has been issued."),
}


def unfollow_question(v: CandidateView) -> Screen:
    """Stopping is asked once more: the candidate is told, and only they can share again."""
    return Screen(
        "emp:unfollow",
        (
            T(
                "Stop following {name}? Your company will no longer see their application, and they will be told. To follow them again, they would have to share it again.",
                name=Verbatim(v.name or "—"),
            ),
        ),
        actions=(
            action_of("unfollow_sure", T("Yes, stop following"), v.link_id),
            action_of("cand", T("« Back"), v.link_id),
        ),
    )


def candidate_screen(v: CandidateView) -> Screen:
    lines: list[Message] = [T("👤 <b>{name}</b>", name=Verbatim(v.name or "—"))]
    if v.status is None:
        lines.append(T("No application yet."))
    else:
        lines.append(
            T(
                "Application <b>{ref}</b>: {status}",
                ref=Verbatim(v.status.reference or "—"),
                status=st.LABELS[v.status.status],
            )
        )
        if v.status.status == st.RECOMMENDED:  # the candidate's own route, as the notification said it
            lines.append(ar.employer_recommended(v.status.in_korea, v.status.stay_status))
        elif not (v.status.window_closed and v.status.status in (st.DRAFT, st.SUBMITTED)) and not (
            v.status.hurry and v.deadline is not None and v.status.status != st.DRAFT  # the deadline says "now"
        ):
            lines.append(EMPLOYER_NEXT[v.status.status])
        if v.deadline is not None:
            lines.append(v.deadline)
    if v.total and not (v.status is not None and v.status.status in st.DECIDED):  # documents matter until decided
        done = v.total - len(v.missing)
        lines.append(T("Documents: {done} of {total} uploaded.", done=done, total=v.total))
        if v.missing:
            lines.append(T("Missing: {documents}", documents=Joined(tuple(document_name(k) for k in v.missing))))
    if v.shared:
        lines.append(T("Shared with you: {documents}", documents=Joined(tuple(document_name(k) for k in v.shared))))
    actions = []
    if v.shared:
        actions.append(action_of("files", T("📎 Send me the shared documents"), v.link_id))
    actions += [action_of("unfollow", T("Stop following this candidate"), v.link_id), action_of("home", T("« Back"))]
    return Screen("emp:cand", (Lines(tuple(lines)),), actions=tuple(actions))
