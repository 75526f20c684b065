"""Questions to programme staff (tickets): what the person sees (T) and what staff see (S).

A ticket's case is a snapshot taken when the person asks (bot/services/tickets.py builds it):
occupation id, the verdict's outcome, the unmet conditions as rendered then (per language), and the
application's reference and status. Both sides read the same snapshot, so the person is shown
exactly what staff will see. Action names are "act:id:arg" (bot/render.py packs them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs import statuses as st
from dialogs.results import HEADLINE
from dialogs.screens import Action, Screen, action_of
from dialogs.staff import occupation_name
from knowledge.text import SP, Language, Lines, Message, S, T, Text, Verbatim
from knowledge.verdict import Outcome

MAX_QUESTION = 1500  # characters of a question or a reply: phone-sized, well within a message
# A question or a reply longer than this is folded (its first lines shown, the rest a tap away), so
# that the message holding it stays within a phone's budget (dialogs/budgets.py).
FOLD_LONGER = 600
APPLICANT, STAFF = "applicant", "staff"

# The applicant's side ---------------------------------------------------------------------------

EMPTY = T("Type your question after /ask, for example:\n/ask Can I apply while my D-10 visa is being extended?")
TOO_LONG = T("Please keep your question under 1,500 characters.")
OPEN_ALREADY = T(
    "You already have an open question to programme staff; they will answer here. To add to it, tap ↩️ Reply under their answer, or wait for it."
)
DAILY_LIMIT = T("You have sent as many questions as allowed today. Please try again tomorrow.")
CANCELLED = T("Cancelled: nothing was sent.")
STALE = T("That question is already sent, closed or cancelled.")
ADDED = T("✅ Added to your question. Programme staff will answer here.")
CLOSED = T("✅ Programme staff have closed your question. To ask something else, use /ask.")
REPLY_PROMPT = T("Type your reply to programme staff:")
LANGUAGE = {"ko": T("Korean"), "en": T("English")}


def _typed(message: Text, typed: str) -> Message:
    """A line holding what someone typed: folded where the typed text is long."""
    return Lines((message,), folded=True) if len(typed) > FOLD_LONGER else message


def _case_lines(case: Mapping[str, Any], locale: str) -> list[Message]:
    """The case as both sides see it; ``locale`` picks the snapshot's wording of the conditions."""
    lines: list[Message] = []
    occupation = case.get("occupation")
    lines.append(T("Occupation: {name}", name=occupation_name(occupation) if occupation else T("not chosen yet")))
    outcome = case.get("outcome")
    if outcome in {o.value for o in Outcome}:
        lines.append(HEADLINE[Outcome(outcome)])
    else:
        lines.append(T("Eligibility check: not finished"))
    for item in case.get("unmet") or ():
        texts = item.get("text") or {}
        text = texts.get(locale) or texts.get("en") or ""
        lines.append(T("{mark} {text}", mark=Verbatim(str(item.get("mark", ""))), text=Verbatim(text)))
    app = case.get("application")
    if app:
        status = st.LABELS.get(str(app.get("status")), T("Draft"))
        if app.get("reference"):
            lines.append(T("Application {ref}: {status}", ref=Verbatim(str(app["reference"])), status=status))
        else:
            lines.append(T("Application: {status}", status=status))
    else:
        lines.append(T("Application: none"))
    return lines


def _moved_since(now: tuple[str, str] | None) -> list[Message]:
    """The case is what the person saw when asking; staff also see where the application stands now."""
    if now is None:
        return []
    reference, status = now
    return [
        S(
            "⚠️ Now: application {ref} is {status}",
            ref=Verbatim(reference),
            status=st.LABELS.get(status, T("Draft")),
        )
    ]


def preview_screen(ticket_id: int, question: str, case: Mapping[str, Any], locale: str, days: int) -> Screen:
    """Before sending: the question and exactly what staff will see with it."""
    return Screen(
        "ticket:preview",
        (
            T("📨 <b>Your question to programme staff</b>"),
            _typed(T("«{question}»", question=Verbatim(question)), question),
            Lines((T("<b>Staff will also see:</b>"), *_case_lines(case, locale))),
            T("Only this is attached to your question. Staff usually answer within {days} working days.", days=days),
        ),
        actions=(
            Action(f"send:{ticket_id}:", T("📨 Send to programme staff")),
            Action(f"cancel:{ticket_id}:", T("Cancel")),
        ),
    )


def sent_text(days: int) -> Text:
    return T(
        "✅ Sent. Programme staff usually answer within {days} working days (Monday to Friday, Korea time). Their answer will come here.",
        days=days,
    )


def staff_reply_text(language: str, text: str) -> Lines:
    """What the applicant receives: a line in their language, then the staff's text verbatim."""
    return Lines(
        (
            T(
                "💬 <b>Programme staff</b> answered your question (written in {language}):",
                language=LANGUAGE.get(language, LANGUAGE["en"]),
            ),
            _typed(T("{value}", value=Verbatim(text)), text),
        )
    )


