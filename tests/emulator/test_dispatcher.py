"""Conversations through a real aiogram Dispatcher polling the emulator: say, tap, files, long polls."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Message,
)

from emulator import BotAPIEmulator, BotEvent
from tests.emulator.client import keyboard, make_bot, polling

# --- conversations through a real Dispatcher ---------------------------------------------------


def conversation_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Welcome!", reply_markup=keyboard([("Yes", "answer:yes"), ("No", "answer:no")]))

    @router.callback_query(F.data.startswith("answer:"))
    async def answer(query: CallbackQuery) -> None:
        choice = (query.data or "").split(":", 1)[1]
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"You said <b>{choice}</b>")
        await query.answer(f"Noted: {choice}")

    @router.callback_query()
    async def stale(query: CallbackQuery) -> None:
        await query.answer("This button has expired", show_alert=True)

    @router.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        data = await bot.download(message.document)
        assert data is not None
        content = data.read()
        await message.answer_document(
            BufferedInputFile(content.upper(), filename="reply.txt"),
            caption=f"got {len(content)} bytes from {html.escape(message.document.file_name or '')}",
        )

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {html.escape(message.text or '')}")

    return router


@pytest.fixture
async def running(emu: BotAPIEmulator) -> AsyncIterator[BotAPIEmulator]:
    dp = Dispatcher()
    dp.include_router(conversation_router())
    client = make_bot(emu)
    async with polling(emu, dp, client):
        yield emu


async def test_say_returns_the_reply(running: BotAPIEmulator) -> None:
    user = running.user(42)
    replies = await user.say("hi <there> & you")
    assert [m.plain_text for m in replies] == ["echo: hi <there> & you"]
    assert replies[0].text == "echo: hi &lt;there&gt; &amp; you"
    assert await user.say("again") == [user.messages[1]]


async def test_group_chat_update(running: BotAPIEmulator) -> None:
    user = running.user(43)
    update_id = await user.send_text("hello group", chat_type="group", chat_id=-100123)
    await running.wait_processed(update_id)
    assert [m.plain_text for m in running.chat_messages(-100123)] == ["echo: hello group"]
    assert user.messages == []


async def test_click_sends_callback_query(running: BotAPIEmulator) -> None:
    user = running.user(42)
    events: list[BotEvent] = []
    running.add_listener(events.append)
    [welcome] = await user.say("/start")
    assert running.calls("getUpdates")  # the real dispatcher polled
    assert welcome.buttons == [[("Yes", "answer:yes"), ("No", "answer:no")]]
    assert await user.tap("Yes") == []  # the handler edits instead of sending
    assert welcome.plain_text == "You said yes"
    assert welcome.reply_markup is None
    assert user.last_callback_answer == {"text": "Noted: yes"}
    assert [e.kind for e in events] == ["sent", "edited", "callback_answer"]
    with pytest.raises(AssertionError, match="no bot message with an inline keyboard"):
        await user.click("No")


async def test_click_unknown_button_lists_the_buttons(running: BotAPIEmulator) -> None:
    user = running.user(42)
    await user.say("/start")
    with pytest.raises(AssertionError, match=r"available buttons: \[\[\('Yes', 'answer:yes'\)"):
        await user.click("Maybe")


async def test_forged_callback_data(running: BotAPIEmulator) -> None:
    user = running.user(42)
    [welcome] = await user.say("/start")
    update_id = await user.click_data("forged:999")
    await running.wait_processed(update_id)
    assert user.last_callback_answer == {"text": "This button has expired", "show_alert": True}
    assert welcome.plain_text == "Welcome!"


async def test_document_roundtrip(running: BotAPIEmulator) -> None:
    user = running.user(42)
    update_id = await user.send_document(b"passport scan", "passport.txt", "text/plain")
    await running.wait_processed(update_id)
    [reply] = user.documents
    assert reply.content == b"PASSPORT SCAN"
    assert reply.file_name == "reply.txt"
    assert user.messages[-1].plain_caption == "got 13 bytes from passport.txt"


async def test_wait_processed_times_out_without_a_poller(emu: BotAPIEmulator) -> None:
    update_id = await emu.user(42).send_text("anyone?")
    with pytest.raises(TimeoutError, match="never called getUpdates"):
        await emu.wait_processed(update_id, timeout=0.05)


async def test_get_updates_offset_and_long_poll(bot: Bot, emu: BotAPIEmulator) -> None:
    user = emu.user(42)
    first = await user.send_text("/start")
    second = await user.send_sticker()
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first, second]
    assert updates[0].message is not None
    assert updates[0].message.entities is not None
    assert updates[0].message.entities[0].type == "bot_command"
    assert updates[1].message is not None
    assert updates[1].message.sticker is not None
    assert not emu.is_processed(second)
    assert await bot.get_updates(offset=second + 1, timeout=0) == []
    await emu.wait_processed(second, timeout=0.1)

    poll = asyncio.create_task(bot.get_updates(offset=second + 1, timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    third = await user.send_location(37.27, 127.01)
    updates = await asyncio.wait_for(poll, timeout=1)
    assert [u.update_id for u in updates] == [third]
    assert updates[0].message is not None
    assert updates[0].message.location is not None
