"""Magic filters evaluated on the event loop.

aiogram calls a filter that is not a coroutine function in a worker thread (``asyncio.to_thread``),
and a magic filter such as ``F.chat.type == "private"`` is one: every router's chat-type check cost
a thread hand-off per update, 17 % of the bot's CPU under load (bench/throughput.py, profiled).
``on_loop(F...)`` keeps the declarative filter and resolves it in place; it only reads attributes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.utils.magic_filter import MagicFilter

from bot import speed


def on_loop(magic: MagicFilter) -> MagicFilter | Callable[[Any], Awaitable[Any]]:
    if not speed.active("on_loop_filters"):
        return magic  # aiogram's own way: resolved in a worker thread

    async def check(event: Any) -> Any:
        return magic.resolve(event)

    return check
