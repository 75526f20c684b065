"""The staff's decision on an application, step by step: the reason, the note, the confirmation with
its one-time token, and the lines that close it (done, or decided meanwhile by someone else). The
application screen they start from is in dialogs/staff.py."""

from __future__ import annotations

from datetime import datetime

from dialogs import statuses as st
from dialogs.screens import Screen, action_of
from dialogs.staff import actor_text
from knowledge.text import Lines, Message, S, T, Text, Verbatim


def reason_screen(app_id: int, reference: str, status: str) -> Screen:
    """The reasons (sentences the applicant reads) numbered in the text; a button per number."""
    reasons = list(st.REASONS[status].items())
    actions = [
        action_of("reason", S("{name}", name=Verbatim(str(i))), app_id, key) for i, (key, _) in enumerate(reasons, 1)
    ]
    actions.append(action_of("open", S("Cancel"), app_id))
    numbered = [T("{mark} {text}", mark=Verbatim(f"{i}."), text=label) for i, (_, label) in enumerate(reasons, 1)]
    return Screen(
        "staff:reason",
        (
            S(
                "<b>{ref}</b> → {status}: choose the reason the applicant will read.",
                ref=Verbatim(reference),
                status=st.LABELS[status],
            ),
            Lines(tuple(numbered)),
        ),
        actions=tuple(actions),
    )


NOTE_TOO_LONG = S(
    "Not kept: the note is longer than 1,000 characters (Telegram may also split a long text in two). Choose the reason again, then send a shorter note."
)


def note_screen(app_id: int) -> Screen:
    return Screen(
        "staff:note",
        (
            S(
                "Type a note for the applicant: it is sent as you write it, marked as your note. Or continue without one."
            ),
        ),
        actions=(action_of("confirm", S("Continue without a note"), app_id), action_of("open", S("Cancel"), app_id)),
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
    filed: bool = True,
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
        if not filed:  # the recommendation answers the application filed on gg24, which the bot cannot see
            lines.append(
                S(
                    "⚠️ The applicant has not reported filing on gg24 (no receipt number): check that their application is on gg24."
                )
            )
    if status in st.DECIDED:
        lines.append(S("⚠️ This decision is final: the status table allows no other decision after it."))
    lines.append(S("The applicant is told in their language."))
    return Screen(
        "staff:confirm",
        (Lines(tuple(lines)),),
        actions=(action_of("commit", S("✔ Confirm"), app_id, token), action_of("open", S("Cancel"), app_id)),
    )


def decided_meanwhile(status: str, actor: str, at: datetime) -> Text:
    """A second reviewer's decision, refused: who moved the application first, and when."""
    who = actor_text(actor)
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
