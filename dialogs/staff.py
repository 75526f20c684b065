"""The staff interface's screens: menu, review queue, an application, decisions, staff, announcements,
statistics. Texts are S() (the "staff" catalog: Korean, English as the source); names the applicant
also sees (statuses, occupations, reasons) are T() and render in the staff member's language.

Action names are "act:id:arg"; bot/render.py packs them into StaffCB callback data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs import application_form as af
from dialogs import questionnaire as q
from dialogs import statuses as st
from dialogs.question_screens import display_value
from dialogs.results import HEADLINE, MARK
from dialogs.screens import Action, Screen
from knowledge.loader import load
from knowledge.rules import Status, Verdict
from knowledge.text import SP, Joined, Lines, Message, S, T, Text, Verbatim, WithKorean

OPEN_STATUSES = (st.SUBMITTED, st.UNDER_REVIEW, st.INFO_REQUESTED)
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


def _a(act: str, label: Text, ident: int = 0, arg: str = "") -> Action:
    return Action(f"{act}:{ident}:{arg}", label)


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
    actions = [_a("queue", S("📥 Review queue")), _a("quota", S("📊 Quota")), _a("stats", S("📈 Statistics"))]
    actions.append(_a("companies", S("🏢 Companies to verify")))
    if role == "admin":
        actions += [_a("ann", S("📣 Announcements")), _a("team", S("👥 Staff members"))]
    other = "en" if locale == "ko" else "ko"
    actions.append(_a("lang", S("{name}", name=Verbatim(f"🌐 {LANGUAGE_NAMES[other]}")), arg=other))
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
    submitted_at: datetime | None


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
    language = Verbatim(flt.language) if flt.language else S("all")
    body: list[Message] = [
        S("📥 <b>Review queue</b>: {n} applications, oldest first", n=total),
        S(
            "Filters: status {status} · occupation {occupation} · language {language}",
            status=status,
            occupation=occupation,
            language=language,
        ),
    ]
    if not rows:
        body.append(S("Nothing to review with these filters."))
    actions = [
        _a(
            "open",
            S(
                "{ref} · {status} · {lang} · {day}",
                ref=Verbatim(r.reference),
                status=st.LABELS.get(r.status, T("Draft")),
                lang=Verbatim(r.language),
                day=r.submitted_at.date() if r.submitted_at else Verbatim("—"),
            ),
            r.id,
        )
        for r in rows
    ]
    pages = max((total - 1) // PAGE, 0)
    if flt.page > 0:
        actions.append(_a("page", S("◀ Previous"), arg=str(flt.page - 1)))
    if flt.page < pages:
        actions.append(_a("page", S("Next ▶"), arg=str(flt.page + 1)))
    actions += [
        _a("filter", S("Filter by status"), arg="status"),
        _a("filter", S("Filter by occupation"), arg="occupation"),
        _a("filter", S("Filter by language"), arg="language"),
        _a("clear", S("Clear filters")),
        _a("menu", S("« Staff menu")),
    ]
    return Screen("staff:queue", tuple(body), actions=tuple(actions))


def filter_screen(kind: str, languages: Sequence[str]) -> Screen:
    actions: list[Action]
    if kind == "status":
        actions = [
            _a("setf", st.LABELS[s], arg=f"status={s}") for s in (*OPEN_STATUSES, st.RECOMMENDED, st.NOT_RECOMMENDED)
        ]
    elif kind == "occupation":
        actions = [_a("setf", T(o.name), arg=f"occupation={o.id}") for o in load().occupations]
    else:
        actions = [_a("setf", S("{code}", code=Verbatim(code)), arg=f"language={code}") for code in languages]
    actions.append(_a("queue", S("« Review queue")))
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


def _answers_lines(answers: Mapping[str, Any]) -> Lines:
    lines: list[Message] = []
    for key, value in answers.items():
        question = q.BY_KEY.get(key)
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
                actor=Verbatim(h.actor),
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
            lang=Verbatim(d.language),
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
                *(S("• {kind}: {name}", kind=Verbatim(kind), name=Verbatim(name)) for kind, name in d.documents),
            )
        ),
        Lines((S("<b>History</b>"), _history_lines(d.history))),
    ]
    if d.recommendation_number:
        body.append(S("Recommendation number: <b>{number}</b>", number=Verbatim(d.recommendation_number)))
    allowed = st.TRANSITIONS.get(d.status, {})
    actions: list[Action] = []
    if allowed.get(st.UNDER_REVIEW) == st.PROVINCE:
        actions.append(_a("move", S("🔎 Mark as under review"), d.id, st.UNDER_REVIEW))
    if allowed.get(st.INFO_REQUESTED) == st.PROVINCE:
        actions.append(_a("decide", S("📝 Request more information"), d.id, st.INFO_REQUESTED))
    if allowed.get(st.RECOMMENDED) == st.PROVINCE:
        actions.append(_a("decide", S("✅ Recommend"), d.id, st.RECOMMENDED))
    if allowed.get(st.NOT_RECOMMENDED) == st.PROVINCE:
        actions.append(_a("decide", S("❌ Do not recommend"), d.id, st.NOT_RECOMMENDED))
    actions += [_a("files", S("📎 Send the documents again"), d.id), _a("queue", S("« Review queue"))]
    return Screen(f"staff:app:{d.id}", tuple(body), actions=tuple(actions))


def reason_screen(app_id: int, reference: str, status: str) -> Screen:
    actions = [_a("reason", label, app_id, key) for key, label in st.REASONS[status].items()]
    actions.append(_a("open", S("Cancel"), app_id))
    return Screen(
        "staff:reason",
        (
            S(
                "<b>{ref}</b> → {status}: choose the reason the applicant will read.",
                ref=Verbatim(reference),
                status=st.LABELS[status],
            ),
        ),
        actions=tuple(actions),
    )


def note_screen(app_id: int) -> Screen:
    return Screen(
        "staff:note",
        (
            S(
                "Type a note for the applicant: it is sent as you write it, marked as your note. Or continue without one."
            ),
        ),
        actions=(_a("confirm", S("Continue without a note"), app_id), _a("open", S("Cancel"), app_id)),
    )


def confirm_screen(
    app_id: int,
    reference: str,
    status: str,
    reason: str | None,
    note: str | None,
    issued: int,
    quota: int,
    token: str,
) -> Screen:
    """The last step of a decision; its Confirm carries a one-time token (bot/db/confirmations.py)."""
    lines: list[Message] = [S("<b>{ref}</b> → {status}", ref=Verbatim(reference), status=st.LABELS[status])]
    label = st.REASONS.get(status, {}).get(reason or "")
    if label is not None:
        lines.append(S("Reason: {reason}", reason=label))
    if note:
        lines.append(S("Note: {note}", note=Verbatim(note)))
    if status == st.RECOMMENDED:
        lines.append(
            S(
                "This uses one recommendation of the quota: {issued} of {quota} issued so far.",
                issued=issued,
                quota=quota,
            )
        )
    lines.append(S("The applicant is told in their language."))
    return Screen(
        "staff:confirm",
        (Lines(tuple(lines)),),
        actions=(_a("commit", S("✔ Confirm"), app_id, token), _a("open", S("Cancel"), app_id)),
    )


ERRORS: dict[str, Text] = {
    "quota": S("The quota is used up: no recommendation can be issued."),
    "stale": S("That application has changed in the meantime; here it is as it stands now."),
    "used": S("That button was already used, or a newer screen replaced it: nothing was changed."),
    "gone": S("That application no longer exists: the applicant has deleted their data."),
    "not_allowed": S("That change is not possible from the application's current status: nothing was changed."),
    "not_admin": S("Only administrators can do that."),
    "configured": S("That administrator is set in STAFF_ADMIN_IDS and cannot be changed in the bot."),
    "not_staff": S("That person is not a staff member."),
    "bad_id": S("Please send a Telegram user id: digits only (the person can find it with @userinfobot)."),
    "bad_text": S("Please send the text as a message (at most 4,000 characters)."),
    "no_versions": S("Write at least one version first."),
}


def decided_meanwhile(status: str, actor: str, at: datetime) -> Text:
    """A second reviewer's decision, refused: who moved the application first, and when."""
    who: Text | Verbatim = (
        S("the CLI") if actor == "cli" else S("the applicant") if actor == "applicant" else Verbatim(actor)
    )
    return S(
        "Not changed: the application was moved to {status} meanwhile, by {who} at {when}. Here it is as it stands now.",
        status=st.LABELS.get(status, Verbatim(status)),
        who=who,
        when=at,
    )


