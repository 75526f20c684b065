"""The checks the sender runs every few minutes (bot/sender.py), in one place: reminders, the nudge
for a finished draft that was never sent, the drafts' retention after the close, and the nudges
after the recommendation (bot/services/visa_reminders.py; they go on after the close)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.crypto import Vault
from bot.db.repositories.applications import ApplicationRepo
from bot.i18n import translator
from bot.services.application_documents import FormService
from bot.services.filing import FILABLE
from bot.services.outbox import enqueue
from bot.services.reminders import BEFORE_CLOSE, run_reminders
from bot.services.retention import run_retention
from bot.services.uploads import FileStore
from bot.services.visa_reminders import run_visa_reminders
from dialogs import statuses as st
from dialogs.deadline import is_closed
from knowledge.loader import load
from knowledge.parameters import days_left, window_state
from knowledge.text import T, Text

READY_IDLE = timedelta(days=1)  # a finished draft left a day without being sent


def ready_not_sent() -> Text:
    return T(
        "📨 Your draft application is complete, with every document, but not sent yet. Send it to programme staff for the pre-check with /apply; then file the official application on gg24 by {closes} (Korea time).",
        closes=load().programme.window.closes,
    )


async def remind_ready_drafts(session: AsyncSession, clock: Clock, forms: FormService) -> int:
    """Once per draft: every detail and document is there, and it has waited a day."""
    now = clock.now()
    if is_closed(now):
        return 0
    added = 0
    for app, user in await ApplicationRepo(session).consented_in(st.DRAFT):
        if now - app.updated_at < READY_IDLE or not (await forms.completeness(app)).complete:
            continue
        text = translator(user.language).render(ready_not_sent())
        added += await enqueue(session, chat_id=user.id, text=text, dedup_key=f"remind:ready:{app.id}", clock=clock)
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
    if window_state(kb, now) != "open":
        return 0
    left = days_left(kb, now)
    closing = next((d for d in BEFORE_CLOSE if left <= d), None)
    if closing is None:
        return 0
    added = 0
    for app, user in await ApplicationRepo(session).unfiled_in(FILABLE):
        text = translator(user.language).render(file_on_gg24())
        key = f"remind:file{closing}:{app.id}"
        added += await enqueue(session, chat_id=user.id, text=text, dedup_key=key, clock=clock)
    await session.commit()
    return added


async def run_periodic(session: AsyncSession, clock: Clock, vault: Vault, store: FileStore) -> int:
    added = await run_reminders(session, clock)
    added += await remind_ready_drafts(session, clock, FormService(session, clock, vault, store))
    added += await remind_not_filed(session, clock)
    added += await run_retention(session, clock, store)
    added += await run_visa_reminders(session, clock)
    await session.commit()
    return added
