"""The outbox's sender: delivers what bot/services/outbox.py wrote.

A Sender delivers due messages, oldest first, at the configured rate:
- each message is first *claimed* by one sender (SKIP LOCKED on PostgreSQL, the write lock on SQLite),
  then marked *sending* in its own commit just before the request, then sent / blocked / failed in
  its own commit right after; so several senders never send one message twice;
- the pace: SEND_RATE messages per second overall and one per chat per PER_CHAT_INTERVAL (RateBudget);
- 429: all sending pauses for ``retry_after`` (Telegram's flood control is per bot), then the same
  message is tried again;
- 403 (the user blocked the bot): the message is marked blocked and the user unreachable; no retry;
- network and 5xx errors: retried with exponential backoff, up to MAX_ATTEMPTS;
- 400 (a message Telegram refuses): marked failed, logged.
A claim holds until its lease_until, which a live sender renews every third of the lease (also while
it waits out a 429), so only the claims of a stopped sender expire. After a crash, a claim expires
(OUTBOX_LEASE_SECONDS; at once on SQLite, where one process sends): a claimed message goes back to
pending; a message caught *sending* may or may not have reached
Telegram, which offers no way to ask. It is resent if ``resend_if_unsure`` (status notifications:
better twice than never) and otherwise marked *uncertain* (announcements: never twice).

A sender looks for due messages every idle interval, and at once when woken: an enqueue wakes the
senders of this process once its transaction commits (an after_commit hook on the session), and a
sender with Redis tells the others on WAKE_CHANNEL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.repositories.announcements import AnnouncementRepo
from bot.db.repositories.outbox import OutboxRepo
from bot.services import outbox
from bot.services.outbox import delivery_counts, report_to_author
from bot.services.rate import LocalRateBudget, RateBudget

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
REMINDER_INTERVAL = 300.0  # seconds between reminder checks
BACKOFF_CAP = timedelta(minutes=10)
WAKE_CHANNEL = "gg:outbox:wake"


def _markup(buttons: list[list[str]] | None) -> InlineKeyboardMarkup | None:
    """The message's inline buttons as stored ([label, callback data] per row), if any."""
    if not buttons:
        return None
    rows = [[InlineKeyboardButton(text=label, callback_data=data)] for label, data in buttons]
    return InlineKeyboardMarkup(inline_keyboard=rows)


