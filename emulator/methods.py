"""The Bot API methods that act on chats: what sending, editing, deleting and answering do to them.

:class:`ChatMethods` is a base class of :class:`~emulator.server.BotAPIEmulator`: getMe, sendMessage,
sendDocument, getFile, editMessageText, editMessageReplyMarkup, deleteMessage, answerCallbackQuery
and sendChatAction, with the checks they share (the target chat, the message replied to or edited,
flood control). Each takes the decoded request parameters and returns the ``result`` or raises
:class:`~emulator.errors.APIError`. The state they use is the emulator's, declared here.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Final
from urllib.parse import urlsplit

from emulator.chat import BotEvent, FakeChat, FakeDocument, FakeMessage, FileStore
from emulator.errors import APIError, bad_request
from emulator.flood import FloodControl
from emulator.limits import (
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_DOWNLOAD_BYTES,
    MAX_UPLOAD_BYTES,
    check_caption,
    check_reply_markup,
    check_text,
    parse_formatted,
)
from emulator.user import FakeUser
from emulator.wire import UploadedFile

_NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD: Final = "query is too old and response timeout expired or query ID is invalid"
_BLOCKED: Final = "Forbidden: bot was blocked by the user"

_CHAT_ACTIONS: Final = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)


class ChatMethods:
    """The chat methods of :class:`~emulator.server.BotAPIEmulator` (see the module docstring)."""

    # The emulator's state these methods use (set by BotAPIEmulator.__init__).
    bot_user: dict[str, Any]
    flood: FloodControl | None
    files: FileStore
    _clock: Callable[[], float]
    _chats: dict[int, FakeChat]
    _callback_queries: dict[str, FakeUser]
    _blocked: set[int]
    # Defined by BotAPIEmulator: wake the waiters, tell the listeners.
    _notify: Callable[[], None]
    _emit: Callable[[BotEvent], None]

    # -- shared checks --------------------------------------------------------------------------

    def _target_chat(self, params: dict[str, Any], *, check_blocked: bool = True) -> FakeChat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            if chat_id.startswith("@"):
                for candidate in self._chats.values():
                    if candidate.username and f"@{candidate.username}".lower() == chat_id.lower():
                        chat_id = candidate.id
                        break
            if isinstance(chat_id, str):
                raise bad_request("chat not found")
        if check_blocked and chat_id in self._blocked:
            raise APIError(403, _BLOCKED)
        chat = self._chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _reply_target(self, chat: FakeChat, params: dict[str, Any]) -> FakeMessage | None:
        reply = params.get("reply_parameters")
        reply_id: Any = params.get("reply_to_message_id")
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            reply_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        if reply_id is None:
            return None
        target = chat.find(reply_id)
        if (target is None or target.deleted) and not allow_missing:
            raise bad_request("message to be replied not found")
        return target if target is not None and not target.deleted else None

    def _editable_message(self, params: dict[str, Any]) -> FakeMessage:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID (inline messages are not emulated)")
        chat = self._target_chat(params)
        message = chat.find(params.get("message_id"))
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _new_bot_message(self, chat: FakeChat, params: dict[str, Any], markup: dict[str, Any] | None) -> FakeMessage:
        """Validate the reply target, apply flood control, then allocate the message."""
        reply_to = self._reply_target(chat, params)
        if self.flood is not None:
            self.flood.check(chat.id)
        return FakeMessage(
            message_id=chat.take_message_id(),
            chat=chat.to_api(),
            sender=self.bot_user,
            date=int(time.time()),
            from_bot=True,
            reply_markup=markup,
            reply_to=reply_to,
        )

    def _record_sent(self, chat: FakeChat, message: FakeMessage) -> dict[str, Any]:
        message.received_at = self._clock()
        chat.messages.append(message)
        self._notify()
        self._emit(BotEvent("sent", chat.id, message))
        return message.to_api()

    # -- methods: bot --------------------------------------------------------------------------------

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    # -- methods: messages ----------------------------------------------------------------------

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        parsed = parse_formatted(
            params.get("text"), params.get("parse_mode"), params.get("entities"), field_name="text"
        )
        check_text(parsed)
        markup = check_reply_markup(params.get("reply_markup"))
        message = self._new_bot_message(chat, params, markup)
        message.text = str(params.get("text"))
        message.plain_text = parsed.text
        message.entities = parsed.entities
        message.parse_mode = params.get("parse_mode") or None
        return self._record_sent(chat, message)

    async def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        source = params.get("document")
        caption = params.get("caption")
        parsed = parse_formatted(
            caption, params.get("parse_mode"), params.get("caption_entities"), field_name="caption"
        )
        check_caption(parsed)
        markup = check_reply_markup(params.get("reply_markup"))
        if isinstance(source, UploadedFile):
            if len(source.content) > MAX_UPLOAD_BYTES:
                raise APIError(413, "Request Entity Too Large")
            file_name = source.filename or "document"
            mime = mimetypes.guess_type(file_name)[0] or source.content_type or "application/octet-stream"
            new_file: tuple[bytes, str, str] | FakeDocument = (source.content, file_name, mime)
        elif isinstance(source, str) and source in self.files.by_id:
            new_file = self.files.by_id[source]
        elif isinstance(source, str) and source.startswith(("http://", "https://")):
            file_name = urlsplit(source).path.rsplit("/", 1)[-1] or "document"
            mime = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
            new_file = (b"", file_name, mime)
        elif source is None or source == "":
            raise bad_request("there is no document in the request")
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        message = self._new_bot_message(chat, params, markup)
        if isinstance(new_file, FakeDocument):
            document = replace(new_file)
        else:
            document = self.files.store(*new_file, folder="documents")
        document.chat_id = chat.id
        document.message_id = message.message_id
        document.caption = caption if isinstance(caption, str) else None
        message.document = document
        message.caption = document.caption
        message.plain_caption = parsed.text or None
        message.caption_entities = parsed.entities
        message.parse_mode = params.get("parse_mode") or None
        return self._record_sent(chat, message)

    async def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        document = self.files.by_id.get(str(params.get("file_id", "")))
        if document is None:
            raise bad_request("invalid file_id")
        if document.file_size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": document.file_id,
            "file_unique_id": document.file_unique_id,
            "file_size": document.file_size,
            "file_path": document.file_path,
        }

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable_message(params)
        if message.plain_text is None:
            raise bad_request("there is no text in the message to edit")
        parsed = parse_formatted(
            params.get("text"), params.get("parse_mode"), params.get("entities"), field_name="text"
        )
        check_text(parsed)
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        if parsed.text == message.plain_text and parsed.entities == message.entities and markup == message.reply_markup:
            raise bad_request(_NOT_MODIFIED)
        message.edit_history.append(message.snapshot())
        message.text = str(params.get("text"))
        message.plain_text = parsed.text
        message.entities = parsed.entities
        message.parse_mode = params.get("parse_mode") or None
        message.reply_markup = markup
        return self._record_edit(message)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable_message(params)
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        if markup == message.reply_markup or (not markup and not message.inline_keyboard):
            raise bad_request(_NOT_MODIFIED)
        message.edit_history.append(message.snapshot())
        message.reply_markup = markup
        return self._record_edit(message)

    def _record_edit(self, message: FakeMessage) -> dict[str, Any]:
        message.edit_date = int(time.time())
        self._notify()
        self._emit(BotEvent("edited", message.chat_id, message))
        return message.to_api()

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._target_chat(params, check_blocked=False)
        message = chat.find(params.get("message_id"))
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        self._notify()
        self._emit(BotEvent("deleted", chat.id, message))
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        user = self._callback_queries.get(query_id)
        if user is None:
            raise bad_request(_QUERY_TOO_OLD)
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        user.callback_answers[query_id] = answer
        self._notify()
        self._emit(BotEvent("callback_answer", user.id, None, answer))
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        chat = self._target_chat(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.actions.append(str(action))
        self._emit(BotEvent("chat_action", chat.id, None, {"action": action}))
        return True
