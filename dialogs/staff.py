"""The staff interface's screens: menu, review queue, an application (the decision's steps are in
dialogs/staff_decisions.py, the admin screens in dialogs/staff_team.py, the announcements in
dialogs/staff_announcements.py). Texts are S() (the "staff" catalog: Korean, English as the source);
names the applicant also sees (statuses, occupations, reasons) are T() and render in the staff
member's language.

Action names are "act:id:arg"; bot/render.py packs them into StaffCB callback data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dialogs import application_form as af
from dialogs import questions
from dialogs import statuses as st
from dialogs.question_screens import display_value
from dialogs.results import HEADLINE, MARK
from dialogs.screens import Action, Screen, action_of
from dialogs.uploads import document_name
from knowledge.loader import load
from knowledge.text import SP, Language, Lines, Message, S, T, Text, Verbatim, WithKorean
from knowledge.verdict import Status, Verdict

OPEN_STATUSES = (st.SUBMITTED, st.FILED, st.UNDER_REVIEW, st.INFO_REQUESTED)
PAGE = 8
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}
FUNNEL = ("started", "finished", "eligible", "ineligible", "draft", "submitted", "recommended")
STAGE_LABELS: dict[str, Text] = {
    "started": S("Started the questionnaire"),
    "finished": S("Finished the questionnaire"),
    "eligible": S("Eligible (✅ or ⚠️)"),
    "ineligible": S("Not eligible (❌)"),
    "draft": S("Started an application"),
    "submitted": S("Submitted"),
    "recommended": S("Recommended"),
}


def occupation_name(occupation_id: str | None) -> Message:
    if not occupation_id:
        return S("(not given)")
    try:
        occ = load().occupation(occupation_id)
    except KeyError:
        return T("{value}", value=Verbatim(occupation_id))
    return T("{name}", name=WithKorean(T(occ.name), occ.name_ko))


# --- menu, refusals -----------------------------------------------------------------------------


def menu_screen(role: str, locale: str) -> Screen:
    actions = [
        action_of("queue", S("📥 Review queue")),
        action_of("tickets", S("❓ Questions")),
        action_of("quota", S("📊 Quota")),
        action_of("stats", S("📈 Statistics")),
        action_of("asked", S("🔎 What people asked")),
    ]
    actions.append(action_of("companies", S("🏢 Companies to verify")))
    if role == "admin":
        actions += [action_of("ann", S("📣 Announcements")), action_of("team", S("👥 Staff members"))]
    other = "en" if locale == "ko" else "ko"
    actions.append(action_of("lang", S("{name}", name=Verbatim(f"🌐 {LANGUAGE_NAMES[other]}")), arg=other))
    role_label = S("administrator") if role == "admin" else S("reviewer")
    return Screen(
        "staff:menu", (S("🏛 <b>Staff menu</b> (your role: {role})", role=role_label),), actions=tuple(actions)
    )


# --- the review queue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    id: int
    reference: str
    status: str
    occupation: str | None
    language: str
    sent_on: date | None  # the day in Korea (a UTC date is the day before for a morning's sending)


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""  # "" = every open status
    occupation: str = ""
    language: str = ""
    page: int = 0

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> QueueFilter:
        data = data or {}
        return cls(
            str(data.get("status", "")),
            str(data.get("occupation", "")),
            str(data.get("language", "")),
            int(data.get("page", 0)),
        )

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "occupation": self.occupation, "language": self.language, "page": self.page}


def queue_screen(rows: Sequence[QueueRow], total: int, flt: QueueFilter) -> Screen:
    status = st.LABELS[flt.status] if flt.status else S("all open")
    occupation = occupation_name(flt.occupation) if flt.occupation else S("all")
    language = Language(flt.language) if flt.language else S("all")
    body: list[Message] = [
        SP(
            "📥 <b>Review queue</b>: {n} application, oldest first",
            "📥 <b>Review queue</b>: {n} applications, oldest first",
            total,
        ),
        S(
            "Filters: status {status} · occupation {occupation} · language {language}",
            status=status,
            occupation=occupation,
            language=language,
        ),
    ]
    if not rows:
        body.append(S("Nothing to review with these filters."))
    else:  # the details in the text, the reference on the button: a phone shows it whole (dialogs/budgets.py)
        body.append(
            Lines(
                tuple(
                    S(
                        "{ref} · {status} · {lang} · {day}",
                        ref=Verbatim(r.reference),
                        status=st.LABELS.get(r.status, T("Draft")),
                        lang=Language(r.language),
                        day=r.sent_on or Verbatim("—"),
                    )
                    for r in rows
                )
            )
        )
    actions = [action_of("open", S("{name}", name=Verbatim(r.reference)), r.id) for r in rows]
    pages = max((total - 1) // PAGE, 0)
    if flt.page > 0:
        actions.append(action_of("page", S("◀ Previous"), arg=str(flt.page - 1)))
    if flt.page < pages:
        actions.append(action_of("page", S("Next ▶"), arg=str(flt.page + 1)))
    actions += [
        action_of("filter", S("Filter by status"), arg="status"),
        action_of("filter", S("Filter by occupation"), arg="occupation"),
        action_of("filter", S("Filter by language"), arg="language"),
        action_of("clear", S("Clear filters")),
        action_of("menu", S("« Staff menu")),
    ]
    return Screen("staff:queue", tuple(body), actions=tuple(actions))


def filter_screen(kind: str, languages: Sequence[str]) -> Screen:
    actions: list[Action]
    if kind == "status":
        actions = [
            action_of("setf", st.LABELS[s], arg=f"status={s}")
            # every status past the draft: a recommended applicant who reported the visa steps stays findable
            for s in (*OPEN_STATUSES, st.RECOMMENDED, st.NOT_RECOMMENDED, st.VISA_APPLIED, st.VISA_ISSUED)
        ]
    elif kind == "occupation":
        actions = [action_of("setf", T(o.name), arg=f"occupation={o.id}") for o in load().occupations]
    else:
        actions = [action_of("setf", S("{code}", code=Language(code)), arg=f"language={code}") for code in languages]
    actions.append(action_of("queue", S("« Review queue")))
    return Screen("staff:filter", (S("Choose a filter value:"),), actions=tuple(actions))


# --- one application ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    from_status: str | None
    to_status: str
    actor: str
    reason: str | None
    note: str | None


@dataclass(frozen=True)
class ApplicationDetail:
    id: int
    reference: str
    status: str
    language: str
    submitted_at: datetime | None
    answers: Mapping[str, Any]
    verdict: Verdict | None
    form: Mapping[str, Any]  # personal details (decrypted for the reviewer) and the job offer
    documents: Sequence[tuple[str, str]]  # (checklist kind, file name)
    history: Sequence[HistoryRow]
    recommendation_number: str | None = None
    gg24_receipt: str | None = None
    own: bool = False  # the reviewer's own application: shown, never decided by them


def _answers_lines(answers: Mapping[str, Any]) -> Lines:
    lines: list[Message] = []
    for key, value in answers.items():
        question = questions.BY_KEY.get(key)
        if question is None or value is None:
            continue
        lines.append(T("{label}: <b>{value}</b>", label=question.summary_label, value=display_value(key, value)))
    return Lines(tuple(lines) or (S("(no answers)"),))


def _verdict_lines(v: Verdict | None) -> Lines:
    if v is None:
        return Lines((S("(no verdict: the questionnaire is not complete)"),))
    lines: list[Message] = [HEADLINE[v.outcome]]
    for c in v.deciding_checks:
        if c.status is Status.MET:
            continue
        text = c.reason()
        if text is not None:
            lines.append(S("{mark} {text}", mark=Verbatim(MARK[c.status]), text=text))
    return Lines(tuple(lines))


def _form_lines(form: Mapping[str, Any]) -> Lines:
    lines: list[Message] = [
        T("{label}: <b>{value}</b>", label=WithKorean(f.label, f.korean), value=af.display(f.key, form[f.key]))
        for f in af.FIELDS
        if f.key in form
    ]
    return Lines(tuple(lines) or (S("(no details yet)"),))


def _history_lines(history: Sequence[HistoryRow]) -> Lines:
    lines: list[Message] = []
    for h in history:
        reason = st.REASONS.get(h.to_status, {}).get(h.reason or "")
        lines.append(
            S(
                "{at}: {status} ({actor})",
                at=h.at,
                status=st.LABELS.get(h.to_status, T("Draft")),
                actor=actor_text(h.actor),
            )
        )
        if reason is not None:
            lines.append(S("   reason: {reason}", reason=reason))
        if h.note:
            lines.append(S("   note: {note}", note=Verbatim(h.note)))
    return Lines(tuple(lines))


def application_screen(d: ApplicationDetail) -> Screen:
    body: list[Message] = [
        S(
            "📄 <b>{ref}</b> · {status} · language {lang}",
            ref=Verbatim(d.reference),
            status=st.LABELS.get(d.status, T("Draft")),
            lang=Language(d.language),
        ),
        Lines((S("<b>Answers</b>"), _answers_lines(d.answers))),
        Lines((S("<b>Verdict of the rules</b>"), _verdict_lines(d.verdict))),
        Lines((S("<b>Applicant and employer</b>"), _form_lines(d.form))),
        Lines(
            (
                SP(
                    "<b>Documents</b>: {n} file (sent below)",
                    "<b>Documents</b>: {n} files (sent below)",
                    len(d.documents),
                ),
                *(S("• {kind}: {name}", kind=document_name(kind), name=Verbatim(name)) for kind, name in d.documents),
            )
        ),
        Lines((S("<b>History</b>"), _history_lines(d.history))),
    ]
    body.append(
        S("gg24 receipt number (접수번호): <b>{receipt}</b>", receipt=Verbatim(d.gg24_receipt))
        if d.gg24_receipt
        else S("Filing on gg24: <b>not reported yet</b> by the applicant")
    )
    if d.recommendation_number:
        body.append(S("Recommendation number: <b>{number}</b>", number=Verbatim(d.recommendation_number)))
    allowed = {} if d.own else st.TRANSITIONS.get(d.status, {})
    if d.own:
        body.append(ERRORS["own"])
    actions: list[Action] = []
    if allowed.get(st.UNDER_REVIEW) == st.PROVINCE:
        actions.append(action_of("move", S("🔎 Mark as under review"), d.id, seen(st.UNDER_REVIEW, d.status)))
    if allowed.get(st.INFO_REQUESTED) == st.PROVINCE:
        actions.append(action_of("decide", S("📝 Request more information"), d.id, seen(st.INFO_REQUESTED, d.status)))
    if allowed.get(st.RECOMMENDED) == st.PROVINCE:
        actions.append(action_of("decide", S("✅ Recommend"), d.id, seen(st.RECOMMENDED, d.status)))
    if allowed.get(st.NOT_RECOMMENDED) == st.PROVINCE:
        actions.append(action_of("decide", S("❌ Do not recommend"), d.id, seen(st.NOT_RECOMMENDED, d.status)))
    actions += [action_of("files", S("📎 Send the documents again"), d.id), action_of("queue", S("« Review queue"))]
    return Screen(f"staff:app:{d.id}", tuple(body), actions=tuple(actions))


def seen(target: str, shown: str) -> str:
    """A move's button argument: where to, and the status the screen showed, so that the move is
    checked against what the reviewer saw (not what the application is when the button is tapped)."""
    return f"{target}.{shown}"


def target_and_seen(arg: str) -> tuple[str, str | None]:
    target, _, shown = arg.partition(".")
    return target, shown or None


ERRORS: dict[str, Text] = {
    "quota": S("The quota is used up: no recommendation can be issued."),
    "stale": S("That application has changed in the meantime; here it is as it stands now."),
    "used": S(
        "That button was already used, has expired (after a day), or a newer screen replaced it: nothing was changed."
    ),
    "gone": S("That application no longer exists: the applicant has deleted their data."),
    "own": S("This is your own application: another staff member decides on it."),
    "not_allowed": S("That change is not possible from the application's current status: nothing was changed."),
    "not_admin": S("Only administrators can do that."),
    "configured": S("That administrator is set in STAFF_ADMIN_IDS and cannot be changed in the bot."),
    "not_staff": S("That person is not a staff member."),
    "bad_id": S("Please send a Telegram user id: digits only (the person can find it with @userinfobot)."),
    "bad_text": S("Please send it as a text message."),
    "version_too_long": S(
        "Not kept: send the text as one message of at most 3,500 characters, formatting included (Telegram may split a longer one in two). Choose the language again to send it."
    ),
    "tail": S("The rest of that long text was not kept either."),
    "no_versions": S("Write at least one version first."),
    "not_sending": S("Nothing is left to send: the announcement has finished or was cancelled."),
}


def actor_text(actor: str) -> Text | Verbatim:
    """Who moved an application, as staff read it: "applicant", "cli" or "staff:<Telegram id>"."""
    if actor == "cli":
        return S("the CLI")
    if actor == "applicant":
        return S("the applicant")
    if actor.startswith("staff:"):
        return S("staff member {id}", id=Verbatim(actor.removeprefix("staff:")))
    return Verbatim(actor)
