"""Reminders before the close, through the outbox (so each is sent once, and survives restarts):
- an unfinished draft untouched for 3 days (a document sent is work on it; not in the last 7 days,
  where the closing reminders say it);
- a finished draft (every detail and document) not sent after a day, not in the last days (nor in
  the last week for one finished before its 7-day reminder);
- 7 days and 1 day before the application window closes, to everyone with an unsubmitted draft (the
  last one says to file on gg24 now, as the screens of the last days do), and to a sent application
  with no gg24 filing reported.
None once every recommendation is issued: /apply and /gg24 could not do what they say. At most one
reminder an application a check. The dedup key names the application and the occasion, so running
the check often never doubles a reminder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.repositories.applications import ApplicationRepo
from bot.services import quota
from bot.services.application_documents import FormService
from bot.services.outbox import tell
from dialogs import statuses as st
from dialogs.deadline import HURRY_DAYS
from knowledge.loader import load
from knowledge.parameters import days_left, window_state
from knowledge.text import T, Text

IDLE = timedelta(days=3)
BEFORE_CLOSE = (1, 7)  # nearest first: at most one closing reminder per check


def draft_idle(closes: datetime) -> Text:
    return T(
        "📝 Your application draft is waiting for you. Continue with /apply; applications close on {closes} (Korea time).",
        closes=closes,
    )


def closing_soon(closes: datetime) -> Text:
    return T(
        "⏰ Applications close on {closes} (Korea time). Your application is not submitted yet: finish it with /apply.",
        closes=closes,
    )


def last_days(closes: datetime) -> Text:
    return T(
        "⏰ Applications close on {closes} (Korea time) and your application is not filed yet. Do not wait for the pre-check: file it yourself on gg24 now; /gg24 gives your draft's values to paste.",
        closes=closes,
    )


async def run_reminders(session: AsyncSession, clock: Clock, forms: FormService) -> int:
    """Enqueues the reminders due now, at most one a person a check; returns how many were new."""
    added = await remind_idle_or_closing(session, clock, forms)
    added += await remind_ready_drafts(session, clock, forms)
    return added + await remind_not_filed(session, clock)


async def remind_idle_or_closing(session: AsyncSession, clock: Clock, forms: FormService) -> int:
    """A closing reminder in the last 7 days, else one for a draft left 3 days (a finished one has
    its own, remind_ready_drafts)."""
    now, kb = clock.now(), load()
    if window_state(kb, now) != "open" or await quota.used_up(session):  # /apply could not send it
        return 0
    closes, left = kb.programme.window.closes, days_left(kb, now)
    rows = await ApplicationRepo(session).consented_in(st.DRAFT)
    added = 0
    for app, user in rows:
        due: list[tuple[str, Text]] = []
        closing = next((d for d in BEFORE_CLOSE if left <= d), None)
        if closing is not None:
            message = last_days(closes) if closing <= HURRY_DAYS else closing_soon(closes)
            due.append((f"remind:close{closing}:{app.id}", message))
        elif now - app.updated_at >= IDLE and not (await forms.completeness(app)).complete:
            # in the last 7 days the closing reminders say it already
            due.append((f"remind:idle:{app.id}:{app.updated_at.isoformat()}", draft_idle(closes)))
        for key, message in due:
            added += await tell(session, user.id, message, dedup_key=key, clock=clock, language=user.language)
    await session.commit()
    return added


READY_IDLE = timedelta(days=1)  # a finished draft left a day without being sent


def ready_not_sent() -> Text:
    return T(
        "📨 Your draft application is complete, with every document, but not sent yet. Send it to programme staff for the pre-check with /apply; then file the official application on gg24 by {closes} (Korea time).",
        closes=load().programme.window.closes,
    )


async def remind_ready_drafts(session: AsyncSession, clock: Clock, forms: FormService) -> int:
    """Once per draft: every detail and document is there, and it has waited a day. Not in the last
    days, where "send it for the pre-check, then file" would stand beside "do not wait for the
    pre-check"; in the last week only for a draft finished after the 7-day reminder went (which
    said "finish it with /apply" to one already finished)."""
    kb, now = load(), clock.now()
    if window_state(kb, now) != "open" or days_left(kb, now) <= HURRY_DAYS or await quota.used_up(session):
        return 0
    week = days_left(kb, now) <= max(BEFORE_CLOSE)
    added = 0
    for app, user in await ApplicationRepo(session).consented_in(st.DRAFT):
        if now - app.updated_at < READY_IDLE or (week and days_left(kb, app.updated_at) > max(BEFORE_CLOSE)):
            continue
        if not (await forms.completeness(app)).complete:
            continue
        key = f"remind:ready:{app.id}"
        added += await tell(session, user.id, ready_not_sent(), dedup_key=key, clock=clock, language=user.language)
    await session.commit()
    return added


def file_on_gg24() -> Text:
    return T(
        "⏰ Applications close on {closes} (Korea time). Your draft went to programme staff for the pre-check, but no filing on gg24 is reported: file the official application there (your filing pack: /gg24) and tell me the receipt number with /status.",
        closes=load().programme.window.closes,
    )


async def remind_not_filed(session: AsyncSession, clock: Clock) -> int:
    """7 days and 1 day before the close (once each): sent for the pre-check, not reported filed."""
    kb, now = load(), clock.now()
    if window_state(kb, now) != "open" or await quota.used_up(session):  # /gg24 gives no pack then
        return 0
    left = days_left(kb, now)
    closing = next((d for d in BEFORE_CLOSE if left <= d), None)
    if closing is None:
        return 0
    added = 0
    for app, user in await ApplicationRepo(session).unfiled_in(st.FILABLE):
        key = f"remind:file{closing}:{app.id}"
        added += await tell(session, user.id, file_on_gg24(), dedup_key=key, clock=clock, language=user.language)
    await session.commit()
    return added
