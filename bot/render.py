"""Screens to Telegram messages: HTML text split within Telegram's limits, and inline keyboards."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from aiogram.types import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import MAX_CALLBACK_BYTES, ActionCB, AnswerCB, NavCB
from bot.i18n import Translator
from dialogs import budgets
from dialogs.screens import Action, Copy, Option, Screen
from knowledge.text import Message, Name, Text, Verbatim

MAX_TEXT = 4096  # Telegram's limit on a message's text, after entity parsing
_DOC_BUTTONS = tuple(f"{NavCB.__prefix__}{NavCB.__separator__}{act}{NavCB.__separator__}" for act in ("doc", "rmdoc"))


def _split(blocks: list[str], limit: int = MAX_TEXT) -> list[str]:
    """Joins blocks with blank lines into as few messages as fit; a block too long alone is cut
    at line ends (tags in this project never span lines, so HTML stays balanced; a folded block's
    quote does, and stays within budgets.UNFOLDED, so it is never cut)."""
    pieces = (piece for block in blocks for piece in ([block] if len(block) <= limit else _cut_lines(block, limit)))
    return _pack(pieces, "\n\n", limit)


def _cut_lines(block: str, limit: int) -> list[str]:
    lines = (piece for line in block.split("\n") for piece in _cut_hard(line, limit))
    return _pack(lines, "\n", limit)


# A tag or an escaped character (&lt; &amp; &#39;) is one piece: a cut inside "&lt;" made Telegram
# refuse the message ("can't parse entities"), and a question full of "<" locked staff out of it.
_ATOM = re.compile(r"<[^>]*>|&#?\w+;|.", re.S)


_TAG_NAME = re.compile(r"</?\s*([A-Za-z-]+)")


def _closing(opened: list[str]) -> str:
    return "".join(f"</{name.group(1)}>" for tag in reversed(opened) if (name := _TAG_NAME.match(tag)))


def _cut_hard(line: str, limit: int) -> list[str]:
    """A line longer than a message, cut into pieces of at most ``limit`` between atoms; a tag open
    at a cut (a folded question's <blockquote expandable>) is closed there and opened again in
    the next piece, so each piece is valid HTML on its own."""
    if len(line) <= limit:
        return [line]
    out: list[str] = []
    current, opened = "", list[str]()
    for atom in _ATOM.findall(line):
        after = opened[:-1] if atom.startswith("</") else [*opened, atom] if atom.startswith("<") else opened
        if current and len(current) + len(atom) + len(_closing(after)) > limit:
            out.append(current + _closing(opened))
            current = "".join(opened)
        current += atom
        opened = after
    out.append(current)
    return out


def _pack(pieces: Iterable[str], sep: str, limit: int) -> list[str]:
    """The pieces (none longer than ``limit``), in order, joined by ``sep`` into as few strings of at
    most ``limit`` characters as fit."""
    out: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{sep}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            out.append(current)
            current = piece
    if current:
        out.append(current)
    return out


_TAG = re.compile(r"<[^>]+>")
_FOLD = re.compile(r"<blockquote expandable>(.*?)</blockquote>", re.S)


def _plain_length(html_text: str) -> int:
    return len(html.unescape(_TAG.sub("", html_text)))


def phone_lengths(html_text: str) -> tuple[int, int]:
    """What a phone shows of a message before anything is tapped (a folded quote as its first
    budgets.FOLDED_SHOWN characters), and the whole message unfolded."""
    folded = [_plain_length(m.group(1)) for m in _FOLD.finditer(html_text)]
    whole = _plain_length(html_text)
    return whole - sum(n - min(n, budgets.FOLDED_SHOWN) for n in folded), whole


def _on_phones(blocks: list[str]) -> list[str]:
    """Blocks into as few messages as fit dialogs/budgets.py's phone budgets (shown, unfolded) and
    Telegram's limit: a screen longer than a phone's goes on in a next message, never cut mid-block
    (a block over budget alone is a message of its own; tests/test_budgets.py finds those)."""
    out: list[str] = []
    current, shown, whole = "", 0, 0
    for block in (piece for b in blocks for piece in ([b] if len(b) <= MAX_TEXT else _cut_lines(b, MAX_TEXT))):
        b_shown, b_whole = phone_lengths(block)
        if current and (
            len(current) + 2 + len(block) > MAX_TEXT
            or shown + 2 + b_shown > budgets.MESSAGE
            or whole + 2 + b_whole > budgets.UNFOLDED
        ):
            out.append(current)
            current, shown, whole = "", 0, 0
        current = f"{current}\n\n{block}" if current else block
        shown, whole = (shown + 2 + b_shown, whole + 2 + b_whole) if shown or whole else (b_shown, b_whole)
    if current:
        out.append(current)
    return out


def keyboard(screen: Screen, tr: Translator) -> InlineKeyboardMarkup | None:
    """The screen's buttons. A question's keyboard is the same for everyone who reads it in one
    language, and aiogram's keyboards are immutable: built once (each button a pydantic object
    with its callback data packed by another: 100 µs for 14 buttons)."""
    at = screen.question or screen.key.partition(":")[0]
    try:
        return _keyboard(screen.question, at, screen.options, screen.actions, screen.columns, tr, screen.copies)
    except TypeError:  # a label with a parameter that cannot be hashed
        args = (screen.question, at, screen.options, screen.actions, screen.columns, tr, screen.copies)
        return _keyboard.__wrapped__(*args)


@lru_cache(maxsize=512)  # the questions' keyboards in every language fit many times over
def _keyboard(
    question: str | None,
    at: str,
    options: tuple[Option, ...],
    actions: tuple[Action, ...],
    columns: int,
    tr: Translator,
    copies: tuple[Copy, ...] = (),
) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    for copy in copies:  # two to a row: "📋 Name", "📋 Date of birth"
        button = InlineKeyboardButton(
            text=tr.render(copy.label, html_mode=False), copy_text=CopyTextButton(text=copy.text[:256])
        )
        if rows and len(rows[-1]) < 2 and rows[-1][0].copy_text is not None:
            rows[-1].append(button)
        else:
            rows.append([button])
    for opt in options:
        data = AnswerCB(q=question or "", v=opt.value).pack()
        button = InlineKeyboardButton(text=tr.render(opt.label, html_mode=False), callback_data=data)
        if row and not _fits([*row, button], columns):
            rows.append(row)
            row = []
        row.append(button)
    if row:
        rows.append(row)
    nav: list[InlineKeyboardButton] = []
    for action in actions:
        name, _, arg = action.name.partition(":")
        data = NavCB(act=name, at=at, arg=arg).pack()
        button = InlineKeyboardButton(text=label(action.label, tr), callback_data=data)
        if name in ("back", "restart"):
            nav.append(button)  # Back and Start over share the last row
        elif (
            name == "rmdoc"
            and rows
            and str(rows[-1][0].callback_data).startswith(_DOC_BUTTONS)
            and _fits([*rows[-1], button], 2)
        ):
            rows[-1].append(button)  # a document's Remove beside its own button where both show whole
        else:
            rows.append([button])
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def label(message: Message, tr: Translator, alone: int = budgets.LABEL[1]) -> str:
    """A button's label. Where a name (knowledge.text.Name) makes it wider than a row of one holds,
    the name is shortened at a word boundary to the room the rest of the label leaves."""
    text = tr.render(message, html_mode=False)
    if budgets.label_width(text) <= alone or not isinstance(message, Text):
        return text
    names = {k: v for k, v in message.params.items() if isinstance(v, Name)}
    if not names:
        return text
    bare = replace(message, params={**message.params, **{k: Verbatim("") for k in names}})
    room = max(alone - budgets.label_width(tr.render(bare, html_mode=False)), 0) // len(names)
    fitted = {k: Verbatim(budgets.fit_name(v.value, room)) for k, v in names.items()}
    return tr.render(replace(message, params={**message.params, **fitted}), html_mode=False)


def _fits(row: list[InlineKeyboardButton], columns: int) -> bool:
    """Whether these buttons share a row: at most ``columns``, each label whole at that many a row
    (dialogs/budgets.py); a longer label takes a row with fewer, or its own."""
    return len(row) <= columns and all(budgets.label_width(b.text) <= budgets.label_budget(len(row)) for b in row)


def action_keyboard(screen: Screen, tr: Translator, cb: type[ActionCB]) -> InlineKeyboardMarkup | None:
    """Staff, employer and sharing screens name their actions "act:id:arg" (dialogs/staff.py, employer.py)."""
    rows: list[list[InlineKeyboardButton]] = []
    for action in screen.actions:
        act, ident, arg = [*action.name.split(":", 2), "", ""][:3]
        data = cb(act=act, id=int(ident or 0), arg=arg).pack()
        assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
        button = InlineKeyboardButton(text=label(action.label, tr), callback_data=data)
        if rows and act == "opt" and _fits([*rows[-1], button], screen.columns):
            rows[-1].append(button)
        else:
            rows.append([button])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def render(
    screen: Screen, tr: Translator, notice: Message | None = None, *, actions: type[ActionCB] | None = None
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages for a screen; the keyboard goes with the last one."""
    blocks = [tr.render(b) for b in screen.body]
    if notice is not None:
        blocks.insert(0, f"<i>{tr.render(notice)}</i>")
    # the checklist and the filing pack: a section a message, each within its budget (HTML is
    # longer than the text shown, so the text is within it too)
    chunks = _split(blocks, budgets.SECTION) if budgets.is_long(screen.key) else _on_phones(blocks)
    markup = action_keyboard(screen, tr, actions) if actions else keyboard(screen, tr)
    return [(text, markup if i == len(chunks) - 1 else None) for i, text in enumerate(chunks)]
