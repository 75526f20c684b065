"""Bot API requests go as JSON bodies (bot/speed/json_requests.py), uploads as multipart forms, and the
Bot API receives the same parameters aiogram's forms carried."""

from __future__ import annotations

from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import build_bot
from bot.config import Settings
from bot.messaging import Sent, send_screen
from emulator import TEST_TOKEN, BotAPIEmulator
from tests.conftest import needs_patch

pytestmark = needs_patch("json_requests")


async def test_a_message_goes_as_json_and_a_document_as_a_form(settings: Settings, emulator: BotAPIEmulator) -> None:
    user = emulator.user(41)
    user.open_chat()
    bot = build_bot(settings, TEST_TOKEN)
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="예 & <네>", callback_data="a1:x:y")]])
    try:
        sent = await bot.send_message(
            41, "<b>경기도</b> — Ўзбекистон 100%", reply_markup=keyboard, disable_notification=False
        )
        await bot.send_document(
            41, BufferedInputFile(b"%PDF-1.4 diploma", filename="diploma.pdf"), caption="졸업증명서"
        )
    finally:
        await bot.session.close()
    kinds = dict(emulator.content_types)
    assert kinds["sendMessage"] == "application/json"
    assert kinds["sendDocument"] == "multipart/form-data"
    (params,) = emulator.calls("sendMessage")
    assert params["text"] == "<b>경기도</b> — Ўзбекистон 100%"
    assert params["parse_mode"] == "HTML"  # the bot's default, resolved as aiogram does for forms
    assert params["disable_notification"] is False
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "예 & <네>", "callback_data": "a1:x:y"}]]}
    assert sent.text == "경기도 — Ўзбекистон 100%"  # parsed as HTML by the Bot API
    assert user.messages[-1].document is not None and user.messages[-1].document.content == b"%PDF-1.4 diploma"
    assert emulator.calls("sendDocument")[0]["caption"] == "졸업증명서"


async def test_a_screen_is_sent_as_send_message_and_only_its_id_read_back(
    settings: Settings, emulator: BotAPIEmulator
) -> None:
    """bot.messaging.send_screen: the same request as bot.send_message; the answer is read as Sent."""
    user = emulator.user(42)
    user.open_chat()
    bot = build_bot(settings, TEST_TOKEN)
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="네", callback_data="a1:x:y")]])
    try:
        full = await bot.send_message(42, "<b>경기도</b>", reply_markup=keyboard)
        sent = await send_screen(bot, 42, "<b>경기도</b>", keyboard)
    finally:
        await bot.session.close()
    first, second = emulator.calls("sendMessage")
    assert first == second  # the same parameters, the bot's default parse_mode included
    assert isinstance(sent, Sent) and sent.message_id == user.messages[-1].message_id == full.message_id + 1
