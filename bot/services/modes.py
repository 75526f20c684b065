"""Where a person's typed text goes (User.mode), written only here.

A button says what it does; typed text does not, so the person's mode decides which desk reads it:
the questionnaire, the application form, an employer form or code, or staff input. Every change of
mode goes through this module (tests/test_layers.py checks that nothing else writes it)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.db.repo import PersonRepo


class Mode(StrEnum):
    CHECK = "check"  # the questionnaire (the default)
    APPLY = "apply"  # the application form
    DOCS = "docs"  # the application's documents screen: a file is expected, typed text is told so
    EMPLOYER = "employer"  # an employer form, or a code being typed
    STAFF = "staff"  # a staff desk waiting for a note or a text
    RECEIPT = "receipt"  # the gg24 receipt number being typed (/status)
    TICKET = "ticket"  # a reply to programme staff, after "↩️ Reply" (bot/services/tickets.py)


def put(user: User, mode: Mode) -> None:
    """On a user row the update already holds (flushed with it)."""
    user.mode = mode.value


async def put_by_id(session: AsyncSession, user_id: int, mode: Mode) -> None:
    """Without loading the row (the questionnaire's hot path reads the person as a snapshot)."""
    await PersonRepo(session).update(user_id, mode=mode.value)
