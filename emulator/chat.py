"""The fake world: documents, messages, chats, and the simulated people who press and type.

A private chat exists once its user has sent something (or ``user.open_chat()`` was called); before
that, sends to it fail with "chat not found". Bot messages are edited in place (see ``edit_history``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from emulator.server import BotAPIEmulator


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

    def to_api(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": self.file_size,
        }


class FileStore:
    """Every file the bot or a person sent, by file_id and by the path getFile gives out."""

    def __init__(self) -> None:
        self.by_id: dict[str, FakeDocument] = {}
        self.by_path: dict[str, FakeDocument] = {}
        self._counter = 0

    def take_number(self) -> int:
        self._counter += 1
        return self._counter

    def store(self, content: bytes, file_name: str, mime_type: str, *, folder: str) -> FakeDocument:
        n = self.take_number()
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
        return {
            "text": self.text,
            "plain_text": self.plain_text,
            "entities": self.entities,
            "parse_mode": self.parse_mode,
            "caption": self.caption,
            "plain_caption": self.plain_caption,
            "reply_markup": self.reply_markup,
            "edit_date": self.edit_date,
        }

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


@dataclass(eq=False, repr=False)  # one object per person: compared and hashed by identity
class FakeUser:
    """A simulated Telegram user. Their private chat with the bot has ``id == user id``."""

    _emu: BotAPIEmulator
    id: int
    _: KW_ONLY
    language_code: str | None = "en"
    first_name: str = "Test"
    last_name: str | None = None
    username: str | None = None
    callback_answers: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)
    last_callback_id: str | None = field(default=None, init=False)

    def __repr__(self) -> str:
        return f"<FakeUser {self.id} {self.first_name!r} lang={self.language_code!r}>"

    @property
    def chat_id(self) -> int:
        return self.id

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            **given(last_name=self.last_name, username=self.username, language_code=self.language_code),
        }

    # -- what the bot sent ------------------------------------------------------------------

    @property
    def messages(self) -> list[FakeMessage]:
        """The bot's messages in this user's private chat, in send order (deleted included)."""
        return self._emu.chat_messages(self.id)

    @property
    def visible_messages(self) -> list[FakeMessage]:
        return [m for m in self.messages if not m.deleted]

    @property
    def last_message(self) -> FakeMessage | None:
        messages = self.visible_messages
        return messages[-1] if messages else None

    @property
    def documents(self) -> list[FakeDocument]:
        """Documents the bot sent to this user's private chat."""
        return [m.document for m in self.messages if m.document is not None]

    @property
    def last_callback_answer(self) -> dict[str, Any] | None:
        """answerCallbackQuery parameters for this user's most recent click, if answered."""
        if self.last_callback_id is None:
            return None
        return self.callback_answers.get(self.last_callback_id)

    # -- what the user does -----------------------------------------------------------------

    def open_chat(self) -> FakeChat:
        """Mark the private chat as existing (as if the user had pressed Start earlier)."""
        return self._emu._chat_for(self, "private", None)

    async def send_text(
        self,
        text: str,
        *,
        chat_type: str = "private",
        chat_id: int | None = None,
        reply_to: FakeMessage | None = None,
    ) -> int:
        """Send a text message; returns the update_id. ``/command`` gets a bot_command entity."""
        extra: dict[str, Any] = {}
        entities: list[dict[str, Any]] = []
        command = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?", text)
        if command is not None:
            entities.append({"type": "bot_command", "offset": 0, "length": command.end()})
        return self._emu._user_message(
            self,
            chat_type,
            chat_id,
            text=text,
            entities=entities,
            extra=extra,
            reply_to=reply_to,
        )

    async def send_document(
        self,
        content: bytes,
        file_name: str,
        mime_type: str = "application/octet-stream",
        *,
        caption: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> int:
        """Send a file; the bot can fetch it with getFile + the file URL. Returns update_id."""
        document = self._emu.files.store(content, file_name, mime_type, folder="documents")
        return self._emu._user_message(self, chat_type, chat_id, document=document, caption=caption)

    async def edit_text(self, text: str) -> int:
        """Edit the user's own latest text message (an ``edited_message`` update). Returns update_id."""
        chat = self._emu._chat_for(self, "private", None)
        mine = [m for m in chat.messages if not m.from_bot and m.text is not None]
        if not mine:
            raise AssertionError("the user has sent no text to edit")
        message = mine[-1]
        message.text = message.plain_text = text
        payload = {**message.to_api(), "edit_date": int(time.time())}
        return self._emu.updates.push("edited_message", payload)

    async def send_photo(self, content: bytes, *, width: int = 1280, height: int = 960) -> int:
        """Send a photo (as Telegram does: several sizes of one picture; here one size). Returns update_id."""
        stored = self._emu.files.store(content, "photo.jpg", "image/jpeg", folder="photos")
        photo = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": len(content),
            }
        ]
        return self._emu._user_message(self, "private", None, extra={"photo": photo})

    async def send_sticker(self, emoji: str = "👍", *, chat_type: str = "private", chat_id: int | None = None) -> int:
        n = self._emu.files.take_number()
        sticker = {
            "file_id": f"sticker-{n}",
            "file_unique_id": f"usticker-{n}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": 1024,
        }
        return self._emu._user_message(self, chat_type, chat_id, extra={"sticker": sticker})

    async def send_location(
        self,
        latitude: float,
        longitude: float,
        *,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> int:
        location = {"latitude": float(latitude), "longitude": float(longitude)}
        return self._emu._user_message(self, chat_type, chat_id, extra={"location": location})

    async def send_contact(
        self,
        phone_number: str,
        *,
        first_name: str | None = None,
        own: bool = True,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> int:
        """Share a contact; ``own=True`` (the default) shares the user's own number."""
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or self.first_name,
        }
        if own:
            contact["user_id"] = self.id
        return self._emu._user_message(self, chat_type, chat_id, extra={"contact": contact})

    async def click(self, button: str, message: FakeMessage | None = None) -> int:
        """Press the inline button labelled ``button`` (or whose callback_data is ``button``).

        ``message`` defaults to the most recent bot message in the private chat that has an
        inline keyboard. Returns the update_id of the callback_query.
        """
        target = message if message is not None else self._keyboard_message()
        if target.deleted:
            raise AssertionError(f"message #{target.message_id} was deleted; cannot click on it")
        candidates = [b for row in target.inline_keyboard for b in row]
        found = next((b for b in candidates if b.get("text") == button), None)
        if found is None:
            found = next((b for b in candidates if b.get("callback_data") == button), None)
        if found is None:
            raise AssertionError(
                f"no button {button!r} on message #{target.message_id} "
                f"({target.plain[:80]!r}); available buttons: {target.buttons}"
            )
        data = found.get("callback_data")
        if not isinstance(data, str):
            raise AssertionError(f"button {button!r} is not a callback button: {found}")
        return await self.click_data(data, target)

    async def click_data(self, data: str, message: FakeMessage | None = None) -> int:
        """Send a callback_query with arbitrary ``data`` (forged or stale buttons)."""
        if message is None:
            try:
                message = self._keyboard_message()
            except AssertionError:
                if self.last_message is None:
                    raise
                message = self.last_message
        return self._emu._callback_query(self, message, data)

    def _keyboard_message(self) -> FakeMessage:
        for message in reversed(self.messages):
            if not message.deleted and message.inline_keyboard:
                return message
        raise AssertionError(
            f"no bot message with an inline keyboard in chat {self.id}; bot messages: "
            f"{[m.plain[:40] for m in self.messages]}"
        )

    # -- synchronisation --------------------------------------------------------------------

    async def wait_messages(self, count: int, timeout: float = 10.0) -> list[FakeMessage]:
        """Wait until the private chat holds at least ``count`` bot messages; return them."""
        await self._emu._wait_until(
            lambda: len(self.messages) >= count,
            timeout,
            lambda: (
                f"chat {self.id}: expected at least {count} bot messages within {timeout}s, "
                f"got {len(self.messages)}: {[m.plain[:60] for m in self.messages]}"
            ),
        )
        return self.messages

    async def say(self, text: str, timeout: float = 10.0) -> list[FakeMessage]:
        """Send ``text``, wait until the bot handled it, return the new bot messages."""
        before = len(self.messages)
        update_id = await self.send_text(text)
        await self._emu.wait_processed(update_id, timeout=timeout)
        return self.messages[before:]

    async def tap(self, button: str, message: FakeMessage | None = None, timeout: float = 10.0) -> list[FakeMessage]:
        """Click ``button``, wait until the bot handled it, return the new bot messages.

        Edits are applied in place to the existing :class:`FakeMessage` objects.
        """
        before = len(self.messages)
        update_id = await self.click(button, message)
        await self._emu.wait_processed(update_id, timeout=timeout)
        return self.messages[before:]
