"""An application's status lifecycle: the states, who may move it where, and what the applicant is
told at each step (in plain words, with the next step)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dialogs import after_recommendation as ar
from dialogs.deadline import draft_after_close, in_hurry, is_closed
from dialogs.filing import RECEIPT_PROMPT
from dialogs.screens import Screen, action_of
from knowledge.loader import load
from knowledge.text import Lines, Message, T, Text, Verbatim

DRAFT = "draft"
SUBMITTED = "submitted"  # sent to programme staff for a pre-check: not the official application
FILED = "filed_gg24"  # the applicant filed the official application on gg24 and reported its receipt
UNDER_REVIEW = "under_review"
INFO_REQUESTED = "info_requested"
RECOMMENDED = "recommended"
NOT_RECOMMENDED = "not_recommended"
VISA_APPLIED = "visa_applied"
VISA_ISSUED = "visa_issued"

# Who may make each move, and by which path; the server checks every move against this table
# (bot/services/applications.py), whatever the button or command that asked for it:
# - PROVINCE: staff in the bot, or the staff CLI;
# - SUBMISSION: the applicant's submission, only after its checks (documents, window, quota,
#   eligibility; bot/services/application_documents.py) — never a report button; also the answer
#   to "more information requested", sent back to the staff's queue (bot/services/info_update.py);
# - APPLICANT: the applicant's own reports (/status): filed on gg24 (with the receipt number, once),
#   then the visa steps.
# The official application is filed on gg24 by the applicant; the bot's submission is a pre-check
# by programme staff. Staff may still decide an application whose filing was not reported here
# (they see gg24 themselves).
PROVINCE, APPLICANT, SUBMISSION = "province", "applicant", "submission"
_DECIDE = {RECOMMENDED: PROVINCE, NOT_RECOMMENDED: PROVINCE}
TRANSITIONS: dict[str, dict[str, str]] = {
    DRAFT: {SUBMITTED: SUBMISSION},
    SUBMITTED: {UNDER_REVIEW: PROVINCE, INFO_REQUESTED: PROVINCE, FILED: APPLICANT, **_DECIDE},
    UNDER_REVIEW: {INFO_REQUESTED: PROVINCE, FILED: APPLICANT, **_DECIDE},
    INFO_REQUESTED: {UNDER_REVIEW: PROVINCE, FILED: APPLICANT, SUBMITTED: SUBMISSION, **_DECIDE},
    FILED: {UNDER_REVIEW: PROVINCE, INFO_REQUESTED: PROVINCE, **_DECIDE},
    RECOMMENDED: {VISA_APPLIED: APPLICANT},
    NOT_RECOMMENDED: {},
    VISA_APPLIED: {VISA_ISSUED: APPLICANT},
    VISA_ISSUED: {},
}
STATUSES = tuple(TRANSITIONS)
# Where filing on gg24 can be reported (once: a receipt number is kept).
FILABLE = tuple(status for status, moves in TRANSITIONS.items() if moves.get(FILED) == APPLICANT)
# Past the province's decision: no move leads to a recommendation or a refusal any more.
DECIDED = tuple(
    s for s, moves in TRANSITIONS.items() if s != DRAFT and RECOMMENDED not in moves and NOT_RECOMMENDED not in moves
)

LABELS: dict[str, Text] = {
    DRAFT: T("Draft"),
    SUBMITTED: T("Sent for pre-check"),
    FILED: T("Filed on gg24"),
    UNDER_REVIEW: T("Under review"),
    INFO_REQUESTED: T("More information requested"),
    RECOMMENDED: T("Recommended"),
    NOT_RECOMMENDED: T("Not recommended"),
    VISA_APPLIED: T("Visa applied for"),
    VISA_ISSUED: T("Visa issued"),
}


# The reasons a reviewer picks from (a free note may follow); shown to the applicant in their language.
REASONS: dict[str, dict[str, Text]] = {
    INFO_REQUESTED: {
        "missing_document": T("A document is missing."),
        "unreadable_document": T("A document cannot be read clearly."),
        "degree_proof": T("Proof of your degree, or of its recognition, is needed."),
        "career_proof": T("Proof of your work experience is needed."),
        "contract": T("The employment contract needs a correction or more detail."),
        "salary": T("Proof of the salary is needed."),
        "other": T("Other: see the note."),
    },
    NOT_RECOMMENDED: {
        "requirements": T("The programme's requirements are not met."),
        "salary_below_floor": T("The salary is below the floor for the occupation."),
        "qualifications": T("The degree or the work experience does not meet the requirement."),
        "documents": T("The documents could not be verified."),
        "employer": T("The employer does not meet the programme's conditions."),
        "quota": T("All recommendations have been issued."),
        "other": T("Other: see the note."),
    },
}


class TransitionError(ValueError):
    pass


def check_transition(current: str, new: str, by: str) -> None:
    """Raises TransitionError unless ``by`` may move an application from ``current`` to ``new``."""
    if new not in TRANSITIONS:
        raise TransitionError(f"unknown status {new!r}; one of {', '.join(STATUSES)}")
    allowed = TRANSITIONS.get(current, {})
    if allowed.get(new) != by:
        raise TransitionError(f"{current} -> {new} is not a move the {by} can make")


@dataclass(frozen=True)
class StatusView:
    """What an applicant sees of an application: its reference and status, and the data of the change."""

    reference: str
    status: str
    in_korea: bool
    recommendation_number: str | None = None
    recommendation_date: date | None = None
    note: str | None = None  # the province's note, shown as written
    reason: str | None = None  # a key of REASONS[status]
    receipt: str | None = None  # the gg24 receipt number the applicant reported
    window_closed: bool = False
    hurry: bool = False  # the last days before the close (dialogs/deadline.in_hurry)
    stay_status: str | None = None  # in Korea: their status, which decides the route to the visa
    occupation: str | None = None  # an occupation id: which visa documents and employer-change rule
    resent: bool = False  # submitted again, answering a request for more information


def not_filed_yet(window_closed: bool = False) -> Text:
    if window_closed:
        return T(
            "<b>No gg24 filing reported.</b> Applications closed on {closes} (Korea time). If you filed on gg24 in time, tell me the receipt number (접수번호) with /status.",
            closes=load().programme.window.closes,
        )
    return T(
        "<b>Not filed on gg24 yet.</b> The official application is yours to file on gg24.gg.go.kr by {closes} (Korea time): use your filing pack (/gg24), then tell me the receipt number (접수번호) with /status.",
        closes=load().programme.window.closes,
    )


def next_step(view: StatusView) -> Message:
    """The next step, as /status shows it (after the recommendation: the whole route)."""
    if view.status == RECOMMENDED:
        return Lines(
            (
                ar.point(ar.NOT_A_VISA),
                ar.steps_message(view.in_korea, view.stay_status),  # its sources folded
                T("When you have applied, tell me with /status."),
            )
        )
    if view.status == VISA_APPLIED:
        return ar.visa_applied_next(view.in_korea, view.stay_status)
    if view.status == VISA_ISSUED:
        return ar.after_visa(view.in_korea, view.stay_status, view.occupation)
    step = _short_next_step(view)
    if view.status in (SUBMITTED, UNDER_REVIEW, INFO_REQUESTED) and not view.receipt:
        return Lines((step, not_filed_yet(view.window_closed)))
    return step


def _short_next_step(view: StatusView) -> Text:
    p = load().programme
    if view.status == SUBMITTED and view.window_closed:  # nothing is filed from now: staff decide
        return T("Next: wait for the province's decision. If they need more information, I will tell you here.")
    if view.hurry and not view.receipt and view.status in (SUBMITTED, UNDER_REVIEW, INFO_REQUESTED):
        # "I will tell you before you file" (or "send the update") could come after the close
        return T("Next: file on gg24 yourself now: staff may not reach the pre-check before the close.")
    if view.status == SUBMITTED:
        return T(
            "Next: programme staff pre-check your draft; if something should change before you file, I will tell you here."
        )
    if view.status == FILED:
        return T(
            "Next: the province reviews your application (receipt number {receipt}). I will tell you here when the status changes.",
            receipt=Verbatim(view.receipt or ""),
        )
    if view.status == UNDER_REVIEW:
        return T("Next: wait for the province's decision. If they need more information, I will tell you here.")
    if view.status == INFO_REQUESTED:
        return T(
            "Next: add or replace the documents they ask for with /apply, then tap “📨 Send the update”. Questions: {phone}.",
            phone=Verbatim(p.contact_phone),
        )
    if view.status == NOT_RECOMMENDED and view.reason == "quota":  # checking again leads nowhere either
        return T(
            "Next: when your application was decided, every recommendation of this programme had been issued. A new round or an extension would be announced on gg.go.kr; ask {phone}.",
            phone=Verbatim(p.contact_phone),
        )
    if view.status == NOT_RECOMMENDED and view.window_closed:  # checking again would lead to no application
        return T(
            "Next: you may ask the province about the reason at {phone}. Applications closed on {closes} (Korea time); a new round or an extension would be announced on gg.go.kr.",
            phone=Verbatim(p.contact_phone),
            closes=p.window.closes,
        )
    if view.status == NOT_RECOMMENDED:
        return T(
            "Next: you may ask the province about the reason at {phone}. You can check your eligibility again at any time with /start.",
            phone=Verbatim(p.contact_phone),
        )
    return T("Next: finish your draft and submit it.")


def what_was_said(status: str, reason: str | None, note: str | None) -> Message | None:
    """A decision's reason and the province's note, as written."""
    lines: list[Message] = []
    if (said := REASONS.get(status, {}).get(reason or "")) is not None:
        lines.append(T("Reason: {reason}", reason=said))
    if note:
        lines.append(T("Note from the province (as written): <i>{note}</i>", note=Verbatim(note)))
    return Lines(tuple(lines)) if lines else None


def notification(view: StatusView) -> Message:
    """The message an applicant receives when their application's status changes."""
    headline = {
        SUBMITTED: T(
            "📨 Your draft <b>{ref}</b> has been sent to programme staff for a pre-check. This is not the official application: you file that yourself on gg24."
        ),
        FILED: T("🧾 Noted: you filed application <b>{ref}</b> on gg24."),
        UNDER_REVIEW: T("🔎 Gyeonggi Province is now reviewing your application <b>{ref}</b>."),
        INFO_REQUESTED: T("📝 Gyeonggi Province needs more information for your application <b>{ref}</b>."),
        RECOMMENDED: T("🎉 Good news: Gyeonggi Province has <b>recommended</b> you (application <b>{ref}</b>)."),
        NOT_RECOMMENDED: T("Gyeonggi Province has decided <b>not to recommend</b> your application <b>{ref}</b>."),
        VISA_APPLIED: T("Noted: you have applied for the visa (application <b>{ref}</b>)."),
        VISA_ISSUED: T("🎉 Congratulations on your visa! (application <b>{ref}</b>)"),
    }.get(
        view.status,
        T("The status of your application <b>{ref}</b> is now: {status}.", status=LABELS.get(view.status, T("Draft"))),
    )
    if view.resent:
        headline = T("📨 Your update to application <b>{ref}</b> has been sent to programme staff.")
    lines: list[Message] = [Text(headline.msgid, {**headline.params, "ref": Verbatim(view.reference)})]
    if view.status == RECOMMENDED and view.recommendation_number:
        lines.append(
            T(
                "Recommendation number: <b>{number}</b>, dated {date}.",
                number=Verbatim(view.recommendation_number),
                date=view.recommendation_date or "",
            )
        )
    if (said := what_was_said(view.status, view.reason, view.note)) is not None:
        lines.append(said)
    # After the recommendation the notice stays short: the route follows (follow_ups).
    lines.append(
        ar.recommended_next(view.in_korea, view.stay_status) if view.status == RECOMMENDED else next_step(view)
    )
    return Lines(tuple(lines))


