"""Nationality: matching what a person types to an ISO country code, in any supported language."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pycountry
from babel import Locale

# Locales whose CLDR country names are accepted as input (the catalogs' languages plus English).
NAME_LOCALES = ("en", "ko", "zh_Hans", "vi", "ru", "uz", "ne", "th", "km", "id", "mn", "fil")

# Nationalities offered as buttons: the largest groups among foreign residents (program-facts §11).
COMMON = ("CN", "VN", "UZ", "NP", "PH", "ID", "TH", "KH", "MN", "IN", "RU", "US")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN" or ch == " ")
    return re.sub(r"\s+", " ", text).strip()


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for c in pycountry.countries:
        code = c.alpha_2
        names = [c.alpha_2, c.alpha_3, c.name, getattr(c, "official_name", ""), getattr(c, "common_name", "")]
        for loc in NAME_LOCALES:
            name = Locale.parse(loc).territories.get(code)
            if name:
                names.append(name)
        for name in names:
            if name:
                index.setdefault(_norm(name), code)
    return index


def find_country(text: str) -> str | None:
    """The ISO alpha-2 code for a typed country name or code, or None if nothing matches."""
    key = _norm(text)
    if not key:
        return None
    index = _index()
    if key in index:
        return index[key]
    if len(key) >= 4:  # "Viet Nam" vs "Vietnam", "Russian" vs "Russia": unique prefix match
        hits = {code for name, code in index.items() if name.replace(" ", "").startswith(key.replace(" ", ""))}
        if len(hits) == 1:
            return hits.pop()
    return None