REPLY_BUTTON = T("↩️ Reply")


def reply_prompt_screen(ticket_id: int) -> Screen:
    return Screen("ticket:reply", (REPLY_PROMPT,), actions=(Action(f"stop:{ticket_id}:", T("Cancel")),))


# The staff's side -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    id: int
    language: str
    created_at: datetime
    answered: bool  # the applicant answered the staff last


@dataclass(frozen=True)
class ThreadRow:
    author: str
    text: str
    at: datetime


@dataclass(frozen=True)
class TicketDetail:
    id: int
    status: str
    language: str
    question: str
    case: Mapping[str, Any]
    created_at: datetime
    thread: Sequence[ThreadRow]
    # The application as it stands now, when it moved since the question was asked: (reference, status).
    application_now: tuple[str, str] | None = None


PAGE = 10  # questions a page: a button each, with the filter and the pages below


def queue_screen(rows: Sequence[QueueRow], total: int, only_apps: bool, now: datetime, page: int = 0) -> Screen:
    body: list[Message] = [S("❓ <b>Questions</b>: {n} open, the applicant's replies first, then the oldest", n=total)]
    if not rows:
        body.append(S("No open questions."))
    actions: list[Action] = []
    for r in rows:
        days = max((now - r.created_at).days, 0)
        label = S(
            "#{id} · {age} · {lang}{answered}",
            id=r.id,
            age=SP("{n} day", "{n} days", days),
            lang=Language(r.language),
            answered=Verbatim(" · ↩️" if r.answered else ""),  # the words are in the legend: a row is 32 wide
        )
        actions.append(action_of("tkopen", label, r.id))
    if any(r.answered for r in rows):
        body.append(S("↩️ = answered by the applicant"))
    if page > 0:
        actions.append(action_of("tickets", S("◀ Previous"), arg=str(page - 1)))
    if (page + 1) * PAGE < total:
        actions.append(action_of("tickets", S("Next ▶"), arg=str(page + 1)))
    toggle = S("Show all") if only_apps else S("Only with an application")
    actions += [action_of("tkfilter", toggle, arg="0" if only_apps else "1"), action_of("menu", S("« Staff menu"))]
    if only_apps:
        body.append(S("Filter: only applicants with an application"))
    return Screen("staff:tickets", tuple(body), actions=tuple(actions))


def _thread_blocks(thread: Sequence[ThreadRow]) -> list[Message]:
    """The heading with the first message, then one block a message: a long thread goes on in a
    next message of the screen (bot/render.py) rather than past a phone's budget."""
    lines: list[Message] = []
    for m in thread:
        who = S("applicant") if m.author == APPLICANT else S("staff")
        lines.append(_typed(S("{at} {who}: {text}", at=m.at, who=who, text=Verbatim(m.text)), m.text))
    first, *rest = lines or [S("(no replies yet)")]
    return [Lines((S("<b>Thread</b>"), first)), *rest]


def ticket_screen(d: TicketDetail, locale: str) -> Screen:
    status = S("open") if d.status == "open" else S("closed")
    body: list[Message] = [
        S(
            "❓ <b>Question #{id}</b> · {status} · language {lang} · asked {at}",
            id=d.id,
            status=status,
            lang=Language(d.language),
            at=d.created_at,
        ),
        _typed(S("«{question}»", question=Verbatim(d.question)), d.question),
        Lines((S("<b>Case</b>"), *_case_lines(d.case, locale), *_moved_since(d.application_now))),
        *_thread_blocks(d.thread),
    ]
    actions: list[Action] = []
    if d.status == "open":
        # The Reply names how much of the thread this screen showed: a colleague's answer since is seen.
        reply = action_of("tkreply", S("✍️ Reply"), d.id, str(len(d.thread)))
        actions += [reply, action_of("tkclose", S("✅ Close"), d.id)]
    actions.append(action_of("tickets", S("« Questions")))
    return Screen(f"staff:ticket:{d.id}", tuple(body), actions=tuple(actions))


def staff_reply_prompt(ticket_id: int) -> Screen:
    return Screen(
        "staff:tkreply",
        (
            S(
                "Type your reply in Korean or English. The applicant receives it exactly as you write it, with a line in their language saying it is from programme staff."
            ),
        ),
        actions=(action_of("tkopen", S("Cancel"), ticket_id),),
    )


STAFF_ERRORS: dict[str, Text] = {
    "closed": S("That question is closed or no longer exists: nothing was changed."),
    "too_long": S(
        "Not sent: the reply is longer than 1,500 characters (Telegram may also split a long text in two). Tap ✍️ Reply and send a shorter one."
    ),
}
SENT = S("Sent to the applicant.")


def answered_meanwhile(text: str) -> Text:
    return S(
        "Not sent: a colleague answered this question while you were writing (see the thread). Your text, to send again with ✍️ Reply if it is still needed:\n{text}",
        text=Verbatim(text.strip()),
    )


CLOSED_DONE = S("Closed. The applicant is told.")
