"""Typed salaries and nationalities: what people really type, per language habit (issue 18).

Tables per field: accepted as it is, confirmed first (a monthly salary, a country with a typo), or
refused with which message. Then the confirmation in the questionnaire's state machine, and end to
end through the emulator."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest

from bot.clock import SEOUL
from bot.i18n import translator
from dialogs import countries, flow, question_screens, questions
from dialogs import questionnaire as q
from dialogs import typed_answers as ta
from dialogs.question_screens import question_screen
from emulator import BotAPIEmulator, FakeUser
from tests.conftest import BotRunner
from tests.e2e import ROOT, answer, button_for, keyboard_message, nav, texts

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)
NBSP, NNBSP = "\u00a0", "\u202f"

# --- salaries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "krw"),
    [
        ("32000000", 32_000_000),
        ("32,000,000", 32_000_000),
        ("32,000,000 KRW", 32_000_000),
        ("₩32,000,000", 32_000_000),
        ("₩31,120,000", 31_120_000),
        ("32,000,000.00", 32_000_000),
        ("３２００００００", 32_000_000),  # full-width digits (a CJK keyboard)
        # ko: 만 / 억, with 원, spaced, and composed
        ("3200만", 32_000_000),
        ("3,200만원", 32_000_000),
        ("3,200만 원", 32_000_000),
        ("0.32억", 32_000_000),
        ("3천만원", 30_000_000),
        ("3천2백만원", 32_000_000),
        ("1억 2000만", 120_000_000),
        ("연봉 3200만", 32_000_000),
        ("3200만원/년", 32_000_000),
        # zh
        ("3200万", 32_000_000),
        # Digits written as words (it was the unit alone: 삼천만 read as 10 million, a wrong ❌).
        ("삼천만원", 30_000_000),
        ("삼천오백만원", 35_000_000),
        ("연봉이천팔백만원", 28_000_000),
        ("三千万", 30_000_000),
        ("二千八百万", 28_000_000),
        ("年薪两千五百万", 25_000_000),
        ("천만원", 10_000_000),
        ("3200万韩元", 32_000_000),
        ("3200萬", 32_000_000),
        # ru, mn, id, vi, th, fil, en: a number and its million
        ("35 млн", 35_000_000),
        ("35 млн вон", 35_000_000),
        ("35,5 млн", 35_500_000),  # comma decimal
        ("35 миллионов", 35_000_000),
        ("35 сая", 35_000_000),
        ("35 juta", 35_000_000),
        ("35 jt", 35_000_000),
        ("35 triệu", 35_000_000),
        ("35 trieu", 35_000_000),
        ("35 ล้าน", 35_000_000),
        ("35ล้านวอน", 35_000_000),
        ("35 milyon", 35_000_000),
        ("35m", 35_000_000),
        ("35M", 35_000_000),
        ("35 million", 35_000_000),
        ("35 million won", 35_000_000),
        # ne / hi: lakh and crore
        ("350 लाख", 35_000_000),
        ("350 lakh", 35_000_000),
        ("3,20,00,000", 32_000_000),  # lakh grouping, as the bot itself shows a Nepali salary
        ("२,६०,००,०००", 26_000_000),
        ("3.5 करोड़", 35_000_000),
        # thousands grouped by dots, spaces, no-break spaces, apostrophes
        ("35.000.000", 35_000_000),
        ("35 000 000", 35_000_000),
        (f"35{NBSP}000{NBSP}000", 35_000_000),
        (f"35{NNBSP}000{NNBSP}000 ₩", 35_000_000),
        ("35'000'000", 35_000_000),
        ("35.000.000 won", 35_000_000),
    ],
)
def test_salary_accepted(text: str, krw: int) -> None:
    assert ta.parse_salary(text) == krw


@pytest.mark.parametrize(
    ("text", "monthly"),
    [
        ("2,800,000", 2_800_000),  # a figure between the monthly minimum wage and 10 million
        ("2800000", 2_800_000),
        ("2.800.000", 2_800_000),
        ("2500000", 2_500_000),
        ("9,999,999", 9_999_999),
        ("280만", 2_800_000),
        ("월 280만", 2_800_000),
        ("월급 280만원", 2_800_000),
        ("월급이 280만", 2_800_000),  # the particle 이 after a syllable is no digit 2
        ("월 이백팔십만원", 2_800_000),
        ("2800000원/월", 2_800_000),
        ("280万/月", 2_800_000),
        ("每月280万", 2_800_000),
        ("2.8m per month", 2_800_000),
        ("2,8 млн в месяц", 2_800_000),
        ("2 800 000 в месяц", 2_800_000),
        ("2.800.000 per bulan", 2_800_000),
        ("2,8 juta sebulan", 2_800_000),
        ("2.8 triệu mỗi tháng", 2_800_000),
        ("2.8 ล้าน ต่อเดือน", 2_800_000),
        ("1.5 million a month", 1_500_000),  # said monthly: confirmed even below the minimum wage
        ("12 million monthly", 12_000_000),  # said monthly: confirmed even above 10 million
    ],
)
def test_monthly_salary_is_confirmed_as_twelve_months(text: str, monthly: int) -> None:
    with pytest.raises(ta.Confirm) as unsure:
        ta.parse_salary(text)
    assert unsure.value.monthly == monthly
    assert unsure.value.value == monthly * 12


NUMBER, SMALL, LARGE = ta._NOT_A_NUMBER.msgid, ta._TOO_SMALL.msgid, ta._TOO_LARGE.msgid


@pytest.mark.parametrize(("text", "yearly"), [("3200", 32_000_000), ("3,200", 32_000_000), ("연봉 3천", 30_000_000)])
def test_a_salary_said_in_man_is_asked_never_taken(text: str, yearly: int) -> None:
    """Koreans say salaries in 만 (10,000 won): "3200" is 3,200만 to them, and was refused as too small.
    Asked ("Did you mean ₩32,000,000 a year?"), never stored without the person's Yes."""
    with pytest.raises(ta.Confirm) as unsure:
        ta.parse_salary(text)
    assert unsure.value.value == yearly and unsure.value.monthly is None
    prompt = translator("en").render(question_screens.pending_prompt("salary_krw", {"value": yearly, "monthly": None}))
    assert prompt == f"Did you mean ₩{yearly:,} a year?"


