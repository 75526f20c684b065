"""A citation in words a person understands: "Ministry of Justice stay manual, p. 215 (official)".

The data cite program-facts.md's keys ("M2 p.215; G4 (exact times)"); a person reads each key's plain
name (sources.yaml `name`, translated), its pages, and how sure the fact is. Where it is uncertain,
the line says who can confirm it (sources.yaml `ask`: 1345 for immigration rules, else 031-120).
"""

from __future__ import annotations

import re

from knowledge.loader import load
from knowledge.model import Cite, Confidence
from knowledge.text import T, Text, Verbatim

# "p.215", "pp.244-253", "pp.224, 231", "p.723, p.739", "vs p.220": the page numbers only; the
# remarks in parentheses ("(exact times)", "(not listed)") are notes for whoever checks the data.
_PAGES = re.compile(r"pp?\.\s*(\d+(?:\s*[–-]\s*\d+)?(?:\s*,\s*\d+(?:\s*[–-]\s*\d+)?)*)")
_PAGE = re.compile(r"\d+(?:\s*[–-]\s*\d+)?")


# Facts an official document states or several sources agree on: nobody needs to be asked.
SURE = frozenset({Confidence.OFFICIAL, Confidence.CONFIRMED})


def merged(cites: list[Cite]) -> Cite:
    """Several sure facts' sources as one citation (a list of documents cites its manuals once)."""
    assert cites and all(c.confidence in SURE for c in cites)
    official = all(c.confidence is Confidence.OFFICIAL for c in cites)
    return Cite("; ".join(c.source for c in cites), Confidence.OFFICIAL if official else Confidence.CONFIRMED)


def _confidence(confidence: Confidence, ask: str) -> Text:
    if confidence is Confidence.OFFICIAL:
        return T("official")
    if confidence is Confidence.CONFIRMED:
        return T("confirmed by several sources")
    if confidence is Confidence.SINGLE:
        return T("not confirmed yet — ask {phone} to confirm", phone=Verbatim(ask))
    return T("our reading — ask {phone} to confirm", phone=Verbatim(ask))


def named_sources(cite: Cite) -> list[tuple[str, list[str]]]:
    """Each plain source name once, in the order cited, with the pages cited from it."""
    sources = load().sources
    named: dict[str, list[tuple[int, int]]] = {}
    for part in cite.source.split(";"):
        words = part.split()
        if not words or words[0] not in sources:
            continue
        pages = named.setdefault(sources[words[0]].name, [])
        for group in _PAGES.findall(part[len(words[0]) :]):
            for page in _PAGE.findall(group):
                first, _, last = re.sub(r"\s", "", page).replace("-", "–").partition("–")
                pages.append((int(first), int(last or first)))
    return [(name, _page_ranges(pages)) for name, pages in named.items()]


def _page_ranges(pages: list[tuple[int, int]]) -> list[str]:
    """Pages in order, overlaps joined: the June and September manuals share many pages."""
    merged: list[list[int]] = []
    for first, last in sorted(pages):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [f"{a}–{b}" if b > a else str(a) for a, b in merged]


def who_to_ask(cite: Cite) -> str:
    """Gyeonggi's call centre where any source is the programme's; 1345 where all are immigration rules."""
    sources = load().sources
    asks = {sources[k].ask for k in cite.keys if k in sources}
    programme = load().programme.contact_phone
    return programme if programme in asks or not asks else sorted(asks)[0]


def _with_pages(name: Text, pages: list[str]) -> Text:
    if not pages:
        return name
    if len(pages) == 1 and "–" not in pages[0]:
        return T("{name}, p. {pages}", name=name, pages=Verbatim(pages[0]))
    return T("{name}, pp. {pages}", name=name, pages=Verbatim(", ".join(pages)))


def sources_text(cite: Cite) -> Text:
    """The sources alone: "Ministry of Justice guideline on the regional visa, p. 731; news reports"."""
    items = [_with_pages(T(name), pages) for name, pages in named_sources(cite)]
    if not items:  # a key the data do not know (the loader refuses those): shown as written
        return T("{name}", name=Verbatim(cite.source))
    text = items[-1]
    for item in reversed(items[:-1]):
        text = T("{first}; {rest}", first=item, rest=text)
    return text


def cite_words(cite: Cite) -> Text:
    """The whole line: its sources and how sure the fact is, in plain words."""
    several = len(named_sources(cite)) > 1
    confidence = _confidence(cite.confidence, who_to_ask(cite))
    if several:
        return T("<i>Sources: {source} ({confidence})</i>", source=sources_text(cite), confidence=confidence)
    return T("<i>Source: {source} ({confidence})</i>", source=sources_text(cite), confidence=confidence)