def follow_ups(view: StatusView) -> tuple[Message, ...]:
    """Messages sent after a status change's notice, each phone-sized: after the recommendation,
    the route, its documents and what is not known (dialogs/after_recommendation.py)."""
    if view.status == RECOMMENDED:
        return ar.recommended_messages(view.in_korea, view.stay_status, view.occupation)
    return ()


def status_summary(view: StatusView) -> Message:
    """/status: where an application stands and what comes next."""
    return Lines(
        (
            T("Application <b>{ref}</b>: {status}", ref=Verbatim(view.reference), status=LABELS[view.status]),
            next_step(view),
        )
    )


# /status's buttons: the applicant's own move from each status (TRANSITIONS' APPLICANT entries).
REPORT_LABELS: dict[str, Text] = {
    FILED: T("🧾 I filed on gg24"),
    VISA_APPLIED: T("I have applied for the visa"),
    VISA_ISSUED: T("My visa has been issued"),
}
CANCEL = "cancel"  # stop waiting for a typed receipt number


def report_for(status: str, receipt: str | None) -> str | None:
    """The report the applicant can make now, if any: filing on gg24 is reported once."""
    moves = (to for to, by in TRANSITIONS[status].items() if by == APPLICANT)
    return next((to for to in moves if not (to == FILED and receipt)), None)


