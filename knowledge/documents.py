"""The personal document checklist: which documents of documents.yaml apply to a profile."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.loader import load
from knowledge.model import Document, Knowledge, Note
from knowledge.profile import Profile
from knowledge.route import kiip_open, visa_route


@dataclass(frozen=True)
class Checklist:
    documents: tuple[Document, ...]
    notes: tuple[Note, ...]
    # The nationality is not among the TB countries program-facts.md names, but the MoJ list has
    # more (35): the person should check. None when the nationality is known to be listed.
    tb_check_needed: bool

    def of(self, stage: str, side: str) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.stage == stage and d.side == side)


def _facts(p: Profile, pathways: tuple[str, ...], kb: Knowledge) -> dict[str, object]:
    has_degree = p.degree not in (None, "none")
    occ = next((o for o in kb.occupations if o.id == p.occupation), None)
    return {
        "tracks": occ.track if occ else None,
        "occupations": p.occupation,
        "pathways": pathways,
        "has_degree": has_degree,
        "expected_graduate": has_degree and p.degree_status == "expected",
        "degree_abroad": has_degree and p.degree_country == "abroad",
        "korean_test": p.korean_test not in (None, "none"),
        "experience": (p.experience_years or 0) > 0,
        "in_korea": bool(p.in_korea),
        "route": visa_route(p, kb).value,
        "kiip_open": kiip_open(p),
        "tb_country": p.nationality in kb.tb_countries,
    }


def _applies(doc: Document | Note, facts: dict[str, object]) -> bool:
    for key, wanted in doc.when.items():
        have = facts[key]
        if isinstance(wanted, list):
            if isinstance(have, tuple):
                if not set(have) & set(wanted):
                    return False
            elif have not in wanted:
                return False
        elif bool(have) != bool(wanted):
            return False
    return True


def checklist(p: Profile, pathways: tuple[str, ...] = (), kb: Knowledge | None = None) -> Checklist:
    """Documents for this profile; ``pathways`` are the ids of the pathways that hold."""
    kb = kb or load()
    facts = _facts(p, pathways, kb)
    docs = tuple(d for d in kb.documents if _applies(d, facts))
    notes = tuple(n for n in kb.document_notes if _applies(n, facts))
    return Checklist(docs, notes, tb_check_needed=not facts["tb_country"])
