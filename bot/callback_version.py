"""The version of every button's callback data (bot/callbacks.py), apart so that services, which
import no aiogram, can name a payload too (an outbox message's button, bot/services/tickets.py)."""

from __future__ import annotations

CALLBACK_VERSION = 1


def versioned(kind: str) -> str:
    """The prefix of a kind of button in this version of the payloads."""
    return f"{kind}{CALLBACK_VERSION}"
