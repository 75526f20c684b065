"""Helpers for end-to-end conversations through the emulator (imported by the e2e tests)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from io import BytesIO
from pathlib import Path

from aiogram.filters.callback_data import CallbackData
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import AnswerCB, NavCB
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from emulator import TEST_TOKEN, BotAPIEmulator, FakeMessage, FakeUser
from tests.answers import ELIGIBLE_IN_KOREA, ELIGIBLE_WEB_DEV  # noqa: F401  (the tests import them from here)

ROOT = Path(__file__).resolve().parent.parent

APOLOGY_EN = "Sorry, something went wrong"
# A program-facts.md source key as the data write it ("M2 p.215", "G7;"): for whoever checks the
# data, never for a person, who reads the source's plain name (dialogs/citations.py).
RAW_KEY = re.compile(r"\b(?:M[1-5]|G[1-8]|W[1-8]|K[1-4]|T[1-4]|R[1-3]|P[1-3]|C1|C1345|H1|V1)(?: pp?\.|[;,)]|$)")


def keyboard_message(user: FakeUser) -> FakeMessage:
    for m in reversed(user.messages):
        if m.buttons:
            return m
    raise AssertionError("no message with buttons")


def button_for(user: FakeUser, value: str) -> str:
    """The callback_data of the answer button with this value on the latest keyboard."""
    msg = keyboard_message(user)
    for row in msg.buttons:
        for _, data in row:
            if data and data.startswith(callback_prefix(AnswerCB)) and data.rsplit(":", 1)[1] == value:
                return data
    raise AssertionError(f"no answer {value!r} among {msg.buttons}")


async def answer(user: FakeUser, *steps: str) -> list[FakeMessage]:
    """Plays answers: a value taps that answer button; '=text' types text; '!label' taps a button by its
    text (or nav callback_data). Returns the messages of the last step."""
    out: list[FakeMessage] = []
    for step in steps:
        if step.startswith("="):
            out = await user.say(step[1:])
        elif step.startswith("!"):
            out = await user.tap(step[1:])
        else:
            out = await user.tap(button_for(user, step))
        assert not any(APOLOGY_EN in m.plain for m in out), [m.plain for m in out]
    return out


async def forge(user: FakeUser, data: str, message: FakeMessage) -> list[FakeMessage]:
    """Sends callback data the user was never given (a guess, a button of someone else, or
    of an older version)."""
    before = len(user.messages)
    await user._emu.wait_processed(await user.click_data(data, message))
    return user.messages[before:]


def nav(user: FakeUser, act: str) -> str:
    """The callback_data of a navigation button on the latest keyboard."""
    for row in keyboard_message(user).buttons:
        for _, data in row:
            if data and data.startswith(callback_prefix(NavCB, act)):
                return data
    raise AssertionError(f"no {act} button")


def callback_prefix(factory: type[CallbackData], *fields: str) -> str:
    """What the callback data of ``factory``'s buttons start with (its version's prefix, then ``fields``)."""
    return "".join(f"{part}{factory.__separator__}" for part in (factory.__prefix__, *fields))


def find_button(user: FakeUser, label: str = "", data: str = "") -> tuple[FakeMessage, str]:
    """The latest button whose text starts with ``label`` and whose callback data starts with ``data``,
    with its message."""
    for m in reversed(user.messages):
        for row in m.buttons:
            for text, found in row:
                if found and text.startswith(label) and found.startswith(data):
                    return m, found
    raise AssertionError(f"no button {label!r} {data!r}: {[m.buttons for m in user.messages[-2:]]}")


def button_data(user: FakeUser, label: str = "", data: str = "") -> str:
    return find_button(user, label, data)[1]


async def press(user: FakeUser, label: str = "", data: str = "") -> list[FakeMessage]:
    """Taps the latest button with this label (or its start) and callback data prefix, on its message."""
    message, found = find_button(user, label, data)
    return await user.tap(found, message=message)


async def invite_colleague(member: FakeUser) -> list[FakeMessage]:
    """An employer's invite for a colleague, made where the bot offers it (👥 Colleagues)."""
    await press(member, data="em1:team:")
    return await press(member, data="em1:colleague:")


