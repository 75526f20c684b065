"""The send budgets (bot/services/rate.py): slots, and the guard on actual send times; in the
process and in Redis (shared by the workers)."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from bot.services.rate import LocalRateBudget, RateBudget, RedisRateBudget
from tests.test_production import empty_redis

MakeBudget = Callable[[float, float], RateBudget]


@pytest.fixture(params=["local", "redis"])
async def make_budget(request: pytest.FixtureRequest) -> AsyncIterator[MakeBudget]:
    redis: Redis | None = None
    if request.param == "redis":
        redis = Redis.from_url(await empty_redis())

    def make(rate: float, per_chat: float) -> RateBudget:
        if redis is None:
            return LocalRateBudget(rate, per_chat)
        return RedisRateBudget(redis, 1000, rate, per_chat)

    yield make
    if redis is not None:
        await redis.aclose()


async def test_sends_stay_within_the_limit_when_the_loop_is_busy() -> None:
    """Timers fire late when the event loop is busy elsewhere; a send that leaves late must not
    bring 21 sends into one second at rate 20 (Telegram would answer 429 and everyone pauses)."""
    budget = LocalRateBudget(20.0, 1.0)
    loop = asyncio.get_running_loop()
    left: list[float] = []
    rng = random.Random(3)
    done = asyncio.Event()

    async def busy() -> None:  # other work holding the loop now and then, as under load
        while not done.is_set():
            time.sleep(rng.uniform(0.0, 0.02))
            await asyncio.sleep(rng.uniform(0.0, 0.01))

    async def lane(chats: range) -> None:
        for chat in chats:
            await budget.acquire(chat)
            left.append(loop.time())

    noise = asyncio.create_task(busy())
    await asyncio.gather(*(lane(range(start, 70, 4)) for start in range(4)))
    done.set()
    await noise
    left.sort()
    assert len(left) == 70
    assert min(b - a for a, b in zip(left, left[20:], strict=False)) >= 1.0  # never 21 within a second
    assert left[-1] - left[0] < 70 / 20 * 1.25  # and still close to the pace


async def test_a_pause_holds_everyone(make_budget: MakeBudget) -> None:
    budget = make_budget(50.0, 1.0)
    loop = asyncio.get_running_loop()
    await budget.acquire(1)
    await budget.pause(0.3)
    started = loop.time()
    await budget.acquire(2)
    assert loop.time() - started >= 0.29


async def test_sends_bunched_by_late_requests_hold_the_next_one(make_budget: MakeBudget) -> None:
    """20 requests that left within an instant (their slots were spread, they were late): the 21st
    waits until a second has passed since the first, though its own slot is free. The Redis
    budget records sends at Redis's clock, shared by the workers."""
    budget = make_budget(20.0, 1.0)
    if isinstance(budget, RedisRateBudget):
        seconds, micros = await budget.redis.time()
        await budget.redis.rpush(budget.sends_key, *[str(seconds + micros / 1_000_000)] * 20)
    else:
        assert isinstance(budget, LocalRateBudget)
        budget._recent.extend([asyncio.get_running_loop().time()] * 20)
    started = time.monotonic()
    await budget.acquire(7)
    assert 0.95 <= time.monotonic() - started < 1.5
