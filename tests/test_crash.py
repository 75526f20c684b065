"""Crash safety: the bot process is killed with SIGKILL in the middle of the questionnaire, an upload
and a submission, at several moments, then started again. Nothing is lost, nothing is doubled,
and the person can go on. (A broadcast killed mid-way: tests/test_announcements.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import Awaitable
from pathlib import Path

import pytest

from bot.config import Settings
from bot.crypto import FileCipher, load_key
from bot.services.uploads import FileStore, StoredFile
from emulator import BotAPIEmulator
from knowledge.text import T
from tests.conftest import BotRunner
from tests.e2e import (
    ELIGIBLE_WEB_DEV,
    PDF,
    answer,
    at_documents,
    bot_process_env,
    button_for,
    kill,
    nav,
    nav_arg,
    sqlite_db,
    start_bot,
    upload,
    upload_documents,
)

KILL_AFTER = (0.0, 0.05, 0.2)  # seconds after the update was sent: before, during, after handling


async def killed_while(
    bot: BotRunner, send: Awaitable[object], delay: float, tmp_path: Path, emulator: BotAPIEmulator
) -> None:
    """The in-process bot steps aside for the bot as a real process: ``send`` an update to it, and
    kill -9 it ``delay`` seconds later."""
    await bot.stop()
    proc = await start_bot(bot_process_env(tmp_path, emulator), emulator)
    await send
    await asyncio.sleep(delay)
    await kill(proc)


async def restarted(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    """Started again: Telegram redelivers an update the dead process had not confirmed."""
    await bot.start()
    await emulator.wait_processed(timeout=15)


@pytest.mark.parametrize("delay", KILL_AFTER)
async def test_killed_mid_questionnaire(
    delay: float, bot: BotRunner, settings: Settings, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    user = emulator.user(1201)
    await user.say("/start")
    await answer(user, *ELIGIBLE_WEB_DEV[:6])
    data = button_for(user, "topik")
    await killed_while(bot, user.click_data(data), delay, tmp_path, emulator)  # the seventh answer
    answers, history = (
        json.loads(v) for v in sqlite_db(settings).execute("select answers, history from questionnaires").fetchone()
    )
    assert len(answers) in (6, 7) and len(history) == len(answers)  # the answer saved whole or not at all
    assert history[-1].items() <= answers.items()
    await restarted(bot, emulator)
    back = await user.say("/start")
    text = "\n".join(m.plain for m in back)
    assert "Welcome back" in text and ("Korean" in text or "TOPIK" in text)
    if "TOPIK level" not in text:  # the seventh answer was lost with the process: answer it again
        await user.tap(button_for(user, "topik"))
    await answer(user, *ELIGIBLE_WEB_DEV[7:])
    verdict = await user.tap(nav(user, "result"))
    await bot.stop()
    assert verdict[0].plain.startswith("✅")


@pytest.mark.parametrize("delay", KILL_AFTER)
async def test_killed_mid_upload(
    delay: float, bot: BotRunner, settings: Settings, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    user = await at_documents(emulator, 1202, "passport_copy")
    await killed_while(
        bot, user.send_document(PDF + b"passport", "passport.pdf", "application/pdf"), delay, tmp_path, emulator
    )
    # Every recorded document is a whole file that decrypts to the recorded hash; at most one per item.
    store = FileStore(settings.files_dir, FileCipher(load_key(settings)))
    rows = sqlite_db(settings).execute("select path, sha256, encryption, mime_type, kind from documents").fetchall()
    for path, sha, encryption, mime, kind in rows:
        content, _ = store.read(StoredFile(path, sha, encryption, mime, "x", T("x"), T("x")))
        assert kind == "passport_copy" and hashlib.sha256(content).hexdigest() == sha
    await restarted(bot, emulator)
    await user.say("/apply")  # where the person left it: the documents screen (or, before it, the review)
    with contextlib.suppress(AssertionError):  # only the review has "📎 Documents"
        await user.tap(nav(user, "docs"))
    rows = sqlite_db(settings).execute("select count(*) from documents").fetchone()[0]
    assert rows <= 1
    if rows == 0:  # lost with the process: send it again
        await user.tap(nav_arg(user, "doc", "passport_copy"))
        await upload(user, emulator, PDF + b"passport", "passport.pdf", "application/pdf")
    await upload_documents(user, emulator, ("degree_certificate", "employment_contract"))
    assert "3 of 3" in user.messages[-1].plain
    await bot.stop()


@pytest.mark.parametrize("delay", KILL_AFTER)
@pytest.mark.slow
async def test_killed_mid_submission(
    delay: float, bot: BotRunner, settings: Settings, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    user = await at_documents(emulator, 1203)
    await upload_documents(user, emulator)
    submit = nav(user, "submit")
    await killed_while(bot, user.click_data(submit), delay, tmp_path, emulator)
    await restarted(bot, emulator)
    con = sqlite_db(settings)
    if con.execute("select reference from applications").fetchone()[0] is None:  # not submitted: again
        await user.tap(submit)
    for _ in range(100):  # the "submitted" notification, through the outbox
        if con.execute("select count(*) from outbox where state = 'sent'").fetchone()[0]:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.2)
    await bot.stop()
    assert con.execute("select reference, status from applications").fetchall() == [("GG-2026-000001", "submitted")]
    history = con.execute("select to_status from status_changes order by id").fetchall()
    assert history == [("draft",), ("submitted",)]
    notices = [
        m for m in user.messages if "GG-2026-000001" in m.plain and "has been sent to programme staff" in m.plain
    ]
    assert 1 <= len(notices) <= 2  # the notification once (plus the summary file's caption at most once more)
    assert con.execute("select count(*) from outbox").fetchone()[0] == 1
