"""Words a person understands: sources by their plain names, no data keys or "could not read"."""

from __future__ import annotations

import re

import pytest

from bot.catalogs import read, template
from bot.i18n import available_locales, translator
from dialogs.citations import cite_words
from dialogs.questions import BY_KEY, QUESTIONS
from emulator import BotAPIEmulator
from knowledge.loader import all_cites, load
from knowledge.model import Cite, Confidence, Document
from knowledge.text import T
from tests.conftest import BotRunner
from tests.e2e import ELIGIBLE_WEB_DEV, RAW_KEY, answer, texts
from tests.test_catalogs import extracted_msgids

C, S, OFF, INF = Confidence.CONFIRMED, Confidence.SINGLE, Confidence.OFFICIAL, Confidence.INFERENCE
# Words that tell a person what we failed to do instead of what is known and whom to ask.
OUR_FAILURE = re.compile(r"\bwe\s+(could|can|were|did)\s*(not|n.t)\s+(read|open|access|find|see)\b|\bnot found\b", re.I)


def test_every_cited_source_has_a_plain_translatable_name() -> None:
    kb = load()
    cited = {k for _, cite in all_cites(kb) for k in cite.keys}
    assert cited <= set(kb.sources)
    names = extracted_msgids("messages")
    for key, source in kb.sources.items():
        assert source.name in names, key  # extracted from sources.yaml, so translated
        assert not re.search(rf"\b{key}\b|MoJ", source.name), (key, source.name)
        assert source.ask in ("031-120", "1345"), key


@pytest.mark.parametrize(
    ("source", "confidence", "shown"),
    [
        ("M2 p.215", OFF, "Source: Ministry of Justice stay manual, p. 215 (official)"),
        (
            "G7; M1 p.731",
            INF,
            "Sources: news reports; Ministry of Justice guideline on the regional visa, p. 731 "
            "(our reading — ask 031-120 to confirm)",
        ),
        # several keys of one kind read as one name; June and September manuals' pages joined
        ("G1; G2; G3", C, "Sources: Gyeonggi Province news; news reports (confirmed by several sources)"),
        ("M5 pp.222–223; M2 pp.221-223", OFF, "Source: Ministry of Justice stay manual, pp. 221–223 (official)"),
        ("M2 p.230; M2 p.224, 231", OFF, "Source: Ministry of Justice stay manual, pp. 224, 230, 231 (official)"),
        # remarks for whoever checks the data stay out; "vs" pages are pages
        (
            "G4 (exact times); G1",
            S,
            "Sources: news reports; Gyeonggi Province news (not confirmed yet — ask 031-120 to confirm)",
        ),
        (
            "M5 p.426 vs p.220",
            INF,
            "Source: Ministry of Justice stay manual, pp. 220, 426 (our reading — ask 1345 to confirm)",
        ),
        # immigration's own rules: 1345 confirms them; anything of the programme's: Gyeonggi
        (
            "W1; W3 (gap between notices)",
            INF,
            "Source: news reports on the wage notice (our reading — ask 1345 to confirm)",
        ),
        ("C1345", S, "Source: 1345 Immigration Contact Center (not confirmed yet — ask 1345 to confirm)"),
    ],
)
def test_a_citation_in_plain_words(source: str, confidence: Confidence, shown: str) -> None:
    line = translator("en").render(cite_words(Cite(source, confidence)), html_mode=False)
    assert line == f"<i>{shown}</i>"


def test_no_message_shows_a_source_key_or_what_we_could_not_do() -> None:
    """Every text a person can be shown (the catalog): "M2 p." or "which we could not read" never."""
    offenders = []
    for message in template("messages"):
        text = message.id if isinstance(message.id, str) else message.id[0]
        if text and (RAW_KEY.search(text) or OUR_FAILURE.search(text)):
            offenders.append(text[:80])
    assert offenders == []


