"""The staff interface's announcement screens: the list, a draft, audience, versions, preview, progress, cancel, the report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs import statuses as st
from dialogs.screens import Screen, action_of
from dialogs.staff import occupation_name
from knowledge.loader import load
from knowledge.text import SP, Joined, Language, Lines, Message, S, T, Text, Verbatim


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
        return S("people using {language}", language=Language(value))
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
    actions = [action_of("newann", S("✍ New announcement"))]
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
        actions.append(action_of("annview", S("Open #{id}", id=r.id), r.id))
    actions.append(action_of("menu", S("« Staff menu")))
    return Screen("staff:anns", (Lines(tuple(lines)),), actions=tuple(actions))


def announcement_view(r: AnnouncementRow) -> Screen:
    actions = [action_of("annview", S("🔄 Refresh"), r.id)]
    if r.state == "sending":
        actions.append(action_of("anncancel", S("⏹ Cancel the rest"), r.id))
    actions.append(action_of("ann", S("« Announcements")))
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
        actions=(
            action_of("annstop", S("⏹ Yes, cancel the rest"), r.id, token),
            action_of("annview", S("No, keep sending"), r.id),
        ),
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
    written = [S("{code} ★", code=Language(code)) if code == fallback else Language(code) for code in versions]
    body = Lines(
        (
            S("✍ <b>New announcement</b>"),
            S("Audience: {audience}", audience=audience_text(draft.get("audience", {}))),
            S("Versions: {codes}", codes=Joined(tuple(written)) if written else Verbatim("—")),
            S("★ = the version for languages without their own."),
            S("To write a version, pick its language, then send the text as a message (formatting is kept)."),
        )
    )
    actions = [
        action_of("annlang", S("✔ {code}", code=Language(c)) if c in versions else S("{code}", code=Language(c)), arg=c)
        for c in languages
    ]
    actions += [
        action_of("annaud", S("👥 Audience")),
        *(action_of("annfb", S("★ Fallback: {code}", code=Language(c)), arg=c) for c in versions if c != fallback),
        action_of("annpreview", S("👁 Preview")),
        action_of("anndiscard", S("🗑 Discard")),
    ]
    return Screen("staff:draft", (body,), actions=tuple(actions), columns=1)


def audience_screen(languages: Sequence[str]) -> Screen:
    actions = [action_of("annset", S("everyone"), arg="all="), action_of("annset", S("employers"), arg="employers=")]
    actions += [action_of("annset", st.LABELS[s], arg=f"status={s}") for s in st.STATUSES if s != st.DRAFT]
    actions += [action_of("annset", T(o.name), arg=f"occupation={o.id}") for o in load().occupations]
    actions += [action_of("annset", S("{code}", code=Language(c)), arg=f"language={c}") for c in languages]
    actions.append(action_of("newann", S("« Back")))
    return Screen(
        "staff:audience",
        (S("Who should receive it? Everyone, or applicants by status, occupation or language:"),),
        actions=tuple(actions),
    )


def version_prompt(code: str) -> Screen:
    return Screen(
        "staff:version",
        (S("Send the text of the <b>{code}</b> version now.", code=Language(code)),),
        actions=(action_of("newann", S("Cancel")),),
    )


DRAFT_CHANGED = S("The draft changed after that preview: here it is as it stands now. Nothing was sent.")


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
                S("{code}: {n} (version {used})", code=Language(code), n=per_language[code], used=Language(used))
            )
    back = action_of("newann", S("« Back to the draft"))
    if not total:  # "Sent 0 of 0": nothing to confirm
        lines.append(S("Nobody would receive it: no one uses the bot in the chosen audience."))
        return Screen("staff:preview", (Lines(tuple(lines)),), actions=(back,))
    # The Confirm names the draft it previewed: a draft changed since (another audience, another
    # text) is not sent by an older preview's button.
    send = action_of("annsend", S("📤 Confirm and send"), 0, draft_mark(draft))
    return Screen("staff:preview", (Lines(tuple(lines)),), actions=(send, back))


def draft_mark(draft: Mapping[str, Any]) -> str:
    """A short fingerprint of an announcement draft (its audience, versions and fallback)."""
    return hashlib.sha256(json.dumps(draft, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def version_heading(code: str) -> Text:
    return S("— version {code} —", code=Language(code))
