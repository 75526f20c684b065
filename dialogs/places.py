"""A workplace typed in any language or romanisation → one of Gyeonggi's 31 cities and counties, or
the place outside Gyeonggi it names (Seoul, Incheon, Gwangju Metropolitan City...), or nothing.

Names and spellings come from gyeonggi.yaml (aliases, districts, elsewhere). Matching forgives case,
spaces and hyphens, administrative words ("-si", "City", 시, 市, "Gyeonggi-do"), and typos (rapidfuzz,
only when one place is clearly the closest)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from dialogs.fuzzy import clearly_closest
from knowledge.loader import derived, load


@dataclass(frozen=True)
class Place:
    """A match: ``city`` is a municipality id in Gyeonggi, or None for a place elsewhere, named by
    ``name`` (the name that matched, with the Korean one)."""

    city: str | None
    name: str
    ko: str


# Words around a name that say what kind of place it is, not which (the key has no spaces, so a
# suffix is only taken off the end and a prefix off the start). Metropolitan words are no such
# thing: 광주광역시 is not 광주시.
_PREFIXES = (
    "gyeonggido",
    "gyeonggi",
    "kyonggido",
    "kyonggi",
    "경기도",
    "경기",
    "京畿道",
    "京畿",
    "кёнгидо",
    "кёнги",
    "thànhphố",
    "thanhpho",
    "huyện",
    "kota",
    "kabupaten",
    "cityof",
    "lungsod ng",
    "kondado ng",
    "город",
    "уезд",
    "อำเภอ",
    "เมือง",
    "ស្រុក",
    "ក្រុង",
)
_SUFFIXES = (
    "city",
    "county",
    "district",
    "si",
    "shi",
    "gun",
    "gu",
    "시",
    "군",
    "구",
    "市",
    "郡",
    "县",
    "縣",
    "区",
    "區",
    "город",
    "сум",
    "хот",
    "shahri",
    "tumani",
    "काउन्टी",
)
_FILLERS = ("do", "도", "province", "southkorea", "korea", "한국", "韩国", "韓國")

_FUZZY_SCORE = 80  # rapidfuzz ratio (0-100) a typo must reach ("suwoon" → suwon: 91, "hwasung" → hwaseong: 93)
_FUZZY_LEAD = 6  # ...and by how much it must beat the nearest other place, else it is no match


def _key(text: str) -> str:
    """Lower case, letters and digits only, accents of Latin letters dropped ("Suwŏn" = "suwon")."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Mn" and out and out[-1].isascii():
            continue
        if cat[0] in "LMN":
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@cache
def _affixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(map(_key, _PREFIXES)), tuple(map(_key, _SUFFIXES))  # NFKC splits Thai ำ, for one


def _bare(key: str) -> str:
    """The key without an administrative prefix or suffix (one of each), if something is left."""
    prefixes, suffixes = _affixes()
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            key = key[len(prefix) :]
            break
    for suffix in suffixes:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


@derived
@cache
def _index() -> tuple[dict[str, Place], dict[str, Place]]:
    """Every alias's key → its place, and the same for their bare forms (looked up second)."""
    exact: dict[str, Place] = {}
    kb = load()
    named: list[tuple[str, Place]] = []
    for m in kb.municipalities:
        for alias in (m.name, m.name_ko, *m.aliases, *m.districts):
            named.append((alias, Place(m.id, alias, m.name_ko)))
    for e in kb.elsewhere:
        for alias in (e.en, e.ko, *e.aliases):
            named.append((alias, Place(None, alias, e.ko)))
    for alias, place in named:
        key = _key(alias)
        known = exact.setdefault(key, place)
        if known.city != place.city or (known.city is None and known.ko != place.ko):
            raise ValueError(f"gyeonggi.yaml: {alias!r} names two places")
    bare: dict[str, Place] = {}
    for key, place in exact.items():
        bare.setdefault(_bare(key), place)
    return exact, bare


def _lookup(key: str) -> Place | None:
    exact, bare = _index()
    return exact.get(key) or exact.get(_bare(key)) or bare.get(key) or bare.get(_bare(key))


def _same(a: Place, b: Place) -> bool:
    return a.city == b.city and (a.city is not None or a.ko == b.ko)


def _fuzzy(key: str) -> Place | None:
    """The place clearly closest to a typo, compared letter by letter (Hangul as its jamo)."""
    if len(key) < 4:
        return None
    choices, own = _fuzzy_index()
    key = unicodedata.normalize("NFD", key)
    place = clearly_closest(key, choices, minimum=_FUZZY_SCORE, lead=_FUZZY_LEAD, limit=8, same=_same)
    if place is None:
        return None
    return Place(place.city, own.get(place.ko, place.name), place.ko)  # "Seuol" → Seoul, not the alias "Seul"


@derived
@cache
def _fuzzy_index() -> tuple[dict[str, Place], dict[str, str]]:
    """The keys as fuzzy matching compares them (Hangul split into jamo), and each place's own name."""
    exact, _ = _index()
    kb = load()
    own = {m.name_ko: m.name for m in kb.municipalities} | {e.ko: e.en for e in kb.elsewhere}
    return {unicodedata.normalize("NFD", k): p for k, p in exact.items()}, own


@cache
def _fillers() -> frozenset[str]:
    return frozenset(_key(w) for w in (*_PREFIXES, *_SUFFIXES, *_FILLERS))


def find_place(text: str) -> Place | None:
    """The place typed: whole ("Suwon-si", "광주광역시"), then word by word ("수원시 팔달구", "Suwon,
    Gyeonggi-do"; every word must be a place, perhaps with a typo, or an administrative word, and the
    places agree), then as an address (the words that are places exactly, agreeing), then a typo of
    the whole."""
    key = _key(text)
    if not key:
        return None
    if (place := _lookup(key)) is not None:
        return place
    words = [_key(w) for w in re.split(r"[\s,/()]+", text) if _key(w)]
    if len(words) > 1:
        places = [_lookup(w) or _fuzzy(_bare(w)) for w in words if w not in _fillers()]
        found = [p for p in places if p is not None]
        if found and not any(p.city for p in found):  # "Seoul, Gangnam-gu": outside, whatever the rest
            return found[0]
        if found and len(found) == len(places) and all(_same(p, found[0]) for p in found):
            return found[0]
        # An address ("경기도 화성시 동탄대로 123", "107 Gwanggyo-ro, Yeongtong-gu, Suwon-si"): the places it
        # names exactly, its street and number aside, when they agree. A district (구) we do not know
        # is another city's: "광주 북구 …" is Gwangju Metropolitan City, whose 구 Gyeonggi's 광주 has not.
        rest = [w for w in words if w not in _fillers()]
        exact = [p for w in rest if (p := _lookup(w)) is not None]
        unknown_district = any(w.endswith(("구", "gu", "区", "區")) and _lookup(w) is None for w in rest)
        if exact and not unknown_district and all(_same(p, exact[0]) for p in exact):
            return exact[0]
    return _fuzzy(_bare(key))
