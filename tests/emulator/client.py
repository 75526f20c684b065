"""A real aiogram client for the emulator's own tests: over plain HTTP, without TLS's waits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from emulator import TEST_TOKEN, BotAPIEmulator


class FastSession(AiohttpSession):
    """aiogram sleeps 250 ms on close to let TLS connections drain; plain HTTP needs no wait."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(emu: BotAPIEmulator) -> Bot:
    session = FastSession(api=TelegramAPIServer.from_base(emu.base_url))
    return Bot(TEST_TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))


@asynccontextmanager
async def polling(emu: BotAPIEmulator, dp: Dispatcher, bot: Bot) -> AsyncIterator[None]:
    task = asyncio.create_task(dp.start_polling(bot, handle_as_tasks=False, polling_timeout=1, handle_signals=False))
    try:
        await emu.wait_polling(timeout=5)
        yield
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(task, timeout=5)


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d) for t, d in row] for row in rows]
    )
