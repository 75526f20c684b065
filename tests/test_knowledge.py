"""The knowledge base: data files load, every citation resolves, dated parameters pick by date."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.clock import SEOUL
from knowledge.loader import all_cites, load
from knowledge.model import Confidence
from knowledge.parameters import days_left, minimum_wage, wage_floor, window_state


def test_twelve_confirmed_occupations_and_nurse_unconfirmed() -> None:
    kb = load()
    confirmed = [o for o in kb.occupations if o.confirmed]
    assert len(confirmed) == 12
    assert sum(o.track == "E-7-2" for o in confirmed) == 1
    assert [o.id for o in kb.occupations if not o.confirmed] == ["nurse"]
    for o in kb.occupations:
        assert o.name and o.name_ko and o.description and o.examples


def test_code_clash_2352_is_robotics_now_and_electronics_formerly() -> None:
    kb = load()
    assert kb.occupation("robotics_engineer").code == "2352"
    assert kb.occupation("electronics_engineer").former_code == "2352"


def test_every_citation_names_known_sources() -> None:
    kb = load()
    cites = all_cites(kb)
    assert len(cites) > 60
    for where, cite in cites:
        assert cite.keys, where
        assert all(k in kb.sources for k in cite.keys), (where, cite.source)
        assert isinstance(cite.confidence, Confidence)


def test_programme_facts() -> None:
    p = load().programme
    assert p.quota == 630
    assert p.contact_phone == "031-120"
    assert p.channel_url == "https://gg24.gg.go.kr"
    assert p.window.opens == datetime(2025, 9, 15, 0, 0, tzinfo=SEOUL)
    assert p.window.closes == datetime(2026, 12, 31, 23, 59, 59, tzinfo=SEOUL)
    assert any(f.id == "not_a_visa" for f in p.facts)


@pytest.mark.parametrize(
    ("track", "on", "amount", "certain"),
    [
        ("E-7-1", date(2025, 10, 1), 28_670_000, True),
        ("E-7-2", date(2025, 10, 1), 25_150_000, True),
        ("E-7-1", date(2026, 11, 24), 31_120_000, True),
        ("E-7-2", date(2026, 2, 1), 25_890_000, True),
        # January 2026: no notice covers it; the higher neighbour, marked uncertain.
        ("E-7-1", date(2026, 1, 15), 31_120_000, False),
        ("E-7-1", date(2027, 3, 1), 31_120_000, False),
    ],
)
def test_wage_floor_by_date(track: str, on: date, amount: int, certain: bool) -> None:
    floor = wage_floor(load(), track, on)
    assert (floor.annual_krw, floor.certain) == (amount, certain)


def test_january_2026_gap_keeps_both_neighbours() -> None:
    floor = wage_floor(load(), "E-7-1", date(2026, 1, 15))
    assert (floor.lower_krw, floor.annual_krw) == (28_670_000, 31_120_000)


def test_minimum_wage_by_year() -> None:
    assert minimum_wage(load(), date(2026, 5, 1)).hourly_krw == 10_320
    assert minimum_wage(load(), date(2025, 5, 1)).monthly_krw == 2_096_270


@pytest.mark.parametrize(
    ("at", "state", "left"),
    [
        (datetime(2025, 9, 14, 23, 59, tzinfo=SEOUL), "not_open", None),
        (datetime(2025, 9, 15, 0, 0, tzinfo=SEOUL), "open", None),
        (datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL), "open", 37),
        (datetime(2026, 12, 31, 23, 58, tzinfo=SEOUL), "open", 0),
        (datetime(2026, 12, 31, 23, 59, 30, tzinfo=SEOUL), "open", 0),
        (datetime(2027, 1, 1, 0, 0, tzinfo=SEOUL), "closed", -1),
    ],
)
def test_window_by_instant(at: datetime, state: str, left: int | None) -> None:
    assert window_state(load(), at) == state
    if left is not None:
        assert days_left(load(), at) == left