def sqlite_db(settings: Settings, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection of the test's own to the bot's SQLite file."""
    return sqlite3.connect(settings.database_url.split("///", 1)[1], timeout=timeout)


# What a person's or a staff member's action can change: a refused or forged update leaves it as it was.
STATE_TABLES = (
    "applications",
    "status_changes",
    "documents",
    "companies",
    "employer_links",
    "staff_members",
    "staff_sessions",
    "audit_log",
    "announcements",
    "outbox",
    "counters",
)


def snapshot(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    """Every row of STATE_TABLES in the bot's SQLite file."""
    con = sqlite_db(settings)
    return {t: con.execute(f"select * from {t} order by 1").fetchall() for t in STATE_TABLES}


def texts(messages: list[FakeMessage]) -> str:
    return "\n".join(m.plain for m in messages)


FORM = (
    "=Nguyen Van An",
    "=1995-04-23",
    "=010-1234-5678",
    "=an@example.com",
    "=950423-5123456",
    "=Suwon-si, Paldal-gu 123",
    "=Hanbit Soft",
    "=134-86-72683",
    "suwon",
    "=2027-01-05",
)


def make_pdf(title: str = "document") -> bytes:
    """A real one-page PDF (the bot parses what it is sent); ``title`` is stored uncompressed."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": title})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def make_jpeg(width: int = 64, height: int = 48) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


PDF = make_pdf()
JPEG = make_jpeg()


async def eligible(user: FakeUser, command: str = "/start") -> None:
    """From ``command`` (/start, or /restart from wherever the person is) to an eligible result."""
    shown = await user.say(command)
    sure = callback_prefix(NavCB, "restart_sure")
    if shown and any(d and d.startswith(sure) for row in shown[-1].buttons for _, d in row):
        await user.tap(nav(user, "restart_sure"))  # /restart while a draft is prepared asks first
    await answer(user, *ELIGIBLE_IN_KOREA)
    await user.tap(nav(user, "result"))


async def consented(user: FakeUser, command: str = "/start") -> None:
    """Eligible, then "Start my application" and the consent given: at the form's first field."""
    await eligible(user, command)
    await user.tap(nav(user, "apply"))
    await user.tap(nav(user, "agree"))


async def filled_form(user: FakeUser) -> None:
    await consented(user)
    await answer(user, *FORM)


def nav_arg(user: FakeUser, act: str, arg: str) -> str:
    return next(
        data
        for m in reversed(user.messages)
        for row in m.buttons
        for _, data in row
        if data in (NavCB(act=act, at="form_docs", arg=arg).pack(), NavCB(act=act, at="form_review", arg=arg).pack())
    )


async def at_documents(emulator: BotAPIEmulator, user_id: int, kind: str | None = None) -> FakeUser:
    """A person with the form filled, on the documents screen (and, given ``kind``, asked for that item)."""
    user = emulator.user(user_id)
    await filled_form(user)
    await user.tap(nav(user, "docs"))
    if kind is not None:
        await user.tap(nav_arg(user, "doc", kind))
    return user


async def upload(user: FakeUser, emulator: BotAPIEmulator, content: bytes, name: str, mime: str) -> list:
    before = len(user.messages)
    await user.send_document(content, name, mime)
    await emulator.wait_processed()
    return user.messages[before:]


DOCUMENTS = ("passport_copy", "degree_certificate", "employment_contract")  # the form's person's checklist


async def upload_documents(user: FakeUser, emulator: BotAPIEmulator, kinds: tuple[str, ...] = DOCUMENTS) -> None:
    """From the documents screen: each item uploaded as kind.pdf."""
    for kind in kinds:
        await user.tap(nav_arg(user, "doc", kind))
        await upload(user, emulator, PDF + kind.encode(), f"{kind}.pdf", "application/pdf")


async def submitted_via_bot(user: FakeUser, emulator: BotAPIEmulator) -> None:
    """The whole journey: eligible, form, the three documents, submitted."""
    await filled_form(user)
    await user.tap(nav(user, "docs"))
    await upload_documents(user, emulator)
    before = len(user.messages)
    await user.tap(nav(user, "submit"))
    # Then the "📨 submitted" notice, which comes through the outbox: waited for here, so it cannot
    # arrive in the middle of what the test does next.
    for _ in range(150):
        if any(m.plain.startswith("📨") for m in user.messages[before:]):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the submitted notice never came")


async def applicant_who_submitted(emulator: BotAPIEmulator, user_id: int, language_code: str = "en") -> FakeUser:
    """A person who went the whole journey (submitted_via_bot)."""
    user = emulator.user(user_id, language_code=language_code)
    await submitted_via_bot(user, emulator)
    return user


def with_button(messages: list[FakeMessage], label: str) -> FakeMessage:
    """The newest of these messages that has this button: an outbox notice (a colleague joined,
    say) can arrive after the screen, and stand last."""
    return next(m for m in reversed(messages) if label in m.button_texts)


async def wait_for_text(user: FakeUser, fragment: str, timeout: float = 15) -> FakeMessage:
    """The latest message containing ``fragment``, waiting for it (outbox messages come later)."""
    for _ in range(int(timeout * 10)):
        for m in reversed(user.messages):
            if fragment in m.plain:
                return m
        await asyncio.sleep(0.1)
    raise AssertionError(f"{fragment!r} never came: {[m.plain[:80] for m in user.messages[-4:]]}")


# --- the real bot as a separate process (for kill -9) ------------------------------------------


def bot_process_env(tmp_path: Path, emulator: BotAPIEmulator) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    env.update(
        BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE=emulator.base_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        KEY_FILE=str(tmp_path / "data.key"),
        FILES_DIR=str(tmp_path / "files"),
        STAFF_ADMIN_IDS="900",
        SEND_RATE="120",  # the emulator allows 150 a second; Telegram about 30 (the default is 25)
        LOG_LEVEL="WARNING",
        FIXED_NOW="2026-11-24T10:00:00+09:00",  # the tests' NOW: the suite passes on any date
    )
    return env


async def start_bot(env: dict[str, str], emulator: BotAPIEmulator) -> asyncio.subprocess.Process:
    polls = emulator._poll_count
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stderr=asyncio.subprocess.DEVNULL
    )
    for _ in range(600):
        if emulator._poll_count > polls:
            return proc
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not start polling")


