"""The sending pace of one bot token: a slot every 1/rate seconds, at most one message per chat
per ``per_chat`` seconds, and a pause for everyone after a 429.

LocalRateBudget keeps it in the process (one worker). RedisRateBudget keeps it in Redis, so all
workers of one bot token share one budget: the slot is taken atomically by a Lua script using
Redis's own clock, so the workers' clocks need not agree.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

RATE_PREFIX = "gg:rate"


def chat_key_pattern(chat_id: int) -> str:
    """The Redis keys (every bot token) holding this chat's next sending slot: erased with the person."""
    return f"{RATE_PREFIX}:*:chat:{chat_id}"


class RateBudget(Protocol):
    async def acquire(self, chat_id: int) -> None:
        """Waits until a message to this chat may be sent, and takes that slot."""
        ...

    async def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends for ``seconds``."""
        ...


class LocalRateBudget:
    """Slots every 1/rate seconds, and a guard on the sends themselves: never more than
    round(rate) of them within any second (plus ``margin``), counted when each request actually
    leaves. Slots alone assume every request leaves on time; one held back a few milliseconds
    (the event loop busy elsewhere) lands closer to the next ones, and close to Telegram's limit
    that drew a 429 and a pause for everyone (bench/broadcast.py)."""

    def __init__(self, rate: float, per_chat: float, *, margin: float = 0.005) -> None:
        self.interval = 1.0 / rate
        self.per_chat = per_chat
        self.window = 1.0 + margin
        self._recent: deque[float] = deque(maxlen=max(1, round(rate)))  # when the last sends left
        self._next = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int, float] = {}

    async def acquire(self, chat_id: int) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            ready = max(now, self._paused_until, self._chat_next.get(chat_id, 0.0))
            if ready > now:
                await asyncio.sleep(ready - now)
                continue
            slot = max(now, self._next)
            self._next = slot + self.interval
            self._chat_next[chat_id] = slot + self.per_chat
            if len(self._chat_next) > 10_000:  # forget chats whose interval has long passed
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
            if slot > now:
                await asyncio.sleep(slot - now)
            if await self._leave(loop):
                return
            # else a 429 came while we waited: wait it out and take a new slot

    async def _leave(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Holds the slot until the guard allows the send; records it. False if a pause began."""
        while loop.time() >= self._paused_until:
            now = loop.time()
            if len(self._recent) == self._recent.maxlen and now < self._recent[0] + self.window:
                await asyncio.sleep(self._recent[0] + self.window - now)  # an earlier send left late
                continue
            self._recent.append(now)  # the caller sends right away
            return True
        return False

    def forget(self, chat_id: int) -> None:
        """The chat's next slot no longer kept (the person erased their data)."""
        self._chat_next.pop(chat_id, None)

    async def pause(self, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)
        self._next = max(self._next, until)


# KEYS: next global slot, paused-until, this chat's next slot. ARGV: interval, per-chat interval.
# Returns how long the caller waits for its slot (seconds, as a string: Lua numbers become integers).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local chat = tonumber(redis.call('GET', KEYS[3]) or '0')
local slot = math.max(now, nxt, paused, chat)
local interval = tonumber(ARGV[1])
local per_chat = tonumber(ARGV[2])
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', math.ceil((slot - now + interval) * 1000) + 60000)
redis.call('SET', KEYS[3], tostring(slot + per_chat), 'PX', math.ceil((slot - now + per_chat) * 1000) + 1000)
return tostring(slot - now)
"""
# KEYS: paused-until, next global slot. ARGV: seconds. Returns nothing.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local untl = now + tonumber(ARGV[1])
if untl > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], tostring(untl), 'PX', math.ceil(tonumber(ARGV[1]) * 1000) + 60000)
end
if untl > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], tostring(untl), 'PX', math.ceil(tonumber(ARGV[1]) * 1000) + 60000)
end
return 0
"""
# KEYS: paused-until, the recent send times (a list). ARGV: how many per window, window (s).
# The guard of LocalRateBudget, shared: {0, 0} the send leaves now (recorded); {1, s} a pause
# began, take a new slot after it; {2, s} an earlier send left late, wait s. Seconds as strings.
_LEAVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then
  return {1, tostring(paused - now)}
end
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
if redis.call('LLEN', KEYS[2]) >= capacity then
  local oldest = tonumber(redis.call('LINDEX', KEYS[2], -capacity))
  if now < oldest + window then
    return {2, tostring(oldest + window - now)}
  end
end
redis.call('RPUSH', KEYS[2], tostring(now))
redis.call('LTRIM', KEYS[2], -capacity, -1)
redis.call('PEXPIRE', KEYS[2], math.ceil(window * 1000) + 60000)
return {0, '0'}
"""


class RedisRateBudget:
    """The same slots and guard as LocalRateBudget, in Redis, for all workers of one bot token."""

    def __init__(self, redis: Redis, bot_id: int, rate: float, per_chat: float, *, margin: float = 0.005) -> None:
        self.redis = redis
        self.interval = 1.0 / rate
        self.per_chat = per_chat
        self.capacity = max(1, round(rate))
        self.window = 1.0 + margin
        prefix = f"{RATE_PREFIX}:{bot_id}"  # per bot token (its numeric id; never the token itself)
        self.next_key, self.paused_key, self.chat_prefix = f"{prefix}:next", f"{prefix}:paused", f"{prefix}:chat:"
        self.sends_key = f"{prefix}:sends"
        self._acquire = redis.register_script(_ACQUIRE)
        self._pause = redis.register_script(_PAUSE)
        self._leave = redis.register_script(_LEAVE)

    async def acquire(self, chat_id: int) -> None:
        while True:
            keys = [self.next_key, self.paused_key, f"{self.chat_prefix}{chat_id}"]
            wait = float(await self._acquire(keys=keys, args=[self.interval, self.per_chat]))
            if wait > 0:
                await asyncio.sleep(wait)
            while True:
                code, seconds = await self._leave(
                    keys=[self.paused_key, self.sends_key], args=[self.capacity, self.window]
                )
                if int(code) == 0:
                    return  # recorded: the caller sends right away
                await asyncio.sleep(float(seconds))
                if int(code) == 1:
                    break  # a 429 came while we waited: take a new slot after it

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[self.paused_key, self.next_key], args=[seconds])
