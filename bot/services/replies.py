"""What every desk answers with: one Reply type for the questionnaire, the application form, the
employer, sharing and staff desks (bot/messaging.send_reply sends it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from bot.services.uploads import StoredFile
from dialogs.screens import Screen
from knowledge.text import Message


class MadeFile(NamedTuple):
    """A file the bot makes for the reader (the summary of a submitted application)."""

    name: str
    content: bytes
    caption: Message


@dataclass
class Reply:
    screens: list[Screen] = field(default_factory=list)
    notice: Message | None = None  # a short note (callback answer or an error line above the screen)
    made: list[MadeFile] = field(default_factory=list)  # sent after the screens (the outcome first)
    documents: list[StoredFile] = field(default_factory=list)  # stored uploads: read, verified, named when sent
    raw: list[tuple[str, str]] = field(default_factory=list)  # (language, HTML as written): staff previews
    unread: str | None = None  # typed text the desk could not take as an answer (perhaps a question)
