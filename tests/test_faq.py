"""Typed questions: the rule that makes typed text a question, matching in every script, the
answer with its sources and the way back, "Did you mean…", feedback and the anonymous counts."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.i18n import available_locales
from bot.services.faq import FaqService
from dialogs import faq
from emulator import BotAPIEmulator
from knowledge import faq_match
from knowledge.faq_match import KEYWORDS_DIR, PHRASINGS_DIR, Matcher, load_phrasings
from knowledge.loader import load
from knowledge.ngrams import folded, normalise, spaced
from knowledge.text import T
from knowledge.verdict import Outcome
from tests.answers import ELIGIBLE_IN_KOREA
from tests.conftest import BotRunner
from tests.e2e import APOLOGY_EN, answer, sqlite_db, texts

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("Có thể đưa vợ con sang Hàn không?", "co the dua vo con sang han khong"),
        ("Oʻzbekiston o‘g‘il O'zbek", "ozbekiston ogil ozbek"),
        ("ＫＩＩＰ　４단계", "kiip 4 단계"),
        ("ยื่นCCVIที่ไหน", "ยื่น ccvi ที่ไหน"),  # Latin inside Thai is a word of its own
        ("Всё ещё", "все еще"),
    ],
)
def test_normalisation_forgives_scripts_and_habits(typed: str, plain: str) -> None:
    assert normalise(typed) == plain


def test_cyrillic_typed_in_latin_letters_finds_its_phrasings() -> None:
    """The matcher reads Cyrillic as Latin letters (folded), so Russian typed without a Cyrillic
    keyboard and Uzbek in either script find the same phrasings; normalise keeps the script (staff
    read the counted texts)."""
    assert folded("Переход к другому работодателю, Ёлка") == "perehod k drugomu rabotodatelyu elka"
    assert folded("Ўзбекистон, ҳафта") == folded("O'zbekiston, hafta") == "ozbekiston hafta"
    assert normalise("Переход") == "переход"
    data = {"ru": {"family": ["можно привезти жену и детей"], "fees": ["сколько стоит виза"]}}
    assert Matcher(data).rank("mozhno privezti zhenu?")[0].entry == "family"
    assert Matcher(data).rank("skolko stoit viza")[0].entry == "fees"


def test_the_folding_makes_no_keyword_pull_other_topics() -> None:
    """A keyword in Cyrillic is matched in Latin letters (folded): "хань" (Mongolian, spouse) became
    "han", found in Vietnamese "Hàn Quốc" everywhere. No keyword may be found in more phrasings of
    other entries than of its own once folded, unless it already was before the folding."""
    phrasings = load_phrasings(PHRASINGS_DIR)

    def joined(fold: Callable[[str], str]) -> dict[str, str]:
        out: dict[str, list[str]] = {}
        for by_entry in phrasings.values():
            for entry, written in by_entry.items():
                out.setdefault(entry, []).extend(f" {fold(t)} " for t in written)
        return {entry: "\n".join(lines) for entry, lines in out.items()}

    def pulls(texts: dict[str, str], entry: str, word: str) -> bool:
        key = f" {word}" if spaced(word) else word
        return sum(t.count(key) for e, t in texts.items() if e != entry) > texts[entry].count(key)

    as_folded, as_typed = joined(folded), joined(normalise)
    pulling = [
        (language, entry, word)
        for language, by_entry in load_phrasings(KEYWORDS_DIR).items()
        for entry, words in by_entry.items()
        for word in words
        if folded(word) != normalise(word)
        and len(folded(word)) >= 2
        and pulls(as_folded, entry, folded(word))
        and not pulls(as_typed, entry, normalise(word))
    ]
    assert pulling == []


def test_devanagari_thai_and_khmer_keep_their_marks() -> None:
    for text in ("परिवार", "ครอบครัว", "គ្រួសារ"):
        assert normalise(text) == text


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("can I bring my family?", True),
        ("가족데려올수있나요", True),
        ("签证费多少", True),
        ("co the doi cong ty khong", True),
        ("ครอบครัวมาได้ไหม", True),
        # informal forms people type (the QA walk of 2026-12-07 found them taken for nothing)
        ("скока стоит виза", True),
        ("biaya visa brp", True),
        ("ish joyini o'zgartirsa bo'ladimi", True),
        ("ค่าวีซ่าเท่าไหร่", True),
        ("ផុតកំណត់ថ្ងៃណា", True),
        ("my salary is 40 million", False),
        ("Nguyen Van An", False),
        ("35000000", False),
        ("Suwon", False),
        ("the contract starts in March", False),
        ("Suwon; Paldal-gu 123", False),
    ],
)
def test_what_looks_like_a_question(text: str, question: bool) -> None:
    assert faq.looks_like_question(text) is question


def test_every_entry_has_phrasings_and_keywords_in_every_language() -> None:
    ids = {e.id for e in load().faq}
    phrasings = load_phrasings()
    assert set(phrasings) == set(available_locales())
    for language, by_entry in phrasings.items():
        assert set(by_entry) == ids, language
        assert all(len(p) >= 5 for p in by_entry.values()), language


@pytest.mark.parametrize("held_out", ["faq_eval", "faq_eval2", "faq_eval3", "faq_latin", "faq_offtopic"])
def test_no_held_out_question_is_among_the_phrasings(held_out: str) -> None:
    """bench/'s questions measure wording the index has not seen: one copied into the phrasings
    (or typed there by chance) would be answered from memory. (A keyword may equal a one-word
    question: keywords are the topics' vocabulary, not questions.)"""
    import yaml

    known = {
        folded(text)  # as the matcher reads them: Cyrillic as Latin letters ("жена" as "zhena")
        for by_entry in load_phrasings(PHRASINGS_DIR).values()
        for texts in by_entry.values()
        for text in texts
    }
    asked = []
    for path in sorted((ROOT / "bench" / held_out).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        asked += [str(q) for qs in data.values() for q in qs] if isinstance(data, dict) else [str(q) for q in data]
    assert asked
    assert [q for q in asked if folded(q) in known] == []


def test_a_known_phrasing_ranks_its_entry_first_in_every_language() -> None:
    for language, by_entry in load_phrasings().items():
        for entry, texts_ in by_entry.items():
            matches = faq.rank(texts_[0])
            assert matches[0].entry == entry, (language, texts_[0], matches)


def test_a_question_spread_over_an_entrys_phrasings_finds_that_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The words of a question may each stand in another phrasing of its entry ("wife", "children"),
    while one phrasing of another entry, whose others are about something else, holds them all: the
    entry's phrasings taken together decide (TOPIC_WEIGHT); by the best phrasing alone the other wins."""
    family = ["my wife", "our children", "wife too", "children too"]
    school = ["wife children school", "school bus", "school fees", "school lunch", "uniforms", "exam dates"]
    # Another language, its entries in another order: a topic is found by its own language's texts,
    # and its score goes to its own entry.
    data = {
        "ru": {"school": ["школа", "автобус"], "family": ["жена", "дети"], "fees": ["сколько стоит"]},
        "en": {"family": family, "school": school},
    }
    assert Matcher(data).rank("wife children")[0].entry == "family"
    assert Matcher(data).rank("жена дети")[0].entry == "family"
    monkeypatch.setattr(faq_match, "TOPIC_WEIGHT", 0.0)
    assert Matcher(data).rank("wife children")[0].entry == "school"


def test_context_breaks_a_near_tie() -> None:
    """Two entries the question matches equally: the person's occupation decides, nothing else."""
    tie = Matcher({"en": {"eligibility": ["what are the requirements"], "care_worker": ["what are the requirements"]}})
    plain = tie.rank("requirements?")
    assert plain[0].score == plain[1].score
    care = faq.context_boost(faq.Context(occupation="care_worker"))
    assert tie.rank("requirements?", boost=care)[0].entry == "care_worker"
    refused = faq.context_boost(faq.Context(occupation="web_developer", outcome=Outcome.NOT_ELIGIBLE))
    assert tie.rank("requirements?", boost=refused)[0].entry == "eligibility"


def test_context_outweighs_a_gap_smaller_than_its_boost() -> None:
    """Not only an exact tie: a gap in the final scores smaller than CONTEXT_BOOST goes to the person's
    case (the boost is added to the final score, not before it is scaled)."""
    near = Matcher(
        {
            "en": {
                "eligibility": ["what are the requirements"],
                "care_worker": ["what are the requirements", "elderly care requirements"],
            }
        }
    )
    plain = near.rank("requirements?")
    assert plain[0].entry == "eligibility" and 0 < plain[0].score - plain[1].score < faq.CONTEXT_BOOST
    care = faq.context_boost(faq.Context(occupation="care_worker"))
    assert near.rank("requirements?", boost=care)[0].entry == "care_worker"


@pytest.mark.parametrize(
    ("context", "boosted"),
    [
        (faq.Context(), set()),
        (faq.Context(occupation="web_developer", outcome=Outcome.ELIGIBLE, job_offer=True), set()),
        (faq.Context(occupation="nurse"), {"nurse"}),
        (faq.Context(job_offer=False), {"no_job_offer"}),
        (faq.Context(stay_status="E-9"), {"change_status"}),
        (faq.Context(stay_status="E-7"), set()),
        (faq.Context(outcome=Outcome.NOT_ELIGIBLE), {"eligibility"}),
        (faq.Context(outcome=Outcome.CONDITIONAL), set()),
    ],
)
def test_the_case_nudges_the_entry_about_it(context: faq.Context, boosted: set[str]) -> None:
    assert set(faq.context_boost(context)) == boosted


async def test_the_context_is_read_from_the_answers_and_the_verdict(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """The service builds the context from what the person told the bot: their verdict only once the
    questionnaire is finished."""
    done, halfway = emulator.user(961), emulator.user(962)
    await done.say("/start")
    await answer(done, *ELIGIBLE_IN_KOREA)
    await halfway.say("/start")
    await answer(halfway, "care_worker")
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        service = FaqService(session, clock)
        assert await service._context(961) == faq.Context("web_developer", Outcome.ELIGIBLE, True, "D-10")
        assert await service._context(962) == faq.Context(occupation="care_worker")
        assert await service._context(963) == faq.Context()  # never started
    await engine.dispose()


async def test_a_number_a_step_could_not_read_is_not_taken_as_a_question(
    bot: BotRunner, settings: Settings, clock: FixedClock
) -> None:
    """A number, a date or an amount typed wrongly is the step's answer mistyped: only a question mark
    makes it a question (the matcher is confident about "031-120", a landline typed at the mobile
    number step: the phone numbers' entry)."""
    assert faq.confident(faq.rank("031-120")) is not None  # what the rule guards against
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        service = FaqService(session, clock)
        for typed in ("031-120", "12345", "1995.04.23", "35,000,000", "010-1234-5678"):
            assert not await service.wants(971, typed), typed
        assert await service.wants(971, "1345?")
        assert not faq.looks_like_question("bring my wife and children")  # taken by what it matches
        assert await service.wants(971, "bring my wife and children")
    await engine.dispose()


async def test_a_typed_question_at_a_button_step_gets_its_answer_and_the_way_back(
    bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(951)
    await user.say("/start")
    shown = await user.say("can I bring my family to Korea?")
    answer_text = texts(shown)
    assert "Family: spouse and children" in answer_text and "F-3" in answer_text
    assert "Source" in answer_text and "Was this helpful?" in answer_text
    assert {"👍 Yes", "👎 No", "« Back to where I was"} <= set(shown[-1].button_texts)
    back = await user.tap("« Back to where I was")
    assert "Question 1" in texts(back)  # the current step, one tap away


async def test_a_typed_answer_still_answers_its_step(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(952)
    await user.say("/start")
    shown = await answer(user, "web_developer", "master", "abroad", "yes", "no", "CN", "yes", "yes", "=40000000")
    assert "Family" not in texts(shown)  # a salary is the salary, not a question
    assert "✅ Show my result" in texts(shown) or any("result" in (d or "") for r in shown[-1].buttons for _, d in r)


async def test_an_unknown_question_offers_topics_staff_and_phones_and_is_counted(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(953)
    await user.say("/start")
    shown = await user.say("where can I buy a SIM card?")
    text = texts(shown)
    assert "031-120" in text and "1345" in text
    assert "💬 Ask programme staff" in shown[-1].button_texts
    assert "« Back to where I was" in shown[-1].button_texts
    out = subprocess.run(
        [sys.executable, "-m", "bot", "questions", "--top", "5"],
        env={"DATABASE_URL": settings.database_url, "PATH": "", "KEY_FILE": settings.key_file},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "where can i buy a sim card" in out and "en" in out


async def test_unanswered_questions_are_each_persons_counted_together_shown_and_erased(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """Staff read the questions the FAQ could not answer counted together, without a person; each
    stays the asker's own: in their /mydata, and gone with their /delete (a passport number typed
    in one stayed in the anonymous counts before)."""
    first, second = emulator.user(957), emulator.user(958)
    for user in (first, second):
        await user.say("/start")
        await user.say("where can I buy a SIM card?")
    await first.say("where can I buy a SIM card, my passport is M98765432?")
    db = sqlite_db(settings)

    def asked() -> list[tuple[str, int]]:
        query = "select text, count(*) from unanswered_questions group by text order by text"
        return [(t, n) for t, n in db.execute(query).fetchall()]

    assert asked() == [("where can i buy a sim card", 2), ("where can i buy a sim card my passport is m98765432", 1)]
    await first.say("/mydata")
    export = json.loads(first.documents[-1].content)
    assert [q["text"] for q in export["questions_the_bot_could_not_answer"]] == [
        "where can i buy a sim card",
        "where can i buy a sim card my passport is m98765432",
    ]
    assert export["your_last_typed_question"] == "where can I buy a SIM card, my passport is M98765432?"
    confirm = await first.say("/delete")
    await first.tap("Yes, delete everything", message=confirm[-1])
    assert asked() == [("where can i buy a sim card", 1)]


async def test_feedback_thanks_and_counts_an_unhelpful_answer(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(954)
    await user.say("/start")
    await user.say("can I bring my family to Korea?")
    await user.tap("👍 Yes")
    assert "Thank you" in str((user.last_callback_answer or {}).get("text"))
    sorry = await user.tap("👎 No")
    assert "💬 Ask programme staff" in sorry[-1].button_texts
    rows = sqlite_db(settings).execute("select language, kind, key, count from question_counts").fetchall()
    assert rows == [("en", "unhelpful", "family", 1)]


@pytest.mark.parametrize("text", ["?" * 4000, "<b>bold</b><script>alert(1)</script>?", "🙂🙂🙂🙂", "a"])
async def test_hostile_questions_are_handled_within_the_limits(
    bot: BotRunner, emulator: BotAPIEmulator, text: str
) -> None:
    user = emulator.user(955)
    await user.say("/start")
    shown = await user.say(text)
    assert shown and all(len(m.text or "") <= 4096 for m in shown)
    assert not any(APOLOGY_EN in m.plain for m in shown)


async def test_a_hundred_questions_in_a_row(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(956)
    await user.say("/start")
    for i in range(100):
        await user.say(f"visa fee {i}?")
    assert "Question 1" in texts(await user.tap("« Back to where I was"))


@pytest.mark.parametrize("locale", available_locales())
async def test_a_typed_question_in_every_language(locale: str, bot: BotRunner, emulator: BotAPIEmulator) -> None:
    """The way people ask (a phrasing of the FAQ), at the first question: the answer in their
    language, its sources, feedback, and the first question again one tap away."""
    from bot.i18n import translator
    from dialogs.results import cite_text

    tr = translator(locale)
    entry = faq.entries()["family"]
    user = emulator.user(960, language_code=locale if locale != "zh_Hans" else "zh-hans")
    first = await user.say("/start")
    question_buttons = first[-1].button_texts
    shown = await user.say(load_phrasings()[locale]["family"][1])
    text = texts(shown)
    assert tr.render(T(entry.topic), html_mode=False) in text
    assert tr.render(cite_text(entry.cite[0]), html_mode=False).replace("<i>", "").replace("</i>", "") in text
    back_label = tr.render(faq.BACK, html_mode=False)
    assert back_label in shown[-1].button_texts
    back = await user.tap(back_label)
    assert back[-1].button_texts == question_buttons  # where they were


async def test_ask_programme_staff_from_an_unanswered_question(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(961)
    await user.say("/start")
    await user.say("where can I buy a SIM card?")
    preview = texts(await user.tap("💬 Ask programme staff"))
    assert "where can I buy a SIM card?" in preview and "Staff will also see" in preview
    sent = texts(await user.tap("📨 Send to programme staff"))
    assert "working days" in sent
    tickets = sqlite_db(settings).execute("select status, question from tickets").fetchall()
    assert tickets == [("open", "where can I buy a SIM card?")]
    again = await user.tap(
        "💬 Ask programme staff", next(m for m in user.messages if "💬 Ask programme staff" in m.button_texts)
    )
    assert "already have an open question" in texts(again) or "already have an open question" in str(
        (user.last_callback_answer or {}).get("text")
    )


async def test_staff_see_what_people_asked(staff_bot: BotRunner, emulator: BotAPIEmulator) -> None:
    from tests.conftest import ADMIN
    from tests.staff_e2e import press_staff

    user = emulator.user(962)
    await user.say("/start")
    await user.say("where can I buy a SIM card?")
    admin = emulator.user(ADMIN)
    await admin.say("/staff")
    await press_staff(admin, "🌐 English")
    shown = texts(await press_staff(admin, "🔎 What people asked"))
    assert "1 · English · where can i buy a sim card" in shown


async def test_the_deadline_answer_says_where_the_window_stands_today(
    bot: BotRunner, emulator: BotAPIEmulator, clock: FixedClock
) -> None:
    """The fact sheet's dates are the same every day; the answer adds the days left, or that
    applications closed (it said "You can apply until …" after the close too)."""
    user = emulator.user(959)
    await user.say("/start")
    clock.set(datetime(2026, 12, 24, 9, 0, tzinfo=SEOUL))
    assert "7 days left to file on gg24" in texts(await user.say("when is the deadline to apply?"))
    clock.set(datetime(2027, 1, 2, 9, 0, tzinfo=SEOUL))
    closed = texts(await user.say("when is the deadline to apply?"))
    assert closed.index("Applications closed") < closed.index("The deadline for applications is")  # the close first
    assert "You can apply until" not in closed  # a deadline, in no tense that the close makes false