def done_line(reference: str, status: str) -> Text:
    return S(
        "Done: <b>{ref}</b> is now {status}. The applicant will be told.",
        ref=Verbatim(reference),
        status=st.LABELS[status],
    )


# --- staff members ------------------------------------------------------------------------------


def team_screen(members: Sequence[tuple[int, str, bool]]) -> Screen:
    lines: list[Message] = [S("👥 <b>Staff members</b>")]
    actions: list[Action] = []
    for user_id, role, configured in members:
        role_label = S("administrator") if role == "admin" else S("reviewer")
        if configured:
            lines.append(S("{id}: {role} (STAFF_ADMIN_IDS)", id=Verbatim(str(user_id)), role=role_label))
        else:
            lines.append(S("{id}: {role}", id=Verbatim(str(user_id)), role=role_label))
            actions.append(_a("unstaff", S("Remove {id}", id=Verbatim(str(user_id))), user_id))
    actions += [
        _a("addstaff", S("➕ Add a reviewer"), arg="reviewer"),
        _a("addstaff", S("➕ Add an administrator"), arg="admin"),
        _a("audit", S("🧾 Audit log")),
        _a("menu", S("« Staff menu")),
    ]
    return Screen("staff:team", (Lines(tuple(lines)),), actions=tuple(actions))