@pytest.mark.parametrize(
    "text",
    [
        *("28,000,000 vnd", "30 million dong", "30 ล้านบาท", "30 млн руб", "₱30,000,000", "$30000", "30 сая төгрөг"),
        *("30 triệu vnđ", "30.000.000 VNĐ", "30.000.000đ", "30000000 rubles", "30 million yen", "3000万日元"),
    ],
)
def test_a_salary_in_another_currency_is_refused_not_taken_as_won(text: str) -> None:
    with pytest.raises(ta.Invalid) as bad:
        ta.parse_salary(text)
    assert bad.value.message.msgid.startswith("That looks like an amount in another currency")


@pytest.mark.parametrize(
    ("text", "msgid"),
    [
        ("", NUMBER),
        ("lots", NUMBER),
        ("Korea", NUMBER),
        ("-5", NUMBER),
        ("1e9", NUMBER),
        ("30 40", NUMBER),  # two numbers: which one?
        ("3,200만-3,500만", NUMBER),  # a range
        ("3000만~3500만", NUMBER),  # a range (it was summed: 65 million)
        ("삼천만원에서 사천만원 사이", NUMBER),
        ("32,0,000", NUMBER),  # groups that are neither thousands nor lakh
        ("35 million 3", NUMBER),
        ("million", NUMBER),
        ("35", SMALL),  # no guessing a unit: 35 million? 3,500만?
        ("3.5", SMALL),  # a decimal, not 3,500,000 nor 3.5억
        ("35.000", SMALL),
        ("2,000,000", SMALL),  # below the monthly minimum wage: no salary, not a monthly one
        ("280만/년", SMALL),  # said yearly: not read as monthly
        ("2.8 million a year", SMALL),
        ("32.000.000.000.000", LARGE),
        ("300억", LARGE),
        ("200 million a month", LARGE),
    ],
)
def test_salary_refused_with_its_message(text: str, msgid: str) -> None:
    with pytest.raises(ta.Invalid) as bad:
        ta.parse_salary(text)
    assert bad.value.message.msgid == msgid


