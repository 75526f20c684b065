"""Screens to Telegram messages: HTML text split within Telegram's limits, and inline keyboards."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from aiogram.types import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import Field

from bot.i18n import Translator
from dialogs.screens import Action, Copy, Option, Screen
from knowledge.text import Message

MAX_TEXT = 4096  # Telegram's limit on a message's text, after entity parsing
MAX_CALLBACK_BYTES = 64


class AnswerCB(CallbackData, prefix="a"):
    """An answer button: question key and option value."""

    q: str
    v: str


class NavCB(CallbackData, prefix="n"):
    """A navigation button, with where the person was when it was sent (to spot stale ones)."""

    act: str
    at: str = ""
    arg: str = ""


class LangCB(CallbackData, prefix="l"):
    code: str


# Ids in callback data fit the database's 64-bit integers; forged larger ones do not parse.
DbId = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class ActionCB(CallbackData, prefix="x"):
    """A button of an "act:id:arg" screen. It grants nothing: the handler checks who may do what."""

    act: str
    id: DbId = 0
    arg: str = ""


class StaffCB(ActionCB, prefix="st"):
    """A staff button: the staff router checks the sender's role on every update."""


class EmpCB(ActionCB, prefix="em"):
    """An employer button: the company's access is checked on every update."""


class ShareCB(ActionCB, prefix="sh"):
    """An applicant's sharing button (/share): ownership is checked on every update."""


class TicketCB(ActionCB, prefix="tk"):
    """An applicant's question-to-staff button (bot/services/tickets.py): the ticket's owner is
    checked on every update."""


def _split(blocks: list[str], limit: int = MAX_TEXT) -> list[str]:
    """Joins blocks with blank lines into as few messages as fit; a block too long alone is cut
    at line ends (tags in this project never span lines, so HTML stays balanced)."""
    chunks: list[str] = []
    current = ""
    for block in blocks:
        pieces = [block] if len(block) <= limit else _cut_lines(block, limit)
        for piece in pieces:
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def _cut_lines(block: str, limit: int) -> list[str]:
    out: list[str] = []
    current = ""
    for line in block.split("\n"):
        while len(line) > limit:  # a single line longer than a message: hard cut
            out.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            out.append(current)
            current = line
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
        row.append(InlineKeyboardButton(text=tr.render(opt.label, html_mode=False), callback_data=data))
        if len(row) == columns:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    nav: list[InlineKeyboardButton] = []
    for action in actions:
        name, _, arg = action.name.partition(":")
        data = NavCB(act=name, at=at, arg=arg).pack()
        button = InlineKeyboardButton(text=tr.render(action.label, html_mode=False), callback_data=data)
        if name in ("back", "restart"):
            nav.append(button)  # Back and Start over share the last row
        elif name in ("doc", "rmdoc"):  # short numbered buttons, three to a row
            if rows and len(rows[-1]) < 3 and str(rows[-1][0].callback_data).startswith(("n:doc:", "n:rmdoc:")):
                rows[-1].append(button)
            else:
                rows.append([button])
        else:
            rows.append([button])
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def action_keyboard(screen: Screen, tr: Translator, cb: type[ActionCB]) -> InlineKeyboardMarkup | None:
    """Staff, employer and sharing screens name their actions "act:id:arg" (dialogs/staff.py, employer.py)."""
    rows: list[list[InlineKeyboardButton]] = []
    for action in screen.actions:
        act, ident, arg = [*action.name.split(":", 2), "", ""][:3]
        data = cb(act=act, id=int(ident or 0), arg=arg).pack()
        assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
        button = InlineKeyboardButton(text=tr.render(action.label, html_mode=False), callback_data=data)
        if rows and len(rows[-1]) < screen.columns and act == "opt":
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
    chunks = _split(blocks)
    markup = action_keyboard(screen, tr, actions) if actions else keyboard(screen, tr)
    return [(text, markup if i == len(chunks) - 1 else None) for i, text in enumerate(chunks)]