class Sender:
    """Delivers the outbox: ``await sender.run()`` until ``stop()``. Several may run (issue 7)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        bot: Bot,
        clock: Clock,
        *,
        budget: RateBudget | None = None,
        on_result: Callable[[str], None] | None = None,
        lease: float = 60.0,
        concurrency: int = 4,
        idle_interval: float = 1.0,
        batch: int = 50,
        periodic: Callable[[AsyncSession, Clock], Awaitable[object]] | None = None,
        redis: Redis | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.bot = bot
        self.clock = clock
        self.budget: RateBudget = budget or LocalRateBudget(25.0, 1.0)
        self.on_result = on_result  # metrics: "sent", "blocked", "failed", "retry", "429"
        self.lease = timedelta(seconds=lease)
        self.concurrency = concurrency
        self.idle_interval = idle_interval
        self.batch = batch
        self.periodic = periodic  # e.g. the reminder check, which enqueues into this outbox
        self.redis = redis  # to wake the senders of other workers, and be woken by them
        self.worker = uuid.uuid4().hex[:16]
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: set[asyncio.Task[Any]] = set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def wake(self, *, tell_others: bool = False) -> None:
        """Something was enqueued: look now rather than after the idle interval."""
        self._wake.set()
        if tell_others and self.redis is not None:
            task = asyncio.get_running_loop().create_task(self._publish())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _publish(self) -> None:
        assert self.redis is not None
        try:
            await self.redis.publish(WAKE_CHANNEL, self.worker)
        except Exception as failed:  # the others look within their idle interval anyway
            log.warning("outbox: could not wake the other workers: %r", failed)

    async def _listen(self) -> None:
        """Woken by the other workers' enqueues (Redis pub/sub); reconnects after a failure."""
        assert self.redis is not None
        while not self._stopping:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(WAKE_CHANNEL)
                    while not self._stopping:
                        message = await pubsub.get_message(timeout=1.0)
                        if message is not None and message.get("data") != self.worker.encode():
                            self._wake.set()
            except Exception as failed:
                log.warning("outbox: wake channel failed, retrying: %r", failed)
                await asyncio.sleep(max(self.idle_interval, 5.0))  # meanwhile the idle interval serves

    async def run(self) -> None:
        outbox.register(self)
        listening = asyncio.create_task(self._listen()) if self.redis is not None else None
        try:
            await self._run()
        finally:
            outbox.unregister(self)
            if listening is not None:
                listening.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listening

    async def _run(self) -> None:
        await self._guarded(self.recover(at_start=True))
        next_reminders = 0.0
        next_recovery = 0.0
        while not self._stopping:
            loop_now = asyncio.get_running_loop().time()
            if self.periodic and loop_now >= next_reminders:  # cheap; every few minutes is enough
                next_reminders = loop_now + REMINDER_INTERVAL
                try:
                    async with self.sessionmaker() as session:
                        await self.periodic(session, self.clock)
                except Exception:  # logged; delivery goes on
                    log.exception("outbox: periodic check failed")
            if loop_now >= next_recovery:
                next_recovery = loop_now + self.lease.total_seconds() / 2
                await self._guarded(self.recover())
            sent = await self._guarded(self.drain_once())
            await self._guarded(self.finish_announcements())
            if sent == 0 and not self._stopping:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_interval)

    async def _guarded(self, step: Awaitable[int]) -> int:
        try:
            return await step
        except Exception:  # keep delivering after an unexpected error (logged)
            log.exception("outbox: delivery round failed")
            return 0

    async def recover(self, *, at_start: bool = False) -> int:
        """Releases expired claims (a sender that crashed). On SQLite only one process sends, so at
        start every claim not ours is from a crashed run and is released at once."""
        async with self.sessionmaker() as session:
            repo = OutboxRepo(session)
            now = self.clock.now()
            all_but = self.worker if at_start and repo.dialect == "sqlite" else None
            count = await repo.release_expired(now, self.lease, all_but=all_but)
            await session.commit()
        if count:
            log.warning("outbox: recovered %s messages of a stopped sender", count)
        return count

    async def claim(self) -> list[tuple[int, int]]:
        """Claims up to ``batch`` due messages for this sender, oldest first: (id, chat id)."""
        async with self.sessionmaker() as session:
            repo = OutboxRepo(session)
            rows = await repo.due(self.clock.now(), self.batch)
            if rows:
                await repo.mark_claimed(
                    [i for i, _ in rows], self.worker, self.clock.now(), self.clock.now() + self.lease
                )
            await session.commit()
        return rows

    async def drain_once(self) -> int:
        """Claims and sends the messages due now; returns how many were handled. Chats are served
        in parallel lanes; one chat's messages go one after another, in the order they were written."""
        rows = await self.claim()
        if not rows:
            return 0
        by_chat: dict[int, list[int]] = {}
        for message_id, chat_id in rows:
            by_chat.setdefault(chat_id, []).append(message_id)
        lanes = asyncio.Semaphore(self.concurrency)

        async def chat_lane(chat_id: int, ids: list[int]) -> None:
            async with lanes:
                for message_id in ids:
                    if self._stopping:
                        return
                    await self._deliver(message_id, chat_id)

        renewing = asyncio.create_task(self._keep_renewing())
        try:
            await asyncio.gather(*(chat_lane(c, ids) for c, ids in by_chat.items()))
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
        if self._stopping:  # release what we did not get to
            async with self.sessionmaker() as session:
                await OutboxRepo(session).release_unsent([i for i, _ in rows])
                await session.commit()
        return len(rows)

    async def renew(self) -> int:
        """Extends the lease of every claim of ours: we are alive, whatever we are waiting for."""
        async with self.sessionmaker() as session:
            renewed = await OutboxRepo(session).renew(self.worker, self.clock.now() + self.lease)
            await session.commit()
        return renewed

    async def _keep_renewing(self) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            await self._guarded(self.renew())

    async def _mark_sending(self, message_id: int) -> tuple[str, int, InlineKeyboardMarkup | None] | None:
        """Our claim becomes *sending*, committed before the request: from here a crash leaves the
        message uncertain. None if the claim is gone (cancelled announcement, expired lease taken
        over by another sender)."""
        async with self.sessionmaker() as session:
            msg = await OutboxRepo(session).get(message_id)
            if msg is None or msg.state != "claimed" or msg.claimed_by != self.worker:
                return None
            msg.state = "sending"
            await session.commit()
            return msg.text, msg.attempts, _markup(msg.buttons)

    async def _deliver(self, message_id: int, chat_id: int) -> None:
        claimed = await self._mark_sending(message_id)
        if claimed is None:
            return
        text, attempts, markup = claimed
        # The slot is taken after the database write, right before the request: requests then
        # reach Telegram as evenly spaced as the budget spaces them, and a pace close to the limit
        # draws no 429 (bench/broadcast.py). A crash while waiting leaves this message uncertain,
        # as one in flight would be; at most one per lane.
        await self.budget.acquire(chat_id)
        changes: dict[str, object]
        blocked = False
        while True:
            try:
                result = await self.bot.send_message(chat_id, text, reply_markup=markup)
            except TelegramRetryAfter as flood:
                log.warning("outbox: 429, all sending waits %s s", flood.retry_after)
                self._count("429")
                await self.budget.pause(flood.retry_after)
                await self.budget.acquire(chat_id)
                continue  # the same request again, as Telegram asks
            except TelegramForbiddenError as forbidden:
                changes, blocked = {"state": "blocked", "last_error": str(forbidden)}, True
            except (TelegramNetworkError, TelegramServerError) as transient:
                attempts += 1
                changes = {"attempts": attempts, "last_error": str(transient), "state": "pending"}
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
        self._count("retry" if changes.get("state") == "pending" else str(changes.get("state")))
        async with self.sessionmaker() as session:
            repo = OutboxRepo(session)
            await repo.record_outcome(message_id, changes)
            if blocked:
                await repo.mark_unreachable(chat_id, self.clock.now())
            await session.commit()

    def _count(self, result: str) -> None:
        if self.on_result is not None:
            self.on_result(result)

    async def finish_announcements(self) -> int:
        """An announcement with nothing left to send is done: its author gets the final report."""
        async with self.sessionmaker() as session:
            sending = await AnnouncementRepo(session).sending()
            finished = 0
            for ann in sending:
                counts = await delivery_counts(session, ann.id)
                if counts.get("pending", 0) + counts.get("claimed", 0) + counts.get("sending", 0):
                    continue
                ann.state, ann.finished_at = "done", self.clock.now()
                await report_to_author(session, ann, counts, self.clock)
                finished += 1
            await session.commit()
        return finished
