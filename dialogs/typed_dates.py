"""Typed dates read forgivingly: ISO, Korean/Chinese/Japanese, month names in any of our languages
(CLDR's, not hand lists), day-first or month-first numbers. Never a guess: 03/04/1994 is refused with
both readings named; a year is typed with four digits; an impossible day is named as such."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from babel import Locale

from dialogs.countries import NAME_LOCALES
from dialogs.typed_answers import Invalid
from knowledge.text import TP, T, Verbatim, YearMonth

FORMAT = T("Please type the date as year-month-day, for example 1995-04-23.")
FOUR_DIGIT_YEAR = T("Please type the year with all four digits, for example 1994-04-03.")

# Thai dates are often typed in the Buddhist Era (พ.ศ. 2537 = 1994): no Gregorian year we take is so late.
_BUDDHIST_ERA = 543

# Words around a date that say nothing by themselves: ordinal endings, "of", day/year words
# (Vietnamese ngày/năm, Russian г./года, Uzbek yil, Filipino ika-/ng, Thai วันที่/พ.ศ., Khmer ថ្ងៃទី/ខែ/ឆ្នាំ).
_FILLERS = re.compile(
    r"(?<=\d)(?:st|nd|rd|th|г|-?ны|-?ний)\b|өдөр|\b(?:of|the|de|del|ng|ika|tanggal|tgl|ngày|năm|года|год|г|оны|yil|yili)\b"
    r"|วันที่|พ\.ศ\.|ค\.ศ\.|ថ្ងៃទី|ខែ|ឆ្នាំ|[年년日일号號]"
)
_SEPARATORS = re.compile(r"[\s,./\\-]+")
# Mongolian months as people write them, and as the bot itself shows dates (2027 оны 1-р сарын 4):
# the genitive "сарын" and "3 сар" without "-р" read as CLDR's "3-р сар".
_MN_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*(?:-?\s*р\s*)?сар(?:ын)?(?![^\W\d_])")


class AmbiguousDate(Invalid):
    """Day-first and month-first both make a date: the person chooses (the two readings, in order)."""

    def __init__(self, typed: str, readings: tuple[date, date]) -> None:
        first, second = readings
        super().__init__(
            T(
                "{typed} could be {first} or {second}. Tap the one you mean, or type the date as year-month-day, for example {example}.",
                typed=Verbatim(typed),
                first=first,
                second=second,
                example=Verbatim(first.isoformat()),
            )
        )
        self.readings = readings


def _ascii_digits(text: str) -> str:
    """Thai, Khmer, Devanagari, Mongolian... digits as 0-9."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


@cache
def _month_names() -> tuple[tuple[re.Pattern[str], int], ...]:
    """Every CLDR month name (wide and abbreviated, format and stand-alone) of every language we
    speak, as a pattern: dots optional, spaces flexible, a number inside ("4월", "tháng 4", "4-р сар")
    matched with or without a leading zero. Longest first, so "tháng 12" wins over "tháng 1"."""
    names: dict[str, int] = {}
    for loc in NAME_LOCALES:
        months = Locale.parse(loc).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names.setdefault(unicodedata.normalize("NFKC", name).casefold(), number)
    patterns = []
    for name, number in sorted(names.items(), key=lambda kv: -len(kv[0])):
        parts = re.split(r"(\d+)", name)
        body = ""
        for part in parts:
            if part.isdigit():
                body += rf"(?<!\d)0?{part}(?!\d)"
            else:
                for ch in part:
                    body += r"\.?" if ch == "." else r"[\s-]*" if ch in " -" else re.escape(ch)
        # A letter beside a name's own letter would make it part of another word ("mar" in "marso").
        before = r"(?<![^\W\d_])" if name[0].isalpha() else ""
        after = r"(?![^\W\d_])" if name.rstrip(".")[-1].isalpha() else ""
        patterns.append((re.compile(before + body + after), number))
    return tuple(patterns)


@dataclass(frozen=True)
class _Parts:
    numbers: tuple[str, ...]  # digit groups in order, as typed (their length matters: two-digit years)
    month: int | None  # from a month name


def _split(text: str) -> _Parts | None:
    s = _ascii_digits(unicodedata.normalize("NFKC", text)).casefold().strip()
    s = _MN_MONTH.sub(r"\1-р сар", s).replace("сарын", "сар")
    month = None
    for pattern, number in _month_names():
        found = list(pattern.finditer(s))
        if found:
            if month is not None or len(found) > 1:
                return None  # two month names: not one date
            month = number
            s = s[: found[0].start()] + " " + s[found[0].end() :]
    s = _FILLERS.sub(" ", s)
    tokens = [t for t in _SEPARATORS.split(s) if t]
    words = [t for t in tokens if not t.isdigit()]
    if month is None and len(words) == 1:  # "Sept", "febr", "сент": the start of one month's name
        month = _month_by_start(words[0])
        tokens.remove(words[0])
    if (month is None and words) or not all(t.isdigit() for t in tokens):
        return None
    return _Parts(tuple(tokens), month)


