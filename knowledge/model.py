"""Typed records of the knowledge base, as loaded from knowledge/data/*.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Confidence(StrEnum):
    """How sure program-facts.md is of a fact (its marks [C], [S], [S-off], [I])."""

    CONFIRMED = "C"
    SINGLE = "S"
    OFFICIAL = "S-off"
    INFERENCE = "I"


@dataclass(frozen=True)
class Cite:
    source: str  # e.g. "M2 p.215; G4" — keys of program-facts.md §0 with page numbers
    confidence: Confidence

    @property
    def keys(self) -> tuple[str, ...]:
        """The bare source keys cited, e.g. ('M2', 'G4')."""
        parts = (p.strip() for p in self.source.replace(",", ";").split(";"))
        return tuple(p.split()[0] for p in parts if p and p.split()[0][:1].isupper())


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str
    name: str  # plain words a person understands: "Ministry of Justice stay manual"
    ask: str  # the phone number that can confirm what this source says


@dataclass(frozen=True)
class Fact:
    id: str
    text: str
    cite: Cite


@dataclass(frozen=True)
class Window:
    opens: datetime
    closes: datetime
    cite: Cite


@dataclass(frozen=True)
class Programme:
    name: str
    name_ko: str
    cite: Cite
    authority: str
    authority_ko: str
    authority_cite: Cite
    quota: int
    quota_cite: Cite
    window: Window
    channel_name: str
    channel_name_ko: str
    channel_url: str
    channel_cite: Cite
    contact_phone: str
    contact_cite: Cite
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Area:
    id: str
    label: str


@dataclass(frozen=True)
class EmployerRule:
    text: str
    cite: Cite
    uncertain: bool = False
    tracks: tuple[str, ...] = ("E-7-1", "E-7-2")  # the tracks it applies to
    id: str = ""  # names a rule the code treats apart (it_ratio: see knowledge/employer.rules_for)


@dataclass(frozen=True)
class RenumberedCode:
    """A newer code for an occupation in the MoJ stay manual of September 2026 (M5), which
    disagrees with itself (program-facts.md §12.1): where it stands (list or detail) and its source."""

    code: str
    where: str  # "list" (the E-7 occupation list) | "detail" (the occupation's detailed entry)
    cite: Cite


@dataclass(frozen=True)
class Occupation:
    id: str
    code: str
    name: str
    name_ko: str
    track: str  # "E-7-1" or "E-7-2"
    area: str
    description: str
    examples: tuple[str, ...]
    cite: Cite
    former_code: str | None = None
    confirmed: bool = True
    employer_rules: tuple[EmployerRule, ...] = ()
    codes_m5: tuple[RenumberedCode, ...] = ()  # the regional guideline keeps `code` (M5 p.755)

    @property
    def codes(self) -> frozenset[str]:
        """Every code this occupation is known by: the guideline's, the former one, the newer ones."""
        return frozenset(
            {self.code, *([self.former_code] if self.former_code else []), *(c.code for c in self.codes_m5)}
        )


@dataclass(frozen=True)
class Condition:
    id: str
    requirement: str
    reasons: dict[str, str]
    advice: str
    cite: Cite
    uncertain: bool = False
    effort: int = 3  # how hard meeting it is, to rank the nearest path (see conditions.yaml)
    advice_abroad: Note | None = None  # for people who cannot take KIIP (knowledge/route.kiip_open)


@dataclass(frozen=True)
class Pathway:
    id: str
    track: str
    title: str
    explanation: str
    conditions: tuple[str, ...]
    cite: Cite
    uncertain: bool = False


@dataclass(frozen=True)
class WageFloor:
    track: str
    start: date
    end: date
    annual_krw: int
    cite: Cite


@dataclass(frozen=True)
class MinimumWage:
    year: int
    hourly_krw: int
    monthly_krw: int
    cite: Cite


@dataclass(frozen=True)
class Note:
    text: str
    cite: Cite
    when: dict[str, object] = field(default_factory=dict)  # as Document.when


@dataclass(frozen=True)
class Document:
    id: str
    stage: str  # "recommendation" | "visa"
    side: str  # "applicant" | "employer"
    name: str
    name_ko: str
    cite: Cite
    when: dict[str, object] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    short: str = ""  # the upload button's name (a phone's button holds ~16 characters); "" = not uploaded here


@dataclass(frozen=True)
class Municipality:
    id: str
    name: str
    name_ko: str
    aliases: tuple[str, ...] = ()  # other names and spellings people type (gyeonggi.yaml)
    districts: tuple[str, ...] = ()  # districts and towns within it that people give instead


@dataclass(frozen=True)
class Elsewhere:
    """A place outside Gyeonggi that people type as a workplace: refused by its name."""

    en: str
    ko: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class FaqEntry:
    """A curated answer (knowledge/data/faq.yaml): `topic` is its "Did you mean…" button label."""

    id: str
    topic: str
    answer: str
    cite: tuple[Cite, ...] = ()  # none for the entry about this bot itself (privacy)
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class Knowledge:
    sources: dict[str, Source]
    programme: Programme
    areas: tuple[Area, ...]
    occupations: tuple[Occupation, ...]
    employer_rules: tuple[EmployerRule, ...]  # for every occupation; each may add its own
    conditions: dict[str, Condition]
    pathways: dict[str, Pathway]
    occupation_pathways: dict[str, tuple[str, ...]]
    blocked_statuses: frozenset[str]
    blocked_statuses_cite: Cite
    wage_floors: tuple[WageFloor, ...]
    wage_gap_cite: Cite
    minimum_wages: tuple[MinimumWage, ...]
    documents: tuple[Document, ...]
    document_notes: tuple[Note, ...]
    tb_countries: frozenset[str]
    tb_countries_total: int
    tb_cite: Cite
    municipalities: tuple[Municipality, ...]  # Gyeonggi's 31 cities and counties
    municipalities_cite: Cite
    codes_cite: Cite  # the guideline's occupation codes (`Occupation.code`)
    faq: tuple[FaqEntry, ...] = ()
    elsewhere: tuple[Elsewhere, ...] = ()  # places outside Gyeonggi (gyeonggi.yaml)

    def find_occupations(self, query: str) -> tuple[Occupation, ...]:
        """The occupations a name or a code (or "name(code)") may mean. The name decides: a number
        alone can name several occupations (2352 is robotics now and electronics formerly; 2224 web
        developer now, data specialist formerly), so with a number alone every candidate is returned
        for the person to choose; it never picks one by the number (program-facts.md §2, §12.1)."""
        numbers = set(re.findall(r"\d{3,5}", query))
        name = _plain(re.sub(r"[\d()舊旧]+", "", query))
        named = tuple(o for o in self.occupations if name in (o.id, _plain(o.name), _plain(o.name_ko)))
        if named:
            return named
        return tuple(o for o in self.occupations if numbers & o.codes)

    def occupation(self, occupation_id: str) -> Occupation:
        for occ in self.occupations:
            if occ.id == occupation_id:
                return occ
        raise KeyError(occupation_id)

    def pathways_for(self, occupation_id: str) -> tuple[Pathway, ...]:
        ids = self.occupation_pathways.get(occupation_id, self.occupation_pathways["default"])
        return tuple(self.pathways[i] for i in ids)


def _plain(name: str) -> str:
    """A name compared without spaces or case: "웹 개발자" and "웹개발자" are one."""
    return re.sub(r"\s+", "", name).casefold()
