"""Catalog maintenance and checks (used by `make i18n-update` and the test suite).

English is the source language: its catalog is the template with every msgstr equal to its
msgid, regenerated on each update so it can never fall behind.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LOCALES_DIR

PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


def po_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(locale: str) -> Catalog:
    with po_path(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


def template() -> Catalog:
    with (LOCALES_DIR / f"{DOMAIN}.pot").open("rb") as fh:
        return read_po(fh)


def fill_english() -> None:
    """Writes locales/en from the template: msgstr = msgid (plural: singular, plural)."""
    pot = template()
    en = Catalog(locale="en", domain=DOMAIN, project="gyeonggi-visa-assistant")
    for msg in pot:
        if not msg.id:
            continue
        string = msg.id if isinstance(msg.id, str) else tuple(msg.id)
        en.add(msg.id, string, auto_comments=msg.auto_comments, flags=msg.flags - {"fuzzy"})
    with po_path("en").open("wb") as fh:
        write_po(fh, en, width=0, omit_header=False, no_location=True, sort_output=True)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


if __name__ == "__main__":
    if sys.argv[1:] == ["fill-english"]:
        fill_english()
    else:
        raise SystemExit("usage: python -m bot.catalogs fill-english")
