"""Erasing what the runtime keeps about a person outside the database: FSM state and data, the
outbox's per-chat sending slots. The runtime picks the implementation (Redis or in-process) and
DataRightsService.erase calls it after the database rows are gone.

Event-isolation locks are left alone on purpose: the update doing the erasure holds its chat's
lock, and deleting it under the holder makes the release fail; the holder deletes it when the
update ends (and a crashed worker's lock expires by its timeout).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.services.rate import LocalRateBudget, chat_key_pattern

if TYPE_CHECKING:
    from aiogram.fsm.storage.memory import MemoryStorage
    from redis.asyncio import Redis

FSM_PREFIX = "gg:fsm"  # aiogram's DefaultKeyBuilder(with_destiny=True): prefix:chat:user:destiny:part
LOCK_PART = "lock"


class KeyEraser(Protocol):
    async def erase(self, user_id: int) -> None:
        """Removes every key of this person (as user or as private chat)."""
        ...


class RedisKeyEraser:
    def __init__(self, redis: Redis, fsm_prefix: str = FSM_PREFIX) -> None:
        self.redis = redis
        self.fsm_prefix = fsm_prefix

    async def erase(self, user_id: int) -> None:
        who = str(user_id)
        depth = self.fsm_prefix.count(":") + 1
        doomed: list[bytes | str] = []
        async for key in self.redis.scan_iter(match=f"{self.fsm_prefix}:*{who}:*", count=1000):
            parts = (key.decode() if isinstance(key, bytes) else key).split(":")
            # [bot id:] chat : user : destiny : part — the person as the chat or as the user
            if who in parts[depth:-2] and parts[-1] != LOCK_PART:
                doomed.append(key)
        doomed += [key async for key in self.redis.scan_iter(match=chat_key_pattern(user_id), count=1000)]
        if doomed:
            await self.redis.delete(*doomed)


class MemoryKeyEraser:
    """One worker without Redis: aiogram's MemoryStorage and the in-process rate budget."""

    def __init__(self, storage: MemoryStorage, budget: LocalRateBudget | None = None) -> None:
        self.storage = storage
        self.budget = budget

    async def erase(self, user_id: int) -> None:
        for key in [k for k in self.storage.storage if user_id in (k.chat_id, k.user_id)]:
            del self.storage.storage[key]
        if self.budget is not None:
            self.budget.forget(user_id)
