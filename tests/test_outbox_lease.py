"""The outbox's claims and wake-ups: a live sender keeps its claim while it waits out a 429 (no
second sender takes it over, the person gets the notice once); a dead sender's claim is taken over
once its lease expires; an enqueue wakes the sender at once, in this process and across workers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock, FixedClock, SystemClock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.sender import Sender
from bot.services import outbox
from bot.services.outbox import enqueue
from emulator import BotAPIEmulator, FakeUser
from tests.conftest import on_postgres
from tests.test_production import empty_redis
from tests.test_status import _register, sender_for

LEASE = 0.6  # seconds; a 429 of 3 s outlasts it five times


@pytest.fixture(params=["sqlite", "postgresql"])
async def settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """Each test on SQLite (one sender process by design) and on PostgreSQL (several workers)."""
    return settings if request.param == "sqlite" else await on_postgres(settings)


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    e = make_engine(settings)
    yield e
    await e.dispose()


async def notice(engine: AsyncEngine, chat_id: int, key: str, clock: Clock | None = None) -> None:
    async with make_sessionmaker(engine)() as session:
        await enqueue(session, chat_id=chat_id, text=f"notice {key}", dedup_key=key, clock=clock or SystemClock())
        await session.commit()


async def person(emulator: BotAPIEmulator, settings: Settings, clock: FixedClock, user_id: int) -> FakeUser:
    user = emulator.user(user_id)
    await user.send_text("hi")
    await _register(settings, clock, user_id)
    return user


@contextlib.asynccontextmanager
async def two_senders(
    settings: Settings, emulator: BotAPIEmulator, lease: float = LEASE
) -> AsyncIterator[list[Sender]]:
    """Two workers' senders on one outbox, with this lease."""
    pairs = [await sender_for(settings, SystemClock(), emulator.base_url) for _ in range(2)]  # type: ignore[arg-type]
    for sender, _ in pairs:
        sender.lease = timedelta(seconds=lease)
    try:
        yield [s for s, _ in pairs]
    finally:
        for _, bot in pairs:
            await bot.session.close()


async def held_by_a_429(
    emulator: BotAPIEmulator, settings: Settings, clock: FixedClock, engine: AsyncEngine, user_id: int, wait: int
) -> FakeUser:
    """A person with a notice queued, whose first send will meet a 429 asking to wait ``wait`` seconds."""
    user = await person(emulator, settings, clock, user_id)
    await notice(engine, user_id, f"k{user_id}")
    emulator.fail_next("sendMessage", 429, f"Too Many Requests: retry after {wait}", retry_after=wait)
    return user


async def other_sender_keeps_recovering(sender: Sender, seconds: float) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        await sender.recover()
        await sender.drain_once()
        await asyncio.sleep(0.05)


async def test_a_live_sender_waiting_out_a_429_keeps_its_claim(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator, engine: AsyncEngine
) -> None:
    # A 429 of 4 s outlasts a lease of 1.5 s (renewed every 0.5 s): only the renewal keeps the
    # claim. The lease is not shorter so that a busy test machine cannot delay a renewal past it.
    user = await held_by_a_429(emulator, settings, clock, engine, 1601, wait=4)
    async with two_senders(settings, emulator, lease=1.5) as (a, b):
        waiting = asyncio.create_task(a.drain_once())
        await asyncio.sleep(0.2)  # a holds the message, waiting out the 429
        await other_sender_keeps_recovering(b, 4.5)
        assert await waiting == 1
    notices = [m for m in user.messages if m.plain == "notice k1601"]
    assert len(notices) == 1  # once: b never took over the live claim


async def test_a_dead_senders_claim_is_taken_over_after_its_lease(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator, engine: AsyncEngine
) -> None:
    user = await held_by_a_429(emulator, settings, clock, engine, 1602, wait=30)
    async with two_senders(settings, emulator) as (a, b):
        dying = asyncio.create_task(a.drain_once())
        await asyncio.sleep(0.2)
        dying.cancel()  # the sender dies mid-wait: nobody renews its lease
        with contextlib.suppress(asyncio.CancelledError):
            await dying
        await other_sender_keeps_recovering(b, LEASE * 3)
    assert [m.plain for m in user.messages if m.plain == "notice k1602"] == ["notice k1602"]


@contextlib.asynccontextmanager
async def idle_sender(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator, redis: Redis | None = None
) -> AsyncIterator[Sender]:
    """A sender running with nothing to send, that only a wake-up makes look again within 30 s."""
    sender, bot = await sender_for(settings, clock, emulator.base_url)
    sender.idle_interval, sender.redis = 30.0, redis  # without a wake-up a notice would wait 30 s
    running = asyncio.create_task(sender.run())
    try:
        await asyncio.sleep(0.5)  # idle now
        yield sender
    finally:
        sender.stop()
        await running
        await bot.session.close()


async def received(user: FakeUser, text: str) -> None:
    for _ in range(60):
        if user.messages and user.messages[-1].plain == text:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{text!r} never came")


async def test_an_enqueue_wakes_the_idle_sender_once_committed(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator, engine: AsyncEngine
) -> None:
    user = await person(emulator, settings, clock, 1603)
    async with idle_sender(settings, clock, emulator):
        started = asyncio.get_running_loop().time()
        await notice(engine, 1603, "k3", clock)
        await received(user, "notice k3")
        assert asyncio.get_running_loop().time() - started < 3


async def test_another_workers_enqueue_wakes_the_sender_through_redis(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator, engine: AsyncEngine
) -> None:
    redis = Redis.from_url(await empty_redis())
    user = await person(emulator, settings, clock, 1604)
    async with idle_sender(settings, clock, emulator, redis) as sender:
        other = Sender(make_sessionmaker(engine), sender.bot, clock, redis=redis)  # the enqueuing worker's
        outbox.unregister(sender)  # as if it ran in another process: only Redis can wake it
        outbox.register(other)
        try:
            await notice(engine, 1604, "k4", clock)
            await received(user, "notice k4")
        finally:
            outbox.unregister(other)
    await redis.aclose()
