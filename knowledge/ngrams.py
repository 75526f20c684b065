"""Typed text as the bot compares it, in every script: normalised, folded, and cut into character n-grams.

Normalisation: NFKC, casefold, Latin and Cyrillic diacritics dropped (Vietnamese typed without them,
ё as е), apostrophe variants dropped (Uzbek oʻ, o', o‘ and o all alike), punctuation as space. The
marks of Devanagari, Thai and Khmer are letters there and stay. Folding then reads Cyrillic as
Latin letters (Russian and Mongolian are often typed in Latin). The FAQ's matcher
(knowledge/faq_match.py) compares n-grams; country names (dialogs/countries.py) and counted
questions compare normalised text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

NGRAMS = (2, 3)
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`ʻʼʹ´′"), None)
_LATIN_MARKS = re.compile("[\u0300-\u036f]")  # combining diacritics of Latin, Cyrillic, Vietnamese
_SCRIPT_CHANGE = re.compile(r"(?<=[a-z0-9])(?=[^\sa-z0-9])|(?<=[^\sa-z0-9])(?=[a-z0-9])")
_KEEP = ("L", "M", "N")  # letters, marks (Devanagari, Thai and Khmer vowel signs are marks), numbers
# Cyrillic as Latin letters, for matching only (normalise keeps the script: staff read the counted
# texts): Russian and Mongolian are often typed in Latin letters ("perehod k drugomu rabotodatelyu",
# "ehner huuhdee"), and Uzbek is written in both scripts. One common spelling each (х as h, as Russian
# and Mongolian type it; ж as j, as Mongolian, Uzbek and half the Russians do); character n-grams
# forgive the rest (zh, x, kh, 4 for ч; Uzbek's x for х matches less). bench/faq.py --set faq_latin:
# top-1 87.0 -> 96.3 % (ru), 85.2 -> 90.7 % (mn); bench/faq_calibrate.py's rounds: mean top-1 88.73 ->
# 88.79 % (ru +1.3, uz +1.1, id -0.5, vi -0.4 points), 88.86 % once the keywords it made pull other
# topics were dropped (tests/test_faq.py refuses any).
_CYRILLIC = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфхыэ", "abvgdeziyklmnoprstufhye", strict=True)),
        **{"ё": "e", "ж": "j", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ю": "yu", "я": "ya", "ъ": "", "ь": ""},
        **{"ў": "o", "қ": "q", "ғ": "g", "ҳ": "h", "ө": "o", "ү": "u", "і": "i"},  # Uzbek, Mongolian
    }
)


class _Kept(dict[int, int]):
    """str.translate's table: a code point kept as it is (letters, marks, numbers) or made a space,
    looked up once per code point (unicodedata.category on every character took a fifth of the build)."""

    def __missing__(self, code: int) -> int:
        kept = code if unicodedata.category(chr(code))[0] in _KEEP else 32
        if len(self) < 20_000:  # bounded: text of every code point there is cannot grow it further
            self[code] = kept
        return kept


_KEPT = _Kept()


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    text = text.replace("đ", "d").replace("ё", "е")
    text = unicodedata.normalize("NFC", _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text)))
    kept = text.translate(_KEPT)
    # Latin letters and digits typed inside Thai, Khmer, Hangul or Chinese ("ยื่นCCVIที่ไหน") are a
    # word of their own: a space at each such change, so keywords that start a word find them.
    return " ".join(_SCRIPT_CHANGE.sub(" ", kept).split())


def folded(text: str) -> str:
    """The text as the matcher compares it: normalised, Cyrillic in Latin letters (before the marks
    are dropped, so that й, ў and ё are letters of their own)."""
    return normalise(unicodedata.normalize("NFKC", text).casefold().translate(_CYRILLIC))


def spaced(text: str) -> bool:
    """Whether the text's script puts spaces between words (Latin, Cyrillic, Devanagari): there a
    keyword must start a word."""
    first = text[0]
    return first.isascii() or "\u0400" <= first <= "\u052f" or "\u0900" <= first <= "\u097f"


def _key(gram: str) -> int:
    """A gram as one 63-bit number: its code points, 21 bits each (a 2-gram's top bits stay 0, and no
    code point is 0, so a 2-gram never equals a 3-gram)."""
    key = 0
    for ch in gram:
        key = key << 21 | ord(ch)
    return key


_SPACES = _key("  ")


def _keys(codes: list[int], n: int) -> Iterable[int]:
    """The keys (_key) of every n-gram of the code points, shifted together rather than gram by gram
    (building the index for 11,664 phrasings took 4 s with _key called on each gram)."""
    if n == 2:
        return (a << 21 | b for a, b in pairwise(codes))
    if n == 3:
        return (a << 42 | b << 21 | c for a, b, c in zip(codes, codes[1:], codes[2:], strict=False))
    return (_key("".join(map(chr, codes[i : i + n]))) for i in range(len(codes) - n + 1))


def features(text: str) -> Counter[int]:
    """Character n-grams of the folded text, inside and across words (a space is a character:
    word boundaries count where a script has them, and nothing is lost where it has none), each as
    its number (_key)."""
    return grams_of(folded(text))


def grams_of(plain: str) -> Counter[int]:
    codes = [ord(ch) for ch in f" {plain} "]
    grams: Counter[int] = Counter()
    for n in NGRAMS:
        grams.update(_keys(codes, n))
    grams.pop(_SPACES, None)
    return grams
