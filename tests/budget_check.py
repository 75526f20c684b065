"""Every message and every button a person received, measured against dialogs/budgets.py.

The walks (tests/test_languages.py) record which screen each sent text came from (``ScreenLog``),
so the checklist's and the filing pack's messages get their own budget; any other message (a
notice, a notification) gets the general one."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest

from dialogs import budgets
from emulator import FakeMessage

MAX_ENTITIES = 100  # Telegram keeps a message's first 100 formatting entities


def _units(text: str) -> list[int]:
    """The UTF-16 offset where each character of ``text`` starts (Telegram's entity offsets)."""
    out, at = [], 0
    for ch in text:
        out.append(at)
        at += 2 if ord(ch) > 0xFFFF else 1
    return out


def folded_lengths(plain: str, entities: list[dict[str, Any]]) -> list[int]:
    """The length in characters of each expandable quote of a message."""
    starts = _units(plain)
    out = []
    for e in entities:
        if e.get("type") == "expandable_blockquote":
            first, end = e["offset"], e["offset"] + e["length"]
            out.append(sum(first <= at < end for at in starts))
    return out


def visible_length(plain: str, entities: list[dict[str, Any]]) -> int:
    """What a phone shows before anything is tapped: each folded quote as its first lines."""
    return len(plain) - sum(n - min(n, budgets.FOLDED_SHOWN) for n in folded_lengths(plain, entities))


class ScreenLog:
    """Which screen each rendered text came from, recorded by wrapping bot.render.render where the
    bot calls it."""

    MODULES = ("bot.messaging", "bot.handlers.staff")

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import importlib

        self.keys: dict[str, str] = {}
        for name in self.MODULES:
            module = importlib.import_module(name)
            monkeypatch.setattr(module, "render", self._wrap(module.render))

    def _wrap(self, render: Callable[..., list[tuple[str, Any]]]) -> Callable[..., list[tuple[str, Any]]]:
        def recording(screen: Any, *args: Any, **kwargs: Any) -> list[tuple[str, Any]]:
            out = render(screen, *args, **kwargs)
            for text, _ in out:
                self.keys.setdefault(text, screen.key)
            return out

        return recording

    def key_of(self, message: FakeMessage) -> str:
        return self.keys.get(message.text or "", "")


def over_budget(locale: str, message: FakeMessage, screen_key: str = "") -> list[str]:
    """Every way this message breaks a budget, each a line naming the screen, language and size."""
    out: list[str] = []
    where = f"{locale} {screen_key or '?'} {message.plain[:40]!r}"
    if message.text is not None:  # captions are a document's, not a screen's
        shown = visible_length(message.plain, message.entities)
        limit = budgets.text_budget(screen_key)
        if shown > limit:
            out.append(f"{where}: {shown} characters shown > {limit}")
        if len(message.plain) > budgets.UNFOLDED:
            out.append(f"{where}: {len(message.plain)} characters unfolded > {budgets.UNFOLDED}")
        # Telegram's rules for formatting: quotes do not nest; past 100 entities the rest are dropped
        quotes = sorted((e["offset"], e["offset"] + e["length"]) for e in message.entities if "blockquote" in e["type"])
        if any(start < end for (_, end), (start, _) in pairwise(quotes)):
            out.append(f"{where}: nested quotes")
        if len(message.entities) > MAX_ENTITIES:
            out.append(f"{where}: {len(message.entities)} entities > {MAX_ENTITIES}")
    for row in message.buttons:
        limit = budgets.label_budget(len(row))
        for label, _ in row:
            width = budgets.label_width(label)
            if width > limit:
                out.append(f"{locale} {screen_key or '?'} button {label!r}: {width} wide > {limit} ({len(row)} a row)")
    return out
