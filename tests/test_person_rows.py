"""The person's and the questionnaire's rows as the conversation leaves them, read from the real
database file: what bot/db/repo.py writes with Core statements (no ORM) on every update."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from bot.clock import FixedClock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.repo import PersonRepo, QuestionnaireRepo
from bot.i18n import native_name
from dialogs.questionnaire import Conversation
from emulator import BotAPIEmulator
from tests.conftest import BotRunner
from tests.e2e import ELIGIBLE_WEB_DEV, answer, nav, sqlite_db, write_sqlite


def _db(settings: Settings) -> sqlite3.Connection:
    db = sqlite_db(settings)
    db.row_factory = sqlite3.Row
    return db


def person(settings: Settings, user_id: int) -> dict[str, Any]:
    with _db(settings) as db:
        row = db.execute("select * from users where id = ?", (user_id,)).fetchone()
        return dict(row)


def questionnaire(settings: Settings, user_id: int) -> dict[str, Any]:
    with _db(settings) as db:
        row = dict(db.execute("select * from questionnaires where user_id = ?", (user_id,)).fetchone())
    row["answers"], row["history"] = json.loads(row["answers"]), json.loads(row["history"])
    return row


async def test_answers_are_saved_with_their_revision_completion_and_outcome(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(5101, language_code="ko")
    await user.say("/start")
    assert person(settings, 5101)["language"] == "ko"
    q = questionnaire(settings, 5101)
    assert (q["revision"], q["answers"], q["completed_at"], q["outcome"]) == (0, {}, None, None)

    await answer(user, "web_developer", "bachelor")
    q = questionnaire(settings, 5101)
    assert q["revision"] == 2
    assert q["answers"] == {"occupation": "web_developer", "degree": "bachelor"}
    assert len(q["history"]) == 2 and q["completed_at"] is None

    await user.tap(nav(user, "back"))
    q = questionnaire(settings, 5101)
    assert (q["revision"], q["answers"]) == (3, {"occupation": "web_developer"})

    await answer(user, *ELIGIBLE_WEB_DEV[1:])  # to the summary
    q = questionnaire(settings, 5101)
    assert q["completed_at"] is not None and q["outcome"] is None
    completed = q["completed_at"]
    await user.tap(nav(user, "result"))
    q = questionnaire(settings, 5101)
    assert q["outcome"] == "eligible" and q["completed_at"] == completed
    assert json.loads(person(settings, 5101)["counted"]) == ["started", "finished", "eligible"]

    await user.say("/restart")
    q = questionnaire(settings, 5101)
    assert (q["answers"], q["completed_at"], q["outcome"]) == ({}, None, None)
    assert q["revision"] == 3 + len(ELIGIBLE_WEB_DEV[1:]) + 1  # every save counted, none lost


async def test_the_person_row_follows_telegram_and_is_touched_sparingly(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    user = emulator.user(5102, language_code="vi")
    await user.say("/start")
    first = person(settings, 5102)
    assert (first["language"], first["language_chosen"], first["mode"]) == ("vi", 0, "check")

    user.language_code = "ru"  # Telegram's language changed: followed
    clock.advance(timedelta(minutes=1))
    await answer(user, "web_developer")
    row = person(settings, 5102)
    assert row["language"] == "ru"
    assert row["last_seen_at"] == first["last_seen_at"]  # not written on every update

    clock.advance(timedelta(minutes=6))
    # An announcement found them blocked, and the application form's mode.
    await write_sqlite(settings, "update users set unreachable_at = last_seen_at, mode = 'apply' where id = 5102")
    await user.say("/start")  # writing again: reachable; /start returns typed text to the questionnaire
    row = person(settings, 5102)
    assert row["unreachable_at"] is None and row["mode"] == "check"
    assert row["last_seen_at"] > first["last_seen_at"]

    await user.say("/language")
    await user.tap(native_name("uz"))
    user.language_code = "en"  # chosen in the bot: Telegram's language no longer counts
    await user.say("/start")
    row = person(settings, 5102)
    assert (row["language"], row["language_chosen"]) == ("uz", 1)


async def test_an_answer_to_a_questionnaire_erased_meanwhile_fails_loudly(
    settings: Settings, clock: FixedClock
) -> None:
    """The save is an UPDATE of a row read earlier: if the row is gone, the update fails (and the
    person gets the error reply) instead of reporting an answer as saved."""
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await PersonRepo(session).load(5103, "en", clock.now())
        repo = QuestionnaireRepo(session)
        saved = await repo.get_or_create(5103, clock.now())
        saved = await repo.save(5103, saved, Conversation({"occupation": "web_developer"}, [], None), clock.now(), None)
        assert saved.revision == 1
        await session.execute(text("DELETE FROM questionnaires WHERE user_id = 5103"))
        with pytest.raises(LookupError):
            await repo.save(5103, saved, Conversation({}, [], None), clock.now(), None)
    await engine.dispose()
