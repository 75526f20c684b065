"""Benchmark: reply latency at a realistic load (open loop).

    .venv/bin/python bench/latency.py [--users 200] [--backend polling|webhook --database-url … --redis-url …]

N simulated users run the whole questionnaire; each answers 1 to 3 s (uniformly) after the bot's
reply, so about N/2 updates a second are offered whatever the bot does (not a closed loop, where
latency is only queueing). Latency: from the update reaching the Bot API to the bot's first reply.
Prints one JSON line with p50/p95/p99 in milliseconds. Not a test; see BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from harness import SCRIPT, backend, step

from bot.emulator import BotAPIEmulator, FakeUser


async def person(user: FakeUser, latencies: list[float], rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0, 3))  # people do not all start in the same second
    for action in SCRIPT:
        started = time.perf_counter()
        await step(user, action)
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(rng.uniform(1, 3))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--backend", choices=["polling", "webhook"], default="polling")
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    args = parser.parse_args()
    emu = BotAPIEmulator()
    await emu.start()
    latencies: list[float] = []
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        async with backend(emu, Path(tmp), args.backend, database_url=args.database_url, redis_url=args.redis_url):
            people = [emu.user(20_000 + i, language_code="en") for i in range(args.users)]
            for p in people:
                p.open_chat()
            started = time.perf_counter()
            await asyncio.gather(*(person(p, latencies, rng) for p in people))
            elapsed = time.perf_counter() - started
            errors = sum("something went wrong" in m.plain for p in people for m in p.messages)
    await emu.stop()
    print(
        json.dumps(
            {
                "bench": "latency",
                "backend": args.backend,
                "users": args.users,
                "offered_updates_per_s": round(len(latencies) / elapsed, 1),
                "p50_ms": round(percentile(latencies, 50) * 1000, 1),
                "p95_ms": round(percentile(latencies, 95) * 1000, 1),
                "p99_ms": round(percentile(latencies, 99) * 1000, 1),
                "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
                "replies": len(latencies),
                "error_replies": errors,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
