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

from bot.i18n import DOMAIN, LOCALES_DIR, STAFF_DOMAIN

PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


def po_path(locale: str, domain: str = DOMAIN) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


def read(locale: str, domain: str = DOMAIN) -> Catalog:
    with po_path(locale, domain).open("rb") as fh:
        return read_po(fh, locale=locale)


def template(domain: str = DOMAIN) -> Catalog:
    with (LOCALES_DIR / f"{domain}.pot").open("rb") as fh:
        return read_po(fh)


def fill_english(domain: str = DOMAIN) -> None:
    """Writes locales/en from the template: msgstr = msgid (plural: singular, plural)."""
    pot = template(domain)
    en = Catalog(
        locale="en",
        domain=domain,
        project="gyeonggi-visa-assistant",
        last_translator="Gyeonggi Visa Assistant team",
        language_team="English",
        revision_date=pot.creation_date,
    )
    for msg in pot:
        if not msg.id:
            continue
        string = msg.id if isinstance(msg.id, str) else tuple(msg.id)
        en.add(msg.id, string, auto_comments=msg.auto_comments, flags=msg.flags - {"fuzzy"})
    with po_path("en", domain).open("wb") as fh:
        write_po(fh, en, width=0, omit_header=False, no_location=True, sort_output=True)


def strip_percent_flags(path: Path) -> None:
    """Drops the python-format flag Babel guesses from a '%' in the text ("20% of" reads as "% o").

    Our strings use {name} placeholders only; a stale flag would make msgfmt --check fail.
    """
    with path.open("rb") as fh:
        catalog = read_po(fh)
    for msg in catalog:
        msg.flags.discard("python-format")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, no_location=True, sort_output=True, omit_header=path.suffix == ".pot")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


TAG = re.compile(r"</?([a-z-]+)[^>]*>")


def tags(text: str) -> list[str]:
    """The HTML tags in a string, in order (opening and closing)."""
    return [m.group(0).split()[0].rstrip(">") for m in TAG.finditer(text)]


def problems(catalog: Catalog) -> list[str]:
    """Everything wrong with a translated catalog: missing, fuzzy, placeholders or tags changed."""
    out: list[str] = []
    for msg in catalog:
        if not msg.id:
            continue
        ids = [msg.id] if isinstance(msg.id, str) else list(msg.id)
        strings = [msg.string] if isinstance(msg.string, str) else list(msg.string or ())
        label = ids[0][:60]
        if msg.fuzzy:
            out.append(f"fuzzy: {label}")
        if not strings or any(not s for s in strings):
            out.append(f"untranslated: {label}")
            continue
        wanted = placeholders(ids[-1]) | placeholders(ids[0])
        for s in strings:
            if placeholders(s) != wanted and not (len(ids) > 1 and placeholders(s) <= wanted):
                out.append(f"placeholders {sorted(placeholders(s))} != {sorted(wanted)}: {label}")
            if sorted(tags(s)) != sorted(tags(ids[0])):
                out.append(f"tags {tags(s)} != {tags(ids[0])}: {label}")
            if "&" in s or re.search(r"<(?![/a-z])", s):
                out.append(f"bare & or < : {label}")
    return out


if __name__ == "__main__":
    if sys.argv[1:] == ["fill-english"]:
        fill_english()
        fill_english(STAFF_DOMAIN)
    elif sys.argv[1:2] == ["strip-percent-flags"]:
        for name in sys.argv[2:]:
            strip_percent_flags(Path(name))
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        path = Path(sys.argv[2])
        with path.open("rb") as fh:
            found = problems(read_po(fh))
        print("\n".join(found) or f"{path}: OK")
        raise SystemExit(1 if found else 0)
    else:
        raise SystemExit("usage: python -m bot.catalogs fill-english | strip-percent-flags FILE... | check FILE.po")
