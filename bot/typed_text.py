"""Typed text cleaned once, before any handler or service sees it.

A NUL byte cannot be stored in a PostgreSQL text column (the whole transaction fails), an
unpaired surrogate cannot be encoded as UTF-8 at all, and other control characters only hide
things from the staff who read the text later. So every message's text and caption loses
the C0 and C1 control characters (newline and tab stay) and unpaired surrogates, and is
normalised to NFC (one spelling of "é", so equal names compare equal).
"""

from __future__ import annotations

import itertools
import unicodedata
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, MessageEntity, TelegramObject

from bot.middleware_types import NextHandler

_KEPT = {ord("\n"), ord("\t")}
_CONTROLS = [c for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)) if c not in _KEPT]
_SURROGATES = range(0xD800, 0xE000)
_DROP = dict.fromkeys([*_CONTROLS, *_SURROGATES])


def clean(text: str) -> str:
    """The text without control characters (but newline and tab) or stray surrogates, in NFC."""
    if text.isascii() and text.isprintable():  # the common case: nothing to do
        return text
    return unicodedata.normalize("NFC", text.translate(_DROP))


def clean_with_entities(text: str, entities: list[MessageEntity] | None) -> tuple[str, list[MessageEntity] | None]:
    """The cleaned text and its entities moved to match (offsets count UTF-16 code units): each
    stretch between entity edges is cleaned on its own, so every edge lands on a new edge."""
    if not entities:
        return clean(text), entities
    units = text.encode("utf-16-le", "surrogatepass")
    end = len(units) // 2
    edges = sorted({0, end} | {min(end, x) for e in entities for x in (e.offset, e.offset + e.length)})
    moved, parts, at = {0: 0}, [], 0
    for a, b in itertools.pairwise(edges):
        part = clean(units[2 * a : 2 * b].decode("utf-16-le", "surrogatepass"))
        parts.append(part)
        at += len(part.encode("utf-16-le")) // 2
        moved[b] = at
    shifted = []
    for e in entities:
        start, stop = moved[min(end, e.offset)], moved[min(end, e.offset + e.length)]
        if stop > start:
            shifted.append(e.model_copy(update={"offset": start, "length": stop - start}))
    return "".join(parts), shifted


class TypedTextMiddleware(BaseMiddleware):
    """Outer middleware on messages (and edited messages): the handler gets a cleaned copy."""

    async def __call__(self, handler: NextHandler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Message):
            changes: dict[str, Any] = {}
            for field, entities_field in (("text", "entities"), ("caption", "caption_entities")):
                value = getattr(event, field)
                if value is None or clean(value) == value:
                    continue
                changes[field], changes[entities_field] = clean_with_entities(value, getattr(event, entities_field))
            if changes:
                event = event.model_copy(update=changes)  # Telegram objects are frozen
        return await handler(event, data)