async def test_not_sure_of_the_occupation_keeps_the_question_numbers_in_order(
    bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    """The kind of work is a step of question 1: before, it read "Question 2", then "Question 1",
    then the degree "Question 2" again."""
    user = emulator.user(9701, language_code="ko")
    headers = [texts(await user.say("/start")).split("질문 ")[-1][:1]]
    for step in ("not_sure", "software", "web_developer", "bachelor"):
        headers.append(texts(await answer(user, step)).split("질문 ")[-1][:1])
    assert headers == ["1", "1", "1", "2", "3"]


@pytest.mark.parametrize(("locale", "pressed"), [("ko", "아직 없음"), ("en", "Not yet")])
async def test_the_summary_says_the_button_pressed(
    locale: str, pressed: str, bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(9702 if locale == "ko" else 9703, language_code=locale)
    await user.say("/start")
    job_offer = ELIGIBLE_WEB_DEV.index("=Uzbekistan") + 1
    summary = texts(await answer(user, *ELIGIBLE_WEB_DEV[:job_offer], "no"))
    label = translator(locale).render(BY_KEY["job_offer"].summary_label, html_mode=False)
    assert f"{label}: {pressed}" in summary


# Words of an English document name that carry a condition, and how Korean says them.
KOREAN_CONDITION = {"fee": "수수료", "If ": "경우", "lease": "임대차", "gg24": "gg24"}


@pytest.mark.parametrize("document", load().documents, ids=lambda d: d.id)
def test_a_documents_korean_name_is_the_official_one_with_its_condition(document: Document) -> None:
    """The glossary rule: in Korean a document reads as its official name (name_ko, what the office
    says), plus whatever the English name adds: the condition, the fee, the photo's size."""
    korean = translator("ko").render(T(document.name), html_mode=False)
    assert document.name_ko in korean
    for cue, word in KOREAN_CONDITION.items():
        if cue in document.name:
            assert word in korean, (document.name, korean)


@pytest.mark.parametrize("locale", [loc for loc in available_locales() if loc != "en"])
def test_a_documents_numbers_survive_translation(locale: str) -> None:
    """Sizes, fees and codes ("3.5 × 4.5 cm", "KRW 100,000", "starting with 1") in every language."""
    tr = translator(locale)
    lost = []

    def numbers_in(text: str) -> list[str]:  # grouped as the language groups them: 100,000 = 1,00,000
        return re.findall(r"\d+", re.sub(r"(?<=\d)[,.\s\u00a0\u202f](?=\d)", "", text))

    for document in load().documents:
        shown = tr.render(T(document.name), html_mode=False)
        numbers, kept = numbers_in(document.name), numbers_in(shown)
        if any(kept.count(n) < numbers.count(n) for n in numbers):
            lost.append((document.id, shown))
    assert lost == []


def _msgstrs(locale: str) -> dict[str, str]:
    return {m.id: m.string for m in read(locale) if m.id and isinstance(m.id, str)}


def test_1345_is_the_immigration_helpline_not_an_office() -> None:
    """1345 is a phone line (외국인종합안내센터); the offices are where people file, not whom they call."""
    english = [t for t in _msgstrs("en") if re.search(r"office\W{0,3}1345", t)]
    vietnamese = [
        s for s in _msgstrs("vi").values() if re.search(r"Cục xuất nhập cảnh\W{0,3}(tổng đài\W{0,3})?1345", s)
    ]
    assert english == [] and vietnamese == []


@pytest.mark.parametrize("locale", available_locales())
def test_the_summary_labels_are_statements_not_questions(locale: str) -> None:
    """ "In Korea now: No" — an Uzbek label read "Are you in Korea now?" (Koreyadamisiz)."""
    tr = translator(locale)
    labels = [tr.render(q.summary_label, html_mode=False) for q in QUESTIONS]
    assert [label for label in labels if re.search(r"[?？]|\b\w+(misiz|misan)$", label)] == []


def test_filipino_counties_keep_their_korean_form() -> None:
    """Korean counties (군) read "Yangpyeong-gun", as on signs and addresses, not "Kondado ng Yangpyeong"."""
    tr = translator("fil")
    counties = [m for m in load().municipalities if m.name_ko.endswith("군")]
    assert counties
    for county in counties:
        assert tr.render(T(county.name), html_mode=False) == county.name.removesuffix(" County") + "-gun"
