"""Neutral screens: what to say and which choices to offer, for any front end to render."""

from __future__ import annotations

from dataclasses import dataclass, replace

from knowledge.text import Message, Text


@dataclass(frozen=True)
class Option:
    """An answer to the current question."""

    value: str
    label: Text


@dataclass(frozen=True)
class Action:
    """A navigation button: back, restart, edit:<question>, result, summary, continue, ..."""

    name: str
    label: Text


def action_of(act: str, label: Text, ident: int = 0, arg: str = "") -> Action:
    """A button of a desk whose callback data is "act:id:arg" (bot/callbacks.py ActionCB)."""
    return Action(f"{act}:{ident}:{arg}", label)


@dataclass(frozen=True)
class Copy:
    """A button that copies ``text`` to the phone's clipboard (Bot API copy_text), e.g. a value to
    paste into gg24."""

    label: Text
    text: str


@dataclass(frozen=True)
class Screen:
    key: str  # what the screen shows, e.g. "question:degree", "summary", "verdict"
    body: tuple[Message, ...]  # paragraphs, each sent as one block
    options: tuple[Option, ...] = ()
    actions: tuple[Action, ...] = ()
    columns: int = 1  # how many options per row
    question: str | None = None  # the question key, when the screen asks one
    copies: tuple[Copy, ...] = ()  # copy-to-clipboard buttons, two to a row, before the actions


def with_note(screen: Screen, note: Message | None) -> Screen:
    """The screen with one more paragraph before its buttons (e.g. the days left to file)."""
    return screen if note is None else replace(screen, body=(*screen.body, note))