def _month_by_start(word: str) -> int | None:
    """The month whose full (wide) name in one of our languages begins with ``word`` (3 letters or
    more), when only one month's names do."""
    if len(word) < 3 or not word.isalpha():
        return None
    months = {number for name, number in _wide_names() if name.startswith(word)}
    return months.pop() if len(months) == 1 else None


@cache
def _wide_names() -> tuple[tuple[str, int], ...]:
    return tuple(
        (unicodedata.normalize("NFKC", name).casefold(), number)
        for loc in NAME_LOCALES
        for context in ("format", "stand-alone")
        for number, name in Locale.parse(loc).months[context]["wide"].items()
    )


def _year(raw: str) -> int:
    if len(raw) != 4:
        raise Invalid(FOUR_DIGIT_YEAR)
    year = int(raw)
    return year - _BUDDHIST_ERA if year >= 2400 else year


def _make(typed: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise Invalid(FORMAT)
    days = calendar.monthrange(year, month)[1]
    if day > days:
        raise Invalid(
            TP(
                "{typed}: {month} has {n} day.",
                "{typed}: {month} has {n} days.",
                days,
                typed=Verbatim(typed),
                month=YearMonth(year, month),
            )
        )
    return date(year, month, day)


def parse_date(text: str) -> date:
    """The date typed, or Invalid with what to do (AmbiguousDate when day and month could swap)."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))  # zero-width marks
    typed = re.sub(r"\s+", " ", visible).strip()
    parts = _split(typed)
    if parts is None:
        raise Invalid(FORMAT)
    nums = parts.numbers
    month_and_year = (parts.month, nums[0]) if parts.month is not None and len(nums) == 1 else None
    if len(nums) == 2 and parts.month is None and len(nums[0]) == 4 and len(nums[1]) <= 2:
        month_and_year = (int(nums[1]), nums[0])  # 2027-01
    if month_and_year is not None and len(month_and_year[1]) == 4 and 1 <= month_and_year[0] <= 12:
        first_day = date(_year(month_and_year[1]), month_and_year[0], 1)  # "January 2027", "2027년 1월": no day
        example = Verbatim(first_day.isoformat())
        raise Invalid(T("Please add the day, for example {example}.", example=example), understood=True)
    if parts.month is not None:  # "3 April 1994", "April 3, 1994", "1994年4月3日", "3 апреля 1994"
        if len(nums) != 2:
            raise Invalid(FORMAT)
        years_at = [i for i, n in enumerate(nums) if len(n) > 2]
        if not years_at:
            raise Invalid(FOUR_DIGIT_YEAR)
        if len(years_at) != 1:
            raise Invalid(FORMAT)
        return _make(typed, _year(nums[years_at[0]]), parts.month, int(nums[1 - years_at[0]]))
    if len(nums) == 1 and len(nums[0]) == 8:  # 19940403
        raw = nums[0]
        return _make(typed, _year(raw[:4]), int(raw[4:6]), int(raw[6:]))
    if len(nums) == 1 and len(nums[0]) == 6:  # 940403 or 030494: no telling, and a two-digit year
        raise Invalid(FOUR_DIGIT_YEAR)
    if len(nums) != 3:
        raise Invalid(FORMAT)
    a, b, c = nums
    if len(a) == 4 and len(b) <= 2 and len(c) <= 2:  # 1994-04-03: year, month, day
        return _make(typed, _year(a), int(b), int(c))
    if len(c) == 4 and len(a) <= 2 and len(b) <= 2:  # 03/04/1994: day-first or month-first
        full, first, second = _year(c), int(a), int(b)
        if first > 12 and second <= 12:
            return _make(typed, full, second, first)
        if second > 12 and first <= 12:
            return _make(typed, full, first, second)
        if first == second or first > 12:  # 05/05/1994 reads the same; 23/23 is no date
            return _make(typed, full, first, second)
        day_first = _make(typed, full, second, first)
        raise AmbiguousDate(typed, (day_first, _make(typed, full, first, second)))
    if all(len(n) <= 2 for n in nums):
        raise Invalid(FOUR_DIGIT_YEAR)
    raise Invalid(FORMAT)
