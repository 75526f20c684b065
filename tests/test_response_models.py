"""aiogram's parsed response models survive garbage collection (bot/response_models.py): without
a strong reference pydantic rebuilds `Response[Message]` after every collection (~7 ms each)."""

from __future__ import annotations

import gc

from aiogram.methods.base import Response
from aiogram.types import Message

from bot.app import build_bot
from bot.config import Settings
from bot.emulator import TEST_TOKEN, BotAPIEmulator


async def test_the_response_model_of_a_request_is_built_once(settings: Settings, emulator: BotAPIEmulator) -> None:
    emulator.user(31).open_chat()
    bot = build_bot(settings, TEST_TOKEN)
    try:
        await bot.send_message(31, "one")
        gc.collect()
        first = Response[Message]
        await bot.send_message(31, "two")
        gc.collect()
        assert Response[Message] is first  # the cached class, not a rebuilt one
        assert Message in bot.session.middleware[-1].kept  # type: ignore[attr-defined]
    finally:
        await bot.session.close()
