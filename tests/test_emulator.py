"""The Bot API emulator, exercised through the real aiogram client over HTTP."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from emulator import TEST_TOKEN, BotAPIEmulator, BotEvent, parse_html


class FastSession(AiohttpSession):
    """aiogram sleeps 250 ms on close to let TLS connections drain; plain HTTP needs no wait."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(emu: BotAPIEmulator) -> Bot:
    session = FastSession(api=TelegramAPIServer.from_base(emu.base_url))
    return Bot(TEST_TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))


@pytest.fixture
def emu(emulator: BotAPIEmulator) -> BotAPIEmulator:
    """The tests' emulator (tests/conftest.py), by the shorter name these tests use."""
    return emulator


@pytest.fixture
async def bot(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    client = make_bot(emu)
    yield client
    await client.session.close()


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


# --- basics ----------------------------------------------------------------------------------


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 1000
    assert me.is_bot
    assert me.username == "gg_visa_test_bot"
    assert me.first_name == "GG Visa"


async def test_unknown_method_is_404_envelope(emu: BotAPIEmulator) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emu.base_url}/bot{TEST_TOKEN}/sendTelepathy", data={"chat_id": "1"}) as resp,
    ):
        assert resp.status == 404
        assert await resp.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }


async def test_json_body_and_request_log(emu: BotAPIEmulator) -> None:
    emu.user(7).open_chat()
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    payload = {"chat_id": 7, "text": "<b>hi</b>", "parse_mode": "HTML", "reply_markup": markup}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emu.base_url}/bot{TEST_TOKEN}/sendMessage", json=payload) as resp,
    ):
        body = await resp.json()
    assert body["ok"] is True
    assert body["result"]["text"] == "hi"
    assert body["result"]["entities"] == [{"offset": 0, "length": 2, "type": "bold"}]
    method, params = emu.requests[-1]
    assert method == "sendMessage"
    assert params["chat_id"] == 7
    assert params["reply_markup"] == markup


async def test_form_fields_are_decoded(bot: Bot, emu: BotAPIEmulator) -> None:
    emu.user(8).open_chat()
    await bot.send_message(8, "pick", reply_markup=keyboard([("A", "a")]), disable_notification=True)
    params = emu.calls("sendMessage")[-1]
    assert params["chat_id"] == 8  # numbers arrive as strings and are coerced
    assert params["disable_notification"] is True
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    assert emu.user(8).messages[-1].buttons == [[("A", "a")]]


# --- text validation -------------------------------------------------------------------------


async def test_valid_html_is_accepted_and_recorded(bot: Bot, emu: BotAPIEmulator) -> None:
    user = emu.user(42)
    user.open_chat()
    source = (
        '<b>Visa</b> &amp; <i>work</i> &lt;E-7&gt; <a href="https://example.org/?a=1&b=2">link</a> '
        '<tg-spoiler>s</tg-spoiler> <span class="tg-spoiler">t</span> &#128512; &quot;q&quot;\n'
        '<pre><code class="language-python">x = 1</code></pre><blockquote expandable>quote</blockquote>'
    )
    sent = await bot.send_message(42, source)
    plain = 'Visa & work <E-7> link s t 😀 "q"\nx = 1quote'
    assert sent.text == plain
    kinds = {e.type for e in sent.entities or []}
    assert kinds == {"bold", "italic", "text_link", "spoiler", "pre", "expandable_blockquote"}
    pre = next(e for e in sent.entities or [] if e.type == "pre")
    assert pre.language == "python"
    link = next(e for e in sent.entities or [] if e.type == "text_link")
    assert link.url == "https://example.org/?a=1&b=2"
    recorded = user.messages[-1]
    assert recorded.text == source
    assert recorded.plain_text == plain
    assert recorded.parse_mode == "HTML"


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("line<br>break", 'Unsupported start tag "br"'),
        ("<p>paragraph</p>", 'Unsupported start tag "p"'),
        ("Tom & Jerry", 'Character "&"'),
        ("a&nbsp;b", "Unsupported HTML entity"),
        ("1 < 2", 'Unsupported start tag ""'),
        ("<b>bold <i>both</b></i>", 'expected "</i>", found "</b>"'),
        ("<b>never closed", "Can't find end tag"),
        ("closed</b>", "Unexpected end tag"),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
    ],
)
async def test_bad_html_is_rejected(bot: Bot, emu: BotAPIEmulator, text: str, detail: str) -> None:
    emu.user(42).open_chat()
    with pytest.raises(TelegramBadRequest, match="can't parse entities") as excinfo:
        await bot.send_message(42, text)
    assert detail in excinfo.value.message
    assert emu.user(42).messages == []


