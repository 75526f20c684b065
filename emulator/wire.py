"""Decoding a Bot API request: query, JSON body or form, with form fields coerced as the Bot API does."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

from aiohttp import web

from emulator.errors import bad_request


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
                raise bad_request(f"can't parse {key} JSON object") from exc
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


async def read_params(request: web.Request) -> dict[str, Any]:
    """A method call's parameters from the query, a JSON body or a form; files under attach:// names resolved."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        body = await request.read()
        if body.strip():
            try:
                data = json.loads(body)
            except ValueError as exc:
                raise bad_request("can't parse JSON request body") from exc
            if not isinstance(data, dict):
                raise bad_request("JSON object expected as the request body")
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
