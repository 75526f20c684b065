"""One chat's updates, one at a time and in order, across workers (Redis).

aiogram's RedisEventIsolation held a chat's lock for up to 60 s: a worker killed mid-update froze
the chat that long, longer than Telegram waits, and a later tap could overtake the resent update.
Here:
- the lock lives CHAT_LOCK_SECONDS and its holder renews it every third of that while the update is
  handled; a killed holder's lock is gone within the TTL. Only the owner (its token) releases it.
- the chat's pending update ids (a hash: id -> until when it holds its place) order the waiters:
  an update takes the lock only when it is the lowest pending id of its chat. Telegram resends an
  update with its original id, so a resent update goes before a later one. A place is kept while
  its update waits or is handled (refreshed) and for one TTL more after its worker died, the time
  Telegram has to resend it; after that the place is given up and the chat moves on.
The update id comes from the webhook (``current_update``); without one (polling: one process, in
order anyway) the lock is taken without a place in the line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncGenerator
from contextvars import ContextVar
from typing import TYPE_CHECKING

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.fsm.storage.redis import DefaultKeyBuilder, KeyBuilder

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

current_update: ContextVar[int | None] = ContextVar("current_update", default=None)

# KEYS: lock, pending. ARGV: token, update id ('' = no place in line), ttl ms, grace ms.
# Returns 1 if the lock was taken.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
local keep = ttl + tonumber(ARGV[4])
local mine = ARGV[2]
if mine ~= '' then
  redis.call('HSET', KEYS[2], mine, now + keep)
  redis.call('PEXPIRE', KEYS[2], keep)
  local lowest = nil
  local entries = redis.call('HGETALL', KEYS[2])
  for i = 1, #entries, 2 do
    if tonumber(entries[i + 1]) < now then
      redis.call('HDEL', KEYS[2], entries[i])
    else
      local id = tonumber(entries[i])
      if lowest == nil or id < lowest then lowest = id end
    end
  end
  if lowest ~= tonumber(mine) then return 0 end
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ttl) then return 1 end
return 0
"""
# KEYS: lock, pending. ARGV: token, update id or '', ttl ms, grace ms. Returns 0 if the lock is lost.
_RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local keep = tonumber(ARGV[3]) + tonumber(ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[2], now + keep)
  redis.call('PEXPIRE', KEYS[2], keep)
end
return 1
"""
# KEYS: lock, pending. ARGV: token, update id or ''.
_RELEASE = """
if ARGV[2] ~= '' then redis.call('HDEL', KEYS[2], ARGV[2]) end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""


class ChatLock(BaseEventIsolation):
    def __init__(
        self, redis: Redis, key_builder: KeyBuilder | None = None, *, ttl: float = 10.0, poll: float = 0.01
    ) -> None:
        self.key_builder = key_builder or DefaultKeyBuilder()
        self.ttl_ms = max(1, round(ttl * 1000))
        self.grace_ms = self.ttl_ms  # how long a dead worker's update keeps its place for the resend
        self.poll = poll  # a waiting update looks again this often (seconds); only while the chat is busy
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock_key = self.key_builder.build(key, "lock")
        keys = [lock_key, lock_key + ":pending"]
        update_id = current_update.get()
        place = "" if update_id is None else str(update_id)
        token = uuid.uuid4().hex
        while not int(await self._acquire(keys=keys, args=[token, place, self.ttl_ms, self.grace_ms])):
            await asyncio.sleep(self.poll)
        renewing = asyncio.create_task(self._keep_renewing(keys, token, place))
        try:
            yield None
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            try:
                await self._release(keys=keys, args=[token, place])
            except Exception as failed:  # the update is done: the lock expires by itself
                log.warning("chat lock %s not released: %r", keys[0], failed)

    async def _keep_renewing(self, keys: list[str], token: str, place: str) -> None:
        while True:
            await asyncio.sleep(self.ttl_ms / 3000)
            try:
                if not int(await self._renew(keys=keys, args=[token, place, self.ttl_ms, self.grace_ms])):
                    log.warning("chat lock %s lost while its update was handled", keys[0])
                    return
            except Exception as failed:  # Redis down: the handler fails on its own store calls
                log.warning("chat lock %s not renewed: %r", keys[0], failed)

    async def close(self) -> None:
        pass