async def test_length_is_counted_after_entity_parsing(bot: Bot, emu: BotAPIEmulator) -> None:
    emu.user(42).open_chat()
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(42, "a" * 4097)
    await bot.send_message(42, "<b>" + "a" * 4096 + "</b>")
    await bot.send_message(42, "&amp;" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(42, "&lt;" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(42, "  <b> </b> ")
    assert [len(m.plain_text or "") for m in emu.user(42).messages] == [4096, 4096]


async def test_caption_limit(bot: Bot, emu: BotAPIEmulator) -> None:
    emu.user(42).open_chat()
    file = BufferedInputFile(b"%PDF-1.4", filename="a.pdf")
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_document(42, file, caption="<i>" + "c" * 1025 + "</i>")
    await bot.send_document(42, file, caption="<i>" + "c" * 1024 + "</i>")


def test_parse_html_offsets_are_utf16() -> None:
    parsed = parse_html("😀 <b>bold</b>")
    assert parsed.text == "😀 bold"
    assert parsed.entities == [{"offset": 3, "length": 4, "type": "bold"}]


async def test_chat_not_found(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999, "hello?")


# --- keyboards and edits ---------------------------------------------------------------------


async def test_callback_data_is_limited_to_64_bytes(bot: Bot, emu: BotAPIEmulator) -> None:
    emu.user(42).open_chat()
    await bot.send_message(42, "ok", reply_markup=keyboard([("x", "é" * 32)]))  # 64 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(42, "no", reply_markup=keyboard([("x", "é" * 32 + "a")]))  # 65 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(42, "no", reply_markup=keyboard([("x", "a" * 65)]))


async def test_keyboard_shape_limits(bot: Bot, emu: BotAPIEmulator) -> None:
    emu.user(42).open_chat()
    with pytest.raises(TelegramBadRequest, match="too many buttons in a row"):
        await bot.send_message(42, "x", reply_markup=keyboard([(str(i), str(i)) for i in range(9)]))
    rows = [[(f"{r}-{c}", f"{r}-{c}") for c in range(8)] for r in range(13)]  # 104 buttons
    with pytest.raises(TelegramBadRequest, match="too many inline keyboard buttons"):
        await bot.send_message(42, "x", reply_markup=keyboard(*rows))


async def test_edit_text_not_modified_and_not_found(bot: Bot, emu: BotAPIEmulator) -> None:
    user = emu.user(42)
    user.open_chat()
    markup = keyboard([("Yes", "yes")])
    sent = await bot.send_message(42, "<b>Question</b>", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "<strong>Question</strong>", chat_id=42, message_id=sent.message_id, reply_markup=markup
        )
    await bot.edit_message_text("Answered", chat_id=42, message_id=sent.message_id)
    message = user.messages[0]
    assert message.plain_text == "Answered"
    assert message.reply_markup is None  # editing without reply_markup removes the keyboard
    assert message.edit_history[0]["text"] == "<b>Question</b>"
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=42, message_id=12345)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=42, message_id=sent.message_id)
    await bot.delete_message(42, sent.message_id)
    assert message.deleted
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("again", chat_id=42, message_id=sent.message_id)


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


# --- fault injection and rate limits -----------------------------------------------------------


async def test_fail_next_429(bot: Bot, emu: BotAPIEmulator) -> None:
    emu.user(42).open_chat()
    emu.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as excinfo:
        await bot.send_message(42, "first")
    assert excinfo.value.retry_after == 7
    await bot.send_message(42, "second")  # only the next call fails
    assert [m.plain_text for m in emu.user(42).messages] == ["second"]


async def test_blocked_user(bot: Bot, emu: BotAPIEmulator) -> None:
    emu.user(42).open_chat()
    emu.block_user(42)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(42, "are you there?")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_document(42, BufferedInputFile(b"x", filename="x.txt"))


async def test_flood_control() -> None:
    now = [100.0]
    async with BotAPIEmulator(flood_control=True, global_rate=3, per_chat_rate=1.0, clock=lambda: now[0]) as emu:
        bot = make_bot(emu)
        try:
            for user_id in (1, 2, 3, 4):
                emu.user(user_id).open_chat()
            await bot.send_message(1, "one")
            with pytest.raises(TelegramRetryAfter) as excinfo:
                await bot.send_message(1, "two")  # second message to one chat within a second
            assert excinfo.value.retry_after == 1
            await bot.send_message(2, "other chat")
            await bot.send_message(3, "third chat")
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(4, "over the global limit of 3/s")
            now[0] += 1.0
            await bot.send_message(1, "two, a second later")
        finally:
            await bot.session.close()


async def test_getfile_size_limit(bot: Bot, emu: BotAPIEmulator) -> None:
    user = emu.user(42)
    await user.send_document(b"x" * (20 * 1024 * 1024 + 1), "huge.bin", "application/octet-stream")
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.document is not None
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(update.message.document.file_id)


# --- bot settings ------------------------------------------------------------------------------


async def test_commands_and_descriptions(bot: Bot, emu: BotAPIEmulator) -> None:
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands([BotCommand(command="start", description="시작")], scope=scope, language_code="ko")
    assert [c.description for c in await bot.get_my_commands()] == ["Start"]
    assert [c.description for c in await bot.get_my_commands(scope=scope, language_code="ko")] == ["시작"]
    assert await bot.get_my_commands(scope=scope) == []
    assert emu.get_commands({"type": "all_private_chats"}, "ko") == [{"command": "start", "description": "시작"}]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start-Now", description="x")])

    await bot.set_my_description("Visa helper")
    await bot.set_my_description("비자 도우미", language_code="ko")
    await bot.set_my_short_description("E-7-4R pilot")
    assert (await bot.get_my_description(language_code="ko")).description == "비자 도우미"
    assert (await bot.get_my_description(language_code="vi")).description == "Visa helper"
    assert (await bot.get_my_short_description()).short_description == "E-7-4R pilot"


async def test_answer_callback_limits(bot: Bot, emu: BotAPIEmulator) -> None:
    user = emu.user(42)
    user.open_chat()
    await bot.send_message(42, "menu", reply_markup=keyboard([("Go", "go")]))
    await user.click("Go")
    [update] = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.data == "go"
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(update.callback_query.id, text="x" * 201)
    await bot.answer_callback_query(update.callback_query.id, text="x" * 200)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("no-such-query")
    await bot.send_chat_action(42, "typing")
    assert emu.chat(42) is not None
