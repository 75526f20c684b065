"""Replies in a conversation honour Telegram's flood control: on a 429 the request waits
``retry_after`` and is made again (a few times), instead of failing the update.

The outbox sender handles 429s itself (pausing all its sending); this is for direct replies."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramRetryAfter

from bot.db.context import current_session
from bot.middleware_types import Method, NextRequest

log = logging.getLogger(__name__)
ATTEMPTS = 3
LONGEST_WAIT = 10  # seconds; a longer ban is not waited out inside an update


class RetryAfterFlood(BaseRequestMiddleware):
    async def __call__(self, make_request: NextRequest, bot: Bot, method: Method) -> Any:
        for attempt in range(ATTEMPTS):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as flood:
                if current_session.get() is None or attempt == ATTEMPTS - 1 or flood.retry_after > LONGEST_WAIT:
                    raise  # outside an update (the sender decides itself), or waited enough
                log.info("429 on %s: waiting %s s", type(method).__name__, flood.retry_after)
                await asyncio.sleep(flood.retry_after)
        raise AssertionError("unreachable")
