"""A simulated Telegram user: what the bot sent them, and what they do (type, send files, press).

:class:`FakeUser` drives the emulator: each action becomes an update (see :mod:`emulator.incoming`),
and ``say`` / ``tap`` wait until the bot has handled it and return the bot's new messages. Their
private chat with the bot has ``id == user id``; the records it holds are in :mod:`emulator.chat`.
"""

from __future__ import annotations

import re
import time
from dataclasses import KW_ONLY, dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.chat import FakeChat, FakeDocument, FakeMessage, given

if TYPE_CHECKING:
    from emulator.server import BotAPIEmulator

# A sticker's file: a WebP header (a client would draw it; the bot can only fetch it with getFile).
_STICKER = b"RIFF\x00\x04\x00\x00WEBPVP8 " + bytes(1012)


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
        command = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?", text)
        entities = [{"type": "bot_command", "offset": 0, "length": command.end()}] if command else []
        return self._emu._user_message(self, chat_type, chat_id, text=text, entities=entities, reply_to=reply_to)

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
        photo = [{**stored.ids(), "width": width, "height": height}]
        return self._emu._user_message(self, "private", None, extra={"photo": photo})

    async def send_sticker(self, emoji: str = "👍", *, chat_type: str = "private", chat_id: int | None = None) -> int:
        stored = self._emu.files.store(_STICKER, "sticker.webp", "image/webp", folder="stickers")
        sticker = {
            **stored.ids(),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
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
