"""The application form's typed values, read forgivingly or refused with a clear message: each
with a library made for it (phonenumbers, email-validator, python-stdnum), dates by
dialogs/typed_dates.py, places by dialogs/places.py. The form itself is dialogs/application_form.py."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import ValidationError
from stdnum.kr import brn

from dialogs.places import find_place
from dialogs.typed_answers import Invalid
from dialogs.typed_dates import FORMAT, AmbiguousDate, parse_date
from knowledge.text import T, Verbatim


def clean(text: str) -> str:
    """NFKC, without control, zero-width and direction marks; inner whitespace collapsed."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))  # a line break is a space, not nothing
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs"))
    return re.sub(" +", " ", text).strip()


# --- parsers ------------------------------------------------------------------------------------

_NAME = re.compile(r"^[A-Z][A-Z .'-]*[A-Z.]$")


# Passports print names in plain Latin capitals (ICAO 9303): what people type with their language's
# letters is folded to that. Apostrophes of every keyboard are one (Uzbek Oʻ, Gʻ; O’Brien).
_PASSPORT_LETTERS = str.maketrans(
    {
        "Đ": "D",
        "Ł": "L",
        "Ø": "O",
        "Æ": "AE",
        "Œ": "OE",
        "ß": "SS",
        "ʻ": "'",
        "ʼ": "'",
        "‘": "'",
        "’": "'",
        "`": "'",
        "´": "'",
    }
)


def passport_latin(text: str) -> str:
    """NGUYỄN VĂN AN -> NGUYEN VAN AN; other scripts stay as they are (and are refused)."""
    folded = unicodedata.normalize("NFKD", clean(text).upper().translate(_PASSPORT_LETTERS))
    return unicodedata.normalize("NFC", "".join(ch for ch in folded if not unicodedata.combining(ch)))


def parse_name(text: str, now: datetime) -> str:
    # "DELA CRUZ, JUAN": surname, comma, given names, as passports list them: the order kept
    name = re.sub(r"\s+", " ", re.sub(r"\s*,\s*", " ", passport_latin(text))).strip()
    if not (2 <= len(name) <= 60) or not _NAME.match(name):
        raise Invalid(
            T("Please type your name in Latin letters exactly as in your passport, for example NGUYEN VAN AN.")
        )
    return name


def parse_birth_date(text: str, now: datetime) -> str:
    born = parse_date(text)
    age = (now.date() - born).days / 365.25
    if not 15 <= age <= 75:
        raise Invalid(T("Please check the date of birth: it should be as in your passport."))
    return born.isoformat()


def parse_start_date(text: str, now: datetime) -> str:
    try:
        start = parse_date(text)
    except AmbiguousDate:
        raise
    except Invalid as bad:  # FORMAT's example is a date of birth: a start date's is ahead
        if bad.message.msgid != FORMAT.msgid:
            raise
        ahead = Verbatim((now.date() + timedelta(days=30)).replace(day=1).isoformat())
        raise Invalid(
            T("Please type the start date as year-month-day, for example {example}.", example=ahead)
        ) from None
    if not 0 <= (start - now.date()).days <= 2 * 366:
        raise Invalid(T("Please type a start date from today to two years ahead."))
    return start.isoformat()