def add_staff_prompt(role: str) -> Screen:
    role_label = S("administrator") if role == "admin" else S("reviewer")
    return Screen(
        "staff:add",
        (S("Send the Telegram user id of the new {role} (digits only).", role=role_label),),
        actions=(_a("team", S("Cancel")),),
    )


def audit_screen(entries: Sequence[tuple[datetime, int, str, str, str]]) -> Screen:
    lines: list[Message] = [S("🧾 <b>Audit log</b> (latest first)")]
    for at, actor, action, target, change in entries:
        lines.append(
            S(
                "{at} · {actor} · {action} · {target} {change}",
                at=at,
                actor=Verbatim(str(actor)),
                action=Verbatim(action),
                target=Verbatim(target),
                change=Verbatim(change),
            )
        )
    return Screen("staff:audit", (Lines(tuple(lines)),), actions=(_a("team", S("« Staff members")),))


# --- quota and statistics -----------------------------------------------------------------------


def stats_screen(counts: Mapping[tuple[str, str, str, str], int]) -> Screen:
    """The funnel, then by occupation and by language, then the unmet conditions (anonymous counts)."""
    totals = {stage: 0 for stage in FUNNEL}
    by_occupation: dict[str, dict[str, int]] = {}
    by_language: dict[str, dict[str, int]] = {}
    reasons: dict[str, dict[str, Counter[str]]] = {}
    for (stage, occupation, language, reason), n in counts.items():
        if stage not in totals:
            continue
        if stage == "ineligible" and reason:
            split = reasons.setdefault(reason, {"occupation": Counter(), "language": Counter()})
            split["occupation"][occupation] += n
            split["language"][language] += n
            continue
        totals[stage] += n
        if occupation:
            by_occupation.setdefault(occupation, {}).setdefault(stage, 0)
            by_occupation[occupation][stage] += n
        by_language.setdefault(language, {}).setdefault(stage, 0)
        by_language[language][stage] += n

    def row(values: Mapping[str, int]) -> Verbatim:
        return Verbatim(" / ".join(str(values.get(s, 0)) for s in FUNNEL))

    funnel = Lines(
        (
            S("📈 <b>Funnel</b> (people, anonymous)"),
            *(S("{stage}: <b>{n}</b>", stage=STAGE_LABELS[s], n=totals[s]) for s in FUNNEL),
        )
    )
    legend = S("Columns: started / finished / eligible / not eligible / application / submitted / recommended")
    occupations = Lines(
        (
            S("<b>By occupation</b>"),
            legend,
            *(S("{name}: {row}", name=occupation_name(o), row=row(v)) for o, v in sorted(by_occupation.items())),
        )
    )
    languages = Lines(
        (
            S("<b>By language</b>"),
            *(S("{name}: {row}", name=Verbatim(lang), row=row(v)) for lang, v in sorted(by_language.items())),
        )
    )
    kb = load()
    top = sorted(reasons.items(), key=lambda kv: -sum(kv[1]["language"].values()))[:10]
    why_lines: list[Message] = [S("<b>Why people are not eligible</b> (unmet conditions)")]
    for condition, split in top:
        requirement = kb.conditions[condition].requirement if condition in kb.conditions else condition
        why_lines.append(S("{n} × {condition}", n=sum(split["language"].values()), condition=T(requirement)))
        why_lines.append(
            S(
                "   by occupation: {occupations} · by language: {languages}",
                occupations=Joined(
                    tuple(S("{name} {n}", name=occupation_name(o), n=k) for o, k in split["occupation"].most_common(3))
                ),
                languages=Verbatim(", ".join(f"{lang} {k}" for lang, k in split["language"].most_common())),
            )
        )
    why = Lines(tuple(why_lines))
    return Screen("staff:stats", (funnel, occupations, languages, why), actions=(_a("menu", S("« Staff menu")),))