# --- countries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),
        ("Việt Nam", "VN"),
        ("VIỆT NAM", "VN"),
        ("베트남", "VN"),
        ("Монгол Улс", "MN"),
        ("Монгол", "MN"),
        ("Mongolia", "MN"),
        ("ประเทศไทย", "TH"),
        ("ไทย", "TH"),
        ("Кыргызстан", "KG"),
        ("Ўзбекистон", "UZ"),
        ("Oʻzbekiston", "UZ"),
        ("O'zbekiston", "UZ"),
        ("O’zbekiston", "UZ"),
        ("Ozbekiston", "UZ"),
        ("uzb", "UZ"),
        ("Pilipinas", "PH"),
        ("the Philippines", "PH"),
        ("नेपाल", "NP"),
        ("កម្ពុជា", "KH"),
        ("中国", "CN"),
        ("中國", "CN"),
        ("Қазақстан", "KZ"),
        ("Россия", "RU"),
        ("Russian", "RU"),  # a unique beginning of "Russian Federation"
        ("Indonesia", "ID"),
        ("বাংলাদেশ", "BD"),
        ("Niger", "NE"),  # neighbours: each its own
        ("Nigeria", "NG"),
        ("Sudan", "SD"),
        ("South Sudan", "SS"),
        ("Tailand", "TH"),  # CLDR's Uzbek name
        # What people call a country or its people (America was American Samoa, Mỹ Malaysia, Nga Nigeria).
        ("America", "US"),
        ("Америка", "US"),
        ("Mỹ", "US"),
        ("Mỹ.", "US"),  # with its full stop (it was Malaysia)
        ("Hoa Kì", "US"),
        ("nước Nga", "RU"),
        ("Vietnamese", "VN"),
        ("người Việt Nam", "VN"),
        ("中国人", "CN"),
        ("中国大陆", "CN"),
        ("คนไทย", "TH"),
        ("ខ្មែរ", "KH"),
        ("Kampuchea", "KH"),
        ("Монгол хүн", "MN"),
        ("Mongol uls", "MN"),
        ("Mongolian", "MN"),
        ("Российская Федерация", "RU"),
        ("русский", "RU"),
        ("Nepalese", "NP"),
        ("MY", "MY"),  # the code, without the Vietnamese diacritic, is still Malaysia's
    ],
)
def test_country_found(text: str, code: str) -> None:
    assert ta.parse_country(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bangladsh", "BD"),
        ("Uzbekstan", "UZ"),
        ("Phillipines", "PH"),
        ("Kazakstan", "KZ"),
        ("Mongolai", "MN"),
        ("Nga", "RU"),  # Russia in Vietnamese, Nigeria's code: asked
        ("AS", "US"),  # Amerika Serikat in Indonesian, American Samoa's code: asked
        ("Chinese", "CN"),  # said in Taiwan and Hong Kong too: asked
        ("Vietnma", "VN"),
        ("Indonesa", "ID"),
        ("Kyrgystan", "KG"),
        ("Камбоджя", "KH"),
    ],
)
def test_country_with_a_typo_is_suggested_never_taken(text: str, code: str) -> None:
    with pytest.raises(ta.Confirm) as unsure:
        ta.parse_country(text)
    assert unsure.value.value == code


NOT_FOUND = "I could not find that country. Please type its name, for example Vietnam, or pick a button."
KOREAN = "This programme is for foreign nationals; Korean citizens do not need it."


@pytest.mark.parametrize(
    ("text", "msgid"),
    [
        ("Korea", KOREAN),
        ("South Korea", KOREAN),
        ("대한민국", KOREAN),
        ("한국", KOREAN),
        ("韩国", KOREAN),
        ("Korean", KOREAN),  # close to Korea: still Korea's message, no "Did you mean"
        ("35", NOT_FOUND),
        ("", NOT_FOUND),
        ("Nigera", NOT_FOUND),  # as close to Niger as to Nigeria: unsure, so refused
        ("Atlantis", NOT_FOUND),
        ("Sudn", NOT_FOUND),  # too short to guess
    ],
)
def test_country_refused_with_its_message(text: str, msgid: str) -> None:
    with pytest.raises(ta.Invalid) as bad:
        ta.parse_country(text)
    assert bad.value.message.msgid == msgid


def test_the_written_index_is_what_cldr_and_pycountry_give() -> None:
    """knowledge/data/country_names.tsv is build_index() written out: rerun python -m dialogs.countries
    after a babel or pycountry upgrade (or a change to the folding) if this fails."""
    built = countries.build_index()
    assert countries._index() == built
    assert 2_000 < len(built) < 6_000  # small: about 3,300 folded keys, 66 kB


