"""The local send budget (bot/services/rate.py): slots, and the guard on actual send times."""

from __future__ import annotations

import asyncio
import random
import time

from bot.services.rate import LocalRateBudget


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


async def test_a_pause_holds_everyone() -> None:
    budget = LocalRateBudget(50.0, 1.0)
    loop = asyncio.get_running_loop()
    await budget.acquire(1)
    await budget.pause(0.3)
    started = loop.time()
    await budget.acquire(2)
    assert loop.time() - started >= 0.29
