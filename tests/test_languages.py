"""Every language, end to end: walk the questionnaire, the verdicts and the checklist through the
emulator and check that each message is in the user's language (no English leaking in)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pytest
from lingua import Language, LanguageDetectorBuilder

from bot.callbacks import AnswerCB, NavCB
from bot.clock import FixedClock
from bot.config import Settings
from bot.errors import APOLOGY
from bot.i18n import available_locales, translator
from dialogs import statuses as st
from emulator import BotAPIEmulator, FakeMessage, FakeUser
from tests.budget_check import ScreenLog, over_budget
from tests.conftest import BotRunner
from tests.e2e import (
    ELIGIBLE_WEB_DEV,
    PDF,
    answer,
    button_data,
    callback_prefix,
    consented,
    keyboard_message,
    nav,
    nav_arg,
)
from tests.test_status import change, reference_of
from tests.test_window_close import AFTER as AFTER_THE_CLOSE
from tests.test_window_close import NEAR as NEAR_THE_CLOSE

# The script each language is written in; Latin-script languages are checked with lingua instead.
SCRIPTS = {
    "ko": "HANGUL",
    "zh_Hans": "CJK",
    "th": "THAI",
    "km": "KHMER",
    "ne": "DEVANAGARI",
    "ru": "CYRILLIC",
    "mn": "CYRILLIC",
}
LINGUA = {"vi": Language.VIETNAMESE, "id": Language.INDONESIAN, "fil": Language.TAGALOG, "uz": None}
TELEGRAM_CODE = {"zh_Hans": "zh-hans", "fil": "tl"}

# Tokens that are the same in every language: codes, citations, URLs, commands, numbers, money.
NEUTRAL = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[a-z]+)+|https?://\S+|[A-Za-z0-9.-]+\.(?:go|or|co)\.kr|/[a-z]+\b|\bpp?\.\s?[\d, -]+|\b[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9-]*\b"
    r"|\b[A-Z0-9]{8}\b"  # invite codes
    r"|\b[A-Z]{1,5}\b|[\d₩.,:;%()\[\]«»“”\"'+×/·–—-]+"
)
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")  # official Korean names beside a translation
# Names that stay in Latin letters everywhere (programme channel, places in examples).
ALLOWED_LATIN = {
    "gg",
    "gg24",
    "Apostille",
    "apostille",
    "PhD",
    "Gyeonggi",
    "Suwon",
    "Seongnam",
    "Yongin",
    "Hwaseong",
    "Ansan",
    "Korea",
    "Tashkent",
    "Hanoi",
    "Google",
    "HW",
    "hardware",
    "software",
    "web",
    "Web",
    "Linux",
    "RF",
    "Uzbekistan",
    "China",
    "Vietnam",
    "Nepal",
    "Philippines",
    "Indonesia",
    "Thailand",
    "Cambodia",
    "Mongolia",
    "India",
    "Russia",
    "United",
    "States",
    "M1",
    "M2",
    "M3",
    "M4",
}


def script_of(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split()[0] if name else ""


def latin_runs(line: str) -> list[str]:
    """Runs of two or more Latin words (English leaking into a non-Latin language)."""
    runs: list[str] = []
    current: list[str] = []
    for w in re.findall(r"\S+", NEUTRAL.sub(" ", line)):
        latin = re.fullmatch(r"[A-Za-z][A-Za-z'’]+[,.:;!?]?", w) is not None and w.strip(",.:;!?") not in ALLOWED_LATIN
        if latin:
            current.append(w)
        else:
            if len(current) >= 2:
                runs.append(" ".join(current))
            current = []
    if len(current) >= 2:
        runs.append(" ".join(current))
    return runs


@cache
def detector():  # type: ignore[no-untyped-def]
    langs = [
        Language.ENGLISH,
        Language.VIETNAMESE,
        Language.INDONESIAN,
        Language.TAGALOG,
        Language.MALAY,
        Language.TURKISH,
        Language.AZERBAIJANI,
        Language.SOMALI,
    ]
    return LanguageDetectorBuilder.from_languages(*langs).build()


ENGLISH_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "you",
        "your",
        "and",
        "of",
        "to",
        "is",
        "are",
        "in",
        "for",
        "with",
        "this",
        "that",
        "will",
        "be",
        "have",
        "not",
        "or",
        "from",
        "if",
        "on",
        "at",
        "by",
        "it",
        "as",
        "we",
        "can",
        "do",
        "does",
        "must",
    ]
)


def looks_english(words: list[str], language: Language | None) -> bool:
    """English function words make up a fifth of the line; or lingua, where it knows the language
    (it has no Uzbek), tells English from it."""
    stop = sum(w.lower() in ENGLISH_WORDS for w in words)
    if stop >= 2 and stop / len(words) >= 0.2:
        return True
    return language is not None and detector().detect_language_of(" ".join(words)) == Language.ENGLISH


def problems_in(locale: str, message: FakeMessage) -> list[str]:
    out: list[str] = []
    texts = [message.plain] + [label for row in message.buttons for label, _ in row]
    for text in texts:
        for line in text.splitlines():
            if locale in SCRIPTS:
                out += [f"English in {locale}: {run!r} in {line!r}" for run in latin_runs(line)]
            elif locale in LINGUA:
                words = re.findall(r"[^\W\d_]{2,}", HANGUL.sub(" ", NEUTRAL.sub(" ", line)))
                if len(words) >= 4 and looks_english(words, LINGUA[locale]):
                    out.append(f"English in {locale}: {line!r}")
    if locale in SCRIPTS:
        letters = [script_of(ch) for ch in NEUTRAL.sub(" ", message.plain) if ch.isalpha()]
        own = sum(s == SCRIPTS[locale] for s in letters) + sum(s == "HANGUL" for s in letters)  # + official names
        if letters and own / len(letters) < 0.6:
            out.append(f"{locale}: only {own}/{len(letters)} letters in {SCRIPTS[locale]}: {message.plain[:80]!r}")
    return out


async def journeys(user: FakeUser, emulator: BotAPIEmulator) -> None:
    await user.say("/start")
    # ✅ foreign unrelated bachelor with TOPIK 4; typed answers (years, country, salary)
    await answer(user, *ELIGIBLE_WEB_DEV)
    await user.tap(nav(user, "result"))
    # ⚠️ robotics, no offer
    await user.tap(nav(user, "restart"))
    await answer(user, "robotics_engineer", "bachelor", "abroad", "yes", "=3", "yes", "none", "yes", "H-2", "VN", "no")
    await user.tap(nav(user, "result"))
    # ❌ care worker from abroad, via "not sure"; in Korea on E-9; below the floor
    await user.tap(nav(user, "restart"))
    await answer(
        user,
        "not_sure",
        "care",
        "associate",
        "abroad",
        "topik",
        "2",
        "in_progress",
        "yes",
        "E-9",
        "NP",
        "yes",
        "unsure",
        "=2000만",
    )
    await user.tap(nav(user, "edit"))
    await user.tap(nav(user, "back"))
    await user.tap(nav(user, "result"))
    # errors and other screens
    await user.tap(nav(user, "restart"))
    await answer(user, "web_developer", "bachelor", "abroad", "no")
    await user.say("many")
    await user.edit_text("3")  # an edited message: told it is not taken
    await emulator.wait_processed()
    await user.say("/frobnicate")
    await user.send_sticker()
    await emulator.wait_processed()
    await user.tap(
        AnswerCB(q="occupation", v="care_worker").pack(), message=user.messages[0] if user.messages[0].buttons else None
    ) if user.messages[0].buttons else None
    await user.say("/help")
    await user.say("/about")
    await user.say("/language")
    assert keyboard_message(user).buttons


@pytest.mark.parametrize("locale", available_locales())
async def test_whole_journey_is_in_the_users_language_and_fits_a_phone(
    locale: str,
    bot: BotRunner,
    emulator: BotAPIEmulator,
    settings: Settings,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """English needs no language check (problems_in knows no English), but walks for the budgets."""
    screens = ScreenLog(monkeypatch)
    user = emulator.user(500, language_code=TELEGRAM_CODE.get(locale, locale))
    await journeys(user, emulator)
    # The application form in the last 30 days (the days left on every screen): consent, fields with
    # a validation error, the review, data rights.
    clock.set(NEAR_THE_CLOSE)
    await consented(user, "/restart")
    await answer(
        user,
        "=Нгуен",
        "=Nguyen Van An",
        "=1995-04-23",
        "=010-1234-5678",
        "=1995@naver.com",
        "=950423-5123456",
        "=수원시 팔달구 123",
        "=한빛소프트",
        "=134-86-72683",
        "suwon",
        "=2027-01-05",
    )
    # Documents: a refused file, a missing-documents refusal, the uploads, submission and its summary file.
    await user.tap(nav(user, "docs"))
    await user.tap(nav_arg(user, "doc", "passport_copy"))
    await user.send_document(b"hello", "notes.txt", "text/plain")
    await emulator.wait_processed()
    await user.tap(nav(user, "submit"))
    for kind in ("passport_copy", "degree_certificate", "employment_contract"):
        await user.tap(nav_arg(user, "doc", kind))
        await user.send_document(PDF + kind.encode(), f"{kind}.pdf", "application/pdf")
        await emulator.wait_processed()
    await user.tap(nav(user, "submit"))
    # The filing pack again, then the gg24 receipt reported (a refused one first).
    await user.say("/gg24")
    await user.say("/status")
    await user.tap(translator(locale).render(st.REPORT_LABELS[st.FILED], html_mode=False))
    await user.say("??")
    await user.say("2026-1234567")
    # Status notifications and /status, in the same language; a second /apply gets "one per person".
    before = len(user.messages)
    ref = await reference_of(settings, 500)
    for new, extra in [
        (st.INFO_REQUESTED, {"note": "apostille", "reason": "missing_document"}),
        (st.UNDER_REVIEW, {}),
        (st.RECOMMENDED, {}),
    ]:
        await change(settings, clock, ref, new, **extra)
    await user.wait_messages(before + 3, timeout=15)
    await user.say("/status")
    await user.say("/apply")
    assert ref in user.messages[-1].plain
    await user.say("/quota")
    # An employer in the same language: registration (with a refused number), the obligations check
    # for a care home, inviting the candidate, who approves; the candidate's card; /share.
    hr = emulator.user(501, language_code=TELEGRAM_CODE.get(locale, locale))
    await hr.say("/employer")
    await answer(hr, "!" + button_data(hr, data="em1:register:"), "=한빛케어", "=134-86-72684", "=134-86-72683")
    await answer(hr, "!em1:opt:0:city=suwon", "=김민지", "!em1:save:0:")
    await answer(hr, "!em1:oblig:0:", "!em1:opt:0:occupation=care_worker", "=30000000", "=7", "=2")
    await answer(hr, "!em1:opt:0:tax=no", "!em1:opt:0:facility=yes", "=21234")
    await hr.say("/employer")
    invite = await hr.tap(button_data(hr, data="em1:invite:"))
    payload = re.search(r"start=(c_\w+)", invite[0].plain)
    assert payload, invite[0].plain
    await user.say(f"/start {payload.group(1)}")
    await user.tap(button_data(user, data="sh1:approve:"))
    await user.say("/share")
    await hr.say("/employer")
    await hr.tap(button_data(hr, data="em1:cand:"))
    await hr.say("/employer")
    await hr.tap(button_data(hr, data="em1:team:"))  # the colleagues screen
    await user.say("/share")
    await user.tap(button_data(user, data="sh1:company:"))  # how many act for the company
    await user.say("/mydata")
    await user.say("/delete")
    # After the close: /start shows where the sent application stands; to a newcomer, that
    # applications closed, and the check as information only.
    clock.set(AFTER_THE_CLOSE)
    await user.say("/start")
    newcomer = emulator.user(502, language_code=user.language_code)
    await newcomer.say("/start")
    await newcomer.tap(button_data(newcomer, data=callback_prefix(NavCB, "info_check")))
    assert len(user.messages) > 40
    # Every message was accepted by the emulator (HTML, 4096 characters, 64-byte callback data): a
    # rejected one would have produced the apology instead.
    apology = translator(locale).render(APOLOGY)
    assert not any(apology in m.plain for m in user.messages)
    found = [p for m in user.messages + hr.messages + newcomer.messages for p in problems_in(locale, m)]
    assert len(user.documents) >= 2
    for document in user.documents:  # the application summary and the /mydata file: their captions
        found += problems_in(locale, _Plain(document.caption or ""))
    # Every message and button within dialogs/budgets.py, every offender reported at once.
    over = [p for m in user.messages + hr.messages for p in over_budget(locale, m, screens.key_of(m))]
    assert found + over == [], "\n".join(found[:20] + over)
    assert any("✅" in m.plain for m in user.messages)
    assert any("⚠️" in m.plain for m in user.messages)
    assert any("❌" in m.plain for m in user.messages)
    assert any("📋" in m.plain for m in user.messages)
    assert any("⏳" in m.plain for m in user.messages)  # the days left, near the close
    assert any("🗂" in m.plain for m in user.messages)  # the filing pack
    assert any("🔒" in m.plain for m in user.messages)  # after the close
    assert any(m.plain.startswith("🧾") and "2026-1234567" in m.plain for m in user.messages)  # the receipt


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("zh", "zh_Hans"),
        ("zh-hans", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("tl", "fil"),
        ("fil", "fil"),
        ("uz-Cyrl", "uz"),
        ("uz", "uz"),
        ("vi-VN", "vi"),
        ("ru-RU", "ru"),
        ("mn", "mn"),
        ("km", "km"),
    ],
)
def test_telegram_language_codes_map_to_our_catalogs(code: str, locale: str) -> None:
    from bot.i18n import resolve_locale

    assert resolve_locale(code) == locale


async def test_command_menus_and_descriptions_per_language(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    from bot.commands import COMMANDS, telegram_language_code

    for locale in available_locales():
        code = telegram_language_code(locale)
        assert len(emulator.get_commands(language_code=code)) == len(COMMANDS), locale
        assert emulator.descriptions.get(code) and emulator.short_descriptions.get(code), locale


class _Plain:
    """A bare text in the shape problems_in() reads."""

    def __init__(self, plain: str) -> None:
        self.plain = plain
        self.buttons: list[list[tuple[str, str]]] = []


def test_the_checker_catches_english() -> None:
    """The check itself can fail: an English line in a Korean or Vietnamese screen is reported."""

    Msg = _Plain
    assert problems_in("ko", Msg("질문 1\nWhich job will you do in Korea?"))  # type: ignore[arg-type]
    assert not problems_in("ko", Msg("어떤 일을 하시게 됩니까? TOPIK 4급, E-7-1, M2 p.215"))  # type: ignore[arg-type]
    assert problems_in("vi", Msg("Which job will you do in Korea? Pick the closest one."))  # type: ignore[arg-type]
    assert not problems_in("vi", Msg("Bạn sẽ làm công việc nào tại Hàn Quốc? Hãy chọn mục gần nhất."))  # type: ignore[arg-type]
    assert problems_in("uz", Msg("Which job will you do in Korea? Pick the closest one."))  # type: ignore[arg-type]
    assert not problems_in("uz", Msg("Koreys tili boʻyicha natijangiz bormi?"))  # type: ignore[arg-type]
