"""Telegram's HTML parse mode, parsed strictly: markup in, the visible text and its entities out.

:func:`parse_html` raises :class:`EntityParseError` for markup Telegram would refuse. It rejects a
bare ``&`` (and named entities other than lt/gt/amp/quot) in text, as the Bot API documentation
requires; Telegram itself lets a bare ``&`` through. In attribute values (``href``) a bare ``&`` is
accepted, as Telegram does. Entity offsets and lengths are in UTF-16 code units (:func:`utf16_len`).
What a request's text must be besides (parse modes, length limits, keyboards) is in
:mod:`emulator.limits`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final


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
