"""The application window as the person meets it: the last 30 days, the close, and what happens to a
draft afterwards. The dates come from knowledge/data/programme.yaml (an extension is a change of
that file alone); the retention of drafts after the close is this bot's own rule, written here."""

from __future__ import annotations

from datetime import datetime, timedelta

from dialogs.screens import Action, Screen
from knowledge.loader import load
from knowledge.parameters import days_left, window_state
from knowledge.text import TP, Lines, Message, T, Text, Verbatim

FINAL_STRETCH_DAYS = 30  # from here on, screens say how many days are left and what that means

# Our rule, not the programme's: a draft that was never sent (and its documents) is kept for
# DRAFT_RETENTION after the close, so an extension can still reopen it; the person is told at the
# close and RETENTION_NOTICE before the erasure (bot/services/reminders.py carries it out).
DRAFT_RETENTION = timedelta(days=30)
RETENTION_NOTICE = timedelta(days=7)


def closes_at() -> datetime:
    return load().programme.window.closes


def drafts_erased_at() -> datetime:
    return closes_at() + DRAFT_RETENTION


def is_closed(now: datetime) -> bool:
    return window_state(load(), now) == "closed"


def final_stretch(now: datetime) -> int | None:
    """Days left when the window is open and closes within FINAL_STRETCH_DAYS, else None."""
    kb = load()
    if window_state(kb, now) != "open":
        return None
    left = days_left(kb, now)
    return left if left <= FINAL_STRETCH_DAYS else None


# From this many days left on, the pre-check may come too late: filing on gg24 is what counts.
HURRY_DAYS = 1


def _hurry(in_pack: bool) -> Text:
    if in_pack:  # under the pack's heading, "/gg24 has every value" would point at the screen itself
        return T(
            "⚠️ <b>Do not wait for the pre-check</b>: staff may not reach it before the close. File on gg24 yourself now with the values below."
        )
    return T(
        "⚠️ <b>Do not wait for the pre-check</b>: staff may not reach it before the close. File on gg24 yourself now; /gg24 has every value to paste."
    )


def in_hurry(now: datetime) -> bool:
    """The last days: the pre-check may come after the close, so filing on gg24 comes first."""
    left = final_stretch(now)
    return left is not None and left <= HURRY_DAYS


# The last hours: "Last day" read at 23:30 invites a pause; the minutes left do not.
LAST_HOURS = timedelta(hours=2)


def minutes_left(now: datetime) -> int | None:
    """In the last hours before the close, the whole minutes left (at least 1); else None."""
    to_go = closes_at() - now
    if not timedelta(0) < to_go < LAST_HOURS:
        return None
    return max(int(to_go.total_seconds() // 60), 1)


def _left_line(now: datetime, left: int) -> Text:
    if left == 0 and (minutes := minutes_left(now)) is not None:
        return TP(
            "⏳ <b>Closes in {n} minute</b>: file on gg24 by {closes} (Korea time).",
            "⏳ <b>Closes in {n} minutes</b>: file on gg24 by {closes} (Korea time).",
            minutes,
            closes=closes_at(),
        )
    if left == 0:
        return T("⏳ <b>Last day</b>: file on gg24 by {closes} (Korea time).", closes=closes_at())
    return TP(
        "⏳ <b>{n} day left</b> to file on gg24 (until {closes}, Korea time).",
        "⏳ <b>{n} days left</b> to file on gg24 (until {closes}, Korea time).",
        left,
        closes=closes_at(),
    )


def days_left_line(now: datetime, in_pack: bool = False) -> Message | None:
    """One line for the application's screens in the last 30 days; in the last two, also not to wait
    (``in_pack``: said under the filing pack's heading)."""
    left = final_stretch(now)
    if left is None:
        return None
    line = _left_line(now, left)
    return Lines((line, _hurry(in_pack))) if left <= HURRY_DAYS else line


def deadline_note(now: datetime) -> Message | None:
    """The verdict's, the checklist's and the documents screen's note in the last 30 days: the days left
    and what they mean for documents that take time (program-facts.md §6 B: M2 p.218, M4 p.3)."""
    line = days_left_line(now)
    left = final_stretch(now)
    if line is None or left is None:
        return None
    if left <= HURRY_DAYS:  # documents that take weeks are no advice on the last days
        return line
    return Lines(
        (
            line,
            T(
                "<i>Documents from abroad need an apostille or a Korean consulate's confirmation, which can take weeks: ask for them now. Documents issued in Korea are valid for 3 months from issue.</i>"
            ),
        )
    )


def window_today(now: datetime) -> Message | None:
    """Where the window stands today: that it closed, or the days left in the last 30 (else None)."""
    return closed_notice() if is_closed(now) else days_left_line(now)


def candidate_window_today(now: datetime) -> Message | None:
    """window_today for the candidate's employer: in the last days the candidate files, not them."""
    left = final_stretch(now)
    if is_closed(now) or left is None:
        return window_today(now)
    if left > HURRY_DAYS:
        return _left_line(now, left)
    return T(  # one line: "Last day: file on gg24 by …" would read as the employer's to do
        "⚠️ Applications close on {closes} (Korea time): the candidate should file on gg24 now, without waiting for the pre-check, which staff may not reach before the close.",
        closes=closes_at(),
    )


def quota_used_up() -> Text:
    return T(
        "All {quota} recommendations have been issued, so no more applications can be submitted.",
        quota=load().programme.quota,
    )


def closed_notice() -> Text:
    p = load().programme
    return T(
        "🔒 <b>Applications closed</b> on {closes} (Korea time). A new round or an extension would be announced on gg.go.kr and gg24.gg.go.kr; ask the Gyeonggi call centre, {phone}.",
        closes=p.window.closes,
        phone=Verbatim(p.contact_phone),
    )


def draft_after_close() -> Text:
    """What happens to a draft that was never sent, once the window closed. Someone may have filed on
    gg24 from the last days' draft pack without sending the draft: the filing there is what counts."""
    return T(
        "📝 Your draft here was not sent for the pre-check before the close. If you filed on gg24 in time, your application there stands and the province decides it (ask {phone}). The draft and its documents will be erased on {erased} (Korea time), unless the window reopens. See what is stored with /mydata, or delete it now with /delete.",
        phone=Verbatim(load().programme.contact_phone),
        erased=drafts_erased_at(),
    )


def closed_screen(has_draft: bool) -> Screen:
    """/start after the close: say so at once, then offer the check as information only."""
    body: list[Message] = [closed_notice()]
    if has_draft:
        body.append(draft_after_close())
    body.append(
        T(
            "You can still see how your profile fits the rules. This is information only: no application can be made now."
        )
    )
    return Screen("closed", tuple(body), actions=(Action("info_check", T("🔍 See how I fit the rules")),))


def info_only_banner() -> Text:
    return T(
        "ℹ️ <b>Information only</b>: applications closed on {closes} (Korea time), so this shows how your answers fit the rules; no application can be made now.",
        closes=closes_at(),
    )
