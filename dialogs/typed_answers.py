"""Typed answers: what a person types, read forgivingly, or refused with the message to show."""

from __future__ import annotations

import re

from dialogs.countries import find_country
from knowledge.loader import load
from knowledge.text import Joined, T, Text, WithKorean


class Invalid(ValueError):
    """A free-text answer that cannot be accepted; carries the message to show."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.msgid)
        self.message = message


_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def parse_years(text: str) -> float:
    raw = text.strip().replace(",", ".")
    if not _NUMBER.match(raw):
        raise Invalid(T("Please type a number of years, for example 2 or 1.5."))
    years = float(raw)
    if years > 50:
        raise Invalid(T("Please type a number of years between 0 and 50."))
    return round(years * 2) / 2 if years % 0.5 else years


def parse_score(text: str) -> int:
    raw = text.strip()
    if not raw.isdigit() or int(raw) > 100:
        raise Invalid(T("Please type your score as a whole number from 0 to 100."))
    return int(raw)


# Currency words in any language ("KRW", "won", "원", "von", "вон", "₩") are dropped: only digits count.
_MONEY_SUFFIX = re.compile(r"[^\d.,\s'_\u00a0\u202f만억]+")
_SEPARATORS = re.compile(r"[\s,.'_\u00a0\u202f]")


def parse_salary(text: str) -> int:
    """Yearly salary in won: '32000000', '32,000,000 KRW', '3,200만원', '3200만', '0.32억'."""
    raw = _MONEY_SUFFIX.sub("", text.strip())
    multiplier = 1
    if raw.endswith("만"):
        raw, multiplier = raw[:-1], 10_000
    elif raw.endswith("억"):
        raw, multiplier = raw[:-1], 100_000_000
    raw = raw.strip()
    if multiplier > 1 and re.fullmatch(r"\d+(?:\.\d+)?", raw.replace(",", "")):
        amount = int(float(raw.replace(",", "")) * multiplier)
    else:
        digits = _SEPARATORS.sub("", raw)
        if not digits.isdigit():
            raise Invalid(T("Please type the yearly salary in won as a number, for example 32000000."))
        amount = int(digits)
    if amount < 10_000_000:
        raise Invalid(
            T(
                "That looks like a monthly amount or too small. Please type the yearly salary in won (monthly pay × 12), for example 32000000."
            )
        )
    if amount > 2_000_000_000:
        raise Invalid(T("That amount is too large. Please type the yearly salary in won, for example 32000000."))
    return amount


def parse_country(text: str) -> str:
    code = find_country(text)
    if code is None:
        raise Invalid(T("I could not find that country. Please type its name, for example Vietnam, or pick a button."))
    if code == "KR":
        raise Invalid(T("This programme is for foreign nationals; Korean citizens do not need it."))
    return code


def parse_occupation(text: str) -> str:
    """A typed occupation: taken when its name (English or the official Korean) names one. A code
    alone is never enough (the September 2026 manual renumbers codes and one number can name two
    occupations, program-facts.md §2, §12.1): the candidates are named for the person to pick."""
    found = load().find_occupations(text)
    by_name = bool(re.sub(r"[\d\s().,舊旧-]+", "", text))
    if len(found) == 1 and by_name:
        return found[0].id
    if found:
        names = Joined(tuple(WithKorean(T(o.name), o.name_ko) for o in found))
        raise Invalid(T("That may mean: {names}. Please pick the occupation with the buttons.", names=names))
    raise Invalid(T("Please answer with one of the buttons."))
