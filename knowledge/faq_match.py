"""Matching a typed question to the FAQ, offline, for every script the bot speaks.

Character n-grams (2 and 3) of a normalised text, weighted TF-IDF and compared by cosine against every
phrasing of every entry (knowledge/data/faq_phrasings/<lang>.yaml), and against all of an entry's
phrasings in one language taken together (the words people use for a topic are spread over its
phrasings: a question that shares a little with many of them is about it): no word segmentation is
needed, so Hangul typed without spaces, Chinese, Thai and Khmer match as well as Cyrillic,
Devanagari or Latin.
The texts are compared as knowledge/ngrams.py folds them. Measured in bench/faq.py.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from knowledge import ngrams
from knowledge.loader import StrictLoader
from knowledge.ngrams import NGRAMS, features, folded, grams_of, spaced

PHRASINGS_DIR = Path(__file__).parent / "data" / "faq_phrasings"
KEYWORDS_DIR = Path(__file__).parent / "data" / "faq_keywords"


@dataclass(frozen=True)
class Match:
    entry: str
    score: float  # about 0..1: the cosines of its best phrasing and of its phrasings together, and its keywords


_UNIT = 65_535  # the postings' weights are stored in 1/65,535ths (bench/faq.py: 15.1 -> 10.7 MB allocated)
KEYWORD_WEIGHT = 0.3  # per distinct keyword found, divided by how many entries share it
# An entry's score: (its best phrasing's cosine + TOPIC_WEIGHT x the cosine of its phrasings in one
# language taken together + its keywords) / (1 + TOPIC_WEIGHT). Chosen on bench/faq_calibrate.py's
# writers' rounds (each held out against the others; never the held-out sets; --topic-weight W): mean
# top-1 81.2 % with the best phrasing alone (0), 86.1 % at 2, 88.8 % at 7, 88.6 % at 10, 88.1 % at 15,
# 85.2 % at 100 (the topics nearly alone).
TOPIC_WEIGHT = 7.0
# A question's most telling grams that are scored against the phrasings (by weight): a three-sentence
# message has 300 or so, most of them common ones with long postings and little say; 80 took the p99
# (bench/faq_calibrate.py's questions, before the topics were scored) from 6.3 to 4.5 ms and top-1 from
# 89.8 to 89.7 %. Against the topics every gram counts (only the 80 best: top-1 -0.15 points, no faster).
QUERY_GRAMS = 80
# A gram found in more than this share of the phrasings (" ca", "a " ...: 69 of 75,000 grams) is not
# scored against the phrasings (it still is against the topics): walking its postings was most of a
# short question's time, and it says little. bench/faq.py's p99 7.2-10.3 -> 5.6-6.6 ms; on
# bench/faq_calibrate.py's rounds top-1 88.75 -> 88.73 %, the same rule.
COMMON_SHARE = 0.08


def _keyword_index(keywords: Iterable[tuple[str, str]]) -> dict[str, list[tuple[str, tuple[tuple[str, ...], float]]]]:
    by_keyword: dict[str, set[str]] = defaultdict(set)
    for entry, keyword in keywords:
        if len(plain := folded(keyword)) >= 2:
            # Where words are spaced (Latin, Cyrillic, Devanagari) a keyword starts a word
            # ("renew" finds "renewal", not "ba" inside "bangladesh"); elsewhere anywhere.
            by_keyword[f" {plain}" if spaced(plain) else plain].add(entry)
    # By their first two characters: a question looks only at the keywords that can start at one
    # of its own pairs of characters (9,000 keywords tried one by one took 1-2 ms a question).
    # The owners and weight of a keyword are one shared tuple per set of entries (a frozenset
    # for each of 12,000 keywords took 3.8 MB).
    index: dict[str, list[tuple[str, tuple[tuple[str, ...], float]]]] = defaultdict(list)
    shared: dict[tuple[str, ...], tuple[tuple[str, ...], float]] = {}
    for k, v in by_keyword.items():
        owners = tuple(sorted(v))
        index[k[:2]].append((k, shared.setdefault(owners, (owners, KEYWORD_WEIGHT / len(owners)))))
    return index


class Matcher:
    """An inverted index of the phrasings' TF-IDF vectors (sublinear tf, L2-normalised), one of the
    topics' (an entry's phrasings in one language as one text, with their own idf), and each entry's
    keywords (knowledge/data/faq_keywords/<lang>.yaml): the vocabulary of a topic, found as substrings
    of the normalised question (so also inside Hangul, Thai or Khmer typed without spaces)."""

    def __init__(
        self, phrasings: Mapping[str, Mapping[str, Sequence[str]]], keywords: Iterable[tuple[str, str]] = ()
    ) -> None:
        """``phrasings``: {language: {entry: [phrasings]}}, as load_phrasings gives them."""
        self.keywords = _keyword_index(keywords)
        # Each entry's phrasings side by side (sorted by entry, stably): an entry's best phrasing is
        # then the max of one slice of the scores, taken in C.
        topics = [(entry, texts) for by_entry in phrasings.values() for entry, texts in by_entry.items() if texts]
        topics.sort(key=lambda topic: topic[0])  # by entry, so the phrasings in this order are too
        self.topics = [entry for entry, _ in topics]
        docs = [(entry, text) for entry, texts in topics for text in texts]
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
        # A topic's grams are counted one topic at a time (all 324 topics' counts at once took 6 MB
        # more of the heap at a first start).
        df: Counter[int] = Counter()
        topic_df: Counter[int] = Counter()
        for _, texts in topics:
            seen: set[int] = set()
            for text in texts:
                kinds = features(text).keys()
                df.update(kinds)
                seen.update(kinds)
            topic_df.update(seen)
        n = len(docs) or 1
        grams = sorted(df)
        self.grams = array("Q", grams)
        self.idf = array("f", (math.log((1 + n) / (1 + df[g])) + 1 for g in grams))
        # A topic's postings beside the phrasings', over the same grams (every topic gram is a phrasing's).
        self.topic_idf = array("f", (math.log((1 + len(topics)) / (1 + topic_df[g])) + 1 for g in grams))
        self.topic_starts = array("i", bytes(4 * (len(grams) + 1)))
        for i, g in enumerate(grams):
            self.topic_starts[i + 1] = self.topic_starts[i] + topic_df[g]
        del topic_df
        self.starts = array("i", bytes(4 * (len(grams) + 1)))
        for i, g in enumerate(grams):
            self.starts[i + 1] = self.starts[i] + df[g]
        del df, grams
        total = self.starts[-1]
        id_type = "H" if self.size < 1 << 16 else "i"  # a phrasing's number in 2 bytes while they fit
        self.ids = array(id_type, bytes(array(id_type).itemsize * total))
        self.weights = array("H", bytes(2 * total))  # a weight (0..1) in 1/65,535ths: 2 bytes, not 4
        filled = array("i", bytes(4 * len(self.grams)))
        # Where each gram is, for the build only (bisection per gram took a third of the build).
        position = {g: at for at, g in enumerate(self.grams)}
        topic_type = "H" if len(topics) < 1 << 16 else "i"
        self.topic_ids = array(topic_type, bytes(array(topic_type).itemsize * self.topic_starts[-1]))
        self.topic_weights = array("H", bytes(2 * self.topic_starts[-1]))
        topic_filled = array("i", bytes(4 * len(self.grams)))
        i = 0
        for t, (_, texts) in enumerate(topics):
            tf: Counter[int] = Counter()
            for text in texts:
                counts = features(text)
                tf.update(counts)
                for at, w in self._weigh(counts, position).items():
                    slot = self.starts[at] + filled[at]
                    self.ids[slot], self.weights[slot] = i, round(w * _UNIT)
                    filled[at] += 1
                i += 1
            for at, w in self._weigh(tf, position, self.topic_idf).items():
                slot = self.topic_starts[at] + topic_filled[at]
                self.topic_ids[slot], self.topic_weights[slot] = t, round(w * _UNIT)
                topic_filled[at] += 1

    _ARRAYS = ("grams", "idf", "starts", "ids", "weights", "topic_idf", "topic_starts", "topic_ids", "topic_weights")

    def write(self, path: Path) -> None:
        """The built index as one file (a JSON header line, then the arrays' bytes), written whole
        or not at all: a process starting meanwhile reads the old file or none."""
        arrays = [getattr(self, name) for name in self._ARRAYS]
        header = {
            "size": self.size,
            "slices": self.slices,
            "topics": self.topics,
            "arrays": [[a.typecode, len(a)] for a in arrays],
        }
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as fh:
                fh.write(json.dumps(header).encode() + b"\n")
                for a in arrays:
                    a.tofile(fh)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)  # a full disk leaves no half file behind

    @classmethod
    def read(cls, path: Path, keywords: Iterable[tuple[str, str]]) -> Matcher:
        """An index written by ``write`` (its file named by the fingerprint of what it was built from)."""
        data = path.read_bytes()
        end = data.index(b"\n")
        header = json.loads(data[:end])
        self = cls.__new__(cls)
        self.keywords = _keyword_index(keywords)
        self.size = int(header["size"])
        self.slices = [(str(e), int(a), int(b)) for e, a, b in header["slices"]]
        self.topics = [str(e) for e in header["topics"]]
        at = end + 1
        for name, (typecode, count) in zip(self._ARRAYS, header["arrays"], strict=True):
            values = array(typecode)
            values.frombytes(data[at : at + values.itemsize * count])
            at += values.itemsize * count
            setattr(self, name, values)
        if at != len(data):
            raise ValueError(f"{path}: {len(data) - at} bytes left over")
        if not (len(self.starts) == len(self.topic_starts) == len(self.grams) + 1 == len(self.idf) + 1):
            raise ValueError(f"{path}: arrays of different lengths")
        if self.starts[-1] != len(self.ids) or self.topic_starts[-1] != len(self.topic_ids):
            raise ValueError(f"{path}: postings cut short")
        return self

    def _find(self, gram: int) -> int | None:
        at = bisect_left(self.grams, gram)
        return at if at < len(self.grams) and self.grams[at] == gram else None

    def _weigh(
        self, grams: Mapping[int, int], position: Mapping[int, int] | None = None, idf: array[float] | None = None
    ) -> dict[int, float]:
        """The known grams' TF-IDF weights (sublinear tf, L2-normalised), by their place in the index."""
        idf = self.idf if idf is None else idf
        vector: dict[int, float] = {}
        for g, c in grams.items():
            at = self._find(g) if position is None else position.get(g)
            if at is not None:
                vector[at] = (1 + math.log(c)) * idf[at]
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {at: w / norm for at, w in vector.items()}

    def rank(self, text: str, k: int = 3, boost: Mapping[str, float] | None = None) -> list[Match]:
        """The k best entries, each by its best phrasing, its topic and its keywords (TOPIC_WEIGHT);
        ``boost`` adds to an entry's final score (the person's context breaks near-ties)."""
        scores = [0.0] * self.size  # a list indexed by phrasing: 3x faster than a dict of the touched ones
        plain = folded(text)
        grams = grams_of(plain)
        vector = self._weigh(grams)
        telling = sorted(vector.items(), key=lambda item: item[1], reverse=True)[:QUERY_GRAMS]
        common = max(COMMON_SHARE * self.size, 100)  # a small test index walks every gram
        for at, w in telling:
            w /= _UNIT
            start, end = self.starts[at], self.starts[at + 1]
            if end - start > common:
                continue
            for doc, dw in zip(self.ids[start:end], self.weights[start:end], strict=True):
                scores[doc] += w * dw
        best = {entry: top for entry, a, b in self.slices if (top := max(scores[a:b])) > 0.0}
        topic_scores = [0.0] * len(self.topics)
        for at, w in self._weigh(grams, idf=self.topic_idf).items():
            w /= _UNIT
            start, end = self.topic_starts[at], self.topic_starts[at + 1]
            for topic, tw in zip(self.topic_ids[start:end], self.topic_weights[start:end], strict=True):
                topic_scores[topic] += w * tw
        topic_best: dict[str, float] = {}  # an entry's best language (the question's, most often)
        for entry, score in zip(self.topics, topic_scores, strict=True):
            if score > topic_best.get(entry, 0.0):
                topic_best[entry] = score
        for entry, score in topic_best.items():
            best[entry] = best.get(entry, 0.0) + TOPIC_WEIGHT * score
        plain = f" {plain} "
        for head in {plain[i : i + 2] for i in range(len(plain) - 1)}:
            for keyword, (owners, weight) in self.keywords.get(head, ()):
                if keyword in plain:
                    for entry in owners:
                        best[entry] = best.get(entry, 0.0) + weight
        scale = 1 + TOPIC_WEIGHT
        final = {entry: score / scale for entry, score in best.items()}
        for entry, extra in (boost or {}).items():
            if entry in final:
                final[entry] += extra
        ranked = sorted(final.items(), key=lambda item: item[1], reverse=True)[:k]
        return [Match(entry, score) for entry, score in ranked]


def load_phrasings(directory: Path = PHRASINGS_DIR) -> dict[str, dict[str, list[str]]]:
    """{language: {entry id: [phrasings]}} from the data files."""
    out: dict[str, dict[str, list[str]]] = {}
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            # libyaml's parser where PyYAML has it (the pure-Python one took 0.6 s of every start); an
            # entry given twice is refused, not half its phrasings dropped
            data = yaml.load(fh, Loader=StrictLoader) or {}
            out[path.stem] = {str(k): [str(p) for p in v] for k, v in data.items()}
    return out


def _pairs(data: Mapping[str, Mapping[str, list[str]]]) -> list[tuple[str, str]]:
    return [(entry, text) for by_entry in data.values() for entry, texts in by_entry.items() for text in texts]


_cache_dir: Path | None = None


def use_cache(directory: Path | None) -> None:
    """Where the built index is kept between starts (the entry points pass CACHE_DIR): building it
    takes 4-6 s of CPU, reading it back milliseconds. None: build at every start."""
    global _cache_dir
    _cache_dir = directory


# The code the index is built by: this matcher and the folding and n-grams of knowledge/ngrams.py.
_CODE = (Path(__file__), Path(ngrams.__file__))


def _fingerprint() -> str:
    """What the index is built from: the data files, the gram sizes, the weights, the byte order and
    the code that builds it; any change names another file."""
    # NFKC and the letter categories (ngrams.py) come from Python's Unicode tables: their version too
    build = (NGRAMS, KEYWORD_WEIGHT, TOPIC_WEIGHT, sys.byteorder, unicodedata.unidata_version)
    digest = hashlib.sha256(repr(build).encode())
    for path in (*_CODE, *sorted(PHRASINGS_DIR.glob("*.yaml"))):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


@cache  # built from faq_phrasings/ and faq_keywords/, not from what load() reads
def matcher() -> Matcher:
    """The matcher over every language's phrasings and keywords, built once per process, or read
    from the cache folder where an earlier start built it from the same data."""
    keywords = _pairs(load_phrasings(KEYWORDS_DIR))
    if _cache_dir is None:
        return Matcher(load_phrasings(PHRASINGS_DIR), keywords)
    path = _cache_dir / f"faq-index-{_fingerprint()}.bin"
    try:
        return Matcher.read(path, keywords)
    except (OSError, ValueError, KeyError, TypeError):  # not built yet, or unreadable: build and keep it
        built = Matcher(load_phrasings(PHRASINGS_DIR), keywords)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            built.write(path)
            for old in path.parent.glob("faq-index-*"):  # indexes of earlier data: not read again
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:  # a read-only folder: the bot works, it only builds again next start
            pass
        return built
