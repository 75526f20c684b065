"""Loads knowledge/data/*.yaml into typed records, once, and checks that every citation resolves."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.model import (
    Area,
    Cite,
    Condition,
    Confidence,
    Document,
    Elsewhere,
    EmployerRule,
    Fact,
    FaqEntry,
    Knowledge,
    MinimumWage,
    Municipality,
    Note,
    Occupation,
    Pathway,
    Programme,
    RenumberedCode,
    Source,
    WageFloor,
    Window,
)

DATA_DIR = Path(__file__).parent / "data"
# libyaml's safe loader where PyYAML was built with it (10 times faster at every start), else Python's.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Keys whose string values are user-facing English text; the Babel extractor (knowledge/extract.py)
# collects them into the gettext catalogs.
TRANSLATABLE_KEYS = frozenset(
    {
        "name",
        "label",
        "description",
        "examples",
        "title",
        "explanation",
        "text",
        "notes",
        "requirement",
        "reasons",
        "advice",
        "authority",
        "topic",
        "answer",
        "short",
    }
)


class KnowledgeError(ValueError):
    """The data files are inconsistent (a bad citation, an unknown id)."""


def _read(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)


def _cite(raw: dict[str, Any]) -> Cite:
    return Cite(source=str(raw["source"]), confidence=Confidence(raw["confidence"]))


def _note(raw: dict[str, Any]) -> Note:
    return Note(raw["text"], _cite(raw["cite"]), dict(raw.get("when") or {}))


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _employer_rules(raw: list[dict[str, Any]] | None) -> tuple[EmployerRule, ...]:
    return tuple(
        EmployerRule(
            r["text"],
            _cite(r["cite"]),
            bool(r.get("uncertain", False)),
            tuple(r.get("tracks", ("E-7-1", "E-7-2"))),
            str(r.get("id", "")),
        )
        for r in raw or ()
    )


@cache
def load() -> Knowledge:
    """The knowledge base. Cached: the data files are read once per process."""
    prog = _read("programme.yaml")
    prog_phone = str(prog["contact_phone"])
    sources = {
        k: Source(k, v["title"], v["url"], v["name"], str(v.get("ask", prog_phone)))
        for k, v in _read("sources.yaml").items()
    }
    occ = _read("occupations.yaml")
    cond = _read("conditions.yaml")
    path = _read("pathways.yaml")
    params = _read("parameters.yaml")
    docs = _read("documents.yaml")
    gg = _read("gyeonggi.yaml")
    faq = _read("faq.yaml")

    programme = Programme(
        name=prog["name"],
        name_ko=prog["name_ko"],
        cite=_cite(prog["cite"]),
        authority=prog["authority"],
        authority_ko=prog["authority_ko"],
        quota=int(prog["quota"]),
        quota_cite=_cite(prog["quota_cite"]),
        window=Window(
            opens=datetime.fromisoformat(prog["window"]["opens"]),
            closes=datetime.fromisoformat(prog["window"]["closes"]),
            cite=_cite(prog["window"]["cite"]),
        ),
        channel_name=prog["channel"]["name"],
        channel_name_ko=prog["channel"]["name_ko"],
        channel_url=prog["channel"]["url"],
        channel_cite=_cite(prog["channel"]["cite"]),
        contact_phone=str(prog["contact_phone"]),
        contact_cite=_cite(prog["contact_cite"]),
        facts=tuple(Fact(f["id"], f["text"], _cite(f["cite"])) for f in prog["facts"]),
    )
    occupations = tuple(
        Occupation(
            id=o["id"],
            code=str(o["code"]),
            former_code=str(o["former_code"]) if o.get("former_code") else None,
            name=o["name"],
            name_ko=o["name_ko"],
            track=o["track"],
            area=o["area"],
            description=o["description"],
            examples=tuple(o["examples"]),
            cite=_cite(o["cite"]),
            confirmed=bool(o.get("confirmed", True)),
            employer_rules=_employer_rules(o.get("employer_rules")),
            codes_m5=tuple(
                RenumberedCode(str(c["code"]), c["where"], _cite(c["cite"])) for c in o.get("codes_m5") or ()
            ),
        )
        for o in occ["occupations"]
    )
    conditions = {
        cid: Condition(
            id=cid,
            requirement=c["requirement"],
            reasons=dict(c["reasons"]),
            advice=c["advice"],
            cite=_cite(c["cite"]),
            uncertain=bool(c.get("uncertain", False)),
            effort=int(c.get("effort", 3)),
            advice_abroad=_note(c["advice_abroad"]) if c.get("advice_abroad") else None,
        )
        for cid, c in cond["conditions"].items()
    }
    pathways = {
        p["id"]: Pathway(
            id=p["id"],
            track=p["track"],
            title=p["title"],
            explanation=p["explanation"],
            conditions=tuple(p["conditions"]),
            cite=_cite(p["cite"]),
            uncertain=bool(p.get("uncertain", False)),
        )
        for p in path["pathways"]
    }
    kb = Knowledge(
        sources=sources,
        programme=programme,
        areas=tuple(Area(a["id"], a["label"]) for a in occ["areas"]),
        occupations=occupations,
        employer_rules=_employer_rules(occ.get("employer_rules")),
        conditions=conditions,
        pathways=pathways,
        occupation_pathways={k: tuple(v) for k, v in path["occupation_pathways"].items()},
        blocked_statuses=frozenset(path["blocked_statuses"]),
        blocked_statuses_cite=_cite(path["blocked_statuses_cite"]),
        wage_floors=tuple(
            WageFloor(w["track"], _date(w["from"]), _date(w["to"]), int(w["annual_krw"]), _cite(w["cite"]))
            for w in params["wage_floors"]
        ),
        wage_gap_cite=_cite(params["wage_gap_cite"]),
        minimum_wages=tuple(
            MinimumWage(int(m["year"]), int(m["hourly_krw"]), int(m["monthly_krw"]), _cite(m["cite"]))
            for m in params["minimum_wage"]
        ),
        documents=tuple(
            Document(
                id=d["id"],
                stage=d["stage"],
                side=d["side"],
                name=d["name"],
                name_ko=d["name_ko"],
                cite=_cite(d["cite"]),
                when=dict(d.get("when") or {}),
                notes=tuple(d.get("notes") or ()),
                short=d.get("short", ""),
            )
            for d in docs["documents"]
        ),
        document_notes=tuple(_note(n) for n in docs["general_notes"]),
        tb_countries=frozenset(docs["tb_countries"]),
        tb_countries_total=int(docs["tb_countries_total"]),
        tb_cite=_cite(docs["tb_cite"]),
        municipalities=tuple(
            Municipality(
                m["id"], m["name"], m["name_ko"], tuple(m.get("aliases") or ()), tuple(m.get("districts") or ())
            )
            for m in gg["municipalities"]
        ),
        elsewhere=tuple(Elsewhere(e["en"], e["ko"], tuple(e.get("aliases") or ())) for e in gg.get("elsewhere") or ()),
        municipalities_cite=_cite(gg["cite"]),
        codes_cite=_cite(occ["codes_cite"]),
        faq=tuple(
            FaqEntry(
                id=f["id"],
                topic=f["topic"],
                answer=f["answer"],
                cite=tuple(_cite(c) for c in f.get("cite") or ()),
                related=tuple(f.get("related") or ()),
            )
            for f in faq["faq"]
        ),
    )
    _validate(kb)
    return kb


def all_cites(kb: Knowledge) -> list[tuple[str, Cite]]:
    """Every citation in the knowledge base, labelled by where it stands."""
    p = kb.programme
    cites: list[tuple[str, Cite]] = [
        ("programme", p.cite),
        ("quota", p.quota_cite),
        ("window", p.window.cite),
        ("channel", p.channel_cite),
        ("contact", p.contact_cite),
        ("blocked_statuses", kb.blocked_statuses_cite),
        ("wage_gap", kb.wage_gap_cite),
        ("tb_countries", kb.tb_cite),
        ("municipalities", kb.municipalities_cite),
    ]
    cites += [(f"fact:{f.id}", f.cite) for f in p.facts]
    cites += [(f"occupation:{o.id}", o.cite) for o in kb.occupations]
    cites += [("occupation_codes", kb.codes_cite)]
    cites += [(f"occupation:{o.id}:m5:{c.code}", c.cite) for o in kb.occupations for c in o.codes_m5]
    cites += [(f"employer_rule:{i}", r.cite) for i, r in enumerate(kb.employer_rules)]
    cites += [(f"employer_rule:{o.id}:{i}", r.cite) for o in kb.occupations for i, r in enumerate(o.employer_rules)]
    cites += [(f"condition:{c.id}", c.cite) for c in kb.conditions.values()]
    cites += [(f"condition:{c.id}:abroad", c.advice_abroad.cite) for c in kb.conditions.values() if c.advice_abroad]
    cites += [(f"pathway:{x.id}", x.cite) for x in kb.pathways.values()]
    cites += [(f"wage:{w.track}:{w.start}", w.cite) for w in kb.wage_floors]
    cites += [(f"minimum_wage:{m.year}", m.cite) for m in kb.minimum_wages]
    cites += [(f"document:{d.id}", d.cite) for d in kb.documents]
    cites += [(f"note:{i}", n.cite) for i, n in enumerate(kb.document_notes)]
    cites += [(f"faq:{f.id}:{i}", c) for f in kb.faq for i, c in enumerate(f.cite)]
    return cites


def _validate(kb: Knowledge) -> None:
    for where, cite in all_cites(kb):
        if not cite.keys:
            raise KnowledgeError(f"{where}: cites no source key")
        unknown = [k for k in cite.keys if k not in kb.sources]
        if unknown:
            raise KnowledgeError(f"{where}: unknown source key(s) {unknown}")
    occupation_ids = {o.id for o in kb.occupations}
    for pw in kb.pathways.values():
        for cid in pw.conditions:
            if cid not in kb.conditions:
                raise KnowledgeError(f"pathway {pw.id}: unknown condition {cid}")
    for occ_id, ids in kb.occupation_pathways.items():
        if occ_id != "default" and occ_id not in occupation_ids:
            raise KnowledgeError(f"occupation_pathways: unknown occupation {occ_id}")
        for pid in ids:
            if pid not in kb.pathways:
                raise KnowledgeError(f"occupation_pathways[{occ_id}]: unknown pathway {pid}")
    faq_ids = [f.id for f in kb.faq]
    if len(set(faq_ids)) != len(faq_ids):
        raise KnowledgeError("faq: duplicate ids")
    for f in kb.faq:
        for rid in f.related:
            if rid not in faq_ids or rid == f.id:
                raise KnowledgeError(f"faq {f.id}: unknown related id {rid}")
    area_ids = {a.id for a in kb.areas}
    for o in kb.occupations:
        if o.area not in area_ids:
            raise KnowledgeError(f"occupation {o.id}: unknown area {o.area}")
    for d in kb.documents:
        wanted = d.when.get("occupations") or []
        for occ_id in wanted if isinstance(wanted, list) else []:
            if occ_id not in occupation_ids:
                raise KnowledgeError(f"document {d.id}: unknown occupation {occ_id}")
