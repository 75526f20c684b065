"""Employers' screens (/employer) and the applicant's sharing screens (/share): company
registration, candidates, invitations, consent, the obligations check.

Action names are "act:id:arg"; bot/render.py packs them into EmpCB callback data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs import application_form as af
from dialogs import statuses as st
from dialogs.results import MARK, cite_text
from dialogs.screens import Action, Screen
from dialogs.typed_answers import Invalid, parse_salary
from dialogs.uploads import document_name
from knowledge.employer import EmployerFacts, Obligation, employer_documents, obligations
from knowledge.loader import load
from knowledge.model import Document
from knowledge.rules import Status
from knowledge.text import Joined, Lines, Message, Money, T, Text, Verbatim, WithKorean


def _a(act: str, label: Text, ident: int = 0, arg: str = "") -> Action:
    return Action(f"{act}:{ident}:{arg}", label)


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
        actions=(_a("register", T("Register my company")), _a("code", T("I have an invite code"))),
    )


@dataclass(frozen=True)
class CandidateRow:
    link_id: int
    state: str  # pending | active
    name: str


def home_screen(company_name: str, verified: bool, candidates: Sequence[CandidateRow]) -> Screen:
    lines: list[Message] = [
        T("🏢 <b>{company}</b> ({verified})", company=Verbatim(company_name), verified=verified_text(verified))
    ]
    if not candidates:
        lines.append(T("No candidates yet. Invite one, or ask your candidate for their code."))
    actions: list[Action] = []
    for c in candidates:
        if c.state == "active":
            actions.append(_a("cand", T("👤 {name}", name=Verbatim(c.name or "—")), c.link_id))
        else:
            lines.append(T("⏳ A candidate has not approved yet."))
    actions += [
        _a("invite", T("➕ Invite a candidate")),
        _a("code", T("🔑 Enter a candidate's code")),
        _a("colleague", T("👥 Invite a colleague")),
        _a("oblig", T("📋 Check our obligations")),
    ]
    return Screen("emp:home", (Lines(tuple(lines)),), actions=tuple(actions))


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
    return Screen("emp:invite", (body,), actions=(_a("home", T("« Back")),))


def code_prompt(back: str) -> Screen:
    return Screen("emp:code", (T("Type the code:"),), actions=(_a(back, T("« Back")),))


# --- a candidate, as the employer sees them -------------------------------------------------------


@dataclass(frozen=True)
class CandidateView:
    link_id: int
    name: str
    status: st.StatusView | None  # None: no application yet
    missing: tuple[str, ...]  # checklist kinds not uploaded
    total: int  # documents the checklist asks for
    shared: tuple[str, ...]  # kinds the applicant shares with the employer


EMPLOYER_NEXT: dict[str, Text] = {
    st.DRAFT: T("The candidate is preparing the application."),
    st.SUBMITTED: T("The province is reviewing the application; nothing to do for now."),
    st.UNDER_REVIEW: T("The province is reviewing the application; nothing to do for now."),
    st.INFO_REQUESTED: T("The province asked the candidate for more information."),
    st.RECOMMENDED: T(
        "Next: the visa. A candidate abroad needs you to apply for a visa issuance confirmation at the immigration office for your company's address; a candidate in Korea applies for a change of status."
    ),
    st.NOT_RECOMMENDED: T("The province decided not to recommend the candidate."),
    st.VISA_APPLIED: T("The visa application is with the immigration office."),
    st.VISA_ISSUED: T("The visa has been issued."),
}


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
        lines.append(EMPLOYER_NEXT[v.status.status])
    if v.total:
        done = v.total - len(v.missing)
        lines.append(T("Documents: {done} of {total} uploaded.", done=done, total=v.total))
        if v.missing:
            lines.append(T("Missing: {documents}", documents=Joined(tuple(document_name(k) for k in v.missing))))
    if v.shared:
        lines.append(T("Shared with you: {documents}", documents=Joined(tuple(document_name(k) for k in v.shared))))
    actions = []
    if v.shared:
        actions.append(_a("files", T("📎 Send me the shared documents"), v.link_id))
    actions += [_a("unfollow", T("Stop following this candidate"), v.link_id), _a("home", T("« Back"))]
    return Screen("emp:cand", (Lines(tuple(lines)),), actions=tuple(actions))


# --- forms: company registration and the obligations check ---------------------------------------


@dataclass(frozen=True)
class FormField:
    key: str
    prompt: Text
    parse: Callable[[str], Any] | None = None  # typed answers; None: buttons
    options: Callable[[Mapping[str, Any]], tuple[tuple[str, Text], ...]] = lambda values: ()
    applies: Callable[[Mapping[str, Any]], bool] = lambda values: True


def _parse_count(text: str) -> int:
    digits = text.strip().replace(",", "")
    if not digits.isdigit() or int(digits) > 100_000:
        raise Invalid(T("Please type a whole number, such as 12."))
    return int(digits)


def _parse_text(minimum: int, maximum: int) -> Callable[[str], str]:
    parse = af.parse_free(minimum, maximum)
    return lambda text: parse(text, datetime.min)


def _cities(values: Mapping[str, Any]) -> tuple[tuple[str, Text], ...]:
    return tuple((m.id, T("{name}", name=WithKorean(T(m.name), m.name_ko))) for m in load().municipalities)


def _occupations(values: Mapping[str, Any]) -> tuple[tuple[str, Text], ...]:
    return tuple((o.id, T(o.name)) for o in load().occupations)


def _yes_no(values: Mapping[str, Any]) -> tuple[tuple[str, Text], ...]:
    return (("yes", T("Yes")), ("no", T("No")))


REGISTRATION: tuple[FormField, ...] = (
    FormField("name", T("<b>Company name</b>, as on the business registration certificate:"), _parse_text(2, 200)),
    FormField(
        "brn",
        T("<b>Business registration number</b> (사업자등록번호, 10 digits):"),
        lambda text: af.parse_brn(text, datetime.min).replace("-", ""),
    ),
    FormField("city", T("<b>Where is the workplace?</b> Choose the city or county in Gyeonggi:"), options=_cities),
    FormField("contact", T("<b>Contact person</b>: name (and job title, if you like):"), _parse_text(2, 100)),
)

OBLIGATIONS: tuple[FormField, ...] = (
    FormField("occupation", T("<b>Which occupation are you hiring for?</b>"), options=_occupations),
    FormField("salary", T("<b>Offered yearly salary</b> in won (e.g. 35,000,000 or 3500만):"), parse_salary),
    FormField(
        "korean",
        T("<b>How many Korean employees</b> have been insured (employment insurance) with you for at least 3 months?"),
        _parse_count,
    ),
    FormField(
        "foreign",
        T("<b>How many foreign employees</b> on E-1 to E-7-3 visas do you employ now (not counting this hire)?"),
        _parse_count,
    ),
    FormField("tax", T("<b>Does the company have unpaid national or local tax?</b>"), options=_yes_no),
    FormField(
        "facility",
        T("<b>Is the company an elderly medical-welfare facility</b> (노인의료복지시설)?"),
        options=_yes_no,
        applies=lambda v: v.get("occupation") == "care_worker",
    ),
    FormField(
        "code",
        T("<b>Long-term-care institution code</b> (장기요양기관기호):"),
        _parse_text(1, 20),
        applies=lambda v: v.get("occupation") == "care_worker" and v.get("facility") == "yes",
    ),
)
FORMS = {"register": REGISTRATION, "oblig": OBLIGATIONS}


def next_field(kind: str, values: Mapping[str, Any]) -> FormField | None:
    return next((f for f in FORMS[kind] if f.applies(values) and f.key not in values), None)


def field_screen(kind: str, field: FormField, values: Mapping[str, Any]) -> Screen:
    actions = [_a("opt", label, arg=f"{field.key}={value}") for value, label in field.options(values)]
    actions.append(_a("home", T("Cancel")))
    return Screen(
        f"emp:{kind}:{field.key}", (field.prompt,), actions=tuple(actions), columns=2 if len(actions) > 6 else 1
    )


def registration_review(values: Mapping[str, Any]) -> Screen:
    city = next((m for m in load().municipalities if m.id == values.get("city")), None)
    lines = Lines(
        (
            T("<b>Please check:</b>"),
            T("Company: {value}", value=Verbatim(str(values.get("name", "")))),
            T("Business registration number: {value}", value=Verbatim(str(values.get("brn", "")))),
            T("Workplace: {value}", value=WithKorean(T(city.name), city.name_ko) if city else Verbatim("")),
            T("Contact person: {value}", value=Verbatim(str(values.get("contact", "")))),
        )
    )
    return Screen(
        "emp:review",
        (lines,),
        actions=(_a("save", T("✅ Register")), _a("register", T("Start again")), _a("home", T("Cancel"))),
    )


def facts_from(values: Mapping[str, Any]) -> EmployerFacts:
    return EmployerFacts(
        occupation=str(values["occupation"]),
        salary_krw=values.get("salary"),
        korean_staff=values.get("korean"),
        foreign_staff=values.get("foreign"),
        unpaid_tax=None if "tax" not in values else values["tax"] == "yes",
        elderly_facility=None if "facility" not in values else values["facility"] == "yes",
        institution_code=values.get("code"),
    )


def _obligation_text(o: Obligation) -> Text:
    p = o.params
    met = o.status is Status.MET
    if o.id == "workplace":
        return T("The workplace must be in Gyeonggi Province (yours is registered there).")
    if o.id == "wage":
        salary, floor = p["salary"], p["floor"]
        assert isinstance(salary, int) and isinstance(floor, int)
        values = {"salary": Money(salary), "floor": Money(floor), "track": Verbatim(str(p["track"]))}
        if met:
            return T("The salary {salary} meets the wage floor of {floor} ({track}).", **values)
        return T("The salary {salary} is below the wage floor of {floor} ({track}).", **values)
    if o.id == "tax":
        if met:
            return T("No unpaid national or local tax.")
        return T("Unpaid national or local tax: no foreign staff can be invited until it is paid.")
    if o.id in ("ratio", "it_ratio"):
        values = {k: p[k] for k in ("percent", "korean", "allowed", "after")}
        if o.id == "it_ratio":
            return T(
                "For this occupation the ratio is generally not checked, but some immigration officers check {percent} per cent: {korean} Korean employees allow {allowed} foreign staff (rounded); with this hire you would have {after}.",
                **values,
            )
        if met:
            return T(
                "Foreign staff: {korean} Korean employees insured for at least 3 months allow {allowed} ({percent} per cent, rounded half up); with this hire you would have {after}.",
                **values,
            )
        return T(
            "Foreign staff: {korean} Korean employees insured for at least 3 months allow only {allowed} ({percent} per cent, rounded half up); with this hire you would have {after}, which is too many.",
            **values,
        )
    if o.id == "min_korean":
        return T(
            "Fewer than {minimum} Korean employees insured for 3 months (you have {korean}): such firms are normally refused.",
            minimum=p["minimum"],
            korean=p["korean"],
        )
    if met:
        return T(
            "An elderly medical-welfare facility with a long-term-care institution code starting with {prefix}.",
            prefix=Verbatim(str(p["prefix"])),
        )
    return T(
        "Care workers can only be hired by an elderly medical-welfare facility (노인의료복지시설) whose long-term-care institution code starts with {prefix}.",
        prefix=Verbatim(str(p["prefix"])),
    )


def obligations_screen(values: Mapping[str, Any], now: datetime) -> Screen:
    facts = facts_from(values)
    occ = load().occupation(facts.occupation)
    checks = obligations(facts, now.date())
    body: list[Message] = [
        T(
            "📋 <b>Your obligations as the employer</b> for: {occupation}",
            occupation=WithKorean(T(occ.name), occ.name_ko),
        )
    ]
    for o in checks:
        lines: list[Message] = [
            T("{mark} {text}", mark=Verbatim(MARK[o.status]), text=_obligation_text(o)),
            cite_text(o.cite),
        ]
        if o.uncertain:
            lines.append(T("⚠️ Not certain: please confirm with the immigration office (1345) or Gyeonggi (031-120)."))
        body.append(Lines(tuple(lines)))
    body.append(_documents(employer_documents(facts.occupation)))
    body.append(T("<i>This check applies the published rules; the immigration office decides.</i>"))
    return Screen("emp:oblig", tuple(body), actions=(_a("oblig", T("Check again")), _a("home", T("« Back"))))


def _documents(docs: Sequence[Document]) -> Lines:
    return Lines(
        (
            T("<b>Documents the employer supplies</b> (for the visa):"),
            *(T("• {name}", name=WithKorean(T(d.name), d.name_ko)) for d in docs),
        )
    )


# --- the applicant's side: /share -----------------------------------------------------------------


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
        actions=(_a("approve", T("✅ Approve"), link_id), _a("decline", T("Decline"), link_id)),
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
        state = T("follows your application") if link.state == "active" else T("waiting for your approval")
        lines.append(
            T(
                "{company} ({verified}): {state}",
                company=Verbatim(link.company),
                verified=verified_text(link.verified),
                state=state,
            )
        )
        if link.state == "active":
            actions.append(
                _a("docs", T("📎 Documents shared with {company}", company=Verbatim(link.company)), link.link_id)
            )
            actions.append(
                _a("revoke", T("⛔ Stop sharing with {company}", company=Verbatim(link.company)), link.link_id)
            )
        else:
            actions.append(_a("ask", T("Answer {company}", company=Verbatim(link.company)), link.link_id))
    actions += [_a("invite", T("➕ Invite my employer")), _a("code", T("🔑 Enter an employer's code"))]
    return Screen("share:home", (Lines(tuple(lines)),), actions=tuple(actions))


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
        actions=(_a("home", T("« Back")),),
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
        _a("toggle", T("✔ {name}", name=document_name(kind)) if kind in shared else document_name(kind), link_id, kind)
        for kind, _ in uploaded
    ]
    actions.append(_a("home", T("« Back")))
    return Screen("share:docs", tuple(body), actions=tuple(actions))


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
}
