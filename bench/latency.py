"""Benchmark: reply latency at a realistic load (open loop).

    .venv/bin/python bench/latency.py [--users 200] [--backend polling|webhook --database-url … --redis-url …]

N simulated users run the whole questionnaire; each answers 1 to 3 s (uniformly) after the bot's
reply, so about N/2 updates a second are offered whatever the bot does (not a closed loop, where
latency is only queueing). Latency: from the update reaching the Bot API to the bot's first reply
arriving there (the emulator's clock); ``client_*`` adds the simulated users' own delay in noticing
it (they share the cores with the bot). ``steady_updates_per_s``: the offered rate while every
user is active (after the last one started, before the first one finished).
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
from collections import Counter
from pathlib import Path

from harness import SCRIPT, backend, generator_collector_off, step

from emulator import BotAPIEmulator, FakeUser


class Record:
    def __init__(self) -> None:
        self.latencies: list[float] = []  # at the Bot API
        self.client: list[float] = []  # as the simulated users noticed
        self.sends: list[list[float]] = []  # per user: when each update was sent
        self.steps: list[str] = []  # the SCRIPT step of each latency


async def person(user: FakeUser, record: Record, rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0, 3))  # people do not all start in the same second
    sends: list[float] = []
    record.sends.append(sends)
    for action in SCRIPT:
        before = len(user.messages)
        started = time.monotonic()  # the emulator's clock
        sends.append(started)
        await step(user, action)
        record.client.append(time.monotonic() - started)
        reply_at = user.messages[before].received_at
        assert reply_at is not None
        record.latencies.append(reply_at - started)
        record.steps.append(action.split(":")[1] if action.startswith(("a:", "n:")) else action)
        await asyncio.sleep(rng.uniform(1, 3))


def steady_rate(sends: list[list[float]]) -> float:
    start, end = max(s[0] for s in sends), min(s[-1] for s in sends)
    inside = sum(1 for s in sends for t in s if start <= t <= end)
    return inside / (end - start) if end > start else float("nan")


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
    record = Record()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        async with backend(emu, Path(tmp), args.backend, database_url=args.database_url, redis_url=args.redis_url):
            people = [emu.user(20_000 + i, language_code="en") for i in range(args.users)]
            for p in people:
                p.open_chat()
            with generator_collector_off():
                started = time.perf_counter()
                await asyncio.gather(*(person(p, record, rng) for p in people))
                elapsed = time.perf_counter() - started
            errors = sum("something went wrong" in m.plain for p in people for m in p.messages)
    await emu.stop()
    latencies = record.latencies
    print(
        json.dumps(
            {
                "bench": "latency",
                "backend": args.backend,
                "users": args.users,
                "offered_updates_per_s": round(len(latencies) / elapsed, 1),
                "steady_updates_per_s": round(steady_rate(record.sends), 1),
                "p50_ms": round(percentile(latencies, 50) * 1000, 1),
                "p95_ms": round(percentile(latencies, 95) * 1000, 1),
                "p99_ms": round(percentile(latencies, 99) * 1000, 1),
                "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
                "client_p50_ms": round(percentile(record.client, 50) * 1000, 1),
                "client_p99_ms": round(percentile(record.client, 99) * 1000, 1),
                "replies": len(latencies),
                "error_replies": errors,
                # Where the slow replies were: the steps of those over 100 ms, most first.
                "over_100ms_by_step": dict(
                    Counter(step for step, t in zip(record.steps, latencies, strict=True) if t > 0.1).most_common()
                ),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
