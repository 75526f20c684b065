"""The checks the sender runs every few minutes (bot/sender.py), in one place: the reminders before
the close (bot/services/reminders.py), the drafts' retention after it (retention.py), and the nudges
after the recommendation (visa_reminders.py; they go on after the close)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.crypto import Vault
from bot.services.application_documents import FormService
from bot.services.reminders import run_reminders
from bot.services.retention import run_retention
from bot.services.uploads import FileStore
from bot.services.visa_reminders import run_visa_reminders


async def run_periodic(session: AsyncSession, clock: Clock, vault: Vault, store: FileStore) -> int:
    added = await run_reminders(session, clock, FormService(session, clock, vault, store))
    added += await run_retention(session, clock, store)
    added += await run_visa_reminders(session, clock)
    await session.commit()
    return added
