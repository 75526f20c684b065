"""Matching a typed question to the FAQ, offline, for every script the bot speaks.

Character n-grams (2 to 4) of a normalised text, weighted TF-IDF and compared by cosine against every
phrasing of every entry (knowledge/data/faq_phrasings/<lang>.yaml): no word segmentation is needed, so
Hangul typed without spaces, Chinese, Thai and Khmer match as well as Cyrillic, Devanagari or Latin.
Normalisation: NFKC, casefold, Latin and Cyrillic diacritics dropped (Vietnamese typed without them,
ё as е), apostrophe variants dropped (Uzbek oʻ, o', o‘ and o all alike), punctuation as space. The
marks of Devanagari, Thai and Khmer are letters there and stay. Measured in bench/faq.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PHRASINGS_DIR = Path(__file__).parent / "data" / "faq_phrasings"
KEYWORDS_DIR = Path(__file__).parent / "data" / "faq_keywords"
NGRAMS = (2, 3)
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`ʻʼʹ´′"), None)
_LATIN_MARKS = re.compile("[\u0300-\u036f]")  # combining diacritics of Latin, Cyrillic, Vietnamese
_SCRIPT_CHANGE = re.compile(r"(?<=[a-z0-9])(?=[^\sa-z0-9])|(?<=[^\sa-z0-9])(?=[a-z0-9])")
_KEEP = ("L", "M", "N")  # letters, marks (Devanagari, Thai and Khmer vowel signs are marks), numbers


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    text = text.replace("đ", "d").replace("ё", "е")
    text = unicodedata.normalize("NFC", _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text)))
    kept = "".join(ch if unicodedata.category(ch)[0] in _KEEP else " " for ch in text)
    # Latin letters and digits typed inside Thai, Khmer, Hangul or Chinese ("ยื่นCCVIที่ไหน") are a
    # word of their own: a space at each such change, so keywords that start a word find them.
    return " ".join(_SCRIPT_CHANGE.sub(" ", kept).split())


def _spaced(text: str) -> bool:
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


def features(text: str) -> Counter[int]:
    """Character n-grams of the normalised text, inside and across words (a space is a character:
    word boundaries count where a script has them, and nothing is lost where it has none), each as
    its number (_key)."""
    padded = f" {normalise(text)} "
    grams: Counter[int] = Counter()
    for n in NGRAMS:
        grams.update(_key(padded[i : i + n]) for i in range(len(padded) - n + 1))
    grams.pop(_SPACES, None)
    return grams


@dataclass(frozen=True)
class Match:
    entry: str
    score: float  # cosine similarity of the best phrasing, 0..1


KEYWORD_WEIGHT = 0.3  # per distinct keyword found, divided by how many entries share it


class Matcher:
    """An inverted index of the phrasings' TF-IDF vectors (sublinear tf, L2-normalised), and each
    entry's keywords (knowledge/data/faq_keywords/<lang>.yaml): the vocabulary of a topic, found as
    substrings of the normalised question (so also inside Hangul, Thai or Khmer typed without spaces)."""

    def __init__(self, phrasings: Iterable[tuple[str, str]], keywords: Iterable[tuple[str, str]] = ()) -> None:
        by_keyword: dict[str, set[str]] = defaultdict(set)
        for entry, keyword in keywords:
            if len(plain := normalise(keyword)) >= 2:
                # Where words are spaced (Latin, Cyrillic, Devanagari) a keyword starts a word
                # ("renew" finds "renewal", not "ba" inside "bangladesh"); elsewhere anywhere.
                by_keyword[f" {plain}" if _spaced(plain) else plain].add(entry)
        # By their first two characters: a question looks only at the keywords that can start at one
        # of its own pairs of characters (9,000 keywords tried one by one took 1-2 ms a question).
        # The owners and weight of a keyword are one shared tuple per set of entries (a frozenset
        # for each of 12,000 keywords took 3.8 MB).
        self.keywords: dict[str, list[tuple[str, tuple[tuple[str, ...], float]]]] = defaultdict(list)
        shared: dict[tuple[str, ...], tuple[tuple[str, ...], float]] = {}
        for k, v in by_keyword.items():
            owners = tuple(sorted(v))
            self.keywords[k[:2]].append((k, shared.setdefault(owners, (owners, KEYWORD_WEIGHT / len(owners)))))
        # Each entry's phrasings side by side (sorted by entry, stably): an entry's best phrasing is
        # then the max of one slice of the scores, taken in C.
        docs = sorted(phrasings, key=lambda doc: doc[0])
        self.slices: list[tuple[str, int, int]] = []
        for i, (entry, _) in enumerate(docs):
            if self.slices and self.slices[-1][0] == entry:
                self.slices[-1] = (entry, self.slices[-1][1], i + 1)
            else:
                self.slices.append((entry, i, i + 1))
        self.size = len(docs)
        # Memory (bench/faq.py): the grams are numbers in one sorted array, found by bisection, with
        # their idf and the start of their postings in arrays beside it; the postings (phrasing,
        # weight) are two flat arrays where each gram owns a slice. For 1,944 phrasings a dict of gram
        # strings to (idf, start, end) took 5.5 MB allocated (RSS +11.1); this 1.2 MB (RSS +6.3).
        df: Counter[int] = Counter()
        for _, text in docs:
            df.update(features(text).keys())
        n = len(docs) or 1
        grams = sorted(df)
        self.grams = array("Q", grams)
        self.idf = array("f", (math.log((1 + n) / (1 + df[g])) + 1 for g in grams))
        self.starts = array("i", bytes(4 * (len(grams) + 1)))
        for i, g in enumerate(grams):
            self.starts[i + 1] = self.starts[i] + df[g]
        del df, grams
        total = self.starts[-1]
        id_type = "H" if self.size < 1 << 16 else "i"  # a phrasing's number in 2 bytes while they fit
        self.ids = array(id_type, bytes(array(id_type).itemsize * total))
        self.weights = array("f", bytes(4 * total))
        filled = array("i", bytes(4 * len(self.grams)))
        for i, (_, text) in enumerate(docs):
            for at, w in self._weigh(features(text)).items():
                slot = self.starts[at] + filled[at]
                self.ids[slot], self.weights[slot] = i, w
                filled[at] += 1

    def _find(self, gram: int) -> int | None:
        at = bisect_left(self.grams, gram)
        return at if at < len(self.grams) and self.grams[at] == gram else None

    def _weigh(self, grams: Mapping[int, int]) -> dict[int, float]:
        """The known grams' TF-IDF weights (sublinear tf, L2-normalised), by their place in the index."""
        vector: dict[int, float] = {}
        for g, c in grams.items():
            at = self._find(g)
            if at is not None:
                vector[at] = (1 + math.log(c)) * self.idf[at]
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {at: w / norm for at, w in vector.items()}

    def rank(self, text: str, k: int = 3, boost: Mapping[str, float] | None = None) -> list[Match]:
        """The k best entries (each by its best phrasing); ``boost`` adds to an entry's score (the
        person's context breaks near-ties)."""
        scores = [0.0] * self.size  # a list indexed by phrasing: 3x faster than a dict of the touched ones
        for at, w in self._weigh(features(text)).items():
            start, end = self.starts[at], self.starts[at + 1]
            for doc, dw in zip(self.ids[start:end], self.weights[start:end], strict=True):
                scores[doc] += w * dw
        best = {entry: top for entry, a, b in self.slices if (top := max(scores[a:b])) > 0.0}
        plain = f" {normalise(text)} "
        for head in {plain[i : i + 2] for i in range(len(plain) - 1)}:
            for keyword, (owners, weight) in self.keywords.get(head, ()):
                if keyword in plain:
                    for entry in owners:
                        best[entry] = best.get(entry, 0.0) + weight
        for entry, extra in (boost or {}).items():
            if entry in best:
                best[entry] += extra
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)[:k]
        return [Match(entry, score) for entry, score in ranked]


def load_phrasings(directory: Path = PHRASINGS_DIR) -> dict[str, dict[str, list[str]]]:
    """{language: {entry id: [phrasings]}} from the data files."""
    out: dict[str, dict[str, list[str]]] = {}
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            # libyaml's loader where PyYAML has it: the pure-Python one took 0.6 s of every start
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
            out[path.stem] = {str(k): [str(p) for p in v] for k, v in data.items()}
    return out


def _pairs(data: Mapping[str, Mapping[str, list[str]]]) -> list[tuple[str, str]]:
    return [(entry, text) for by_entry in data.values() for entry, texts in by_entry.items() for text in texts]


@cache
def matcher() -> Matcher:
    """The matcher over every language's phrasings and keywords, built once per process."""
    return Matcher(_pairs(load_phrasings()), _pairs(load_phrasings(KEYWORDS_DIR)))