# --- announcements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnouncementRow:
    id: int
    state: str
    created_at: datetime
    recipients: int
    counts: Mapping[str, int]


STATE_LABELS: dict[str, Text] = {
    "sending": S("sending"),
    "done": S("finished"),
    "cancelled": S("cancelled"),
}


def audience_text(audience: Mapping[str, Any]) -> Message:
    kind, value = audience.get("kind", "all"), str(audience.get("value", ""))
    if kind == "status":
        return S("applicants with status {status}", status=st.LABELS.get(value, Verbatim(value)))
    if kind == "occupation":
        return S("applicants for {occupation}", occupation=occupation_name(value))
    if kind == "language":
        return S("people using {language}", language=Verbatim(value))
    if kind == "employers":
        return S("employers (registered companies' staff)")
    return S("everyone")


def progress_line(counts: Mapping[str, int], recipients: int) -> Text:
    waiting = counts.get("pending", 0) + counts.get("claimed", 0) + counts.get("sending", 0)
    return S(
        "Sent {sent} of {total} · blocked {blocked} · failed {failed} · waiting {waiting}",
        sent=counts.get("sent", 0),
        total=recipients,
        blocked=counts.get("blocked", 0),
        failed=counts.get("failed", 0) + counts.get("uncertain", 0),
        waiting=waiting,
    )


def announcements_screen(rows: Sequence[AnnouncementRow]) -> Screen:
    lines: list[Message] = [S("📣 <b>Announcements</b>")]
    actions = [_a("newann", S("✍ New announcement"))]
    for r in rows:
        lines.append(
            S(
                "#{id} · {at} · {state} · {progress}",
                id=r.id,
                at=r.created_at,
                state=STATE_LABELS.get(r.state, Verbatim(r.state)),
                progress=progress_line(r.counts, r.recipients),
            )
        )
        actions.append(_a("annview", S("Open #{id}", id=r.id), r.id))
    actions.append(_a("menu", S("« Staff menu")))
    return Screen("staff:anns", (Lines(tuple(lines)),), actions=tuple(actions))


def announcement_view(r: AnnouncementRow) -> Screen:
    actions = [_a("annview", S("🔄 Refresh"), r.id)]
    if r.state == "sending":
        actions.append(_a("anncancel", S("⏹ Cancel the rest"), r.id))
    actions.append(_a("ann", S("« Announcements")))
    return Screen(
        "staff:ann",
        (
            S("📣 <b>Announcement #{id}</b>: {state}", id=r.id, state=STATE_LABELS.get(r.state, Verbatim(r.state))),
            progress_line(r.counts, r.recipients),
        ),
        actions=tuple(actions),
    )


def cancel_announcement_screen(r: AnnouncementRow, token: str) -> Screen:
    """Cancelling stops the rest for good: asked once, with a one-time token on the button."""
    return Screen(
        "staff:ann_cancel",
        (
            S("⏹ <b>Cancel announcement #{id}?</b> The messages not yet sent will not be sent.", id=r.id),
            progress_line(r.counts, r.recipients),
        ),
        actions=(_a("annstop", S("⏹ Yes, cancel the rest"), r.id, token), _a("annview", S("No, keep sending"), r.id)),
    )


