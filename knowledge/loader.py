"""Loads knowledge/data/*.yaml into typed records, once, and checks that every citation resolves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Any, Protocol, TypeVar, Union, cast, get_args, get_origin, get_type_hints

import yaml

from knowledge.model import (
    Area,
    Cite,
    Condition,
    Confidence,
    Document,
    Elsewhere,
    EmployerRule,
    FaqEntry,
    Knowledge,
    MinimumWage,
    Municipality,
    Note,
    Occupation,
    Pathway,
    Programme,
    Source,
    WageFloor,
)

DATA_DIR = Path(__file__).parent / "data"
# libyaml's safe loader where PyYAML was built with it (10 times faster at every start), else Python's.
_BASE_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_BASE_LOADER):  # type: ignore[misc]
    """Refuses a key given twice in one mapping: YAML keeps the last one without a word (sources.yaml
    held M5 twice, and only the second counted)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]  # as written: cheap
        if len(set(keys)) != len(keys):
            twice = next(k for i, k in enumerate(keys) if k in keys[:i])
            raise KnowledgeError(f"line {node.start_mark.line + 1}: {twice!r} is given twice in one mapping")
        return cast(dict[Any, Any], super().construct_mapping(node, deep=deep))


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


R = TypeVar("R")


class KnowledgeError(ValueError):
    """The data files are inconsistent (a bad citation, an unknown id)."""


def _read(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=StrictLoader)


def _cite(raw: dict[str, Any]) -> Cite:
    _known(raw, ("source", "confidence"), "the citation")
    return Cite(source=_value(str, raw.get("source")), confidence=Confidence(_value(str, raw.get("confidence"))))


def _date(value: Any) -> date:
    if isinstance(value, datetime):  # a day compared with days: an instant would fail at a user's step
        raise KnowledgeError(f"{value!r} should be a day (YYYY-MM-DD), not an instant")
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _known(raw: dict[str, Any], keys: tuple[str, ...] | set[str], where: str) -> None:
    """A key nobody reads is refused: a misspelt one would otherwise vanish with what it holds."""
    unknown = set(raw) - set(keys)
    if unknown:
        raise KnowledgeError(f"{where}: unknown key(s) {sorted(unknown)}")


