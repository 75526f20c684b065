"""Prometheus metrics of one bot process: updates handled, handler latency, outbox sends by
result, and the outbox backlog (read from the database when /metrics is scraped)."""

from __future__ import annotations

import time
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.repositories.outbox import OutboxRepo
from bot.middleware_types import NextHandler

BACKLOG_STATES = ("pending", "claimed", "sending")  # not sent yet


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()  # one per process (and per test runtime), not the global one
        self.updates = Counter(
            "bot_updates_total", "Updates handled, by type and result", ["type", "result"], registry=self.registry
        )
        self.latency = Histogram(
            "bot_handler_seconds",
            "Time to handle one update",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.sends = Counter("bot_outbox_sends_total", "Outbox sends, by result", ["result"], registry=self.registry)
        self.backlog = Gauge(
            "bot_outbox_backlog", "Outbox messages not yet sent, by state", ["state"], registry=self.registry
        )

    def sent(self, result: str) -> None:
        self.sends.labels(result).inc()

    async def render(self, sessionmaker: async_sessionmaker[AsyncSession]) -> bytes:
        async with sessionmaker() as session:
            counts = await OutboxRepo(session).backlog(BACKLOG_STATES)
        for state in BACKLOG_STATES:
            self.backlog.labels(state).set(counts.get(state, 0))
        return generate_latest(self.registry)


class MetricsMiddleware(BaseMiddleware):
    """Counts every update and times its handling (outermost, so it sees errors too)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, handler: NextHandler, event: TelegramObject, data: dict[str, Any]) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        started = time.perf_counter()
        result = "error"
        try:
            outcome = await handler(event, data)
            result = "ok"
            return outcome
        finally:
            self.metrics.latency.observe(time.perf_counter() - started)
            self.metrics.updates.labels(kind, result).inc()
