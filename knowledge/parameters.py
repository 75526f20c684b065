"""Dated parameters: which wage floor and which window apply on a given date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from knowledge.model import Cite, Knowledge, MinimumWage, WageFloor


@dataclass(frozen=True)
class FloorOnDate:
    """The wage floor for a track on a date. ``certain`` is False in a gap between notices."""

    track: str
    on: date
    annual_krw: int  # in a gap: the higher of the neighbouring floors
    lower_krw: int  # in a gap: the lower one; else equal to annual_krw
    certain: bool
    cite: Cite


def wage_floor(kb: Knowledge, track: str, on: date) -> FloorOnDate:
    """The floor in force on ``on``; in a gap the highest of the neighbouring floors, uncertain.

    Taking the higher neighbour means a salary that passes is safe under either notice.
    """
    floors = sorted((w for w in kb.wage_floors if w.track == track), key=lambda w: w.start)
    if not floors:
        raise KeyError(track)
    for w in floors:
        if w.start <= on <= w.end:
            return FloorOnDate(track, on, w.annual_krw, w.annual_krw, True, w.cite)
    before: WageFloor | None = max((w for w in floors if w.end < on), default=None, key=lambda w: w.end)
    after: WageFloor | None = min((w for w in floors if w.start > on), default=None, key=lambda w: w.start)
    amounts = [w.annual_krw for w in (before, after) if w is not None]
    return FloorOnDate(track, on, max(amounts), min(amounts), False, kb.wage_gap_cite)


def minimum_wage(kb: Knowledge, on: date) -> MinimumWage:
    """The minimum wage of the year of ``on`` (or the latest known year)."""
    known = sorted(kb.minimum_wages, key=lambda m: m.year)
    for m in reversed(known):
        if m.year <= on.year:
            return m
    return known[0]


def window_state(kb: Knowledge, now: datetime) -> str:
    """'not_open', 'open' or 'closed' at the aware datetime ``now``."""
    w = kb.programme.window
    if now < w.opens:
        return "not_open"
    if now > w.closes:
        return "closed"
    return "open"


def days_left(kb: Knowledge, now: datetime) -> int:
    """Whole days from ``now`` until the window closes (0 on the last day, negative after)."""
    closes = kb.programme.window.closes
    return (closes.date() - now.astimezone(closes.tzinfo).date()).days
