"""Input that forgives (issue 18): the application form's dates and workplace, as tables (typed →
stored value, or typed → which refusal), the date of birth checked against the alien registration
number in both orders, and one walk through the emulator."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.clock import SEOUL
from bot.i18n import translator
from dialogs import application_form as af
from dialogs import form_input as fi
from dialogs.places import find_place
from dialogs.typed_answers import Invalid
from dialogs.typed_dates import FORMAT, FOUR_DIGIT_YEAR, AmbiguousDate, parse_date
from emulator import BotAPIEmulator
from knowledge.loader import load
from knowledge.profile import Profile
from tests.conftest import BotRunner
from tests.e2e import FORM, answer, button_for, consented, find_button, keyboard_message, press

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)
EN = translator("en")


def refusal(parse: object, text: str) -> str:
    """The English refusal of a typed value."""
    with pytest.raises(Invalid) as caught:
        parse(text, NOW)  # type: ignore[operator]
    return EN.render(caught.value.message, html_mode=False)


# --- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        # ISO and its cousins
        ("1994-04-03", "1994-04-03"),
        ("1994.04.03", "1994-04-03"),
        ("1994/04/03", "1994-04-03"),
        ("1994. 4. 3.", "1994-04-03"),
        ("19940403", "1994-04-03"),
        ("1994\u200b-04-03\u200e", "1994-04-03"),  # zero-width and direction marks pasted along
        # Korean, Chinese, Japanese
        ("1994년 4월 3일", "1994-04-03"),
        ("1994년 04월 03일", "1994-04-03"),
        ("1994年4月3日", "1994-04-03"),
        ("1994年12月3日", "1994-12-03"),
        # month names, CLDR's, in the forms people type
        ("3 April 1994", "1994-04-03"),
        ("April 3 1994", "1994-04-03"),
        ("April 3rd, 1994", "1994-04-03"),
        ("3rd of April 1994", "1994-04-03"),
        ("3 Apr. 1994", "1994-04-03"),
        ("3 Sept. 1994", "1994-09-03"),  # not CLDR's abbreviation, but the start of one month's name
        ("3 сент. 1994", "1994-09-03"),
        ("03-APR-1994", "1994-04-03"),
        ("3 апреля 1994", "1994-04-03"),
        ("3 марта 1994 г.", "1994-03-03"),
        ("3 tháng 4 1994", "1994-04-03"),
        ("ngày 03 tháng 04 năm 1994", "1994-04-03"),
        ("3 tháng 12 1994", "1994-12-03"),
        ("3 Abril 1994", "1994-04-03"),
        ("Abril 3, 1994", "1994-04-03"),
        ("3 Mei 1994", "1994-05-03"),
        ("3 Agustus 1994", "1994-08-03"),
        ("3-aprel 1994", "1994-04-03"),
        ("3 เมษายน 2537", "1994-04-03"),  # Thai, Buddhist Era year
        ("๓ เม.ย. ๒๕๓๗", "1994-04-03"),  # Thai digits
        ("३ अप्रिल १९९४", "1994-04-03"),  # Nepali, Devanagari digits
        ("ថ្ងៃទី៣ ខែមេសា ឆ្នាំ១៩៩៤", "1994-04-03"),  # Khmer
        ("1994 оны 4-р сар 3", "1994-04-03"),  # Mongolian
        # ... as the bot itself shows a date (the genitive сарын), and as people shorten it
        ("1994 оны 4-р сарын 3", "1994-04-03"),
        ("1994 оны 4 сарын 3", "1994-04-03"),
        ("1994 оны дөрөвдүгээр сарын 3", "1994-04-03"),
        ("1994 оны 4-р сарын 3-ны өдөр", "1994-04-03"),
        ("дөрөвдүгээр сар 3 1994", "1994-04-03"),
        # day-first or month-first, unambiguous
        ("23/04/1994", "1994-04-23"),
        ("04/23/1994", "1994-04-23"),
        ("23.4.1994", "1994-04-23"),
        ("4-23-1994", "1994-04-23"),
        ("05/05/1994", "1994-05-05"),  # the same either way
        ("29.02.1996", "1996-02-29"),
    ],
)
def test_birth_dates_accepted(text: str, stored: str) -> None:
    assert fi.parse_birth_date(text, NOW) == stored


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("03/04/1994", "03/04/1994 could be April 3, 1994 or March 4, 1994."),
        ("3.4.1994", "3.4.1994 could be April 3, 1994 or March 4, 1994."),
        ("3-4-1994", "3-4-1994 could be April 3, 1994 or March 4, 1994."),
        ("12/11/1990", "12/11/1990 could be November 12, 1990 or December 11, 1990."),
        ("1994-02-30", "1994-02-30: February 1994 has 28 days."),
        ("30.02.1996", "30.02.1996: February 1996 has 29 days."),
        ("31 April 1994", "31 April 1994: April 1994 has 30 days."),
        ("3/4/94", "the year with all four digits"),  # two-digit years: refused, never guessed
        ("940403", "the year with all four digits"),
        ("3 April 94", "the year with all four digits"),
        ("1994-13-03", "year-month-day"),
        ("23/23/1994", "year-month-day"),
        ("yesterday", "year-month-day"),
        ("3 April", "year-month-day"),
        ("3 April 4 May 1994", "year-month-day"),
        ("3 Ju 1994", "year-month-day"),  # June or July: too short to tell
        ("3 Jun July 1994", "year-month-day"),
        ("2020-01-01", "Please check the date of birth"),  # five years old
    ],
)
def test_birth_dates_refused(text: str, message: str) -> None:
    assert message in refusal(fi.parse_birth_date, text)


def test_an_ambiguous_date_names_both_readings_and_offers_them() -> None:
    with pytest.raises(AmbiguousDate) as caught:
        parse_date("03/04/1994")
    assert [d.isoformat() for d in caught.value.readings] == ["1994-04-03", "1994-03-04"]
    said = EN.render(caught.value.message, html_mode=False)
    assert said.endswith("type the date as year-month-day, for example 1994-04-03.")
    options = af.date_choices(caught.value)
    assert [(o.value, EN.render(o.label, html_mode=False)) for o in options] == [
        ("1994-04-03", "April 3, 1994"),
        ("1994-03-04", "March 4, 1994"),
    ]
    # In Russian the readings are Russian dates.
    assert "3 апреля 1994" in translator("ru").render(caught.value.message, html_mode=False)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("2027-01-05", "2027-01-05"),
        ("5 January 2027", "2027-01-05"),
        ("2027年1月5日", "2027-01-05"),
        ("25/12/2026", "2026-12-25"),
        ("05/01/2027", "could be January 5, 2027 or May 1, 2027"),
        ("2027-02-29", "February 2027 has 28 days"),
        ("2020-01-01", "from today to two years ahead"),
        ("1/5/27", "the year with all four digits"),
        # a month without its day: asked for it (it went to the deadline FAQ, or to a 1995 example)
        ("January 2027", "Please add the day, for example 2027-01-01"),
        ("январь 2027", "Please add the day, for example 2027-01-01"),
        ("tháng 1/2027", "Please add the day, for example 2027-01-01"),
        ("2027년 1월", "Please add the day, for example 2027-01-01"),
        ("next month", "start date as year-month-day, for example 2026-12-01"),
    ],
)
def test_start_dates(text: str, outcome: str) -> None:
    if outcome[0].isdigit():
        assert fi.parse_start_date(text, NOW) == outcome
    else:
        assert outcome in refusal(fi.parse_start_date, text)


def test_refusals_are_the_shared_messages() -> None:
    """The generic refusals are the two module constants (translated once), not new strings."""
    for text, expected in (("hello", FORMAT), ("3/4/94", FOUR_DIGIT_YEAR)):
        with pytest.raises(Invalid) as caught:
            parse_date(text)
        assert caught.value.message == expected


# --- the date of birth against the alien registration number ------------------------------------

IN_KOREA = Profile(in_korea=True, job_offer=True)
MISMATCH = "do not match: the number begins with the date of birth"


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("Hanbit Soft", "Hanbit Soft"),
        ("LG", "LG"),
        ("(주)한빛소프트", "(주)한빛소프트"),
        ("😀🙏🇰🇷", None),  # emoji alone name no company
        ("-- ..", None),
        ("X", None),
    ],
)
def test_free_text_needs_letters(text: str, taken: str | None) -> None:
    parse = fi.parse_free(2, 100)
    if taken is None:
        with pytest.raises(Invalid):
            parse(text, NOW)
    else:
        assert parse(text, NOW) == taken


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("㈜한빛소프트", "(주)한빛소프트"),
        ("A+ Care Co.", "A+ Care Co."),
        ("Daon\nCare", "Daon Care"),  # a line break is a space, not nothing
        ("Samsung (✔ verified by Gyeonggi Province)\nOfficial partner", None),  # the province's mark, faked
        ("Hanbit Soft ✅", None),
        ("Hanbit Soft (√ verified)", None),  # √ is a maths sign, not a symbol category
        ("Kim's Care 🏥", None),
    ],
)
def test_company_names_as_registered_without_symbols(text: str, taken: str | None) -> None:
    if taken is None:
        with pytest.raises(Invalid) as refused:
            fi.parse_company(text, NOW)
        assert "without emoji or symbols" in refused.value.message.msgid
    else:
        assert fi.parse_company(text, NOW) == taken


def test_arc_refused_when_it_disagrees_with_the_date_of_birth_given_before() -> None:
    form = af.Form({"name": "AN", "birth_date": "1995-04-23", "phone": "+821012345678", "email": "a@b.co"})
    with pytest.raises(Invalid) as caught:
        af.answer_text(form, IN_KOREA, "950424-5123456", NOW)
    said = EN.render(caught.value.message, html_mode=False)
    assert MISMATCH in said and "April 23, 1995" in said and "950424-5123456" in said and "950423" in said
    assert af.answer_text(form, IN_KOREA, "950423-5123456", NOW).values["arc_number"] == "950423-5123456"


def test_date_of_birth_changed_later_is_checked_against_the_arc() -> None:
    values = {"name": "AN", "birth_date": "1995-04-23", "arc_number": "950423-5123456"}
    editing = af.edit(af.Form(values), IN_KOREA, "birth_date")
    with pytest.raises(Invalid) as caught:
        af.answer_text(editing, IN_KOREA, "1995-04-24", NOW)
    said = EN.render(caught.value.message, html_mode=False)
    assert MISMATCH in said and "April 24, 1995" in said and "950423-5123456" in said
    # The same through an ambiguous date's button.
    with pytest.raises(Invalid):
        af.answer_option(editing, IN_KOREA, "birth_date", "1995-03-04", NOW)
    assert af.answer_text(editing, IN_KOREA, "23.04.1995", NOW).values["birth_date"] == "1995-04-23"
    # And the number changed later, the other way round.
    editing = af.edit(af.Form(values), IN_KOREA, "arc_number")
    with pytest.raises(Invalid):
        af.answer_text(editing, IN_KOREA, "960423-5123456", NOW)


def test_no_arc_no_cross_check() -> None:
    """From abroad there is no alien registration number: a date of birth is taken as it is, even
    beside a number left from an earlier answer."""
    abroad = Profile(in_korea=False, job_offer=True)
    form = af.edit(af.Form({"birth_date": "1995-04-23", "arc_number": "950423-5123456"}), abroad, "birth_date")
    assert af.answer_text(form, abroad, "1990-01-01", NOW).values["birth_date"] == "1990-01-01"


def test_date_buttons_only_for_date_fields_and_only_dates() -> None:
    form = af.Form({"name": "AN"})
    assert af.answer_option(form, IN_KOREA, "birth_date", "1994-04-03", NOW).values["birth_date"] == "1994-04-03"
    for key, value in (("birth_date", "yesterday"), ("name", "1994-04-03"), ("phone", "1994-04-03")):
        with pytest.raises(KeyError):
            af.answer_option(form, IN_KOREA, key, value, NOW)


# --- the workplace ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("수원", "suwon"),
        ("수원시", "suwon"),
        ("Suwon", "suwon"),
        ("suwon-si", "suwon"),
        ("Suwon City", "suwon"),
        ("SUWON SI", "suwon"),
        ("水原", "suwon"),
        ("水原市", "suwon"),
        ("Сувон", "suwon"),
        ("ซูวอน", "suwon"),
        ("Suwŏn", "suwon"),
        ("Gyeonggi-do Suwon-si", "suwon"),
        ("경기도 수원시 팔달구", "suwon"),
        # typos
        ("Suwoon", "suwon"),
        ("Yongin-shi", "yongin"),
        ("Hwasung", "hwaseong"),
        ("Pyeongteak", "pyeongtaek"),
        ("Ansaan", "ansan"),
        ("Suwoon-si Paldal-gu", "suwon"),
        # districts and towns
        ("분당", "seongnam"),
        ("Bundang", "seongnam"),
        ("Seongnam-si Bundang-gu", "seongnam"),
        ("팔달구", "suwon"),
        ("일산", "goyang"),
        ("Ilsan", "goyang"),
        ("일산동구", "goyang"),
        ("동탄", "hwaseong"),
        ("Dongtan", "hwaseong"),
        ("판교", "seongnam"),
        # counties, and how our catalogs name them on the buttons
        ("양평군", "yangpyeong"),
        ("Yangpyeong-gun", "yangpyeong"),
        ("Уезд Янпхён", "yangpyeong"),
        ("อำเภอยางพยอง", "yangpyeong"),
        ("杨平郡", "yangpyeong"),
        # Gwangju of Gyeonggi (광주시, 廣州)
        ("광주", "gwangju"),
        ("광주시", "gwangju"),
        ("경기 광주", "gwangju"),
        ("경기도 광주시", "gwangju"),
        ("Gwangju", "gwangju"),
        ("Gwangju-si, Gyeonggi-do", "gwangju"),
        ("广州", "gwangju"),
        # near neighbours that are each other's typo
        ("Osan", "osan"),
        ("Icheon", "icheon"),
        ("Ichon", "icheon"),
        # an address, as it stands on a contract (they were refused)
        ("경기도 화성시 동탄대로 123", "hwaseong"),
        ("107 Gwanggyo-ro, Yeongtong-gu, Suwon-si, Gyeonggi-do", "suwon"),
        ("Suwon-si, Gyeonggi-do, South Korea", "suwon"),
        ("화성시 향남읍", "hwaseong"),
        ("Сүвон хот", "suwon"),  # Mongolian "… city"
    ],
)
def test_workplace_typed(text: str, city: str) -> None:
    assert fi.parse_city(text, NOW) == city


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("서울", "서울"),
        ("Seoul", "Seoul (서울)"),
        ("首尔", "首尔 (서울)"),
        ("Сеул", "Сеул (서울)"),
        ("Seuol", "Seoul (서울)"),  # a typo of a place elsewhere is still that place
        ("Seoul Gangnam-gu", "Seoul (서울)"),
        ("Seuol, Gangnam", "Seoul (서울)"),
        ("인천", "인천"),
        ("Incheon", "Incheon (인천)"),
        ("Inchon", "Inchon (인천)"),
        ("Busan", "Busan (부산)"),
        ("Daejeon", "Daejeon (대전)"),
        ("Asan", "Asan (아산)"),
        ("천안시", "천안시"),
        # Gwangju Metropolitan City (광주광역시, 光州): not Gyeonggi's Gwangju
        ("광주광역시", "광주광역시"),
        ("광주 광역시", "광주광역시"),
        ("Gwangju Metropolitan City", "Gwangju Metropolitan City (광주광역시)"),
        ("gwangju metro city", "Gwangju Metro (광주광역시)"),
        ("光州", "光州 (광주광역시)"),
        ("서울 강남구 테헤란로 1", "서울"),  # an address outside Gyeonggi
    ],
)
def test_workplace_elsewhere_refused_by_name(text: str, named: str) -> None:
    assert refusal(fi.parse_city, text) == (
        f"{named} is not in Gyeonggi Province. The workplace must be in one of Gyeonggi's 31 cities and counties."
    )


@pytest.mark.parametrize(
    "text", ["광주 서구 123", "광주 북구 첨단과기로 123", "Gwangju Buk-gu 123", "광주시 북구 용봉로 77"]
)
def test_an_address_with_another_city_s_district_is_not_gyeonggi_s_namesake(text: str) -> None:
    """Gwangju Metropolitan City's addresses (its 구) were read as Gyeonggi's 광주시, which has none."""
    place = find_place(text)
    assert place is None or place.city is None, place


# "Ansn" is as near Ansan as Anson (Anseong in Uzbek): no typo is guessed between two places.
@pytest.mark.parametrize("text", ["hello", "Gyeonggi-do", "Suwon Seoul", "Korea", "123", "Su", "Ansn"])
def test_workplace_not_recognised(text: str) -> None:
    assert "tap the city or county below, or type its name" in refusal(fi.parse_city, text)


def test_every_button_name_in_every_language_is_understood_typed() -> None:
    """What the person reads on a city's button, in any of our languages, typed back, is that city."""
    from bot.i18n import available_locales
    from knowledge.text import T

    for locale in available_locales():
        tr = translator(locale)
        for m in load().municipalities:
            shown = tr.render(T(m.name), html_mode=False)
            place = find_place(shown)
            assert place is not None and place.city == m.id, (locale, shown, place)


