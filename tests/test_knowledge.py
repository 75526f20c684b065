"""The knowledge base: data files load, every citation resolves, dated parameters pick by date."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.clock import SEOUL
from knowledge import loader
from knowledge.documents import checklist
from knowledge.employer import rules_for
from knowledge.loader import all_cites, load
from knowledge.model import Confidence
from knowledge.parameters import days_left, minimum_wage, wage_floor, window_state
from knowledge.profile import Profile
from knowledge.route import Route, visa_route
from knowledge.rules import evaluate


def test_twelve_confirmed_occupations_and_nurse_unconfirmed() -> None:
    kb = load()
    confirmed = [o for o in kb.occupations if o.confirmed]
    assert len(confirmed) == 12
    assert sum(o.track == "E-7-2" for o in confirmed) == 1
    assert [o.id for o in kb.occupations if not o.confirmed] == ["nurse"]
    for o in kb.occupations:
        assert o.name and o.name_ko and o.description and o.examples


def test_code_clash_2352_is_robotics_now_and_electronics_formerly() -> None:
    kb = load()
    assert kb.occupation("robotics_engineer").code == "2352"
    assert kb.occupation("electronics_engineer").former_code == "2352"


def test_every_citation_names_known_sources() -> None:
    kb = load()
    cites = all_cites(kb)
    assert len(cites) > 60
    for where, cite in cites:
        assert cite.keys, where
        assert all(k in kb.sources for k in cite.keys), (where, cite.source)
        assert isinstance(cite.confidence, Confidence)


def test_programme_facts() -> None:
    p = load().programme
    assert p.quota == 630
    assert p.contact_phone == "031-120"
    assert p.channel_url == "https://gg24.gg.go.kr"
    assert p.window.opens == datetime(2025, 9, 15, 0, 0, tzinfo=SEOUL)
    assert p.window.closes == datetime(2026, 12, 31, 23, 59, 59, tzinfo=SEOUL)
    assert any(f.id == "not_a_visa" for f in p.facts)


@pytest.mark.parametrize(
    ("track", "on", "amount", "certain"),
    [
        ("E-7-1", date(2025, 10, 1), 28_670_000, True),
        ("E-7-2", date(2025, 10, 1), 25_150_000, True),
        ("E-7-1", date(2026, 11, 24), 31_120_000, True),
        ("E-7-2", date(2026, 2, 1), 25_890_000, True),
        # January 2026: no notice covers it; the higher neighbour, marked uncertain.
        ("E-7-1", date(2026, 1, 15), 31_120_000, False),
        ("E-7-1", date(2027, 3, 1), 31_120_000, False),
    ],
)
def test_wage_floor_by_date(track: str, on: date, amount: int, certain: bool) -> None:
    floor = wage_floor(load(), track, on)
    assert (floor.annual_krw, floor.certain) == (amount, certain)


def test_january_2026_gap_keeps_both_neighbours() -> None:
    floor = wage_floor(load(), "E-7-1", date(2026, 1, 15))
    assert (floor.lower_krw, floor.annual_krw) == (28_670_000, 31_120_000)


def test_minimum_wage_by_year() -> None:
    assert minimum_wage(load(), date(2026, 5, 1)).hourly_krw == 10_320
    assert minimum_wage(load(), date(2025, 5, 1)).monthly_krw == 2_096_270


@pytest.mark.parametrize(
    ("at", "state", "left"),
    [
        (datetime(2025, 9, 14, 23, 59, tzinfo=SEOUL), "not_open", None),
        (datetime(2025, 9, 15, 0, 0, tzinfo=SEOUL), "open", None),
        (datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL), "open", 37),
        (datetime(2026, 12, 31, 23, 58, tzinfo=SEOUL), "open", 0),
        (datetime(2026, 12, 31, 23, 59, 30, tzinfo=SEOUL), "open", 0),
        (datetime(2027, 1, 1, 0, 0, tzinfo=SEOUL), "closed", -1),
    ],
)
def test_window_by_instant(at: datetime, state: str, left: int | None) -> None:
    assert window_state(load(), at) == state
    if left is not None:
        assert days_left(load(), at) == left


# --- The checklist follows the person (issue 19, "Checklist and advice that match the person") ---


def _visa_docs(**answers: object) -> set[str]:
    p = Profile(occupation="web_developer", degree="master", degree_country="abroad", **answers)  # type: ignore[arg-type]
    return {d.id for d in checklist(p).of("visa", "applicant")}


CHANGE_OF_STATUS = {"visa_form_change", "alien_registration_card", "passport_original_photo"}
VISA_ISSUANCE = {"visa_form_abroad", "passport_copy_photo"}


@pytest.mark.parametrize(
    ("answers", "route"),
    [
        ({"in_korea": True, "stay_status": "D-10"}, Route.CHANGE_OF_STATUS),
        ({"in_korea": True, "stay_status": "D-2"}, Route.CHANGE_OF_STATUS),
        ({"in_korea": True, "stay_status": "E-9"}, Route.VISA_ISSUANCE),  # cannot change inside Korea
        ({"in_korea": True, "stay_status": "C-3"}, Route.VISA_ISSUANCE),
        ({"in_korea": False}, Route.VISA_ISSUANCE),
    ],
)
def test_checklist_follows_the_route_the_verdict_names(answers: dict[str, object], route: Route) -> None:
    docs = _visa_docs(**answers)
    mine, other = (
        (CHANGE_OF_STATUS, VISA_ISSUANCE) if route is Route.CHANGE_OF_STATUS else (VISA_ISSUANCE, CHANGE_OF_STATUS)
    )
    assert mine <= docs and not other & docs
    p = Profile(occupation="web_developer", **answers)  # type: ignore[arg-type]
    assert visa_route(p, load()) is route
    if p.in_korea:  # the verdict agrees: a status that cannot change is told to apply from abroad
        verdict = evaluate(p, datetime(2026, 11, 24, tzinfo=SEOUL))
        stay = next(c for c in verdict.general if c.condition.id == "stay_status")
        assert (stay.variant == "abroad") == (route is Route.VISA_ISSUANCE)


def test_kiip_note_only_for_people_who_cannot_take_kiip() -> None:
    def notes(**answers: object) -> str:
        return " ".join(n.text for n in checklist(Profile(occupation="care_worker", **answers)).notes)  # type: ignore[arg-type]

    assert "prove your Korean with TOPIK" in notes(in_korea=False)
    assert "prove your Korean with TOPIK" in notes(in_korea=True, stay_status="C-3")  # a visitor: not registered
    assert "prove your Korean with TOPIK" not in notes(in_korea=True, stay_status="E-9")


def test_employer_side_shows_only_the_persons_occupation() -> None:
    def employer(occupation: str) -> str:
        docs = checklist(Profile(occupation=occupation)).of("visa", "employer")
        return " ".join([d.name for d in docs] + [n for d in docs for n in d.notes])

    care, web, data = employer("care_worker"), employer("web_developer"), employer("data_specialist")
    assert "30 per cent" in care and "20 per cent" not in care and "web developers" not in care
    assert "20 per cent" in web and "30 per cent" not in web and "care workers" not in web
    assert "Employment-insurance roster" not in data
    assert {r.text for r in rules_for(load().occupation("care_worker"))} & {
        r.text for r in load().occupation("web_developer").employer_rules
    } == set()
    # A web developer has a firm 20 % rule of their own: the "some officers check" one is not theirs.
    assert not any(r.id == "it_ratio" for r in rules_for(load().occupation("web_developer")))
    assert any(r.id == "it_ratio" for r in rules_for(load().occupation("data_specialist")))


def test_occupations_match_by_name_and_any_code_never_by_a_number_alone() -> None:
    kb = load()
    care, nurse = kb.occupation("care_worker"), kb.occupation("nurse")
    assert care.code == "42111" and nurse.code == "2430"  # the regional guideline keeps the old numbers
    assert {(c.code, c.where, c.cite.source) for c in care.codes_m5} == {
        ("42210", "list", "M5 p.233"),
        ("42110", "detail", "M5 p.278"),
    }
    assert [c.code for c in nurse.codes_m5] == ["2440"]

    def ids(query: str) -> set[str]:
        return {o.id for o in kb.find_occupations(query)}

    for query in ("42111", "42110", "42210", "요양보호사", "Care worker", "요양보호사(42210 舊42111)"):
        assert ids(query) == {"care_worker"}, query
    assert ids("2440") == ids("2430") == ids("간호사") == {"nurse"}
    # A number alone may name two occupations: both are offered, none is picked.
    assert ids("2352") == {"robotics_engineer", "electronics_engineer"}
    assert ids("2224") == {"web_developer", "data_specialist"}
    # With the name, the name decides, whatever the number says.
    assert ids("전자공학 기술자(2352)") == {"electronics_engineer"}
    assert ids("웹개발자") == {"web_developer"}
    assert ids("9999") == set()


FAQ_IDS = [
    "family",
    "job_change",
    "leave_gyeonggi",
    "korean_documents",
    "apostille",
    "topik",
    "kiip",
    "fees",
    "bot_and_gg24",
    "gg24_login",
    "deadline_quota",
    "wage_floor",
    "no_job_offer",
    "workplace_outside",
    "care_worker",
    "change_status",
    "after_recommendation",
    "guarantee",
    "processing_time",
    "stay_length",
    "nurse",
    "reapply",
    "contacts",
    "privacy",
    "occupations",
    "documents",
    "eligibility",
]
FACTS_FILE = Path(__file__).resolve().parents[1].parent / "shared" / "program-facts.md"


def test_faq_has_the_27_topics_in_order_short_enough() -> None:
    faq = load().faq
    assert [f.id for f in faq] == FAQ_IDS
    for f in faq:
        assert 0 < len(f.topic) <= 28, f.id
        assert 0 < len(f.answer) <= 600, f.id
        assert 1 <= len(f.related) <= 3, f.id
        # Only <b> may mark the text up; links only to the two official sites.
        assert set(re.findall(r"</?(\w+)", f.answer)) <= {"b"}, f.id
        for host in re.findall(r"\b(?:[\w-]+\.)+(?:kr|com|org|net)\b", f.answer):
            assert host in {"gg24.gg.go.kr", "hikorea.go.kr"}, (f.id, host)


def test_an_faq_answer_naming_whom_to_ask_agrees_with_its_sources_line() -> None:
    """Below an answer, an uncertain fact's sources say whom to ask (dialogs/citations.py); an answer
    that names a number itself must name that one too (the family answer said "ask 1345" above a
    line saying "ask 031-120")."""
    from dialogs.citations import who_to_ask

    for f in load().faq:
        named = {phone for phone in ("1345", "031-120") if phone in f.answer}
        for c in f.cite:
            if named and c.confidence.value in ("I", "S"):
                assert who_to_ask(c) in named, (f.id, c.source, who_to_ask(c), named)


def test_faq_cites_resolve_and_related_ids_exist() -> None:
    kb = load()
    ids = {f.id for f in kb.faq}
    for f in kb.faq:
        # Only the bot's own privacy answer rests on no fact-sheet source.
        assert f.cite or f.id == "privacy", f.id
        for c in f.cite:
            assert c.keys and all(k in kb.sources for k in c.keys), (f.id, c.source)
        assert set(f.related) <= ids - {f.id}, f.id


@pytest.mark.parametrize(
    ("file", "before", "after", "refusal"),
    [
        ("faq.yaml", "related: [stay_length,", "related: [no_such_id,", "no_such_id"),
        # A blank list is refused, not read as "no conditions" (which would make everyone eligible).
        ("pathways.yaml", "conditions: [degree_master, major_related]", "conditions:", "conditions is empty"),
        # A misspelt optional key would otherwise leave its default in place without a word.
        ("conditions.yaml", "    effort: 1\n", "    efort: 1\n", r"unknown key\(s\) \['efort'\]"),
        ("programme.yaml", '"2025-09-15T00:00:00+09:00"', '"2025-09-15T00:00:00"', "no time zone"),
        ("faq.yaml", "    topic: ", "    topic: [a list]\n    x_topic: ", "unknown key|should be text"),
        ("documents.yaml", 'short: "Passport"', "short: [Passport]", "Document passport_copy: short: should be text"),
        (
            "documents.yaml",
            "  - id: gg24_form\n    stage:",
            "  - id: gg24_form\n    stag:",
            "Document gg24_form: unknown",
        ),
        ("documents.yaml", "    name_ko: 여권 사본\n", "", "Document passport_copy: name_ko is missing"),
        # An empty list is as blank as no list.
        ("pathways.yaml", "conditions: [degree_master, major_related]", "conditions: []", "conditions is empty"),
        # A misspelt top-level key, a key of the channel, an extra key in a citation.
        (
            "occupations.yaml",
            "\nemployer_rules:",
            "\nemployer_rule:",
            r"occupations.yaml: unknown key\(s\) \['employer_rule'\]",
        ),
        ("programme.yaml", "  name_ko:", "  nmae_ko:", r"channel: unknown key\(s\) \['nmae_ko'\]"),
        ("faq.yaml", "confidence: C}", "confidence: C, note: x}", r"the citation: unknown key\(s\) \['note'\]"),
        # A source's phone left blank would be shown as "None"; a source that is no mapping named.
        (
            "sources.yaml",
            'ask: "1345", title: "MoJ stay manual 2026.6 (',
            'ask: null, title: "MoJ stay manual 2026.6 (',
            "Source M2: ask is empty",
        ),
        ("sources.yaml", "G2: {name:", "G2: 7\nG9: {name:", "a mapping for Source G2"),
        # A day written as an instant would fail at a user's step, comparing it with days.
        ("parameters.yaml", "from: 2025-04-01,", "from: 2025-04-01T00:00:00+09:00,", "should be a day"),
        ("programme.yaml", "authority: Governor of Gyeonggi Province", 'authority: ""', "authority: is blank"),
        # A key given twice: YAML would keep the second without a word.
        ("sources.yaml", "G2: {name:", 'G1: {name: "x", title: "x", url: "x"}\nG2: {name:', "'G1' is given twice"),
        # Codes are quoted: unquoted, YAML reads 0211 as the number 137.
        ("occupations.yaml", 'code: "2224"', "code: 0211", "code: should be text"),
    ],
)
def test_the_loader_refuses_data_that_do_not_fit_their_records(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, file: str, before: str, after: str, refusal: str
) -> None:
    for name in loader.DATA_DIR.glob("*.yaml"):
        (tmp_path / name.name).write_text(name.read_text(encoding="utf-8"), encoding="utf-8")
    edited = tmp_path / file
    text = edited.read_text(encoding="utf-8")
    assert before in text
    edited.write_text(text.replace(before, after, 1), encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    loader.reload()
    try:
        with pytest.raises(loader.KnowledgeError, match=refusal):
            load()
    finally:
        monkeypatch.undo()
        loader.reload()


def test_codes_are_text_and_optional_keys_keep_their_defaults() -> None:
    kb = load()
    web = kb.occupation("web_developer")
    assert isinstance(web.code, str) and web.code.isdigit()
    assert all(isinstance(c.code, str) for o in kb.occupations for c in o.codes_m5)
    privacy = next(f for f in kb.faq if f.id == "privacy")
    assert privacy.cite == ()
    assert kb.programme.authority_cite.keys == ("G1", "G2")


def test_faq_states_no_figure_absent_from_the_facts() -> None:
    if not FACTS_FILE.exists():
        pytest.skip("program-facts.md is not here")
    known = FACTS_FILE.read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in sorted(loader.DATA_DIR.glob("*.yaml")) if p.name != "faq.yaml"
    )
    for f in load().faq:
        for number in re.findall(r"\d[\d,.]*", f.answer):
            assert number.rstrip(".,") in known, (f.id, number)
