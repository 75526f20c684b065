"""The budgets of dialogs/budgets.py: how a label and a message are measured, folded details, the
checklist a section a message, and the checker the language walks use (it can fail)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from bot.callbacks import EmpCB, StaffCB
from bot.clock import SEOUL
from bot.i18n import available_locales, translator
from bot.render import keyboard, phone_lengths, render
from dialogs import after_recommendation as ar
from dialogs import budgets, employer, faq
from dialogs.employer import CandidateRow
from dialogs.screens import Option, Screen
from emulator import BotAPIEmulator, FakeMessage, FakeUser
from emulator.html import parse_html
from knowledge.text import Lines, S, T, Verbatim
from tests.budget_check import ScreenLog, over_budget, visible_length
from tests.conftest import ADMIN, BotRunner
from tests.e2e import applicant_who_submitted, callback_prefix, eligible, press, wait_for_text


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
        ("수원시", 6),  # Hangul and Chinese are squares: two letters wide each (they were one: cut on a phone)
        ("Suwon (수원시)", 14),
        ("南杨州", 6),
    ],
)
def test_label_width(label: str, width: int) -> None:
    assert budgets.label_width(label) == width


@pytest.mark.parametrize(
    ("name", "room", "short"),
    [
        ("Hanbit Soft", 20, "Hanbit Soft"),  # fits: whole
        ("Hanbit Software Solutions Global", 20, "Hanbit Software…"),  # cut after a whole word
        ("주식회사 한빛소프트웨어솔루션즈 글로벌", 11, "주식회사…"),
        ("Hanbitsoftwaresolutions", 8, "Hanbits…"),  # one word wider than the room: cut inside it
        ("NGUYEN VAN AN", 13, "NGUYEN VAN AN"),
    ],
)
def test_a_name_is_shortened_at_a_word_boundary(name: str, room: int, short: str) -> None:
    assert budgets.fit_name(name, room) == short
    assert budgets.label_width(short) <= room


@pytest.mark.parametrize("locale", available_locales())
def test_a_long_persons_name_fits_the_employers_button(locale: str) -> None:
    """The employer's candidates are buttons "👤 {name}": a long name is shortened, the rest kept."""
    name = "NGUYEN THI THANH HUONG MARIA DELA CRUZ SANTOS"
    candidates = [CandidateRow(1, "active", name), CandidateRow(2, "active", "Kim Minji")]
    ((_, markup),) = render(employer.home_screen(LONG_COMPANY, True, candidates), translator(locale), actions=EmpCB)
    assert markup is not None
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels[0] == "👤 NGUYEN THI THANH HUONG MARIA…" and labels[1] == "👤 Kim Minji"
    assert all(budgets.label_width(label) <= budgets.LABEL[1] for label in labels), labels


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
    assert "48 wide > 32" in found[2] and "33 wide > 20" in found[3] and "20 wide > 13" in found[4]
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


# A real company's name, 60 characters: it goes into labels ("📎 … {company}", "✔ Verified: {name}").
LONG_COMPANY = (
    "주식회사 한빛소프트웨어솔루션즈 글로벌 인공지능 연구개발센터 경기남부 외국인력 채용지원본부 수원제일사업장 본관"
)
# A question and a staff reply near their limit (dialogs/tickets.MAX_QUESTION): a ticket's screen holds both.
LONG_QUESTION = "제 아내와 두 아이가 E-7 비자로 함께 올 수 있나요? " + "서류와 절차를 자세히 알려 주세요. " * 70
LONG_REPLY = "네, 배우자는 F-3 비자로 동반할 수 있습니다. " + "가족관계증명서 원본과 번역본을 준비하세요. " * 55

STAFF_WALK = ("queue", "open", "files", "decide", "menu", "team", "audit", "menu", "ann", "newann", "menu", "stats")
STAFF_WALK += ("quota", "companies", "tickets", "asked")
STAFF_SCREENS = ("add", "companies", "anns", "draft", "audience", "version", "preview", "ann", "tickets", "ticket:1")
STAFF_SCREENS += ("tkreply", "team", "audit", "stats", "asked")


async def _register(user: FakeUser, name: str) -> None:
    """An employer registers a company (the form's five steps)."""
    await user.say("/employer")
    await press(user, data="em1:register:")
    await user.say(name)
    await user.say("134-86-72683")
    await press(user, data="em1:opt:0:city=suwon")
    await user.say("Kim Minji, HR")
    await press(user, data="em1:save:")


async def _staff(admin: FakeUser, act: str, typed: str = "") -> None:
    """Taps the newest staff button of this action ("act", or "act:id:arg" exactly), then types."""
    await press(admin, data=callback_prefix(StaffCB, act) if ":" not in act else callback_prefix(StaffCB) + act)
    if typed:
        await admin.say(typed)


