"""The Bot API emulator's methods and limits, called by the real aiogram client over HTTP."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
)

from emulator import TEST_TOKEN, BotAPIEmulator, parse_html
from tests.emulator.client import keyboard, make_bot

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


async def test_photos_and_stickers_are_files_the_bot_can_fetch(bot: Bot, emu: BotAPIEmulator) -> None:
    user = emu.user(42)
    await user.send_photo(b"\xff\xd8 a picture", width=640, height=480)
    await user.send_sticker("🙏")
    photo_update, sticker_update = await bot.get_updates()
    assert photo_update.message is not None and photo_update.message.photo is not None
    assert sticker_update.message is not None and sticker_update.message.sticker is not None
    [size] = photo_update.message.photo
    sticker = sticker_update.message.sticker
    assert (size.width, size.height, size.file_size) == (640, 480, 12)
    assert sticker.emoji == "🙏" and sticker.file_unique_id != size.file_unique_id
    for file_id, content in ((size.file_id, b"\xff\xd8 a picture"), (sticker.file_id, None)):
        data = await bot.download(file_id)
        assert data is not None
        fetched = data.read()
        assert fetched == content if content is not None else fetched.startswith(b"RIFF")


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