def _value(hint: Any, raw: Any) -> Any:
    """A YAML value as the record field's type says (the one place where data become typed). What does
    not fit is refused at load, never passed on: a blank list would make a pathway's conditions
    vanish, a blank text would reach people as "None"."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (UnionType, Union):  # X | None: absent or empty is None
        kind = next(a for a in args if a is not type(None))
        return None if raw in (None, "") else _value(kind, raw)
    if raw is None:
        raise KnowledgeError("is empty")
    if origin in (tuple, frozenset):
        _expect(raw, list, "a list")
        return origin(_value(args[0], item) for item in raw)
    if origin is dict:
        key, kind = args
        return {_value(key, k): _value(kind, v) for k, v in _expect(raw, dict, "a mapping").items()}
    if hint is object:  # a condition's free-form parts (Document.when)
        return raw
    if hint is Cite:
        _expect(raw, dict, "a citation {source, confidence}")
        return _cite(raw)
    if hint is date:
        return _date(raw)
    if hint is datetime:
        when = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
        if when.tzinfo is None:  # compared with aware instants everywhere: refused here, not at a user's step
            raise KnowledgeError(f"{raw!r} has no time zone (write +09:00)")
        return when
    if is_dataclass(hint):
        return _record(cast(type, hint), raw)
    if hint is str:  # codes too are quoted: YAML reads 0211 as the number 137
        if not _expect(raw, str, "text (codes in quotes)").strip():
            raise KnowledgeError("is blank")
        return raw
    return _expect(raw, hint, hint.__name__)  # int, bool


def _expect(raw: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(raw, kind) or (isinstance(raw, bool) and kind is not bool):
        raise KnowledgeError(f"should be {what}, not {raw!r}")
    return raw


def _record(cls: type[R], raw: Any, *, read: tuple[str, ...] = (), **given: Any) -> R:
    """A record from its YAML mapping, field by field as the dataclass declares them: a key the data
    leave out (or leave blank) keeps the field's default, and a field without one must be there;
    ``given`` are the fields the caller makes from the mapping's keys named in ``read``. A key the
    record does not know is refused: a misspelt optional key would otherwise vanish silently."""
    name = cls.__name__
    _expect(raw, dict, f"a mapping for {name}")
    where = f"{name} {given.get('id') or raw.get('id') or given.get('key', '')}".rstrip()
    declared = {f.name: f for f in fields(cast(Any, cls))}
    _known(raw, set(declared) | set(read), where)
    hints = _hints(cast(type, cls))
    values = dict(given)
    for key, f in declared.items():
        if key in values:
            continue
        optional = f.default is not MISSING or f.default_factory is not MISSING
        if raw.get(key) is None:
            if optional:
                continue
            raise KnowledgeError(f"{where}: {key} is {'empty' if key in raw else 'missing'}")
        try:
            values[key] = _value(hints[key], raw[key])
        except (KnowledgeError, ValueError, KeyError, TypeError) as e:
            raise KnowledgeError(f"{where}: {key}: {e}") from None
        if not optional and values[key] in ((), frozenset(), {}):  # [] as blank as no value at all
            raise KnowledgeError(f"{where}: {key} is empty")
    return cls(**values)


def _take(hint: Any, data: dict[str, Any], key: str, *, optional: bool = False) -> Any:
    """One top-level key of a data file, typed; a required one must be there and not blank."""
    if data.get(key) is None:
        if optional:
            return _value(hint, [])
        raise KnowledgeError(f"{key} is {'empty' if key in data else 'missing'}")
    try:
        value = _value(hint, data[key])
    except (KnowledgeError, ValueError, KeyError, TypeError) as e:
        raise KnowledgeError(f"{key}: {e}") from None
    if not optional and value in ((), frozenset(), {}):
        raise KnowledgeError(f"{key} is empty")
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


# The top-level keys of each file, all read below (conditions, FAQ and sources hold mappings by id).
_FILE_KEYS = {
    "occupations": ("areas", "occupations", "employer_rules", "codes_cite"),
    "conditions": ("conditions",),
    "pathways": ("pathways", "occupation_pathways", "blocked_statuses", "blocked_statuses_cite"),
    "parameters": ("wage_floors", "wage_gap_cite", "minimum_wage"),
    "documents": ("documents", "general_notes", "tb_countries", "tb_countries_total", "tb_cite"),
    "gyeonggi": ("municipalities", "elsewhere", "cite"),
    "faq": ("faq",),
}


def _read_all(*names: str) -> list[Any]:
    files = [_read(f"{name}.yaml") for name in names]
    for name, data in zip(names, files, strict=True):
        _expect(data, dict, f"{name}.yaml: a mapping")
        if name in _FILE_KEYS:
            _known(data, _FILE_KEYS[name], f"{name}.yaml")
    return files


class _Cache(Protocol):
    def cache_clear(self) -> None: ...


_C = TypeVar("_C", bound=_Cache)
_DERIVED: list[Callable[[], None]] = []


def derived(cached: _C) -> _C:
    """Marks a cache of something worked out from the data (an index, the next question for some
    answers): ``reload`` empties it together with the data, so no answer outlives the data it came from."""
    _DERIVED.append(cached.cache_clear)
    return cached


def reload() -> None:
    """Reads the data afresh at the next ``load()`` (a test that moves DATA_DIR) and forgets every
    cache marked ``derived``. Production loads once per process and never calls this."""
    load.cache_clear()
    for clear in _DERIVED:
        clear()


@cache
def load() -> Knowledge:
    """The knowledge base. Cached: the data files are read once per process."""
    prog, sources_raw, occ, cond, path, params, docs, gg, faq = _read_all(
        "programme", "sources", "occupations", "conditions", "pathways", "parameters", "documents", "gyeonggi", "faq"
    )
    prog_phone = _take(str, prog, "contact_phone")
    channel = _take(dict[str, object], prog, "channel")
    _known(channel, ("name", "name_ko", "url", "cite"), "programme.yaml: channel")
    kb = Knowledge(
        sources={k: _source(k, v, prog_phone) for k, v in sources_raw.items()},
        programme=_record(
            Programme,
            prog,
            read=("channel",),
            channel_name=_take(str, channel, "name"),
            channel_name_ko=_take(str, channel, "name_ko"),
            channel_url=_take(str, channel, "url"),
            channel_cite=_take(Cite, channel, "cite"),
        ),
        areas=_take(tuple[Area, ...], occ, "areas"),
        occupations=_take(tuple[Occupation, ...], occ, "occupations"),
        employer_rules=_take(tuple[EmployerRule, ...], occ, "employer_rules", optional=True),
        conditions={
            cid: _record(Condition, c, id=cid) for cid, c in _take(dict[str, object], cond, "conditions").items()
        },
        pathways={p.id: p for p in _take(tuple[Pathway, ...], path, "pathways")},
        occupation_pathways=_take(dict[str, tuple[str, ...]], path, "occupation_pathways"),
        blocked_statuses=_take(frozenset[str], path, "blocked_statuses"),
        blocked_statuses_cite=_take(Cite, path, "blocked_statuses_cite"),
        wage_floors=tuple(
            _record(WageFloor, w, read=("from", "to"), start=_take(date, w, "from"), end=_take(date, w, "to"))
            for w in _take(tuple[dict[str, object], ...], params, "wage_floors")
        ),
        wage_gap_cite=_take(Cite, params, "wage_gap_cite"),
        minimum_wages=_take(tuple[MinimumWage, ...], params, "minimum_wage"),
        documents=_take(tuple[Document, ...], docs, "documents"),
        document_notes=_take(tuple[Note, ...], docs, "general_notes"),
        tb_countries=_take(frozenset[str], docs, "tb_countries"),
        tb_countries_total=_take(int, docs, "tb_countries_total"),
        tb_cite=_take(Cite, docs, "tb_cite"),
        municipalities=_take(tuple[Municipality, ...], gg, "municipalities"),
        elsewhere=_take(tuple[Elsewhere, ...], gg, "elsewhere", optional=True),
        municipalities_cite=_take(Cite, gg, "cite"),
        codes_cite=_take(Cite, occ, "codes_cite"),
        faq=_take(tuple[FaqEntry, ...], faq, "faq"),
    )
    _validate(kb)
    return kb


def _source(key: str, raw: Any, phone: str) -> Source:
    """A source; where it names no phone that can confirm it, the programme's."""
    _expect(raw, dict, f"a mapping for Source {key}")
    return _record(Source, raw, key=key) if "ask" in raw else _record(Source, raw, key=key, ask=phone)


def all_cites(kb: Knowledge) -> list[tuple[str, Cite]]:
    """Every citation in the knowledge base, labelled by where it stands."""
    p = kb.programme
    cites: list[tuple[str, Cite]] = [
        ("programme", p.cite),
        ("authority", p.authority_cite),
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
