"""The budgets of dialogs/budgets.py: how a label and a message are measured, folded details, the
checklist a section a message, and the checker the language walks use (it can fail)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.callbacks import StaffCB
from bot.i18n import available_locales, translator
from bot.render import keyboard, phone_lengths, render
from dialogs import after_recommendation as ar
from dialogs import budgets, faq
from dialogs.screens import Option, Screen
from emulator import BotAPIEmulator, FakeMessage
from emulator.html import parse_html
from knowledge.text import Lines, T, Verbatim
from tests.budget_check import ScreenLog, over_budget, visible_length
from tests.conftest import ADMIN, BotRunner
from tests.e2e import applicant_who_submitted, callback_prefix, press


@pytest.mark.parametrize(
    ("label", "width"),
    [
        ("Start over", 10),
        ("📝 Start my application", 23),  # an emoji is two wide
        ("⚠️ Back", 7),  # a text symbol made emoji by its selector: two, the selector none
        ("« Back", 6),
        ("ทำงานที่เกาหลี", 11),  # Thai vowel and tone marks above or below a letter take no room
        ("पासपोर्ट", 7),  # Devanagari vowel signs beside a letter take room, the virama none
        ("✔ done", 6),  # a text symbol without its selector: one
    ],
)
def test_label_width(label: str, width: int) -> None:
    assert budgets.label_width(label) == width


def _message(html: str, buttons: list[list[str]] | None = None) -> FakeMessage:
    parsed = parse_html(html)
    markup = {"inline_keyboard": [[{"text": t, "callback_data": "x"} for t in row] for row in buttons or []]}
    return FakeMessage(
        1, {"id": 1}, {"id": 2}, 0, text=html, plain_text=parsed.text, entities=parsed.entities, reply_markup=markup
    )


def test_a_folded_quote_counts_as_its_first_lines() -> None:
    shown = "x" * 100
    m = _message(f"{shown}\n<blockquote expandable>{'y' * 2000}</blockquote>")
    assert visible_length(m.plain, m.entities) == 101 + budgets.FOLDED_SHOWN
    assert over_budget("en", m) == []
    m = _message(f"{shown}\n<blockquote>{'y' * 2000}</blockquote>")  # a quote not folded shows it all
    assert over_budget("en", m) == [f"en ? {m.plain[:40]!r}: 2101 characters shown > {budgets.MESSAGE}"]


def test_the_checker_reports_every_offender_at_once() -> None:
    """Broken on purpose: a long message, a long unfolded one, wide buttons in rows of one, two, three."""
    m = _message(
        "z" * 1300 + "<blockquote expandable>" + "q" * 3000 + "</blockquote>",
        [
            ["KIIP (Korea Immigration and Integration Program)"],
            ["E-9 (non-professional employment)", "Back"],
            ["Gwangmyeong (광명시)", "A", "B"],
        ],
    )
    found = over_budget("en", m, "verdict:eligible")
    assert len(found) == 5, found
    assert "1420 characters shown > 1200" in found[0] and "4300 characters unfolded" in found[1]
    assert "48 wide > 32" in found[2] and "33 wide > 20" in found[3] and "17 wide > 13" in found[4]
    assert over_budget("en", _message("z" * 1300), "checklist") == []  # the checklist's own budget


def test_nested_quotes_and_too_many_entities_are_reported() -> None:
    nested: list[dict[str, Any]] = [
        {"offset": 0, "length": 10, "type": "expandable_blockquote"},
        {"offset": 2, "length": 3, "type": "blockquote"},
    ]
    m = _message("0123456789")
    m.entities = nested
    assert any("nested quotes" in p for p in over_budget("en", m))
    m = _message("<b>x</b> " * 101)
    assert any("101 entities > 100" in p for p in over_budget("en", m))


def test_a_folded_block_is_an_expandable_quote_and_never_nests() -> None:
    tr = translator("en")
    folded = Lines((T("Closest pathway: <b>{title}</b>", title=Verbatim("A")), T("Start over")), folded=True)
    assert tr.render(folded) == "<blockquote expandable>Closest pathway: <b>A</b>\n\nStart over</blockquote>"
    assert "blockquote" not in tr.render(folded, html_mode=False)  # a button's label has no quote
    with pytest.raises(ValueError, match="cannot hold"):
        Lines((Lines((folded,)),), folded=True)


def test_the_checklist_is_sent_a_section_a_message_within_its_budget() -> None:
    tr = translator("en")
    section = Lines(tuple(T("• {name}", name=Verbatim("d" * 90)) for _ in range(15)))  # ~1,400 each
    sent = render(Screen("checklist", (T("📋 <b>Your document checklist</b>"), section, section)), tr)
    assert len(sent) == 2 and all(len(text) <= budgets.SECTION for text, _ in sent)
    # any other screen: as many messages as a phone's budget needs, never a block cut
    half = Lines(tuple(T("• {name}", name=Verbatim("d" * 90)) for _ in range(7)))  # ~650 each
    other = render(Screen("verdict:eligible", (half, half)), tr)
    assert len(other) == 2 and all(phone_lengths(text)[0] <= budgets.MESSAGE for text, _ in other)


def test_a_screen_longer_than_a_phone_goes_on_in_a_next_message() -> None:
    tr = translator("en")
    short = T("• {name}", name=Verbatim("d" * 500))
    folded = Lines((T("• {name}", name=Verbatim("f" * 2000)),), folded=True)  # shows 120 of 2,000
    sent = [text for text, _ in render(Screen("verdict:x", (short, folded, short, short)), tr)]
    assert len(sent) == 2 and "f" * 2000 in sent[0]
    assert sent[0].count("d" * 500) == 2 and sent[1].count("d" * 500) == 1  # in order, none cut
    assert all(phone_lengths(text)[0] <= budgets.MESSAGE for text in sent)
    assert all(phone_lengths(text)[1] <= budgets.UNFOLDED for text in sent)


def test_a_label_too_wide_for_its_row_takes_a_row_with_fewer() -> None:
    """Three a row where the labels fit; a longer one on a row of two, or alone; order kept."""
    labels = ["Suwon", "Ansan", "Osan", "Gwangmyeong (광명시)", "Yangpyeong County (양평군)", "Guri", "Hanam"]
    options = tuple(Option(str(i), T("{name}", name=Verbatim(name))) for i, name in enumerate(labels))
    markup = keyboard(Screen("form:city", (), options, columns=3, question="city"), translator("en"))
    assert markup is not None
    rows = [[b.text for b in row] for row in markup.inline_keyboard]
    assert rows == [
        ["Suwon", "Ansan", "Osan"],
        ["Gwangmyeong (광명시)"],
        ["Yangpyeong County (양평군)"],
        ["Guri", "Hanam"],
    ]


STAFF_WALK = ("queue", "open", "files", "decide", "menu", "team", "audit", "menu", "ann", "newann", "menu", "stats")
STAFF_WALK += ("quota", "companies", "tickets", "asked")


@pytest.mark.parametrize("language", ["ko", "en"])
async def test_the_staff_screens_fit_a_phone(
    language: str, staff_bot: BotRunner, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staff desk in Korean and in English (its two languages): every message and button in budget."""
    screens = ScreenLog(monkeypatch)
    await applicant_who_submitted(emulator, 310)
    admin = emulator.user(ADMIN, language_code="ko")
    await admin.say("/staff")
    if language == "en":
        await press(admin, data=callback_prefix(StaffCB, "lang"))
    for act in STAFF_WALK:
        await press(admin, data=callback_prefix(StaffCB, act))
    assert len(admin.messages) > len(STAFF_WALK)
    over = [p for m in admin.messages for p in over_budget(language, m, screens.key_of(m))]
    assert over == [], "\n".join(over)


def _screens_not_walked() -> list[Screen]:
    """What the language walks meet in one variant only: the road after the recommendation for each
    route and track, after the visa, and every FAQ answer."""
    out = [faq.answer_screen(e) for e in faq.entries().values()]
    for in_korea, status in ((True, "D-10"), (False, None), (True, "E-9")):
        for occupation in ("web_developer", "care_worker"):
            messages = (
                *ar.recommended_messages(in_korea, status, occupation),
                ar.after_visa(in_korea, status, occupation),
            )
            out += [Screen("after", (m,)) for m in messages]
        out.append(Screen("after", (ar.visa_applied_next(in_korea, status),)))
    return out


@pytest.mark.parametrize("locale", available_locales())
def test_the_screens_not_walked_fit_a_phone(locale: str) -> None:
    tr = translator(locale)
    over: list[str] = []
    for screen in _screens_not_walked():
        for text, markup in render(screen, tr):
            buttons = [[b.text for b in row] for row in markup.inline_keyboard] if markup else []
            over += over_budget(locale, _message(text, buttons), screen.key)
    assert over == [], "\n".join(over)