async def kill(proc: asyncio.subprocess.Process) -> None:
    """kill -9: no shutdown code runs."""
    proc.send_signal(signal.SIGKILL)
    await proc.wait()


async def write_sqlite(settings: Settings, statement: str, *params: object) -> None:
    """A test's own write into the bot's SQLite file, in a thread: the bot runs on the test's loop
    and may be mid-transaction (a sender woken by a commit), so a blocking write here would stop the
    loop that is to finish it."""

    def write() -> None:
        with contextlib.closing(sqlite_db(settings, timeout=30)) as db:
            db.execute(statement, params)
            db.commit()

    await asyncio.to_thread(write)


@asynccontextmanager
async def worker_sessions(settings: Settings) -> AsyncIterator[list[async_sessionmaker[AsyncSession]]]:
    """Two webhook workers' session factories, for races: two engines (two pools) on PostgreSQL;
    SQLite is one worker by design (one connection: bot/db/engine.py), so both share one."""
    one = make_engine(settings)
    engines = [one, make_engine(settings)] if settings.database_url.startswith("postgresql") else [one, one]
    try:
        yield [make_sessionmaker(e) for e in engines]
    finally:
        for engine in set(engines):
            await engine.dispose()


def korean(text: str) -> bool:
    """Whether the text has Hangul syllables (a screen rendered in Korean)."""
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)