def status_screen(view: StatusView, app_id: int) -> Screen:
    """/status for a sent application: where it stands, what comes next, and the report button."""
    report = report_for(view.status, view.receipt)
    actions = (action_of(report, REPORT_LABELS[report], app_id),) if report is not None else ()
    return Screen("status", (status_summary(view),), actions=actions)


def receipt_screen(app_id: int) -> Screen:
    """After "I filed on gg24": typed text is the receipt number, until it is given or cancelled."""
    return Screen("receipt", (RECEIPT_PROMPT,), actions=(action_of(CANCEL, T("Cancel"), app_id),))


def draft_summary(fields: tuple[int, int], documents: tuple[int, int], now: datetime) -> Message:
    """/status for a draft: a draft, how complete, and what comes next (or what happens after the close)."""
    lines: list[Message] = [
        T(
            "📝 <b>Draft</b> (not sent): {fields_done} of {fields_total} details, {documents_done} of {documents_total} documents.",
            fields_done=fields[0],
            fields_total=fields[1],
            documents_done=documents[0],
            documents_total=documents[1],
        )
    ]
    if is_closed(now):
        lines.append(draft_after_close())
    elif in_hurry(now):  # the pre-check could come after the close: filing first, then sending it here
        lines.append(
            T(
                "Next: file on gg24 yourself now: /gg24 makes your filing pack from this draft. Send the draft here too before the close (/apply, 📨 Send for pre-check), so that I can record your receipt number."
            )
        )
    else:
        lines.append(
            T(
                "Next: finish it with /apply and send it to programme staff for a pre-check; then file the official application yourself on gg24 by {closes} (Korea time).",
                closes=load().programme.window.closes,
            )
        )
    return Lines(tuple(lines))


def employer_notification(
    reference: str, status: str, *, in_korea: bool = False, stay_status: str | None = None
) -> Message:
    """What a linked employer is told when their candidate's application changes; the visa
    milestones say what they mean for the employer (``in_korea``/``stay_status``: the route)."""
    meaning: Message | None = {
        RECOMMENDED: lambda: ar.employer_recommended(in_korea, stay_status),
        VISA_APPLIED: lambda: ar.employer_visa_applied(in_korea, stay_status),
        VISA_ISSUED: lambda: ar.employer_visa_issued(in_korea, stay_status),
    }.get(status, lambda: None)()
    head = T(
        "🏢 Your candidate's application <b>{ref}</b> is now: <b>{status}</b>.",
        ref=Verbatim(reference),
        status=LABELS.get(status, T("Draft")),
    )
    rest: tuple[Message, ...] = (meaning,) if meaning is not None else ()
    return Lines((head, *rest, T("See your candidates with /employer.")))
