"""The transactional outbox and its one sender.

A change that must reach someone (a status change, later an announcement) writes an OutboxMessage
in the same transaction as the change itself: if the change commits, the message will be sent; if
not, there is nothing to send. One Sender delivers pending messages in order:
- 429: every send waits ``retry_after`` seconds (Telegram's flood control is per bot), then the same
  message is tried again;
- 403 (the user blocked the bot): the message is marked blocked and the user unreachable; no retry;
- network and 5xx errors: retried with exponential backoff, up to MAX_ATTEMPTS;
- 400 (a message Telegram refuses): marked failed, logged.
A message is marked sent in its own commit right after Telegram accepts it, so a restart resends
only a message whose send was in flight at the very moment of the crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.models import OutboxMessage, User
from bot.db.repo import insert_if_absent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
REMINDER_INTERVAL = 300.0  # seconds between reminder checks
BACKOFF_CAP = timedelta(minutes=10)


async def enqueue(session: AsyncSession, *, chat_id: int, text: str, dedup_key: str, clock: Clock) -> bool:
    """Adds a message to the outbox within the caller's transaction; the same key is added once.

    Returns whether it was new."""
    now = clock.now()
    values = dict(
        chat_id=chat_id,
        text=text,
        dedup_key=dedup_key,
        state="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    return await insert_if_absent(session, OutboxMessage, values)


class Sender:
    """Delivers the outbox. Run one per bot process: ``await sender.run()`` until ``stop()``."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        bot: Bot,
        clock: Clock,
        *,
        idle_interval: float = 1.0,
        batch: int = 50,
        periodic: Callable[[AsyncSession, Clock], Awaitable[object]] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.bot = bot
        self.clock = clock
        self.idle_interval = idle_interval
        self.batch = batch
        self.periodic = periodic  # e.g. the reminder check, which enqueues into this outbox
        self._wake = asyncio.Event()
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        next_reminders = 0.0
        while not self._stopping:
            loop_now = asyncio.get_running_loop().time()
            if self.periodic and loop_now >= next_reminders:  # cheap; every few minutes is enough
                next_reminders = loop_now + REMINDER_INTERVAL
                try:
                    async with self.sessionmaker() as session:
                        await self.periodic(session, self.clock)
                except Exception:  # logged; delivery goes on
                    log.exception("outbox: periodic check failed")
            try:
                sent = await self.drain_once()
            except Exception:  # keep delivering after an unexpected error (logged)
                log.exception("outbox: delivery round failed")
                sent = 0
            if sent == 0 and not self._stopping:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_interval)

    async def drain_once(self) -> int:
        """Sends the messages due now; returns how many were handled."""
        async with self.sessionmaker() as session:
            rows = (
                (
                    await session.execute(
                        select(OutboxMessage.id)
                        .where(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= self.clock.now())
                        .order_by(OutboxMessage.id)
                        .limit(self.batch)
                    )
                )
                .scalars()
                .all()
            )
        for message_id in rows:
            if self._stopping:
                break
            await self._deliver(message_id)
        return len(rows)

    async def _deliver(self, message_id: int) -> None:
        # Read, send, record: three steps, no transaction open while Telegram is called.
        async with self.sessionmaker() as session:
            msg = await session.get(OutboxMessage, message_id)
            if msg is None or msg.state != "pending":
                return
            chat_id, text = msg.chat_id, msg.text
        changes: dict[str, object]
        blocked = False
        while True:
            try:
                result = await self.bot.send_message(chat_id, text)
            except TelegramRetryAfter as flood:
                log.warning("outbox: 429, waiting %s s", flood.retry_after)
                await asyncio.sleep(flood.retry_after)
                continue  # the same request again, as Telegram asks
            except TelegramForbiddenError as forbidden:
                changes, blocked = {"state": "blocked", "last_error": str(forbidden)}, True
            except (TelegramNetworkError, TelegramServerError) as transient:
                attempts = msg.attempts + 1
                changes = {"attempts": attempts, "last_error": str(transient)}
                if attempts >= MAX_ATTEMPTS:
                    changes["state"] = "failed"
                else:
                    changes["next_attempt_at"] = self.clock.now() + min(timedelta(seconds=2**attempts), BACKOFF_CAP)
            except TelegramBadRequest as refused:
                log.error("outbox: message %s refused by Telegram: %s", message_id, refused)
                changes = {"state": "failed", "last_error": str(refused)}
            else:
                changes = {"state": "sent", "sent_at": self.clock.now(), "telegram_message_id": result.message_id}
            break
        async with self.sessionmaker() as session:
            await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**changes))
            if blocked:
                await session.execute(update(User).where(User.id == chat_id).values(unreachable_at=self.clock.now()))
            await session.commit()
