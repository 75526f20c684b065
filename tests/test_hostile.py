"""Hostile input: a corpus of more than 300 updates a real bot meets (huge texts, Unicode oddities,
injection attempts, unknown commands, malformed and forged callback data, edits, wrong files,
stickers and locations, groups and channels, repeated update_ids), plus hypothesis fuzzing.

For each: the bot keeps running, no traceback or error apology reaches anyone, nothing changes
that the sender may not change, and a person gets an answer in their own language."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.config import Settings
from bot.errors import APOLOGY
from bot.i18n import translator
from emulator import BotAPIEmulator, FakeMessage
from tests.conftest import NOW, BotRunner
from tests.e2e import (
    applicant_who_submitted,
    button_for,
    nav,
    snapshot,
)
from tests.test_languages import problems_in

LONG = "가" * 5000
TEXTS = [
    "x" * 4097,
    "A" * 10_000,
    LONG,
    "\u202e12\u202c",  # right-to-left override
    "\u200f\u200e35000000",
    "3\u200b5\u200b000000",  # zero-width spaces
    "\ufeff2",
    "👩‍💻👨‍👩‍👧‍👦🏳️‍🌈",  # ZWJ sequences
    "e\u0301\u0301\u0301\u0301\u0301" * 50,  # combining marks
    "abc\x00def",
    "\x00",
    "\u0000\u0001\u0002",
    "\x1b[2J\x1b[31mred\x1b[0m",  # terminal escapes
    "\u0085\u009b\u007f\u0080",  # C1 controls and DEL
    "line\r\nbreak\rcarriage\x08\x08",
    "Nguye\u0302\u0303n",  # decomposed: stored as NFC
    "\ud7a3" * 100,
    "Z̴̡̛̠̞͈̄̋͑a̸̧̛͓̓l̵g̵o̷",
    "<b>bold</b>",
    "<script>alert(1)</script>",
    "</b></i><a href='javascript:alert(1)'>x</a>",
    "&lt;&amp;&gt; & < >",
    "*bold* _it_ `code` [link](http://evil.example)",
    "[x](tg://user?id=1)",
    "'; DROP TABLE users; --",
    "1 OR 1=1",
    '" OR ""="',
    "Robert'); DELETE FROM applications;--",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "%s%s%s%n",
    "{ref}{status}{0}",
    "-1",
    "1e308",
    "NaN",
    "99999999999999999999999999",
    "0x1F",
    "٣٥٠٠٠٠٠٠",  # Arabic-Indic digits
    "３５００００００",  # full-width digits
    "",
    " ",
    "\n\n\n",
]
COMMANDS = [
    "/foo",
    "/start@some_other_bot",
    "/",
    "//",
    "/start " + "x" * 300,
    "/start c_",
    "/start c_!!!!",
    "/start e_AAAAAAAA",
    "/start m_ZZZZZZZZ",
    "/employer extra words",
    "/staff",
    "/STAFF",
    "/quota now",
    "/delete@gg_visa_test_bot",
    "/share " + LONG[:100],
]
CALLBACKS = [
    "",
    "a",
    "a1:",
    "a1::",
    "a1:occupation:",
    "a1:occupation:nonexistent",
    "a1:degree:" + "9" * 50,
    "n1::::",
    "n1:result:nowhere:",
    "n1:edit:summary:no_such_question",
    "l1:xx",
    "l1:",
    "st1:",
    "st1:commit:1:",
    "st1:decide:1:recommended",
    "st1:annsend:0:",
    "st1:addstaff:0:admin",
    "st1:unstaff:900:",
    "st1:verify:1:",
    "st1:setf:0:status=<b>",
    "em1:cand:1:",
    "em1:cand:abc:",
    "em1:files:-1:",
    "em1:opt:0:city=nowhere",
    "em1:save:0:",
    "sh1:approve:1:",
    "sh1:toggle:1:passport_copy",
    "sh1:revoke:999999999999999999999:",
    "rp1:visa_applied:1:",
    "rp1:visa_issued:1:",
    "rp1:filed:-1:",
    "rp1:cancel:x:",
    "s1:1:visa_applied",  # the /status button of an earlier deploy
    "menu:1",  # a button of an earlier deploy
    "a:occupation:web_developer",  # the unversioned payload of the first deploys
    "a2:occupation:web_developer",  # a version this deploy does not know
    "d1:1:",  # /delete's answer of an earlier deploy
    "er1:erase:0:forged",
    "q:old:format:v1",
    "x" * 64,
    "💥" * 16,
]


def corpus_size() -> int:
    # texts and commands go to three people at two points of the conversation; callbacks, three times
    return 6 * (len(TEXTS) + len(COMMANDS)) + 3 * len(CALLBACKS) + 40


def test_the_corpus_has_more_than_300_updates() -> None:
    assert corpus_size() >= 300


def assert_clean(locale: str, messages: list[FakeMessage]) -> None:
    apology = translator(locale).render(APOLOGY)
    for m in messages:
        assert "Traceback" not in m.plain and apology not in m.plain, m.plain[:200]
    found = [p for m in messages for p in problems_in(locale, m)]
    assert found == [], "\n".join(found[:10])


async def test_a_corpus_of_hostile_updates(bot: BotRunner, emulator: BotAPIEmulator, settings: Settings) -> None:
    await applicant_who_submitted(emulator, 950)  # has a submitted application: the target of forged buttons
    await asyncio.sleep(1.2)  # the "submitted" notice is out
    people = [
        emulator.user(951, language_code="ko"),
        emulator.user(952, language_code="vi"),
        emulator.user(953, language_code="ru"),
    ]
    before = snapshot(settings)
    sent = 0
    for person in people:
        await person.say("/start")
        for stage in ("start", "text question"):
            if stage == "text question":  # now a typed answer (years of experience) is expected
                await person.say("/restart")
                await person.tap(button_for(person, "network_developer"))
                await person.tap(button_for(person, "none"))
            for text in TEXTS + COMMANDS:
                if text:
                    await emulator.wait_processed(await person.send_text(text))
                    sent += 1
        for data in CALLBACKS:
            if data:
                await emulator.wait_processed(await person.click_data(data, person.messages[-1]))
                sent += 1
        # Edits, files of the wrong kind, stickers, locations, contacts, where text is expected.
        await emulator.wait_processed(await person.edit_text("edited <b>"))
        for content, name, mime in (
            (b"", "empty.pdf", "application/pdf"),
            (b"MZ\x90\x00", "virus.exe", "application/x-msdownload"),
            (b"<html>", "page.html", "text/html"),
            (b"%PDF-1.4" + b"0" * (21 * 1024 * 1024), "huge.pdf", "application/pdf"),
        ):
            await emulator.wait_processed(await person.send_document(content, name, mime))
        await emulator.wait_processed(await person.send_photo(b"\xff\xd8\xff"))
        await emulator.wait_processed(await person.send_sticker())
        await emulator.wait_processed(await person.send_location(37.26, 127.02))
        await emulator.wait_processed(await person.send_contact("+821012345678"))
        await emulator.wait_processed(await person.send_contact("+10000000000", own=False, first_name="<b>x</b>"))
        sent += 10
        # Groups and a channel: told once that the bot serves private chats; channels get nothing.
        for _ in range(3):
            await emulator.wait_processed(await person.send_text("/start", chat_type="group", chat_id=-100 - person.id))
            await emulator.wait_processed(await person.send_sticker(chat_type="group", chat_id=-100 - person.id))
        sent += 6
        channel_post = {
            "channel_post": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": -1009, "type": "channel", "title": "c"},
                "text": "/start",
            }
        }
        await emulator.wait_processed(emulator.inject(channel_post))
        # The same update delivered twice (Telegram repeats one it thinks was lost).
        update_id = await person.send_text("/quota")
        await emulator.wait_processed(update_id)
        replies = len(person.messages)
        await emulator.wait_processed(
            emulator.inject(
                {
                    "update_id": update_id,
                    "message": {
                        "message_id": 9999,
                        "date": 0,
                        "chat": {"id": person.id, "type": "private"},
                        "from": {"id": person.id, "is_bot": False, "first_name": "T"},
                        "text": "/start",
                    },
                }
            )
        )
        sent += 3
        assert len(person.messages) - replies <= 3  # handled like any /start, nothing doubled in the database
    assert sent >= 300, sent
    # Nothing the senders may not change has changed; everyone was answered in their language.
    after = snapshot(settings)
    assert after["applications"] == before["applications"] and after["status_changes"] == before["status_changes"]
    assert after["staff_members"] == [] and after["companies"] == [] and after["employer_links"] == []
    assert after["counters"] == before["counters"] and after["announcements"] == []
    for person, locale in zip(people, ("ko", "vi", "ru"), strict=True):
        assert_clean(locale, person.messages)
        assert len(person.messages) > 100  # answers, not silence
    for group in (emulator.chat(-100 - p.id) for p in people):
        assert group is not None and len([m for m in group.messages if m.from_bot]) == 1
    assert emulator.chat(-1009) is None or not [m for m in emulator.chat(-1009).messages if m.from_bot]  # type: ignore[union-attr]
    # And the bot still works.
    again = await people[0].say("/start")
    assert again and not any("Traceback" in m.plain for m in again)


# --- hypothesis: random texts and callback data against one running bot -----------------------------


class BotThread:
    """The emulator and the real bot on an event loop of their own, for synchronous hypothesis tests."""

    def __init__(self, settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.settings = settings

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    async def start(self) -> None:
        from bot.app import migrate

        self.emulator = BotAPIEmulator()
        await self.emulator.start()
        self.settings = self.settings.model_copy(update={"telegram_api_base": self.emulator.base_url})
        await migrate(self.settings)
        self.runner = BotRunner(self.settings, FixedClock(NOW), self.emulator)
        await self.runner.start()

    async def stop(self) -> None:
        await self.runner.stop()
        await self.emulator.stop()


@pytest.fixture(scope="module")
def bot_thread(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotThread]:
    path = tmp_path_factory.mktemp("fuzz")
    s = Settings(  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{path / 'fuzz.sqlite3'}",
        key_file=str(path / "k"),
        files_dir=str(path / "files"),
        _env_file=None,
    )
    thread = BotThread(s)
    thread.run(thread.start())
    yield thread
    thread.run(thread.stop())
    thread.loop.call_soon_threadsafe(thread.loop.stop)


async def _send(thread: BotThread, user_id: int, kind: str, payload: str) -> list[FakeMessage]:
    user = thread.emulator.user(user_id, language_code="ko")
    before = len(user.messages)
    if kind == "text":
        update_id = await user.send_text(payload)
    else:
        if not user.messages:
            await thread.emulator.wait_processed(await user.send_text("/start"))
            before = len(user.messages)
        update_id = await user.click_data(payload, user.messages[-1])
    await thread.emulator.wait_processed(update_id, timeout=30)
    return user.messages[before:]


CALLBACK_ALPHABET = st.sampled_from("ans:lnstemsh_0123456789xyz-=<>&'\" 가😀")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["text", "callback"]),
    text=st.text(min_size=1, max_size=300),
    prefix=st.sampled_from(["a1:", "n1:", "l1:", "st1:", "em1:", "sh1:", "rp1:", "er1:", ""]),
    rest=st.lists(CALLBACK_ALPHABET, max_size=40).map("".join),
    user=st.integers(min_value=960, max_value=963),
)
def test_fuzzed_updates_never_break_the_bot(
    bot_thread: BotThread, kind: str, text: str, prefix: str, rest: str, user: int
) -> None:
    payload = text if kind == "text" else (prefix + rest).encode()[:64].decode(errors="ignore") or "x"
    replies = bot_thread.run(_send(bot_thread, user, kind, payload))
    apology = translator("ko").render(APOLOGY)
    assert all("Traceback" not in m.plain and apology not in m.plain for m in replies)
    if kind == "text":
        assert replies, repr(payload)  # every message gets an answer


# --- control characters in typed text, stored (issue 15) ----------------------------------------


def test_clean_drops_controls_and_stray_surrogates_and_composes() -> None:
    from aiogram.types import MessageEntity

    from bot.typed_text import clean, clean_with_entities

    assert clean("a\x00b\x1b[1m\x85\x9f\x7fc\r\n\td\ud800 e\u0301") == "ab[1mc\n\td é"
    assert clean("plain text") == "plain text"
    text, entities = clean_with_entities("\x00<b>x</b> \x01bold", [MessageEntity(type="bold", offset=10, length=5)])
    assert text == "<b>x</b> bold" and entities is not None
    assert (entities[0].offset, entities[0].length) == (9, 4) and text[9:13] == "bold"


async def test_a_staff_note_and_a_name_with_control_characters_are_stored_clean(
    db_bot: BotRunner, db_settings: Settings, emulator: BotAPIEmulator
) -> None:
    from sqlalchemy import select

    from bot.crypto import Vault, load_key
    from bot.db.engine import make_engine, make_sessionmaker
    from bot.db.models import Application, StatusChange
    from tests.e2e import APOLOGY_EN, FORM, answer, consented, press, upload_documents, wait_for_text

    user = emulator.user(970)
    await consented(user)
    await answer(user, "=\x00Ngu\x07yen\u0085 Van\x1b An\x00", *FORM[1:])
    await user.tap(nav(user, "docs"))
    await upload_documents(user, emulator)
    await user.tap(nav(user, "submit"))
    admin = emulator.user(900, language_code="en")
    await admin.say("/staff")
    for label in ("🌐 English", "📥 Review queue", "GG-2026-000001", "📝 Request", "1"):  # 1. A document is missing
        await press(admin, label)
    await admin.say("Please\x00 send the passport\x1b[31m again\u009b")
    done = await press(admin, "✔ Confirm")
    assert "Done" in done[0].plain, [m.plain for m in done]
    await wait_for_text(user, "Please send the passport[31m again")
    engine = make_engine(db_settings)
    async with make_sessionmaker(engine)() as session:
        app = (await session.execute(select(Application))).scalar_one()
        note = (await session.execute(select(StatusChange.note).where(StatusChange.note.is_not(None)))).scalar_one()
    await engine.dispose()
    assert note == "Please send the passport[31m again"
    assert Vault(load_key(db_settings)).open(app.personal_sealed)["name"] == "NGUYEN VAN AN"
    assert not any(APOLOGY_EN in m.plain for m in user.messages + admin.messages)
