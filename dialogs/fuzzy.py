"""Typos forgiven only where one choice is clearly the closest: the rule the typed country
(dialogs/countries.py) and the typed workplace (dialogs/places.py) share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

V = TypeVar("V")


def clearly_closest(
    key: str,
    choices: Mapping[str, V],
    *,
    minimum: float,
    lead: float,
    limit: int = 12,
    same: Callable[[V, V], bool] = lambda a, b: a == b,
) -> V | None:
    """The value whose key is closest to ``key`` by rapidfuzz's ratio (0-100), when it scores at
    least ``minimum`` and beats the closest other value (keys of the ``same`` value count once) by
    ``lead``; None when nothing is close or two are about as close."""
    from rapidfuzz import fuzz, process  # 4.7 MB of RSS: imported at the first typo, not at start

    best: list[tuple[float, V]] = []
    for choice, score, _ in process.extract(key, choices.keys(), scorer=fuzz.ratio, limit=limit):
        value = choices[choice]
        if not any(same(value, seen) for _, seen in best):  # sorted best first: a value's best key
            best.append((score, value))
    if not best or best[0][0] < minimum:
        return None
    if len(best) > 1 and best[0][0] - best[1][0] < lead:
        return None
    return best[0][1]
