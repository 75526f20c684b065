"""What the Bot API accepts in a message: its text or caption as sent, their lengths, its keyboard.

:func:`parse_formatted` turns a text or caption parameter into what the recipient sees (HTML parse
mode via :mod:`emulator.html`, or explicit entities), trimmed as Telegram trims it; ``check_*``
answer 400 for what Telegram would reject. Validation follows the Bot API 10.1 limits (text 1-4096
characters after entity parsing, captions up to 1024, callback_data 1-64 bytes), so a message
Telegram would reject fails here too. Lengths count code points. Markdown / MarkdownV2 parse modes
are refused with a clear 400 rather than half-emulated.
"""

from __future__ import annotations

from typing import Any, Final

from emulator.errors import bad_request
from emulator.html import EntityParseError, ParsedText, parse_html, utf16_len

MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_CALLBACK_ANSWER_LENGTH: Final = 200
MAX_BUTTONS_PER_ROW: Final = 8
MAX_BUTTONS_TOTAL: Final = 100
MAX_COMMANDS: Final = 100
MAX_DOWNLOAD_BYTES: Final = 20 * 1024 * 1024
MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024


# --------------------------------------------------------------------------------------------
# Text and captions
# --------------------------------------------------------------------------------------------


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


def parse_formatted(
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
            raise bad_request(f"can't parse entities: {exc}") from exc
    elif mode in ("markdown", "markdownv2"):
        raise bad_request(
            f"can't parse entities: parse_mode {parse_mode!r} is not supported by the emulator; use HTML or entities"
        )
    elif mode is not None:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    else:
        given: list[dict[str, Any]] = []
        if entities is not None:
            if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
                raise bad_request(f"can't parse {field_name} entities JSON object")
            total = utf16_len(text)
            for e in entities:
                offset, length = e.get("offset"), e.get("length")
                if not isinstance(offset, int) or not isinstance(length, int) or "type" not in e:
                    raise bad_request(f"can't parse {field_name} entities JSON object")
                if offset < 0 or length <= 0 or offset + length > total:
                    continue  # Telegram silently drops entities outside the text
                given.append(dict(e))
        parsed = ParsedText(text=text, entities=given)
    return _trim(parsed)


def check_text(parsed: ParsedText) -> None:
    if not parsed.text:
        raise bad_request("message text is empty")
    if len(parsed.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")


def check_caption(parsed: ParsedText) -> None:
    if len(parsed.text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")


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


def check_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if inline_only:
            raise bad_request("inline keyboard expected")
        if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    total = 0
    for row in rows:
        if len(row) > MAX_BUTTONS_PER_ROW:
            raise bad_request(f"too many buttons in a row: {len(row)} (at most {MAX_BUTTONS_PER_ROW})")
        total += len(row)
        for button in row:
            _check_inline_button(button)
    if total > MAX_BUTTONS_TOTAL:
        raise bad_request(f"too many inline keyboard buttons: {total} (at most {MAX_BUTTONS_TOTAL})")
    return markup


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: object expected")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("BUTTON_TEXT_EMPTY: inline keyboard button text must be non-empty")
    actions = [key for key in _INLINE_BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not str(button["url"]).strip():
        raise bad_request("BUTTON_URL_INVALID")