@pytest.mark.parametrize("language", ["ko", "en"])
async def test_the_staff_screens_fit_a_phone(
    language: str, staff_bot: BotRunner, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staff desk in Korean and in English (its two languages): every message and button in budget,
    with a company of a long name to verify and a long question with a long reply in its thread."""
    screens = ScreenLog(monkeypatch)
    await applicant_who_submitted(emulator, 310)
    await _register(emulator.user(311, language_code="ko"), LONG_COMPANY)
    person = emulator.user(312, language_code="en")
    await eligible(person)
    await person.say(f"/ask {LONG_QUESTION}")
    await press(person, data="tk1:send:")
    admin = emulator.user(ADMIN, language_code="ko")
    await admin.say("/staff")
    if language == "en":
        await press(admin, data=callback_prefix(StaffCB, "lang"))
    for act in STAFF_WALK:
        await press(admin, data=callback_prefix(StaffCB, act))
    # The staff team and its prompt; the company to verify, verified.
    for act in ("menu", "team", "addstaff", "team", "menu", "companies", "verify"):
        await _staff(admin, act)
    # An announcement: audience, two versions, the fallback, preview, sending, progress, the report.
    for act, typed in [
        ("menu", ""),
        ("ann", ""),
        ("newann", ""),
        ("annaud", ""),
        ("annset", ""),
        ("annlang:0:ko", "설명회 안내: 12월 3일 수원"),
    ]:
        await _staff(admin, act, typed)
    await press(admin, "", callback_prefix(StaffCB, "annlang") + "0:en")
    await admin.say("<b>Information session</b>: 3 December, Suwon")
    for act in ("annfb", "annpreview", "annsend"):
        await _staff(admin, act)
    report = translator(language).render(S("Cancelled before sending: {n}", n=0))
    await wait_for_text(admin, report)
    await _staff(admin, "ann")
    await _staff(admin, "annview")
    # The questions: the queue, the long question, a long reply, the applicant's answer to it (the
    # queue's "answered" label), the thread, closing it.
    for act, typed in [("menu", ""), ("tickets", ""), ("tkopen", ""), ("tkreply", LONG_REPLY)]:
        await _staff(admin, act, typed)
    answer = await wait_for_text(person, LONG_REPLY[:20])
    await person.tap(answer.buttons[0][0][1], message=answer)
    await person.say(LONG_QUESTION)
    for act in ("tickets", "tkopen", "tkclose"):
        await _staff(admin, act)
    met = {screens.key_of(m) for m in admin.messages}
    assert met >= {f"staff:{k}" for k in STAFF_SCREENS}, sorted(met)
    assert len(admin.messages) > len(STAFF_WALK) + 25
    assert any(LONG_COMPANY in m.plain for m in admin.messages)  # the whole name, in the text
    over = [p for m in admin.messages for p in over_budget(language, m, screens.key_of(m))]
    over += [p for m in person.messages for p in over_budget("en", m, screens.key_of(m))]  # the same question
    assert over == [], "\n".join(over)


@pytest.mark.parametrize("locale", available_locales())
async def test_the_employer_and_share_screens_fit_with_a_long_company_name(
    locale: str, bot: BotRunner, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A company of a 60-character name, in every language: the employer's home, the invite, the
    applicant's approval, /share waiting and following, the documents to share."""
    screens = ScreenLog(monkeypatch)
    code = {"zh_Hans": "zh-hans", "fil": "tl"}.get(locale, locale)
    hr, candidate = emulator.user(601, language_code=code), emulator.user(602, language_code=code)
    await _register(hr, LONG_COMPANY)
    invite = await press(hr, data="em1:invite:")
    payload = re.search(r"start=(c_\w+)", invite[0].plain)
    assert payload, invite[0].plain
    await candidate.say("/start")
    await candidate.say(f"/start {payload.group(1)}")
    await candidate.say("/share")  # waiting for the approval
    await press(candidate, data="sh1:approve:")
    await candidate.say("/share")  # following
    await press(candidate, data="sh1:company:")  # the company's own screen
    await press(candidate, data="sh1:shared:")
    await hr.say("/employer")
    over = [p for m in hr.messages + candidate.messages for p in over_budget(locale, m, screens.key_of(m))]
    assert over == [], "\n".join(over)
    labels = [t for m in candidate.messages for row in m.buttons for t, _ in row]
    assert sum("…" in t for t in labels) >= 3, labels  # waiting, shared documents, stop sharing
    assert any(LONG_COMPANY in m.plain for m in candidate.messages)  # the whole name, in the text


def _screens_not_walked() -> list[Screen]:
    """What the language walks meet in one variant only: the road after the recommendation for each
    route and track, after the visa, and every FAQ answer."""
    last_day = datetime(2026, 12, 31, 20, 0, tzinfo=SEOUL)  # the longest: the days left and the hurry
    out = [faq.answer_screen(e, last_day) for e in faq.entries().values()]
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


def test_city_buttons_three_a_row_only_where_their_names_fit() -> None:
    """A Korean city name is two letters wide a syllable: "Suwon (수원시)" cut three a row on a phone
    (it was counted 11 of 13); Korean's own names, "수원시", still go three a row."""
    from bot.i18n import translator
    from bot.render import _keyboard
    from dialogs.application_form import _cities

    def rows(locale: str) -> list[list[str]]:
        markup = _keyboard("city", "form", _cities(), (), 3, translator(locale))
        assert markup is not None
        return [[b.text for b in row] for row in markup.inline_keyboard]

    assert rows("ko")[0] == ["수원시", "용인시", "고양시"]
    english = rows("en")
    assert english[0] == ["Suwon (수원시)", "Yongin (용인시)"] and max(map(len, english)) == 2
    for row in english:
        assert all(budgets.label_width(label) <= budgets.label_budget(len(row)) for label in row), row
