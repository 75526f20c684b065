"""The anonymous funnel counts (bot/services/stats.py): each person counted once per stage, also
when two updates count them at the same moment, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

from bot.clock import FixedClock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.repo import PersonRepo
from bot.services import stats

PEOPLE = range(7000, 7020)


async def test_a_person_is_counted_once_per_stage_with_their_reasons(db_settings: Settings, clock: FixedClock) -> None:
    engine = make_engine(db_settings)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session:
            await PersonRepo(session).load(7000, "vi", clock.now())
            await stats.count_once(session, 7000, "ineligible", "web_developer", ["experience", "salary"])
            await stats.count_once(session, 7000, "ineligible", "web_developer", ["experience"])  # looked again
            await stats.count_once(session, 7000, "started")
            await stats.count_once(session, 7999, "started")  # nobody: no row, nothing counted
            await session.commit()
            counts = await stats.funnel(session)
    finally:
        await engine.dispose()
    assert counts == {
        ("ineligible", "web_developer", "vi", ""): 1,
        ("ineligible", "web_developer", "vi", "experience"): 1,
        ("ineligible", "web_developer", "vi", "salary"): 1,
        ("started", "", "vi", ""): 1,
    }


async def test_two_updates_counting_one_person_at_once_lose_nothing_and_double_nothing(
    db_settings: Settings, clock: FixedClock
) -> None:
    """A staff decision counts "recommended" while the person's own update counts "finished";
    two taps count "eligible" together. Each pair runs in two sessions started together, for 20
    people: every stage ends up marked, and counted exactly once. The race bites on PostgreSQL (the
    old read-then-write counted "eligible" 35-38 times for 20); SQLite's one connection serialises
    the sessions, so there it checks the outcome only."""
    engine = make_engine(db_settings)
    sessions = make_sessionmaker(engine)

    async def count(user_id: int, stage: str) -> None:
        async with sessions() as session:
            await stats.count_once(session, user_id, stage, "web_developer")
            await session.commit()

    try:
        async with sessions() as session:
            for user_id in PEOPLE:
                await PersonRepo(session).load(user_id, "en", clock.now())
            await session.commit()
        for user_id in PEOPLE:
            await asyncio.gather(count(user_id, "finished"), count(user_id, "recommended"))
            await asyncio.gather(count(user_id, "eligible"), count(user_id, "eligible"))
        for user_id in PEOPLE:  # a stage lost above would be counted a second time here
            for stage in ("finished", "recommended", "eligible"):
                await count(user_id, stage)
        async with sessions() as session:
            counts = await stats.funnel(session)
    finally:
        await engine.dispose()
    assert counts == {
        (stage, "web_developer", "en", ""): len(PEOPLE) for stage in ("finished", "recommended", "eligible")
    }
