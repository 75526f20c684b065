"""An in-process HTTP fake of the Telegram Bot API, for end-to-end tests and the terminal demo.

The emulator is an aiohttp web server that speaks the Bot API wire protocol
(``POST {base}/bot{token}/{method}``, files at ``GET {base}/file/bot{token}/{path}``) so the
*real* aiogram client can be pointed at it::

    emu = BotAPIEmulator()
    base_url = await emu.start()
    bot = Bot(TEST_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))

Simulated people talk to the bot through :class:`FakeUser` objects (``emu.user(42)``); what the
bot sends back is recorded as :class:`FakeMessage` objects. Validation follows the Bot API 10.1
limits (text 1-4096 characters after entity parsing, captions up to 1024, callback_data 1-64
bytes, strict HTML parse mode), so a message Telegram would reject fails here too.

Synchronisation is deterministic: with ``dp.start_polling(bot, handle_as_tasks=False)`` aiogram
only asks for the next batch of updates after it has finished handling the previous one, so
:meth:`BotAPIEmulator.wait_processed` returns exactly when the handler is done. (With the default
``handle_as_tasks=True`` aiogram confirms updates *before* handling them and ``wait_processed``
would return too early.)

Deliberate differences from the real service:

* HTML mode rejects a bare ``&`` (and named entities other than lt/gt/amp/quot) in text, as the
  Bot API documentation requires; Telegram itself lets a bare ``&`` through. In attribute values
  (``href``) a bare ``&`` is accepted, as Telegram does. Lengths count code points.
* Markdown / MarkdownV2 parse modes are refused with a clear 400 rather than half-emulated.
* A private chat exists once its user has sent something (or ``user.open_chat()`` was called);
  before that, sends fail with "chat not found".
* Flood control (off by default) covers sendMessage and sendDocument, not edits or chat actions.
* Webhooks: setWebhook makes the emulator POST each update to the URL with the secret token
  header, in order, one connection by default (``webhook_connections``); ``webhook_targets``
  stands for a load balancer (round robin over several bot processes). A non-2xx answer or a
  network error is retried, as Telegram does. Certificates and IP checks are not emulated.
* Inline mode, media other than documents, and payments are not emulated; unknown
  methods answer 404 "Not Found: method not found".

Only aiohttp and the standard library are used; nothing else of ours is imported.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import mimetypes
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

__all__ = [
    "TEST_TOKEN",
    "APIError",
    "BotAPIEmulator",
    "BotEvent",
    "EntityParseError",
    "FakeChat",
    "FakeDocument",
    "FakeMessage",
    "FakeUser",
    "ParsedText",
    "UploadedFile",
    "parse_html",
    "strip_html",
    "utf16_len",
]

logger = logging.getLogger(__name__)

TEST_TOKEN: Final = "1000:emulator-test-token"
"""A syntactically valid token (aiogram checks the shape); the emulator accepts any token."""

MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_CALLBACK_ANSWER_LENGTH: Final = 200
MAX_BUTTONS_PER_ROW: Final = 8
MAX_BUTTONS_TOTAL: Final = 100
MAX_COMMANDS: Final = 100
MAX_DOWNLOAD_BYTES: Final = 20 * 1024 * 1024
MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024
DEFAULT_GROUP_CHAT_ID: Final = -100123

_NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD: Final = "query is too old and response timeout expired or query ID is invalid"
_BLOCKED: Final = "Forbidden: bot was blocked by the user"
_CONFLICT: Final = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class APIError(Exception):
    """A Bot API error; rendered as ``{"ok": false, "error_code", "description", ...}``."""

    def __init__(
        self,
        error_code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(detail: str) -> APIError:
    return APIError(400, f"Bad Request: {detail}")


class EntityParseError(ValueError):
    """Raised by :func:`parse_html` for markup Telegram would refuse."""


# --------------------------------------------------------------------------------------------
# Text and entities
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass(frozen=True)
class ParsedText:
    """Text after entity parsing: what the recipient sees, plus the entities."""

    text: str
    entities: list[dict[str, Any]]


_SIMPLE_TAGS: Final[dict[str, str]] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
}
_SUPPORTED_TAGS: Final = frozenset({*_SIMPLE_TAGS, "a", "blockquote", "tg-emoji", "tg-time"})
_NAMED_ENTITIES: Final[dict[str, str]] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE: Final = re.compile(r"&(?:#([0-9]{1,10})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z][a-zA-Z0-9]*));")
_USER_LINK_RE: Final = re.compile(r"tg://user\?id=(\d+)$")
_ATTR_NAME_STOP: Final = frozenset("=>/\"'<")


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, index: int, *, strict: bool) -> tuple[str, int] | None:
    """Decode the HTML entity at ``source[index] == "&"``; returns (text, next index)."""
    match = _ENTITY_RE.match(source, index)
    if match is not None:
        decimal, hexadecimal, name = match.groups()
        if name is not None:
            if name in _NAMED_ENTITIES:
                return _NAMED_ENTITIES[name], match.end()
            if strict:
                raise EntityParseError(
                    f'Unsupported HTML entity "&{name};" at byte offset '
                    f"{_byte_offset(source, index)}; only &lt; &gt; &amp; &quot; and "
                    "numeric entities are supported"
                )
        else:
            code = int(decimal) if decimal is not None else int(hexadecimal, 16)
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code), match.end()
            if strict:
                raise EntityParseError(f"Invalid numeric HTML entity at byte offset {_byte_offset(source, index)}")
    if strict:
        raise EntityParseError(
            f'Character "&" at byte offset {_byte_offset(source, index)} is not part of an '
            "HTML entity and must be escaped as &amp;"
        )
    return None


def _unescape_attribute(value: str) -> str:
    # Telegram decodes entities inside attribute values but keeps a bare "&" (common in URLs).
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&":
            decoded = _decode_entity(value, i, strict=False)
            if decoded is not None:
                out.append(decoded[0])
                i = decoded[1]
                continue
        out.append(value[i])
        i += 1
    return "".join(out)


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the output
    language: str | None = None  # set by a nested <code class="language-...">


def _parse_start_tag(source: str, begin: int) -> tuple[str, dict[str, str], int]:
    """Parse ``<name attr=...>`` at ``begin``; returns (name, attributes, index after '>')."""
    n = len(source)
    j = begin + 1
    while j < n and not source[j].isspace() and source[j] != ">":
        j += 1
    if j >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
    raw_name = source[begin + 1 : j]
    name = raw_name.lower()
    if name not in _SUPPORTED_TAGS:
        raise EntityParseError(f'Unsupported start tag "{raw_name}" at byte offset {_byte_offset(source, begin)}')
    attrs: dict[str, str] = {}
    while True:
        while j < n and source[j].isspace():
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
        if source[j] == ">":
            return name, attrs, j + 1
        k = j
        while k < n and not source[k].isspace() and source[k] not in _ATTR_NAME_STOP:
            k += 1
        if k == j:
            raise EntityParseError(
                f'Empty attribute name in the tag "{name}" at byte offset {_byte_offset(source, begin)}'
            )
        attr = source[j:k].lower()
        j = k
        while j < n and source[j].isspace():
            j += 1
        value = ""
        if j < n and source[j] == "=":
            j += 1
            while j < n and source[j].isspace():
                j += 1
            if j >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
            if source[j] in "\"'":
                end = source.find(source[j], j + 1)
                if end == -1:
                    raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
                value = _unescape_attribute(source[j + 1 : end])
                j = end + 1
            else:
                k = j
                while k < n and (source[k].isalnum() or source[k] in ".-_"):
                    k += 1
                if k < n and not source[k].isspace() and source[k] != ">":
                    raise EntityParseError(f"Unexpected end of name token at byte offset {_byte_offset(source, k)}")
                value = source[j:k]
                j = k
        attrs[attr] = value


def _validate_start_tag(source: str, begin: int, name: str, attrs: dict[str, str]) -> None:
    where = f"at byte offset {_byte_offset(source, begin)}"
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" {where}')
    if name == "tg-emoji":
        emoji_id = attrs.get("emoji-id", "")
        if not emoji_id.isdigit() or not 0 < int(emoji_id) < 2**63:
            raise EntityParseError("Invalid custom emoji identifier specified")
    if name == "tg-time":
        unix = attrs.get("unix", "")
        if not unix.lstrip("-").isdigit():
            raise EntityParseError(f'Tag "tg-time" must have a numeric "unix" attribute {where}')


def _close_tag(tag: _OpenTag, end: int, parent: _OpenTag | None) -> dict[str, Any] | None:
    length = end - tag.offset
    name = tag.name
    entity: dict[str, Any]
    if name == "code" and parent is not None and parent.name == "pre":
        # <pre><code class="language-x">: the language goes to the enclosing pre entity.
        css = tag.attrs.get("class", "")
        if css.startswith("language-") and len(css) > len("language-"):
            parent.language = css[len("language-") :]
        return None
    if name == "a":
        href = tag.attrs.get("href", "")
        if not href:
            return None
        user_link = _USER_LINK_RE.match(href)
        if user_link is not None:
            user = {"id": int(user_link.group(1)), "is_bot": False, "first_name": ""}
            entity = {"type": "text_mention", "user": user}
        else:
            entity = {"type": "text_link", "url": href}
    elif name == "blockquote":
        kind = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
        entity = {"type": kind}
    elif name == "tg-emoji":
        entity = {"type": "custom_emoji", "custom_emoji_id": tag.attrs["emoji-id"]}
    elif name == "tg-time":
        entity = {"type": "date_time", "unix_time": int(tag.attrs["unix"])}
        if tag.attrs.get("format"):
            entity["date_time_format"] = tag.attrs["format"]
    else:
        entity = {"type": _SIMPLE_TAGS[name]}
        if name == "pre" and tag.language:
            entity["language"] = tag.language
    if length <= 0:
        return None
    return {"offset": tag.offset, "length": length, **entity}


def parse_html(source: str) -> ParsedText:
    """Parse Telegram's HTML parse mode strictly; raise :class:`EntityParseError` on bad markup.

    Supported: b strong i em u ins s strike del a[href] code pre (code class="language-..."
    inside pre) blockquote[expandable] tg-spoiler span.tg-spoiler tg-emoji[emoji-id]
    tg-time[unix,format]. Text may contain only &lt; &gt; &amp; &quot; and numeric entities;
    a bare "<" or "&" is an error (stricter than Telegram for "&", as its documentation asks).
    Unknown attributes are ignored, as Telegram does. The result is *not* whitespace-trimmed.
    """
    out: list[str] = []
    pos = 0  # UTF-16 offset of the end of ``out``
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch == "&":
            decoded = _decode_entity(source, i, strict=True)
            assert decoded is not None  # strict mode raises instead of returning None
            out.append(decoded[0])
            pos += utf16_len(decoded[0])
            i = decoded[1]
            continue
        if ch != "<":
            out.append(ch)
            pos += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        if i + 1 < n and source[i + 1] == "/":
            end = source.find(">", i + 2)
            if end == -1:
                raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(source, begin)}")
            name = source[i + 2 : end].lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(source, begin)}")
            top = stack[-1]
            if top.name != name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, begin)}, "
                    f'expected "</{top.name}>", found "</{source[i + 2 : end]}>"'
                )
            stack.pop()
            entity = _close_tag(top, pos, stack[-1] if stack else None)
            if entity is not None:
                entities.append(entity)
            i = end + 1
            continue
        name, attrs, i = _parse_start_tag(source, begin)
        _validate_start_tag(source, begin, name, attrs)
        stack.append(_OpenTag(name=name, attrs=attrs, offset=pos))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText(text="".join(out), entities=entities)


def _trim(parsed: ParsedText) -> ParsedText:
    """Telegram strips leading and trailing whitespace; entities are shifted and clipped."""
    left = parsed.text.lstrip()
    lead = utf16_len(parsed.text) - utf16_len(left)
    text = left.rstrip()
    total = utf16_len(text)
    entities: list[dict[str, Any]] = []
    for entity in parsed.entities:
        start = max(int(entity["offset"]) - lead, 0)
        end = min(int(entity["offset"]) + int(entity["length"]) - lead, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(text=text, entities=entities)


def strip_html(source: str) -> str:
    """Plain text of an HTML-mode string (tags removed, entities decoded); lenient."""
    try:
        return parse_html(source).text
    except EntityParseError:
        return source


def _parse_formatted(
    text: Any,
    parse_mode: Any,
    entities: Any,
    *,
    field_name: str,
) -> ParsedText:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    mode = parse_mode.lower() if isinstance(parse_mode, str) and parse_mode else None
    if mode == "none":
        mode = None
    if mode == "html":
        try:
            parsed = parse_html(text)
        except EntityParseError as exc:
            raise _bad_request(f"can't parse entities: {exc}") from exc
    elif mode in ("markdown", "markdownv2"):
        raise _bad_request(
            f"can't parse entities: parse_mode {parse_mode!r} is not supported by the emulator; use HTML or entities"
        )
    elif mode is not None:
        raise _bad_request(f"unsupported parse_mode {parse_mode!r}")
    else:
        given: list[dict[str, Any]] = []
        if entities is not None:
            if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
                raise _bad_request(f"can't parse {field_name} entities JSON object")
            total = utf16_len(text)
            for e in entities:
                offset, length = e.get("offset"), e.get("length")
                if not isinstance(offset, int) or not isinstance(length, int) or "type" not in e:
                    raise _bad_request(f"can't parse {field_name} entities JSON object")
                if offset < 0 or length <= 0 or offset + length > total:
                    continue  # Telegram silently drops entities outside the text
                given.append(dict(e))
        parsed = ParsedText(text=text, entities=given)
    return _trim(parsed)


def _check_text(parsed: ParsedText) -> None:
    if not parsed.text:
        raise _bad_request("message text is empty")
    if len(parsed.text) > MAX_TEXT_LENGTH:
        raise _bad_request("message is too long")


def _check_caption(parsed: ParsedText) -> None:
    if len(parsed.text) > MAX_CAPTION_LENGTH:
        raise _bad_request("message caption is too long")


# --------------------------------------------------------------------------------------------
# Keyboards
# --------------------------------------------------------------------------------------------

_INLINE_BUTTON_ACTIONS: Final = tuple(
    [
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ]
)


def _check_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if inline_only:
            raise _bad_request("inline keyboard expected")
        if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request("can't parse inline keyboard markup JSON object")
    total = 0
    for row in rows:
        if len(row) > MAX_BUTTONS_PER_ROW:
            raise _bad_request(f"too many buttons in a row: {len(row)} (at most {MAX_BUTTONS_PER_ROW})")
        total += len(row)
        for button in row:
            _check_inline_button(button)
    if total > MAX_BUTTONS_TOTAL:
        raise _bad_request(f"too many inline keyboard buttons: {total} (at most 100)")
    return markup


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad_request("can't parse inline keyboard button: object expected")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _bad_request("BUTTON_TEXT_EMPTY: inline keyboard button text must be non-empty")
    actions = [key for key in _INLINE_BUTTON_ACTIONS if key in button]
    if not actions:
        raise _bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise _bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not str(button["url"]).strip():
        raise _bad_request("BUTTON_URL_INVALID")


# --------------------------------------------------------------------------------------------
# Request decoding
# --------------------------------------------------------------------------------------------


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content: bytes
    content_type: str | None = None

    def __repr__(self) -> str:
        return f"UploadedFile(filename={self.filename!r}, size={len(self.content)})"


_JSON_FIELDS: Final = frozenset(
    [
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "media",
        "message_ids",
        "permissions",
        "results",
        "menu_button",
        "rights",
        "options",
        "explanation_entities",
        "question_entities",
    ]
)
_STRING_FIELDS: Final = frozenset(
    [
        "text",
        "caption",
        "data",
        "description",
        "short_description",
        "name",
        "query",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "parse_mode",
        "action",
        "language_code",
        "url",
        "emoji",
        "business_connection_id",
        "secret_token",
        "title",
        "first_name",
        "last_name",
        "phone_number",
        "address",
    ]
)
_INT_FIELDS: Final = frozenset(
    [
        "chat_id",
        "from_chat_id",
        "message_id",
        "user_id",
        "message_thread_id",
        "direct_messages_topic_id",
        "reply_to_message_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "until_date",
        "duration",
        "width",
        "height",
        "max_connections",
        "live_period",
        "heading",
        "proximity_alert_radius",
    ]
)
_FLOAT_FIELDS: Final = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_BOOL_FIELDS: Final = frozenset(
    [
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "allow_paid_broadcast",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "is_personal",
        "revoke_messages",
    ]
)
_INT_RE: Final = re.compile(r"-?\d+")


def _coerce(key: str, value: Any) -> Any:
    """Decode one form field the way the Bot API does (JSON objects, numbers, booleans)."""
    if not isinstance(value, str):
        return value
    if key in _JSON_FIELDS or (value[:1] in ("[", "{") and key not in _STRING_FIELDS):
        try:
            return json.loads(value)
        except ValueError as exc:
            if key in _JSON_FIELDS:
                raise _bad_request(f"can't parse {key} JSON object") from exc
            return value
    if key in _INT_FIELDS and _INT_RE.fullmatch(value.strip()):
        return int(value)
    if key in _FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return value
    if key in _BOOL_FIELDS:
        return value.strip().lower() in ("true", "1")
    return value


# --------------------------------------------------------------------------------------------
# The fake world: documents, messages, chats, users
# --------------------------------------------------------------------------------------------


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
    def reply_keyboard(self) -> list[list[str]]:
        """Texts of a reply (non-inline) keyboard attached to the message, if any."""
        rows = (self.reply_markup or {}).get("keyboard")
        if not isinstance(rows, list):
            return []
        return [[b.get("text", "") if isinstance(b, dict) else str(b) for b in row] for row in rows]

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
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
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
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title is not None:
            data["title"] = self.title
        if self.username is not None:
            data["username"] = self.username
        if self.first_name is not None:
            data["first_name"] = self.first_name
        return data

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


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    remaining: int


class _SlidingWindow:
    """At most ``capacity`` events in any ``window`` seconds."""

    def __init__(self, capacity: int, window: float) -> None:
        self.capacity = max(1, capacity)
        self.window = window
        self._times: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()
        if len(self._times) < self.capacity:
            return 0.0
        return self._times[0] + self.window - now

    def add(self, now: float) -> None:
        self._times.append(now)


def _rate_window(rate: float) -> _SlidingWindow:
    if rate <= 0:
        raise ValueError("rates must be positive")
    window = max(1.0, 1.0 / rate)
    return _SlidingWindow(capacity=round(rate * window), window=window)


class FakeUser:
    """A simulated Telegram user. Their private chat with the bot has ``id == user id``."""

    def __init__(
        self,
        emulator: BotAPIEmulator,
        user_id: int,
        *,
        language_code: str | None = "en",
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
    ) -> None:
        self._emu = emulator
        self.id = user_id
        self.language_code = language_code
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.last_callback_id: str | None = None

    def __repr__(self) -> str:
        return f"<FakeUser {self.id} {self.first_name!r} lang={self.language_code!r}>"

    @property
    def chat_id(self) -> int:
        return self.id

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data

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
        document = self._emu._store_file(content, file_name, mime_type, folder="documents")
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
        return self._emu._push_update("edited_message", payload)

    async def send_photo(self, content: bytes, *, width: int = 1280, height: int = 960) -> int:
        """Send a photo (as Telegram does: several sizes of one picture; here one size). Returns update_id."""
        stored = self._emu._store_file(content, "photo.jpg", "image/jpeg", folder="photos")
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
        n = self._emu._take_file_number()
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


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------

_Handler = Callable[[dict[str, Any]], Awaitable[Any]]
_DEFAULT_SCOPE: Final = {"type": "default"}
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
_NOT_DEFAULT_UPDATES: Final = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class BotAPIEmulator:
    """An in-process fake Telegram Bot API server (see the module docstring)."""

    def __init__(
        self,
        *,
        flood_control: bool = False,
        global_rate: int = 30,
        per_chat_rate: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        bot_id: int = 1000,
        bot_username: str = "gg_visa_test_bot",
        bot_first_name: str = "GG Visa",
    ) -> None:
        self.flood_control = flood_control
        self.global_rate = global_rate
        self.per_chat_rate = per_chat_rate
        self._clock = clock
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.content_types: list[tuple[str, str]] = []  # (method, the request body's media type)
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.names: dict[str, str] = {}

        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, FakeChat] = {}
        self._files: dict[str, FakeDocument] = {}
        self._files_by_path: dict[str, FakeDocument] = {}
        self._file_counter = 0
        self._callback_queries: dict[str, FakeUser] = {}
        self._callback_counter = 0
        self._failures: dict[str, deque[_Failure]] = {}
        self._blocked: set[int] = set()
        self._listeners: list[BotEventListener] = []

        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._last_update_id: int | None = None
        self._confirmed_offset = 0
        self._dropped: set[int] = set()
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._poll_count = 0
        self._last_poll_at: float | None = None

        self.flood_refusals = 0  # 429s answered by flood control
        self.sent_at: list[float] = []  # monotonic time of every message the bot sent (rates in tests)
        self._webhook_url: str | None = None
        self._webhook_secret: str | None = None
        self.webhook_targets: list[str] = []  # a load balancer: round robin over these instead of the URL
        self.webhook_connections = 1
        self.webhook_deliveries: list[tuple[int, str, int]] = []  # (update_id, target, HTTP status or 0)
        self._webhook_tasks: list[asyncio.Task[None]] = []
        self._in_flight: set[int] = set()
        self._delivered: set[int] = set()
        self._round_robin = 0

        self._global_window = _rate_window(float(global_rate))
        self._chat_windows: dict[int, _SlidingWindow] = {}

        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._methods: dict[str, _Handler] = {
            "getme": self._get_me,
            "logout": self._return_true,
            "close": self._return_true,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setmydescription": self._set_my_description,
            "getmydescription": self._get_my_description,
            "setmyshortdescription": self._set_my_short_description,
            "getmyshortdescription": self._get_my_short_description,
            "setmyname": self._set_my_name,
            "getmyname": self._get_my_name,
            "senddocument": self._send_document,
            "getfile": self._get_file,
            "sendchataction": self._send_chat_action,
        }

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving; returns the base URL (``http://host:port``)."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        self._changed = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 10 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=1.0,
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        self._base_url = f"http://{host}:{bound_port}"
        return self._base_url

    async def stop(self) -> None:
        """Stop serving; pending long polls return immediately."""
        self._closing = True
        self._notify()
        for task in self._webhook_tasks:
            task.cancel()
        for task in self._webhook_tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._webhook_tasks = []
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the emulator is not started; await emu.start() first")
        return self._base_url

    # -- simulated people and chats -----------------------------------------------------------

    def user(
        self,
        user_id: int,
        language_code: str | None = "en",
        first_name: str = "Test",
        username: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        """The simulated user with this id (created on first call; later calls return it)."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        created = FakeUser(
            self,
            user_id,
            language_code=language_code,
            first_name=first_name,
            last_name=last_name,
            username=username,
        )
        self._users[user_id] = created
        return created

    @property
    def users(self) -> list[FakeUser]:
        return list(self._users.values())

    def chat(self, chat_id: int) -> FakeChat | None:
        return self._chats.get(chat_id)

    def chat_messages(self, chat_id: int) -> list[FakeMessage]:
        """The bot's messages in a chat, in send order (deleted ones included, flagged)."""
        chat = self._chats.get(chat_id)
        return chat.bot_messages if chat is not None else []

    def add_listener(self, listener: BotEventListener) -> None:
        """Call ``listener(event)`` whenever the bot sends/edits/deletes/answers something."""
        self._listeners.append(listener)

    def remove_listener(self, listener: BotEventListener) -> None:
        self._listeners.remove(listener)

    # -- fault injection and inspection -------------------------------------------------------

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with this error.

        For ``error_code == 429`` the response carries ``parameters.retry_after`` (default 1).
        """
        if error_code == 429 and retry_after is None:
            retry_after = 1
        failure = _Failure(error_code, description, retry_after, times)
        self._failures.setdefault(method.lower(), deque()).append(failure)

    def block_user(self, user_id: int) -> None:
        """Every send to this chat now fails with 403 "Forbidden: bot was blocked by the user"."""
        self._blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Decoded parameters of every call of ``method`` (case-insensitive), in order."""
        wanted = method.lower()
        return [params for name, params in self.requests if name.lower() == wanted]

    def get_commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        return list(self.commands.get((_scope_key(scope), language_code), []))

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot."""
        return list(self._updates)

    @property
    def last_update_id(self) -> int | None:
        return self._last_update_id

    # -- synchronisation ----------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float, describe: Callable[[], str]) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(describe())
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def is_processed(self, update_id: int) -> bool:
        return update_id < self._confirmed_offset or update_id in self._dropped or update_id in self._delivered

    async def wait_processed(self, update_id: int | None = None, timeout: float = 10.0) -> None:
        """Wait until the bot polled with an offset above ``update_id`` (default: the last one).

        With ``start_polling(..., handle_as_tasks=False)`` that means the bot has finished
        handling the update.
        """
        target = self._last_update_id if update_id is None else update_id
        if target is None:
            return

        def describe() -> str:
            if self._last_poll_at is None:
                polling = "the bot never called getUpdates (is the dispatcher polling?)"
            else:
                ago = time.monotonic() - self._last_poll_at
                polling = f"last getUpdates call {ago:.1f}s ago"
            pending = [u["update_id"] for u in self._updates]
            return (
                f"update {target} was not processed within {timeout}s: {polling}; "
                f"confirmed offset {self._confirmed_offset}; pending updates {pending}. "
                "Poll with dp.start_polling(bot, handle_as_tasks=False) so that handling "
                "finishes before the next getUpdates."
            )

        await self._wait_until(lambda: self.is_processed(target), timeout, describe)

    async def wait_polling(self, timeout: float = 10.0) -> None:
        """Wait until the bot has called getUpdates at least once."""
        await self._wait_until(
            lambda: self._poll_count > 0,
            timeout,
            lambda: f"the bot did not call getUpdates within {timeout}s",
        )

    # -- internals used by FakeUser -----------------------------------------------------------

    def _take_file_number(self) -> int:
        self._file_counter += 1
        return self._file_counter

    def _store_file(self, content: bytes, file_name: str, mime_type: str, *, folder: str) -> FakeDocument:
        n = self._take_file_number()
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
        self._files[document.file_id] = document
        self._files_by_path[document.file_path] = document
        return document

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
        return self._push_update("message", message.to_api())

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
        return self._push_update("callback_query", payload)

    def inject(self, update: dict[str, Any]) -> int:
        """Queues a raw update as given (e.g. a channel post, or one repeated with its update_id,
        as Telegram may after a timeout). Without an update_id it gets the next one."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        self._updates.append(update)
        self._last_update_id = int(update["update_id"])
        self._notify()
        return int(update["update_id"])

    def _push_update(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, kind: payload})
        self._last_update_id = update_id
        self._notify()
        return update_id

    def _emit(self, event: BotEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("emulator listener %r failed", listener)

    # -- HTTP layer ---------------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            body = await request.read()
            if body.strip():
                try:
                    data = json.loads(body)
                except ValueError as exc:
                    raise _bad_request("can't parse JSON request body") from exc
                if not isinstance(data, dict):
                    raise _bad_request("JSON object expected as the request body")
                raw.update(data)
        elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        filename=value.filename,
                        content=value.file.read(),
                        content_type=value.content_type,
                    )
                else:
                    raw[key] = value
        params = {key: _coerce(key, value) for key, value in raw.items()}
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                attached = files.pop(value[len("attach://") :], None)
                if attached is not None:
                    params[key] = attached
        params.update(files)  # files sent directly under the parameter name
        return params

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.content_types.append((method, request.content_type))
        try:
            params = await self._read_params(request)
        except web.HTTPRequestEntityTooLarge:
            return _error_response(APIError(413, "Request Entity Too Large"))
        except APIError as exc:
            self.requests.append((method, {}))
            return _error_response(exc)
        self.requests.append((method, params))
        try:
            self._maybe_fail(method)
            handler = self._methods.get(method.lower())
            if handler is None:
                raise APIError(404, "Not Found: method not found")
            result = await handler(params)
        except APIError as exc:
            return _error_response(exc)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        document = self._files_by_path.get(request.match_info["path"])
        if document is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=document.content, content_type="application/octet-stream")

    def _maybe_fail(self, method: str) -> None:
        queue = self._failures.get(method.lower())
        if not queue:
            return
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
        raise APIError(failure.error_code, failure.description, parameters)

    # -- shared checks --------------------------------------------------------------------------

    def _target_chat(self, params: dict[str, Any], *, check_blocked: bool = True) -> FakeChat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            if chat_id.startswith("@"):
                for candidate in self._chats.values():
                    if candidate.username and f"@{candidate.username}".lower() == chat_id.lower():
                        chat_id = candidate.id
                        break
            if isinstance(chat_id, str):
                raise _bad_request("chat not found")
        if check_blocked and chat_id in self._blocked:
            raise APIError(403, _BLOCKED)
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _bad_request("chat not found")
        return chat

    def _check_flood(self, chat_id: int) -> None:
        if not self.flood_control:
            return
        now = self._clock()
        chat_window = self._chat_windows.get(chat_id)
        if chat_window is None:
            chat_window = self._chat_windows[chat_id] = _rate_window(self.per_chat_rate)
        wait = max(self._global_window.wait_time(now), chat_window.wait_time(now))
        if wait > 0:
            self.flood_refusals += 1
            retry_after = max(1, math.ceil(wait))
            raise APIError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        self._global_window.add(now)
        chat_window.add(now)

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
            raise _bad_request("message to be replied not found")
        return target if target is not None and not target.deleted else None

    def _editable_message(self, params: dict[str, Any]) -> FakeMessage:
        if params.get("inline_message_id"):
            raise _bad_request("MESSAGE_ID_INVALID (inline messages are not emulated)")
        chat = self._target_chat(params)
        message = chat.find(params.get("message_id"))
        if message is None or message.deleted:
            raise _bad_request("message to edit not found")
        if not message.from_bot:
            raise _bad_request("message can't be edited")
        return message

    def _new_bot_message(self, chat: FakeChat, params: dict[str, Any], markup: dict[str, Any] | None) -> FakeMessage:
        """Validate the reply target, apply flood control, then allocate the message."""
        reply_to = self._reply_target(chat, params)
        self._check_flood(chat.id)
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
        self.sent_at.append(message.received_at)
        chat.messages.append(message)
        self._notify()
        self._emit(BotEvent("sent", chat.id, message))
        return message.to_api()

    # -- methods: bot, polling ----------------------------------------------------------------

    async def _return_true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        if not url:
            return await self._delete_webhook(params)
        if not str(url).startswith(("http://", "https://")):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad_request("bad webhook: secret token contains unallowed characters")
        self._webhook_url, self._webhook_secret = str(url), secret
        if params.get("drop_pending_updates"):
            self._dropped.update(u["update_id"] for u in self._updates)
            self._updates.clear()
        self._poll_generation += 1  # a long poll in progress ends with 409
        self._notify()
        self._webhook_tasks = [t for t in self._webhook_tasks if not t.done()]
        while len(self._webhook_tasks) < self.webhook_connections:
            self._webhook_tasks.append(asyncio.create_task(self._deliver_webhooks()))
        return True

    async def _deliver_webhooks(self) -> None:
        """Like Telegram: POST each update to the webhook until it answers 2xx."""
        async with aiohttp.ClientSession() as http:
            while not self._closing and self._webhook_url:
                update = next((u for u in self._deliverable(100) if u["update_id"] not in self._in_flight), None)
                if update is None:
                    changed = self._changed
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), 0.5)
                    continue
                update_id = update["update_id"]
                self._in_flight.add(update_id)
                targets = self.webhook_targets or [self._webhook_url]
                target = targets[self._round_robin % len(targets)]
                self._round_robin += 1
                headers = {"X-Telegram-Bot-Api-Secret-Token": self._webhook_secret} if self._webhook_secret else {}
                try:
                    async with http.post(
                        target, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=60)
                    ) as response:
                        status = response.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0
                self.webhook_deliveries.append((update_id, target, status))
                self._in_flight.discard(update_id)
                if 200 <= status < 300:
                    self._delivered.add(update_id)
                    self._updates = [u for u in self._updates if u["update_id"] != update_id]
                    self._notify()
                else:
                    await asyncio.sleep(0.2)  # retried later, as Telegram does

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self._webhook_url = self._webhook_secret = None
        if params.get("drop_pending_updates"):
            self._dropped.update(u["update_id"] for u in self._updates)
            self._updates.clear()
            self._notify()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self._webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._confirmed_offset = max(self._confirmed_offset, offset)
        elif offset < 0:
            keep = -offset
            forgotten = self._updates[:-keep] if keep < len(self._updates) else []
            self._dropped.update(u["update_id"] for u in forgotten)
            self._updates = self._updates[len(forgotten) :]

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = set(self._allowed_updates or ())
        kept: list[dict[str, Any]] = []
        for update in self._updates:
            kind = next(key for key in update if key != "update_id")
            wanted = kind in allowed if allowed else kind not in _NOT_DEFAULT_UPDATES
            if wanted:
                kept.append(update)
            else:
                self._dropped.add(update["update_id"])  # Telegram never delivers it
        if len(kept) != len(self._updates):
            self._updates = kept
            self._notify()
        return kept[:limit]

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        limit = params.get("limit", 100)
        timeout = params.get("timeout", 0)
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = max(timeout, 0) if isinstance(timeout, int | float) else 0
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = list(allowed) if isinstance(allowed, list) else None
        if self._webhook_url:
            raise APIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._poll_count += 1
        self._last_poll_at = time.monotonic()
        if isinstance(offset, int):
            self._confirm(offset)
        self._notify()  # wakes wait_processed and terminates an older long poll
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise APIError(409, _CONFLICT)
            batch = self._deliverable(limit)
            if batch or self._closing:
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                return []

    # -- methods: messages ----------------------------------------------------------------------

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        parsed = _parse_formatted(
            params.get("text"), params.get("parse_mode"), params.get("entities"), field_name="text"
        )
        _check_text(parsed)
        markup = _check_reply_markup(params.get("reply_markup"))
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
        parsed = _parse_formatted(
            caption, params.get("parse_mode"), params.get("caption_entities"), field_name="caption"
        )
        _check_caption(parsed)
        markup = _check_reply_markup(params.get("reply_markup"))
        if isinstance(source, UploadedFile):
            if len(source.content) > MAX_UPLOAD_BYTES:
                raise APIError(413, "Request Entity Too Large")
            file_name = source.filename or "document"
            mime = mimetypes.guess_type(file_name)[0] or source.content_type or "application/octet-stream"
            new_file: tuple[bytes, str, str] | FakeDocument = (source.content, file_name, mime)
        elif isinstance(source, str) and source in self._files:
            new_file = self._files[source]
        elif isinstance(source, str) and source.startswith(("http://", "https://")):
            file_name = urlsplit(source).path.rsplit("/", 1)[-1] or "document"
            mime = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
            new_file = (b"", file_name, mime)
        elif source is None or source == "":
            raise _bad_request("there is no document in the request")
        else:
            raise _bad_request("wrong file identifier/HTTP URL specified")
        message = self._new_bot_message(chat, params, markup)
        if isinstance(new_file, FakeDocument):
            document = replace(new_file)
        else:
            document = self._store_file(*new_file, folder="documents")
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
        document = self._files.get(str(params.get("file_id", "")))
        if document is None:
            raise _bad_request("invalid file_id")
        if document.file_size > MAX_DOWNLOAD_BYTES:
            raise _bad_request("file is too big")
        return {
            "file_id": document.file_id,
            "file_unique_id": document.file_unique_id,
            "file_size": document.file_size,
            "file_path": document.file_path,
        }

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable_message(params)
        if message.plain_text is None:
            raise _bad_request("there is no text in the message to edit")
        parsed = _parse_formatted(
            params.get("text"), params.get("parse_mode"), params.get("entities"), field_name="text"
        )
        _check_text(parsed)
        markup = _check_reply_markup(params.get("reply_markup"), inline_only=True)
        if parsed.text == message.plain_text and parsed.entities == message.entities and markup == message.reply_markup:
            raise _bad_request(_NOT_MODIFIED)
        message.edit_history.append(message.snapshot())
        message.text = str(params.get("text"))
        message.plain_text = parsed.text
        message.entities = parsed.entities
        message.parse_mode = params.get("parse_mode") or None
        message.reply_markup = markup
        return self._record_edit(message)

    async def _edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable_message(params)
        if message.plain_text is not None:
            raise _bad_request("there is no caption in the message to edit")
        caption = params.get("caption")
        parsed = _parse_formatted(
            caption, params.get("parse_mode"), params.get("caption_entities"), field_name="caption"
        )
        _check_caption(parsed)
        markup = _check_reply_markup(params.get("reply_markup"), inline_only=True)
        if (
            (parsed.text or None) == message.plain_caption
            and parsed.entities == message.caption_entities
            and markup == message.reply_markup
        ):
            raise _bad_request(_NOT_MODIFIED)
        message.edit_history.append(message.snapshot())
        message.caption = caption if isinstance(caption, str) else None
        message.plain_caption = parsed.text or None
        message.caption_entities = parsed.entities
        message.parse_mode = params.get("parse_mode") or None
        message.reply_markup = markup
        if message.document is not None:
            message.document.caption = message.caption
        return self._record_edit(message)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable_message(params)
        markup = _check_reply_markup(params.get("reply_markup"), inline_only=True)
        if markup == message.reply_markup or (not markup and not message.inline_keyboard):
            raise _bad_request(_NOT_MODIFIED)
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
            raise _bad_request("message to delete not found")
        message.deleted = True
        self._notify()
        self._emit(BotEvent("deleted", chat.id, message))
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        user = self._callback_queries.get(query_id)
        if user is None:
            raise _bad_request(_QUERY_TOO_OLD)
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        user.callback_answers[query_id] = answer
        self._notify()
        self._emit(BotEvent("callback_answer", user.id, None, answer))
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        chat = self._target_chat(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        chat.actions.append(str(action))
        self._emit(BotEvent("chat_action", chat.id, None, {"action": action}))
        return True

    # -- methods: commands and descriptions -----------------------------------------------------

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _bad_request("too many commands")
        cleaned: list[dict[str, Any]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad_request("command description must be 1-256 characters long")
            cleaned.append({"command": name, "description": description})
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        return list(self.commands.get(key, []))

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self.commands.pop(key, None)
        return True

    @staticmethod
    def _set_localized(store: dict[str, str], params: dict[str, Any], field_name: str, limit: int) -> bool:
        value = params.get(field_name) or ""
        if not isinstance(value, str):
            raise _bad_request(f"{field_name} must be a string")
        if len(value) > limit:
            raise _bad_request(f"{field_name} is too long (at most {limit} characters)")
        language = str(params.get("language_code") or "")
        if value:
            store[language] = value
        else:
            store.pop(language, None)
        return True

    @staticmethod
    def _get_localized(store: dict[str, str], params: dict[str, Any]) -> str:
        language = str(params.get("language_code") or "")
        return store.get(language) or store.get("", "")

    async def _set_my_description(self, params: dict[str, Any]) -> bool:
        return self._set_localized(self.descriptions, params, "description", 512)

    async def _get_my_description(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"description": self._get_localized(self.descriptions, params)}

    async def _set_my_short_description(self, params: dict[str, Any]) -> bool:
        return self._set_localized(self.short_descriptions, params, "short_description", 120)

    async def _get_my_short_description(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"short_description": self._get_localized(self.short_descriptions, params)}

    async def _set_my_name(self, params: dict[str, Any]) -> bool:
        return self._set_localized(self.names, params, "name", 64)

    async def _get_my_name(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"name": self._get_localized(self.names, params) or self.bot_user["first_name"]}


def _scope_key(scope: Any) -> str:
    return json.dumps(scope if isinstance(scope, dict) else _DEFAULT_SCOPE, sort_keys=True)


def _error_response(error: APIError) -> web.Response:
    status = error.error_code if 400 <= error.error_code <= 599 else 400
    return web.json_response(error.to_api(), status=status)
