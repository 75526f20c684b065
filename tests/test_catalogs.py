"""The gettext catalogs: complete, current, consistent, valid Telegram HTML, short buttons."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from bot.catalogs import PLACEHOLDER, po_path, problems, read, template
from bot.clock import SEOUL
from bot.commands import COMMANDS, DESCRIPTION, SHORT_DESCRIPTION
from bot.i18n import (
    DOMAIN,
    LOCALES_DIR,
    STAFF_DOMAIN,
    STAFF_LOCALES,
    available_locales,
    native_name,
    resolve_locale,
    translator,
)
from dialogs import questions
from dialogs.budgets import label_budget, label_width
from dialogs.question_screens import NAV_BACK, NAV_RESTART
from emulator import EntityParseError, parse_html
from knowledge.loader import load
from knowledge.profile import Profile
from knowledge.text import T

LOCALES = available_locales()
# Every catalog a translator maintains: everyone's messages in each language, and the staff
# interface in Korean (English is its source language).
CATALOGS = [(locale, DOMAIN) for locale in LOCALES] + [
    (locale, STAFF_DOMAIN) for locale in STAFF_LOCALES if locale != "en"
]
ROOT = LOCALES_DIR.parent
MAX_BUTTON = label_budget(1)  # what a phone shows on one full-width inline button (dialogs/budgets.py)


def test_the_languages_we_ship() -> None:
    assert set(LOCALES) == {"en", "ko", "zh_Hans", "vi", "ru", "uz", "ne", "th", "km", "id", "mn", "fil"}


@pytest.mark.parametrize(("locale", "domain"), CATALOGS)
def test_catalog_is_complete_and_consistent(locale: str, domain: str) -> None:
    assert problems(read(locale, domain)) == []


@pytest.mark.parametrize(("locale", "domain"), CATALOGS)
def test_msgfmt_check(locale: str, domain: str) -> None:
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext's msgfmt is not installed (apt-get install gettext)")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(po_path(locale, domain))], capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stderr, result.stderr


KEYWORDS = {DOMAIN: {"T": None, "TP": (1, 2)}, STAFF_DOMAIN: {"S": None, "SP": (1, 2)}}


def extracted_msgids(domain: str) -> set[str]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    ids: set[str] = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS[domain]):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.mark.parametrize("domain", [DOMAIN, STAFF_DOMAIN])
def test_catalogs_are_current_with_the_code_and_data(domain: str) -> None:
    """Extracting again adds no msgid and finds none stale: `make i18n-update` has been run."""
    current = extracted_msgids(domain)
    pot = {m.id if isinstance(m.id, str) else m.id[0] for m in template(domain) if m.id}
    assert current - pot == set(), "run `make i18n-update` and translate the new strings"
    assert pot - current == set(), "stale msgids: run `make i18n-update`"
    for locale, catalog_domain in CATALOGS:
        if catalog_domain == domain:
            ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read(locale, domain) if m.id}
            assert ids == pot, locale


SAMPLE = {
    "n": "3",
    "years": "2",
    "missing": "1",
    "level": "TOPIK 3",
    "score": "61",
    "floor": "₩31,120,000",
    "salary": "₩30,000,000",
    "amount": "₩30,000,000",
    "track": "E-7-1",
    "date": "2026-11-24",
    "closes": "2026-12-31 23:59",
    "opens": "2025-09-15 00:00",
}


@pytest.mark.parametrize(("locale", "domain"), CATALOGS)
def test_every_translation_is_valid_telegram_html(locale: str, domain: str) -> None:
    for msg in read(locale, domain):
        if not msg.id:
            continue
        strings = [msg.string] if isinstance(msg.string, str) else list(msg.string)
        for s in strings:
            filled = s
            for key in (
                "label",
                "value",
                "name",
                "text",
                "note",
                "title",
                "explanation",
                "mark",
                "cite",
                "advice",
                "timing",
                "fact",
                "authority",
                "channel",
                "url",
                "phone",
                "country",
                "examples",
                "description",
                "status",
                "source",
                "confidence",
                "total",
                "quota",
                "l0",
            ):
                filled = filled.replace("{" + key + "}", "x")
            for key, value in SAMPLE.items():
                filled = filled.replace("{" + key + "}", value)
            filled = PLACEHOLDER.sub("x", filled)  # the staff catalog's many names
            try:
                parse_html(filled)
            except EntityParseError as bad:
                pytest.fail(f"{locale}: {msg.id[:50]!r}: {bad}")


def button_labels() -> list[T]:
    labels = []
    for question in questions.QUESTIONS:
        labels += [o.label for o in question.options(Profile())]
        labels.append(T("✏️ {label}", label=question.summary_label))
    labels += [o.label for o in questions.QUESTIONS[0].options(Profile())]
    labels += [NAV_BACK.label, NAV_RESTART.label, T("✅ Show my result"), T("Change an answer")]
    labels += [T(a.label) for a in load().areas]
    return labels


@pytest.mark.parametrize("locale", LOCALES)
def test_button_labels_fit_a_phone(locale: str) -> None:
    tr = translator(locale)
    long = [
        (label.msgid, text)
        for label in button_labels()
        if label_width(text := tr.render(label, html_mode=False)) > MAX_BUTTON
    ]
    assert long == []


@pytest.mark.parametrize("locale", LOCALES)
def test_telegram_surfaces_fit(locale: str) -> None:
    tr = translator(locale)
    for _, description in COMMANDS:
        assert 1 <= len(tr.render(description, html_mode=False)) <= 256
    assert len(tr.render(DESCRIPTION, html_mode=False)) <= 512
    assert len(tr.render(SHORT_DESCRIPTION, html_mode=False)) <= 120
    assert native_name(locale)


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("ko", "ko"),
        ("ko-KR", "ko"),
        ("en", "en"),
        ("en-US", "en"),
        ("xx", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_language_code_mapping(code: str | None, locale: str) -> None:
    assert resolve_locale(code) == locale


def test_money_and_dates_are_formatted_per_locale() -> None:
    from knowledge.text import Money

    when = datetime(2026, 12, 31, 23, 59, tzinfo=SEOUL)
    en, ko = translator("en"), translator("ko")
    assert en.render(T("{amount}", amount=Money(31_120_000))) == "₩31,120,000"
    assert "2026" in ko.render(T("{closes}", closes=when)) and "12월" in ko.render(T("{closes}", closes=when))
    assert en.render(T("{closes}", closes=when)).startswith("December 31, 2026")


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        ("km", "31 ធ្នូ 2026 23:59"),  # CLDR's "11:59 PM" put English letters in Khmer text
        ("mn", "2026\u202fоны 12-р сарын 31 23:59"),  # not "арван хоёрдугаар сарын", spelled out
        ("ko", "2026년 12월 31일 오후 11:59"),
    ],
)
def test_the_close_reads_as_each_language_writes_it(locale: str, shown: str) -> None:
    when = datetime(2026, 12, 31, 23, 59, tzinfo=SEOUL)
    assert translator(locale).render(T("{closes}", closes=when)) == shown


def test_on_the_last_day_the_close_is_said_as_an_hour_today() -> None:
    """ "Applications close today at December 31, 2026 11:59 PM" said the day twice."""
    from dialogs.results import _timing

    last_day = datetime(2026, 12, 31, 20, 0, tzinfo=SEOUL)
    assert (
        translator("en").render(_timing(last_day)) == "Applications close <b>today</b> at 11:59\u202fPM (Korea time)."
    )
    assert "오늘</b> 오후 11:59" in translator("ko").render(_timing(last_day))
