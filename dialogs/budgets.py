"""How much one message and one button may hold, so that every screen fits a phone.

Why these numbers: the reader is a foreign worker with basic English on a phone. A phone shows
about 35-40 characters a line and 25-30 lines a screen, so 1,200 characters is about one screen
and a half: the outcome and the next step are read without scrolling, and what follows is short.
The checklist and the filing pack are lists to work through, not read at once: they are sent as
one message per section, each within 2,000. Details (reasons, sources, the nearest pathway) are
folded into an expandable quote, which shows its first lines until tapped: a folded quote counts
as FOLDED_SHOWN characters, and a whole message, unfolded, as no more than UNFOLDED.

Buttons: a phone row is about 32 characters wide; Telegram shortens a longer label with "…",
which cuts words. Emoji, Hangul syllables and Chinese characters are about two characters wide
(label_width)."""

from __future__ import annotations

import unicodedata

MESSAGE = 1_200  # any message, folded quotes folded
SECTION = 2_000  # each message of the checklist and of the filing pack (LONG_SCREENS)
UNFOLDED = 3_500  # any message, its folded quotes opened: one message (Telegram: 4,096) with room to spare
FOLDED_SHOWN = 120  # what a folded quote shows before it is tapped: about three lines
LONG_SCREENS = frozenset({"checklist", "gg24"})  # screen keys (before ":") sent a section a message

# The widest label a row holds, by the buttons in the row.
LABEL = {1: 32, 2: 20, 3: 13}


def is_long(screen_key: str) -> bool:
    """Whether this screen is sent a section a message (bot/render.py)."""
    return screen_key.partition(":")[0] in LONG_SCREENS


def text_budget(screen_key: str) -> int:
    """The visible characters one message of this screen may hold."""
    return SECTION if is_long(screen_key) else MESSAGE


def label_width(label: str) -> int:
    """A button label's width in characters as a phone draws it: an emoji, a Hangul syllable and a
    Chinese character count two; the marks that combine with a letter (Thai, Khmer, Devanagari
    vowels), joiners and variation selectors none."""
    width = 0
    for i, ch in enumerate(label):
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf") or ch == "\ufe0f":
            continue
        wide = unicodedata.east_asian_width(ch) in ("W", "F")  # most emoji, Hangul, Chinese: a square
        emoji = unicodedata.category(ch) == "So" and (ord(ch) >= 0x1F000 or label[i + 1 : i + 2] == "\ufe0f")
        width += 2 if wide or emoji else 1
    return width


def label_budget(buttons_in_row: int) -> int:
    """The widest label a row of this many buttons shows whole."""
    return LABEL.get(buttons_in_row, LABEL[max(LABEL)])


ELLIPSIS = "…"


def fit_name(name: str, room: int) -> str:
    """A company's or a person's name shortened to ``room`` wide, cut at a word boundary with "…"
    (the whole name stays in the message above the button). A first word wider than the room is cut
    inside: a name is never left out."""
    if label_width(name) <= room:
        return name
    words, kept = name.split(), ""
    for word in words:
        longer = f"{kept} {word}" if kept else word
        if label_width(longer + ELLIPSIS) > room:
            break
        kept = longer
    if not kept:  # the first word alone is too wide: as much of it as fits
        for ch in words[0] if words else name:
            if label_width(kept + ch + ELLIPSIS) > room:
                break
            kept += ch
    return kept + ELLIPSIS