def test_the_bot_reads_the_index_without_cldr_and_fuzzy_matching_until_a_typo() -> None:
    """Measured: building the index from CLDR takes 0.4 s and leaves 70-140 MB of RSS behind (the
    allocator keeps the pages of the ~150 locales it loaded); the written index is read in ~2 ms
    and holds 0.4 MB. rapidfuzz (4.7 MB at import) waits for the first typo."""
    code = (
        "import sys\n"
        "from dialogs.typed_answers import parse_country\n"
        "assert parse_country('Oʻzbekiston') == 'UZ'\n"
        "print(sorted(m for m in ('pycountry', 'babel.languages', 'rapidfuzz') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# --- the confirmation in the questionnaire ----------------------------------------------------

TO_SALARY = ("web_developer", "bachelor", "abroad", "no", "=2", "yes", "topik", "4", "no", "UZ", "yes", "yes")


def play(*steps: str, conv: q.Conversation | None = None) -> q.Conversation:
    conv = conv or q.Conversation()
    for step in steps:
        question = q.current_question(conv, NOW)
        assert question is not None, step
        conv = (
            q.answer_text(conv, step[1:], NOW)
            if step.startswith("=")
            else q.answer_option(conv, question.key, step, NOW)
        )
    return conv


def test_a_monthly_salary_waits_for_yes_and_is_stored_yearly() -> None:
    conv = play(*TO_SALARY, "=2,800,000")
    assert flow.position(conv, NOW) == "salary_krw"  # still the salary question
    assert "salary_krw" not in conv.answers
    assert conv.pending == {"key": "salary_krw", "value": 33_600_000, "monthly": 2_800_000}
    screen = question_screen(conv, questions.BY_KEY["salary_krw"], NOW)
    assert screen.body[-1].msgid == "{monthly} a month is {yearly} a year. Is that right?"
    assert [(o.value, o.label.msgid) for o in screen.options] == [
        ("33600000", "Yes, that is right"),
        ("-", "No, let me type again"),
    ]
    # Saved and read back (the database keeps it inside the answers), then Yes.
    again = q.Conversation.saved(conv.to_save(), conv.history, conv.editing)
    assert again == conv
    done = q.answer_option(again, "salary_krw", "33600000", NOW)
    assert done.pending is None and done.answers["salary_krw"] == 33_600_000
    assert flow.position(done, NOW) == "summary"


def test_no_retypes_and_back_and_restart_drop_the_waiting_answer() -> None:
    conv = play(*TO_SALARY, "=2,800,000")
    no = q.answer_option(conv, "salary_krw", q.REJECT, NOW)
    assert no.pending is None and "salary_krw" not in no.answers and flow.position(no, NOW) == "salary_krw"
    assert question_screen(no, questions.BY_KEY["salary_krw"], NOW).options == ()
    with pytest.raises(KeyError):  # the old Yes, after No: stale
        q.answer_option(no, "salary_krw", "33600000", NOW)
    retyped = q.answer_text(conv, "3,000,000", NOW)  # typing again replaces what waits
    assert retyped.pending is not None and retyped.pending["value"] == 36_000_000
    with pytest.raises(KeyError):  # the Yes of the first amount cannot confirm the second
        q.answer_option(retyped, "salary_krw", "33600000", NOW)
    assert q.answer_text(conv, "35000000", NOW).answers["salary_krw"] == 35_000_000
    back = q.back(conv)
    assert back.pending is None and flow.position(back, NOW) == "employer_in_gyeonggi"
    assert q.restart() == q.Conversation()


def test_a_monthly_salary_typed_when_changing_the_answer_from_the_summary() -> None:
    done = play(*TO_SALARY, "=35000000")
    editing = q.answer_text(q.edit(done, "salary_krw", NOW), "월 300만", NOW)
    assert editing.editing == "salary_krw" and editing.answers["salary_krw"] == 35_000_000  # not yet
    assert question_screen(editing, questions.BY_KEY["salary_krw"], NOW).body[0].msgid == "Change your answer"
    changed = q.answer_option(editing, "salary_krw", "36000000", NOW)
    assert changed.answers["salary_krw"] == 36_000_000 and changed.editing is None
    assert flow.position(changed, NOW) == "summary"
    cancelled = q.back(editing)  # Back while changing: the edit and the waiting amount both dropped
    assert cancelled.pending is None and cancelled.answers["salary_krw"] == 35_000_000


def test_a_country_with_a_typo_is_offered_with_the_usual_buttons() -> None:
    conv = play(*TO_SALARY[:9])
    assert flow.position(conv, NOW) == "nationality"
    conv = q.answer_text(conv, "Bangladsh", NOW)
    screen = question_screen(conv, questions.BY_KEY["nationality"], NOW)
    assert screen.body[-1].msgid == "Did you mean {country}?"
    assert [o.value for o in screen.options][:3] == ["BD", "CN", "VN"]
    assert len(screen.options) == 1 + len(countries.COMMON)
    assert q.answer_option(conv, "nationality", "BD", NOW).answers["nationality"] == "BD"
    assert q.answer_option(conv, "nationality", "NP", NOW).answers["nationality"] == "NP"  # another button
    with pytest.raises(KeyError):  # no "No" on a country: the usual buttons or typing again
        q.answer_option(conv, "nationality", q.REJECT, NOW)


# --- end to end -------------------------------------------------------------------------------


async def test_monthly_salary_confirmed_end_to_end(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(1801, language_code="en")
    await user.say("/start")
    await answer(user, *TO_SALARY[:9], "=Uzbekstan")
    shown = texts(user.messages[-1:])
    assert "Did you mean Uzbekistan?" in shown
    await answer(user, "UZ", "yes", "yes")
    asked = await answer(user, "=2,800,000")
    assert "₩2,800,000 a month is ₩33,600,000 a year. Is that right?" in texts(asked)
    assert keyboard_message(user).button_texts[:2] == ["Yes, that is right", "No, let me type again"]
    again = await user.tap(button_for(user, "-"))  # No: the question again, nothing stored
    assert "What yearly salary does the offer state" in texts(again)
    await answer(user, "=월 280만")
    await user.tap(button_for(user, "33600000"))  # Yes
    summary = user.messages[-1].plain
    assert "Your answers" in summary and "₩33,600,000" in summary and "Uzbekistan" in summary


async def test_back_and_restart_from_a_confirmation_end_to_end(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(1802, language_code="en")
    await user.say("/start")
    await answer(user, *TO_SALARY, "=280万/月")
    assert "Is that right?" in user.messages[-1].plain
    back = await user.tap(nav(user, "back"))  # Back: the question before, the amount forgotten
    assert "Is the workplace in Gyeonggi Province" in texts(back)
    await answer(user, "yes", "=2,800,000")
    old_yes, confirmation = button_for(user, "33600000"), keyboard_message(user)
    restarted = await user.say("/restart")
    assert "Starting over." in texts(restarted) and "Which job will you do in Korea?" in texts(restarted)
    stale = await user.tap(old_yes, confirmation)
    assert "That button is from an earlier message" in texts(stale)


@pytest.mark.parametrize(("locale", "uid"), [("vi", 1803), ("km", 1804), ("ru", 1805), ("th", 1806)])
async def test_typing_a_button_s_own_words_answers_with_that_button(
    bot: BotRunner, emulator: BotAPIEmulator, locale: str, uid: int
) -> None:
    """People type the word on the button. Vietnamese "Không" and Khmer "ទេ" (No) are question
    words too, and went to the FAQ ("I'm not sure I understood"); "Веб-разработчик" was refused."""
    typist, tapper = emulator.user(uid, language_code=locale), emulator.user(uid + 100, language_code=locale)
    for user in (typist, tapper):
        await user.say("/start")

    def label(user: FakeUser, value: str) -> str:
        data = button_for(user, value)
        return next(text for row in keyboard_message(user).buttons for text, d in row if d == data)

    for value in TO_SALARY[:10]:
        typed = await typist.say(value[1:] if value.startswith("=") else label(typist, value))
        tapped = await answer(tapper, value)
        assert typed[-1].plain == tapped[-1].plain, (value, typed[-1].plain)


def test_a_typed_label_keeps_the_vowel_signs_that_tell_words_apart() -> None:
    """Thai ใช้ ("use") is not ใช่ (Yes), Khmer ទៅ ("go") not ទេ (No), Nepali है not हो: the comparison of
    a typed text with a button's label dropped the vowel signs and took each for the button."""
    from bot.services.questionnaire import _bare

    for typed, label in (("ใช้", "ใช่"), ("ទៅ", "ទេ"), ("है", "हो"), ("छन्", "छैन")):
        assert _bare(typed) != _bare(label), (typed, label)
    assert _bare("✅ Có") == _bare("có") and _bare("Không!") == _bare("không")


@pytest.mark.parametrize(("locale", "uid", "yes", "no"), [("vi", 1811, "có", "Không"), ("ko", 1812, "네", "아니오")])
async def test_yes_and_no_as_people_type_them_answer_a_yes_no_question(
    bot: BotRunner, emulator: BotAPIEmulator, locale: str, uid: int, yes: str, no: str
) -> None:
    """Vietnamese "Không" where the button says "Chưa" went to the FAQ; Korean "네" and "아니오" (the
    buttons say 예, 아니요) were refused."""
    typist, tapper = emulator.user(uid, language_code=locale), emulator.user(uid + 100, language_code=locale)
    for user in (typist, tapper):
        await user.say("/start")
    for value in TO_SALARY[:12]:
        typed_text = yes if value == "yes" else no if value == "no" else None
        if typed_text is None:
            await answer(typist, value)
            await answer(tapper, value)
            continue
        typed = await typist.say(typed_text)
        tapped = await answer(tapper, value)
        assert typed[-1].plain == tapped[-1].plain, (value, typed[-1].plain)