def _phone(typed: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(typed, "KR")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def parse_phone(text: str, now: datetime) -> str:
    """A phone number: Korean as dialled in Korea, a foreign one with its country code (+ or 00)."""
    typed = clean(text)
    digits = re.sub(r"\D", "", typed)
    number = _phone(typed)
    # A Korean carrier-selection prefix is dropped when parsing (081, 082 …): an Indonesian mobile
    # typed without +62 (0812-3456-7890) became the Seoul number 02-3456-7890. In Korea the only
    # prefix is the leading 0, so a number that lost more than that was not Korean.
    national = number is not None and number.country_code == 82 and not typed.lstrip().startswith("+")
    if national and number is not None and digits.lstrip("0") != str(number.national_number):
        number = None
    if number is None and digits.startswith("00") and not typed.lstrip().startswith("+"):
        number = _phone("+" + digits[2:])  # 00 for + as dialled from abroad: 00998 90 123 45 67
    if number is None:
        raise Invalid(T("Please type a phone number, for example 010-1234-5678 or +998 90 123 45 67."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_text(e164: str) -> str:
    """A stored phone number (E.164) as people read it: 010-1234-5678 in Korea, +84 91 234 56 78 abroad."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if number.country_code == 82 else style.INTERNATIONAL)


def parse_email(text: str, now: datetime) -> str:
    try:
        typed = re.sub(r"\s*@\s*", "@", clean(text)).strip().rstrip(".")  # "name @ gmail.com", a final full stop
        return validate_email(typed, check_deliverability=False).normalized
    except EmailNotValidError:
        raise Invalid(T("Please type an email address, for example name@example.com.")) from None


_ARC = re.compile(r"^(\d{2})(\d{2})(\d{2})-?([5-8])(\d{6})$")


def parse_arc(text: str, now: datetime) -> str:
    """Alien registration number: YYMMDD-GNNNNNN, G being 5-8 for foreign residents."""
    m = _ARC.match(re.sub(r"[‐-―−]", "-", clean(text)).replace(" ", ""))  # any dash a keyboard gives
    if not m:
        raise Invalid(T("Please type the 13-digit number on your alien registration card, for example 950423-5123456."))
    _, month, day = (int(m.group(i)) for i in (1, 2, 3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise Invalid(T("Please type the 13-digit number on your alien registration card, for example 950423-5123456."))
    return f"{m.group(1)}{m.group(2)}{m.group(3)}-{m.group(4)}{m.group(5)}"


_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def parse_city(text: str, now: datetime) -> str:
    """A city or county of Gyeonggi typed in any language; a place elsewhere is refused by its name."""
    place = find_place(text)
    if place is None:
        raise Invalid(T("Please tap the city or county below, or type its name, for example Suwon."))
    if place.city is None:
        name = place.name if _HANGUL.search(place.name) else f"{place.name} ({place.ko})"
        raise Invalid(
            T(
                "{place} is not in Gyeonggi Province. The workplace must be in one of Gyeonggi's 31 cities and counties.",
                place=Verbatim(name),
            )
        )
    return place.city


def parse_free(minimum: int, maximum: int) -> Callable[[str, datetime], str]:
    def parse(text: str, now: datetime) -> str:
        value = clean(text)
        letters = sum(ch.isalnum() for ch in value)  # emoji and punctuation alone name nothing
        if not minimum <= len(value) <= maximum or letters < min(minimum, 2):
            raise Invalid(
                T("Please type between {minimum} and {maximum} characters.", minimum=minimum, maximum=maximum)
            )
        return value

    return parse


def parse_company(text: str, now: datetime) -> str:
    """A company's name as on its registration certificate: no emoji or symbols (a "✔ verified" typed
    into the name would read as the province's own mark beside it). ㈜ is (주) after NFKC."""
    name = parse_free(2, 100)(text, now)
    if any(unicodedata.category(ch) in ("So", "Sk") or ch == "√" for ch in name):  # √ is a maths sign (Sm)
        raise Invalid(
            T("Please type the company name as on its business registration certificate, without emoji or symbols.")
        )
    return name


_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn_check_digit_ok(number: str) -> bool:
    """The National Tax Service check digit, which python-stdnum's kr.brn (format only) does not test."""
    digits = [int(c) for c in number]
    total = sum(d * w for d, w in zip(digits, _BRN_WEIGHTS, strict=False)) + digits[8] * 5 // 10
    return (10 - total % 10) % 10 == digits[9]


def brn_text(number: str) -> str:
    """A business registration number as Koreans write it (134-86-72683); stored as digits."""
    return str(brn.format(number)) if len(number) == 10 and number.isdigit() else number


def parse_brn(text: str, now: datetime) -> str:
    try:
        number = brn.validate(clean(text))
        if not brn_check_digit_ok(number):
            raise ValidationError()
        return str(brn.format(number))
    except ValidationError:
        raise Invalid(
            T(
                "That is not a valid business registration number (사업자등록번호). It has 10 digits, for example 134-86-72683."
            )
        ) from None


# --- fields ---------------------------------------------------------------------------------------
