"""Whether this worker can reach its stores (the database, Redis), for /readyz and the webhook.

After an update failed for an infrastructure reason the stores are marked down; while down, the
webhook answers 503 at once (Telegram resends later) instead of running handlers that would only
fail halfway. The stores are probed again at most every PROBE_EVERY seconds, each probe bounded by
PROBE_TIMEOUT, and the first good probe lets updates in again.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.repo import ping

if TYPE_CHECKING:
    from redis.asyncio import Redis

PROBE_EVERY = 1.0
PROBE_TIMEOUT = 2.0


class Stores:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], redis: Redis | None) -> None:
        self.sessionmaker = sessionmaker
        self.redis = redis
        self._down = False
        self._next_probe = 0.0
        self._probing: asyncio.Lock | None = None

    async def check(self) -> dict[str, str]:
        """Each store: "ok" or "error: <kind>"."""
        checks: dict[str, str] = {}
        try:
            async with asyncio.timeout(PROBE_TIMEOUT), self.sessionmaker() as session:
                await ping(session)
            checks["database"] = "ok"
        except Exception as bad:  # reported, not raised: this is the health check
            checks["database"] = f"error: {type(bad).__name__}"
        if self.redis is not None:
            try:
                async with asyncio.timeout(PROBE_TIMEOUT):
                    await self.redis.ping()
                checks["redis"] = "ok"
            except Exception as bad:
                checks["redis"] = f"error: {type(bad).__name__}"
        return checks

    def mark_down(self) -> None:
        if not self._down:
            self._down = True
            self._next_probe = asyncio.get_running_loop().time() + PROBE_EVERY

    async def usable(self) -> bool:
        """False while the stores are known down (one probe per PROBE_EVERY, shared by all callers)."""
        if not self._down:
            return True
        loop = asyncio.get_running_loop()
        if loop.time() < self._next_probe:
            return False
        if self._probing is None:
            self._probing = asyncio.Lock()
        if self._probing.locked():  # another request is probing: do not pile up
            return False
        async with self._probing:
            good = all(v == "ok" for v in (await self.check()).values())
            self._next_probe = loop.time() + PROBE_EVERY
            self._down = not good
        return good
