"""The fake world's records: documents and the file store, messages, chats, and what the bot did.

A private chat exists once its user has sent something (or ``user.open_chat()`` was called); before
that, sends to it fail with "chat not found". Bot messages are edited in place (see ``edit_history``).
The simulated people who type and press are :class:`~emulator.user.FakeUser`, in :mod:`emulator.user`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal


def given(**fields: Any) -> dict[str, Any]:
    """The fields that have a value: the Bot API leaves absent optional fields out."""
    return {name: value for name, value in fields.items() if value is not None}


@dataclass
class FakeDocument:
    """A stored file (uploaded by the bot or sent by a simulated user)."""

    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    content: bytes
    file_path: str
    caption: str | None = None  # as sent (HTML included)
    chat_id: int | None = None
    message_id: int | None = None

    @property
    def file_size(self) -> int:
        return len(self.content)

    def ids(self) -> dict[str, Any]:
        """What every Bot API file object (Document, PhotoSize, Sticker) says of its file."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": self.file_size}

    def to_api(self) -> dict[str, Any]:
        return {**self.ids(), "file_name": self.file_name, "mime_type": self.mime_type}


class FileStore:
    """Every file the bot or a person sent, by file_id and by the path getFile gives out."""

    def __init__(self) -> None:
        self.by_id: dict[str, FakeDocument] = {}
        self.by_path: dict[str, FakeDocument] = {}
        self._counter = 0

    def store(self, content: bytes, file_name: str, mime_type: str, *, folder: str) -> FakeDocument:
        self._counter += 1
        n = self._counter
        suffix = ""
        if "." in file_name:
            suffix = "." + re.sub(r"[^A-Za-z0-9]", "", file_name.rsplit(".", 1)[1])[:10]
        document = FakeDocument(
            file_id=f"BQAC-emu-{n}",
            file_unique_id=f"AgAD-emu-{n}",
            file_name=file_name,
            mime_type=mime_type,
            content=bytes(content),
            file_path=f"{folder}/file_{n}{suffix}",
        )
        self.by_id[document.file_id] = document
        self.by_path[document.file_path] = document
        return document


# What editMessageText / editMessageCaption / editMessageReplyMarkup may change in a message.
_EDITABLE = ("text", "plain_text", "entities", "parse_mode", "caption", "plain_caption", "reply_markup", "edit_date")


@dataclass(eq=False)
class FakeMessage:
    """A message in a fake chat. Bot messages are edited in place; see ``edit_history``."""

    message_id: int
    chat: dict[str, Any]
    sender: dict[str, Any]
    date: int
    from_bot: bool = True
    text: str | None = None  # as sent, HTML included
    plain_text: str | None = None  # what the user sees: tags stripped, entities decoded
    entities: list[dict[str, Any]] = field(default_factory=list)
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    caption: str | None = None  # as sent
    plain_caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    document: FakeDocument | None = None
    reply_to: FakeMessage | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # sticker / location / contact ...
    deleted: bool = False
    edit_date: int | None = None
    edit_history: list[dict[str, Any]] = field(default_factory=list)
    received_at: float | None = None  # the emulator's monotonic clock when a bot message arrived

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def plain(self) -> str:
        """Visible text of the message (or its caption); empty string if neither."""
        if self.plain_text is not None:
            return self.plain_text
        return self.plain_caption or ""

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard as rows of (text, callback_data); callback_data is None for URLs."""
        return [[(str(b.get("text", "")), b.get("callback_data")) for b in row] for row in self.inline_keyboard]

    @property
    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]

    def snapshot(self) -> dict[str, Any]:
        """The fields an edit can change, as they are before it (kept in ``edit_history``)."""
        return {name: getattr(self, name) for name in _EDITABLE}

    def to_api(self, *, with_reply: bool = True) -> dict[str, Any]:
        """The Bot API ``Message`` object as currently stored."""
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
            **given(edit_date=self.edit_date),
        }
        if self.plain_text is not None:
            data["text"] = self.plain_text
            if self.entities:
                data["entities"] = self.entities
        if self.document is not None:
            data["document"] = self.document.to_api()
        if self.plain_caption:
            data["caption"] = self.plain_caption
            if self.caption_entities:
                data["caption_entities"] = self.caption_entities
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        if with_reply and self.reply_to is not None:
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        data.update(self.extra)
        return data

    def __repr__(self) -> str:
        flags = " deleted" if self.deleted else ""
        shown = self.plain if len(self.plain) <= 60 else self.plain[:57] + "..."
        return f"<FakeMessage #{self.message_id} chat={self.chat_id}{flags} {shown!r} buttons={self.button_texts}>"


@dataclass(eq=False)
class FakeChat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    messages: list[FakeMessage] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    next_message_id: int = 1

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            **given(title=self.title, username=self.username, first_name=self.first_name),
        }

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def find(self, message_id: Any) -> FakeMessage | None:
        for message in self.messages:
            if message.message_id == message_id:
                return message
        return None

    @property
    def bot_messages(self) -> list[FakeMessage]:
        return [m for m in self.messages if m.from_bot]


@dataclass(frozen=True)
class BotEvent:
    """What the bot did, for listeners such as the terminal demo."""

    kind: Literal["sent", "edited", "deleted", "callback_answer", "chat_action"]
    chat_id: int
    message: FakeMessage | None = None
    data: dict[str, Any] = field(default_factory=dict)


BotEventListener = Callable[[BotEvent], None]
