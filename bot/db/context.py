"""The database session of the update being handled, and the rule that no transaction stays open
across a call to Telegram: a request middleware commits it before every Bot API request.

Why: SQLite has one writer. A transaction left open while the bot waits for Telegram (a send, a
file download) would hold the write lock for the length of a network call and make every other
chat wait, or fail with "database is locked" under load.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from sqlalchemy.ext.asyncio import AsyncSession

current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


class CommitBeforeRequest(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        session = current_session.get()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)
