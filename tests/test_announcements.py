"""An announcement composed in the bot by an admin, delivered through the outbox to 2,000 people with
the fake Bot API's flood control on, 1% of them blocked, a 429 injected, and the bot process killed
with SIGKILL in the middle and started again: every reachable recipient gets it once, never twice."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from bot.app import migrate
from bot.config import Settings
from emulator import BotAPIEmulator, FakeUser
from tests.e2e import bot_process_env, kill, start_bot

ADMIN = 900
RECIPIENTS = range(20_000, 22_000)
BLOCKED = set(RECIPIENTS[::100])  # 1%
LANGS = ("ko", "vi", "ru", "en")
KO_TEXT = "설명회 안내: 12월 3일 수원"
EN_TEXT = "Information session: 3 December, Suwon"


async def say(user: FakeUser, text: str) -> list:
    before = len(user.messages)
    await user.send_text(text)
    await user.wait_messages(before + 1, timeout=20)
    await asyncio.sleep(0.2)
    return user.messages[before:]


async def press(user: FakeUser, label: str, count: int = 1) -> list:
    before = len(user.messages)
    await user.click(label)
    await user.wait_messages(before + count, timeout=20)
    await asyncio.sleep(0.2)
    return user.messages[before:]


def received(emulator: BotAPIEmulator, user_id: int) -> int:
    chat = emulator.chat(user_id)
    return sum(1 for m in chat.messages if m.from_bot and ("Suwon" in m.plain or "수원" in m.plain)) if chat else 0


@pytest.mark.slow
async def test_announcement_to_2000_with_flood_control_and_a_kill_is_exactly_once(tmp_path: Path) -> None:
    # Each recipient gets one message, so the per-chat limit only slows the admin's own screens;
    # the global limit is what the sender must keep (4/5 of it, as 25 of Telegram's 30).
    emulator = BotAPIEmulator(flood_control=True, global_rate=400, per_chat_rate=5.0)
    await emulator.start()
    env = {**bot_process_env(tmp_path, emulator), "SEND_RATE": "320"}
    await migrate(Settings(database_url=env["DATABASE_URL"], _env_file=None))  # type: ignore[call-arg]
    db = sqlite3.connect(tmp_path / "bot.sqlite3")
    db.executemany(
        "insert into users (id, language, language_chosen, created_at, last_seen_at, mode, counted) "
        "values (?, ?, 0, '2026-11-01 00:00:00', '2026-11-01 00:00:00', 'check', '[]')",
        [(uid, LANGS[uid % 4]) for uid in RECIPIENTS],
    )
    db.commit()
    for uid in RECIPIENTS:
        emulator.user(uid, language_code=LANGS[uid % 4]).open_chat()
        if uid in BLOCKED:
            emulator.block_user(uid)
    proc = await start_bot(env, emulator)
    try:
        admin = emulator.user(ADMIN, language_code="ko")
        await say(admin, "/staff")
        await press(admin, "🌐 English")
        await press(admin, "📣 Announcements")
        await press(admin, "✍ New announcement")
        await press(admin, "Korean")
        await say(admin, KO_TEXT)
        await press(admin, "English")
        await say(admin, f"<b>{EN_TEXT}</b>")
        await press(admin, "★ Fallback: English")
        preview = await press(admin, "👁 Preview", count=3)
        assert KO_TEXT in preview[0].plain and EN_TEXT in preview[1].plain
        assert "2,001 recipients" in preview[2].plain  # the 2,000 and the admin
        assert (
            "Vietnamese: 500 (version English)" in preview[2].plain
            and "Korean: 501 (version Korean)" in preview[2].plain
        )
        emulator.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        await press(admin, "📤 Confirm and send")
        for _ in range(600):  # let about a third go out, then kill -9 mid-broadcast
            if sum(received(emulator, uid) for uid in RECIPIENTS) >= 700:
                break
            await asyncio.sleep(0.05)
        await kill(proc)
        states = Counter(s for (s,) in db.execute("select state from outbox where announcement_id is not null"))
        assert 0 < states["sent"] < 1900, states  # really in the middle
        proc = await start_bot(env, emulator)
        for _ in range(900):
            if db.execute("select state from announcements").fetchone() == ("done",):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"not finished: {Counter(s for (s,) in db.execute('select state from outbox'))}")
    finally:
        proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.wait(), 30)
        await emulator.stop()

    states = Counter(s for (s,) in db.execute("select state from outbox where announcement_id is not null"))
    unsure = {c for (c,) in db.execute("select chat_id from outbox where state = 'uncertain'")}
    counts = {uid: received(emulator, uid) for uid in RECIPIENTS}
    assert max(counts.values()) == 1  # nobody twice
    assert all(counts[uid] == 1 for uid in RECIPIENTS if uid not in BLOCKED and uid not in unsure)
    assert all(counts[uid] == 0 for uid in BLOCKED)
    assert len(unsure) <= 4  # at most the sends in flight at the kill (the sender's concurrency)
    assert states["blocked"] == len(BLOCKED) and states["sent"] + len(unsure) == 2001 - len(BLOCKED)
    unreachable = {u for (u,) in db.execute("select id from users where unreachable_at is not null")}
    assert unreachable == BLOCKED
    # Each got their language's version, or the fallback.
    ko_user, vi_user = next(u for u in RECIPIENTS if u % 4 == 0 and u not in BLOCKED | unsure), 20_001
    assert any(KO_TEXT in m.plain for m in emulator.chat(ko_user).messages)  # type: ignore[union-attr]
    assert any(EN_TEXT in m.plain and "경기도" not in m.plain for m in emulator.chat(vi_user).messages)  # type: ignore[union-attr]
    report = admin.messages[-1].plain
    assert "Announcement #1" in report and f"blocked {len(BLOCKED)}" in report