def test_city_buttons_stay_and_still_answer() -> None:
    form = af.Form({"name": "AN"})
    field = af.BY_KEY["city"]
    assert len(field.options()) == 31 and field.parse is fi.parse_city
    at_city = af.edit(form, IN_KOREA, "city")
    assert af.answer_option(at_city, IN_KOREA, "city", "suwon", NOW).values["city"] == "suwon"
    with pytest.raises(KeyError):
        af.answer_option(at_city, IN_KOREA, "city", "seoul", NOW)


# --- end to end -------------------------------------------------------------------------------------


async def test_typed_ambiguous_date_and_city_through_the_bot(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(640)
    await consented(user)
    await answer(user, "=Nguyen Van An")
    asked = await user.say("03/04/1995")
    said = asked[0].plain
    assert "03/04/1995 could be April 3, 1995 or March 4, 1995" in said, said
    assert "step 2 of 10" in asked[-1].plain  # still the date of birth, with the two readings to tap
    assert button_for(user, "1995-04-03") and button_for(user, "1995-03-04")
    phone = await press(user, "April 3, 1995")
    assert "step 3 of 10" in phone[-1].plain
    await answer(user, "=010-1234-5678", "=an@example.com")
    mismatch = await user.say("950423-5123456")
    assert "April 3, 1995" in mismatch[0].plain and "950423-5123456" in mismatch[0].plain
    assert "do not match" in mismatch[0].plain
    await answer(user, "=950403-5123456", "=Suwon-si, Paldal-gu 123", "=Hanbit Soft", "=134-86-72683")
    seoul = await user.say("Seoul")
    assert "Seoul (서울) is not in Gyeonggi Province" in seoul[0].plain
    assert find_button(user, "Suwon (수원시)")  # the buttons stay
    assert "Workplace" in keyboard_message(user).plain or "workplace" in keyboard_message(user).plain
    start = await user.say("suwon-si")
    assert "When do you start work?" in start[-1].plain
    review = await user.say("2027-01-05")
    text = review[-1].plain
    assert "Date of birth (생년월일): April 3, 1995" in text, text
    assert "Suwon (수원시)" in text


def test_business_numbers_are_shown_as_koreans_write_them() -> None:
    assert fi.brn_text("1348672683") == "134-86-72683"
    assert fi.brn_text("134867268") == "134867268"  # not ten digits: shown as stored


def test_a_date_as_the_bot_shows_it_is_read_back_in_every_language() -> None:
    """People copy a date from the review to change it: each language's own rendering is accepted
    (Mongolian's "1994 оны 4-р сарын 3" was refused)."""
    from bot.i18n import available_locales, translator
    from knowledge.text import T

    for locale in available_locales():
        for day in (date(1994, 4, 3), date(2027, 1, 4), date(1990, 12, 25)):
            shown = translator(locale).render(T("{d}", d=day), html_mode=False)
            assert parse_date(shown) == day, (locale, shown)


async def test_a_month_typed_for_the_start_date_is_asked_its_day_not_answered_as_a_question(
    bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    """ "январь 2027" and "tháng 1/2027" at the start date went to the deadline FAQ ("Deadline and
    places"): understood as the step's answer, only without its day, they are asked for it."""
    for n, (locale, typed) in enumerate((("ru", "январь 2027"), ("vi", "tháng 1/2027"), ("en", "January 2027"))):
        user = emulator.user(6100 + n, language_code=locale)
        await consented(user)
        await answer(user, *FORM[:-1])
        shown = await user.say(typed)
        assert "💬" not in shown[-1].plain and "2027-01-01" in shown[-1].plain, shown[-1].plain