def announcement_report(announcement_id: int, state: str, counts: Mapping[str, int]) -> Message:
    """The final report the author receives."""
    total = sum(counts.values())
    return Lines(
        (
            S(
                "📣 <b>Announcement #{id}</b> is {state}.",
                id=announcement_id,
                state=STATE_LABELS.get(state, Verbatim(state)),
            ),
            progress_line(counts, total),
            S("Cancelled before sending: {n}", n=counts.get("cancelled", 0)),
        )
    )


def draft_screen(draft: Mapping[str, Any], languages: Sequence[str]) -> Screen:
    versions: Mapping[str, str] = draft.get("versions", {})
    fallback = draft.get("fallback") or ""
    written = [f"{code}{' ★' if code == fallback else ''}" for code in versions]
    body = Lines(
        (
            S("✍ <b>New announcement</b>"),
            S("Audience: {audience}", audience=audience_text(draft.get("audience", {}))),
            S("Versions: {codes}", codes=Verbatim(", ".join(written) or "—")),
            S("★ = the version for languages without their own."),
            S("To write a version, pick its language, then send the text as a message (formatting is kept)."),
        )
    )
    actions = [_a("annlang", S("{code}", code=Verbatim(("✔ " if c in versions else "") + c)), arg=c) for c in languages]
    actions += [
        _a("annaud", S("👥 Audience")),
        *(_a("annfb", S("★ Fallback: {code}", code=Verbatim(c)), arg=c) for c in versions if c != fallback),
        _a("annpreview", S("👁 Preview")),
        _a("anndiscard", S("🗑 Discard")),
    ]
    return Screen("staff:draft", (body,), actions=tuple(actions), columns=1)


def audience_screen(languages: Sequence[str]) -> Screen:
    actions = [_a("annset", S("everyone"), arg="all="), _a("annset", S("employers"), arg="employers=")]
    actions += [_a("annset", st.LABELS[s], arg=f"status={s}") for s in st.STATUSES if s != st.DRAFT]
    actions += [_a("annset", T(o.name), arg=f"occupation={o.id}") for o in load().occupations]
    actions += [_a("annset", S("{code}", code=Verbatim(c)), arg=f"language={c}") for c in languages]
    actions.append(_a("newann", S("« Back")))
    return Screen(
        "staff:audience",
        (S("Who should receive it? Everyone, or applicants by status, occupation or language:"),),
        actions=tuple(actions),
    )


def version_prompt(code: str) -> Screen:
    return Screen(
        "staff:version",
        (S("Send the text of the <b>{code}</b> version now.", code=Verbatim(code)),),
        actions=(_a("newann", S("Cancel")),),
    )


def preview_screen(draft: Mapping[str, Any], per_language: Mapping[str, int], languages: Sequence[str]) -> Screen:
    """After the versions themselves (sent as written): the audience and who gets which version."""
    versions: Mapping[str, str] = draft.get("versions", {})
    fallback = draft.get("fallback") or ""
    total = sum(per_language.values())
    lines: list[Message] = [
        S("Audience: {audience}", audience=audience_text(draft.get("audience", {}))),
        SP("<b>{n} recipient</b>", "<b>{n} recipients</b>", total),
    ]
    for code in languages:
        if per_language.get(code):
            used = code if code in versions else fallback
            lines.append(
                S("{code}: {n} (version {used})", code=Verbatim(code), n=per_language[code], used=Verbatim(used))
            )
    return Screen(
        "staff:preview",
        (Lines(tuple(lines)),),
        actions=(_a("annsend", S("📤 Confirm and send")), _a("newann", S("« Back to the draft"))),
    )


def version_heading(code: str) -> Text:
    return S("— version {code} —", code=Verbatim(code))


def companies_screen(companies: Sequence[tuple[int, str, str, str]]) -> Screen:
    """Companies registered by employers and not yet verified: (id, name, BRN, city id)."""
    lines: list[Message] = [S("🏢 <b>Companies to verify</b>")]
    if not companies:
        lines.append(S("None waiting."))
    actions = []
    for ident, name, brn, city in companies:
        lines.append(S("{name} · {brn} · {city}", name=Verbatim(name), brn=Verbatim(brn), city=Verbatim(city)))
        actions.append(_a("verify", S("✔ Verified: {name}", name=Verbatim(name[:30])), ident))
    actions.append(_a("menu", S("« Staff menu")))
    return Screen("staff:companies", (Lines(tuple(lines)),), actions=tuple(actions))
