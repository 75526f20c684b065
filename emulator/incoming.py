"""What the simulated people do, as updates for the bot: their messages, their button presses.

:class:`IncomingUpdates` is a base class of :class:`~emulator.server.BotAPIEmulator`; its methods
are called by :class:`~emulator.user.FakeUser` (the chat a message lands in is created on the
person's first message), and :meth:`IncomingUpdates.inject` queues a raw update as given. The
state they use is the emulator's, declared here.
"""

from __future__ import annotations

import time
from typing import Any, Final

from emulator.chat import FakeChat, FakeDocument, FakeMessage
from emulator.updates import UpdateQueue
from emulator.user import FakeUser

DEFAULT_GROUP_CHAT_ID: Final = -100123
"""The chat a person's group message lands in when no chat id is given."""


class IncomingUpdates:
    """The updates :class:`~emulator.user.FakeUser` makes (see the module docstring)."""

    # The emulator's state these methods use (set by BotAPIEmulator.__init__).
    updates: UpdateQueue
    _chats: dict[int, FakeChat]
    _callback_queries: dict[str, FakeUser]
    _callback_counter: int

    def _chat_for(self, user: FakeUser, chat_type: str, chat_id: int | None) -> FakeChat:
        if chat_type == "private":
            chat_id = user.id if chat_id is None else chat_id
        elif chat_id is None:
            chat_id = DEFAULT_GROUP_CHAT_ID
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_type == "private":
                chat = FakeChat(
                    id=chat_id,
                    type="private",
                    username=user.username,
                    first_name=user.first_name,
                )
            else:
                chat = FakeChat(id=chat_id, type=chat_type, title=f"Test {chat_type}")
            self._chats[chat_id] = chat
        return chat

    def _user_message(
        self,
        user: FakeUser,
        chat_type: str,
        chat_id: int | None,
        *,
        text: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        document: FakeDocument | None = None,
        caption: str | None = None,
        extra: dict[str, Any] | None = None,
        reply_to: FakeMessage | None = None,
    ) -> int:
        chat = self._chat_for(user, chat_type, chat_id)
        message = FakeMessage(
            message_id=chat.take_message_id(),
            chat=chat.to_api(),
            sender=user.to_api(),
            date=int(time.time()),
            from_bot=False,
            text=text,
            plain_text=text,
            entities=list(entities or []),
            caption=caption,
            plain_caption=caption,
            document=document,
            reply_to=reply_to,
            extra=dict(extra or {}),
        )
        if document is not None:
            document.chat_id = chat.id
            document.message_id = message.message_id
            document.caption = caption
        chat.messages.append(message)
        return self.updates.push("message", message.to_api())

    def _callback_query(self, user: FakeUser, message: FakeMessage, data: str) -> int:
        self._callback_counter += 1
        query_id = f"{user.id}{self._callback_counter:06d}"
        self._callback_queries[query_id] = user
        user.last_callback_id = query_id
        payload = {
            "id": query_id,
            "from": user.to_api(),
            "message": message.to_api(),
            "chat_instance": f"{abs(message.chat_id) * 7 + 1}",
            "data": data,
        }
        return self.updates.push("callback_query", payload)

    def inject(self, update: dict[str, Any]) -> int:
        """Queues a raw update as given (e.g. a channel post, or one repeated with its update_id,
        as Telegram may after a timeout). Without an update_id it gets the next one."""
        return self.updates.inject(update)
