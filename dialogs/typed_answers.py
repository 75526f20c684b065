"""Typed answers: what a person types, read forgivingly, or refused with the message to show."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from dialogs.countries import find_country, suggest
from knowledge.loader import load
from knowledge.text import Joined, T, Text, WithKorean

# Embeddings, overrides and isolates (U+202A-E, U+2066-9): one typed into a question or a file name
# turns the rest of the reader's line around. Right-to-left text itself, and the marks, stay.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(text: str) -> str:
    return text.translate(_BIDI_CONTROLS)


class Invalid(ValueError):
    """A free-text answer that cannot be accepted; carries the message to show. ``understood``: the
    text was read as this step's answer, only incomplete or in the wrong unit ("January 2027" for a
    date, "30 млн руб" for a salary), so it is not offered to the FAQ as a question."""

    def __init__(self, message: Text, *, understood: bool = False) -> None:
        super().__init__(message.msgid)
        self.message = message
        self.understood = understood


class Confirm(Exception):
    """A typed answer read as something the person should confirm before it is stored: a monthly
    salary as its yearly amount, a country name with a typo as the country it most likely means."""

    def __init__(self, value: Any, monthly: int | None = None) -> None:
        super().__init__(value)
        self.value = value
        self.monthly = monthly


# A number of years as people write it: "2", "1,5", "3 yil", "2 tahun", "3년", in months ("18 bulan"),
# or both ("1 năm 6 tháng", "1년 6개월"). Only words that keep it at least that many go with it ("3 năm
# ạ", "hơn 3 năm", "3+ years", "3 tahun kerja", "3 yildan ko'p"): "less than 1 year", "1년 미만",
# "almost 3 years" are refused, as is a question ("3 years enough?").
_YEAR_WORDS = "years|year|yrs|yr|y|yil|йил|tahun|thn|năm|nam|лет|года|год|г|жил|साल|वर्ष|ปี|ឆ្នាំ|taon|년|年"
_MONTH_WORDS = "months|month|mos|mo|oy|ой|bulan|bln|tháng|thang|месяцев|месяца|месяц|мес|сар|महिना|เดือน|ខែ|buwan|개월|달|个月|個月|か月|ヶ月"


def _longest_first(words: str) -> str:
    """An alternation that tries "yil" before "y", so what follows a unit is its own word."""
    return "|".join(sorted(words.split("|"), key=len, reverse=True))


_YEAR_PART = re.compile(
    rf"(\d+(?:[.,]\d+)?)\s*\+?\s*(?:({_longest_first(_YEAR_WORDS)})|({_longest_first(_MONTH_WORDS)}))?",
    re.IGNORECASE,
)
_NOT_YEARS = T("Please type a number of years, for example 2 or 1.5.")
_AT_LEAST_WORDS = frozenset(
    [
        "ạ",
        "a",
        "hơn",
        "trên",
        "over",
        "more",
        "than",
        "at",
        "least",
        "kinh",
        "nghiệm",
        "làm",
        "việc",
        "experience",
        "work",
        "working",
        "of",
        "kerja",
        "pengalaman",
        "lebih",
        "dari",
        "dan",
        "ko'p",
        "koʻp",
        "ko‘p",
        "kop",
        "кўп",
        "дан",
        "больше",
        "более",
        "свыше",
        "опыт",
        "опыта",
        "работы",
        "이상",
        "넘게",
        "경력",
        "以上",
        "多",
        "工作",
        "经验",
        "經驗",
        "karanasan",
        "mahigit",
        "higit",
        "sa",
        "na",
        "po",
        "tajriba",
        "ish",
    ]
)


def parse_years(text: str) -> float:
    typed = unicodedata.normalize("NFKC", text).strip().casefold()
    parts = list(_YEAR_PART.finditer(typed))
    if not parts or len(parts) > 2 or "?" in typed or "？" in typed or re.search(r"-\s*\d", typed):
        raise Invalid(_NOT_YEARS)
    # Other words only beside a unit, and only those that keep it "at least": "3 năm ạ" is years,
    # "3 apples" and "less than 1 year" are not
    words = re.findall(r"[^\W\d_](?:[^\W\d_]|['ʻ‘’])*", _YEAR_PART.sub(" ", typed))
    if words and (not any(m.group(2) or m.group(3) for m in parts) or not set(words) <= _AT_LEAST_WORDS):
        raise Invalid(_NOT_YEARS)
    years = 0.0
    for n, m in enumerate(parts):
        amount = float(m.group(1).replace(",", "."))
        in_months = bool(m.group(3))
        if len(parts) == 2 and (n == 0) == in_months:  # "1 year 6 months": years first, then months
            raise Invalid(_NOT_YEARS)
        years += amount / 12 if in_months else amount
    if len(parts) == 1 and parts[0].group(3):  # months alone, in whole half years: 11 months are not a year
        years = int(float(parts[0].group(1).replace(",", ".")) // 6) / 2
    if years > 50:
        raise Invalid(T("Please type a number of years between 0 and 50."))
    return round(years * 2) / 2 if years % 0.5 else years


# A score with the word people put after it ("85점", "85 điểm", "85 баллов", "85/100").
_SCORE = re.compile(r"^(\d{1,3})\s*(?:/\s*100|점|điểm|diem|балл\w*|оноо|ball|points?|pts?|poin|分|คะแนน|ពិន្ទុ|अंक)?\.?$")


def parse_score(text: str) -> int:
    m = _SCORE.match(unicodedata.normalize("NFKC", text).strip().casefold())
    if m is None or int(m.group(1)) > 100:
        raise Invalid(T("Please type your score as a whole number from 0 to 100."))
    return int(m.group(1))


# --- salaries -------------------------------------------------------------------------------------

# Units written after a number, per language habit. CJK units compose ("3억 2천만", "3천2백만"); the
# others scale one number ("35 млн", "2.8m", "35 juta", "35 triệu", "35 ล้าน", "35 сая", "35 लाख").
_SMALL_CJK = {"십": 10, "十": 10, "拾": 10, "백": 100, "百": 100, "佰": 100, "천": 1000, "千": 1000, "仟": 1000}
_BIG_CJK = {"만": 10**4, "万": 10**4, "萬": 10**4, "억": 10**8, "亿": 10**8, "億": 10**8}
_WORD_UNITS = {
    10**6: "million millions milyon milyong mln mio mil m млн миллион миллиона миллионов juta jt triệu trieu tr сая",
    10**3: "thousand k тыс тысяч тысячи ribu rb nghìn nghin ngàn ngan libo мянга",
    10**5: "lakh lakhs lac",
    10**7: "crore crores",
}
_SCRIPT_UNITS = {"ล้าน": 10**6, "พัน": 10**3, "लाख": 10**5, "करोड": 10**7, "हजार": 10**3, "លាន": 10**6}
_UNIT_OF = {unicodedata.normalize("NFKC", w): n for n, words in _WORD_UNITS.items() for w in words.split()}
# Digits written as words before a CJK unit: 삼천만 and 三千万 are 3천만 and 3千万 (read as 1천만 without
# this: the unit alone counted, a salary a third of what was typed). A Korean digit word right after
# another syllable is left alone ("월급이 300만": the particle 이, not 2); after a unit it is a digit.
_CJK_DIGITS = {
    **{word: str(n) for words in ("일이삼사오육칠팔구", "一二三四五六七八九") for n, word in enumerate(words, 1)},
    **{"륙": "6", "两": "2", "兩": "2"},
}
_DIGIT_WORD = re.compile(
    rf"(?:(?<![가-힣])|(?<=[{''.join(_SMALL_CJK)}{''.join(_BIG_CJK)}]))([{''.join(_CJK_DIGITS)}])"
    rf"(?=[{''.join(_SMALL_CJK)}{''.join(_BIG_CJK)}])"
)

# A monthly or a yearly amount said in words; "월"/"月" alone are month words only next to an amount.
_MONTHLY = re.compile(
    r"월급|월\s*(?=\d)|(?<=[\d만원万元])\s*/?\s*월|每月|月薪|/\s*月|(?<=[\d万元])\s*月|"
    r"\bper\s+month\b|\ba\s+month\b|\bmonthly\b|/\s*(?:month|mo|m)\b|\bmonth\b|"
    r"в\s+месяц|месяц|/\s*мес|\bмес\b|\bper\s+bulan\b|\bsebulan\b|\bbulan\b|/\s*bln\b|\bbln\b|"
    r"mỗi\s+tháng|một\s+tháng|tháng|\bthang\b|ต่อเดือน|เดือน|\bkada\s+buwan\b|\bbuwan\b|сард|\bсар\b|"
    r"\boyiga\b|\boylik\b|महिना|मासिक|ខែ"
)
_YEARLY = re.compile(
    r"연봉|(?<=[\d만원])\s*/?\s*년|年薪|每年|/\s*年|(?<=[\d万元])\s*年|\bper\s+(?:year|annum)\b|\ba\s+year\b|"
    r"\byearly\b|\bannual(?:ly)?\b|/\s*(?:year|yr)\b|в\s+год|\bгод\b|\bper\s+tahun\b|\btahun\b|mỗi\s+năm|\bnăm\b|"
    r"ต่อปี|\bkada\s+taon\b|\btaon\b|\bжил\b|\byiliga\b|\byillik\b|वार्षिक|ឆ្នាំ"
)
# A number: digits with grouping (',' '.' "'" '_' or a space before exactly three digits).
_NUM = r"\d+(?:[.,'’_]\d+|\s\d{3}(?!\d))*"
_LATIN_UNITS = "|".join(sorted((re.escape(w) for w in _UNIT_OF), key=len, reverse=True))
_OTHER_UNITS = "|".join(re.escape(w) for w in (*_SMALL_CJK, *_BIG_CJK, *_SCRIPT_UNITS))
_AMOUNT_PART = re.compile(rf"({_NUM})?\s*(?:((?<![^\W\d_])(?:{_LATIN_UNITS})(?![^\W\d_]))|({_OTHER_UNITS}))?")

_NOT_A_NUMBER = T("Please type the yearly salary in won as a number, for example 32000000.")
_TOO_SMALL = T(
    "That looks like a monthly amount or too small. Please type the yearly salary in won (monthly pay × 12), for example 32000000."
)
_TOO_LARGE = T("That amount is too large. Please type the yearly salary in won, for example 32000000.")
_OTHER_CURRENCY = T(
    "That looks like an amount in another currency. Please type the yearly salary in Korean won, as the contract states it, for example 32000000."
)
# Another currency named with the amount ("28,000,000 vnd", "30 ล้านบาท", "₱30,000,000"): it was taken
# as won without a word.
_FOREIGN = re.compile(
    r"(?<![^\W\d_])(?:vnd|vnđ|đồng|dongs?|usd|dollars?|долл\w*|eur|euros?|rmb|yuan|cny|yen|jpy|php|pesos?|idr|rp|"
    r"rupiah|baht|thb|руб\w*|rub|rubles?|roubles?|so['ʻ’]?m|сўм|сум|uzs|mnt|tugrik|төгрөг\w*|npr|rupees?|riel|khr)"
    r"(?![^\W\d_])|(?<=\d)\s?đ(?![^\W\d_])|[$€₱₫₮฿₽៛¥円]|บาท|रुपैयाँ|रुपियाँ|रू|人民币|美元|日元|រៀល"
)
YEARLY_MIN = 10_000_000  # below this a figure is no yearly salary (the floors are 25-31 million)
YEARLY_MAX = 2_000_000_000


def _number(raw: str) -> float:
    """'35.000.000', '35 000 000', "35'000'000", '32,000,000.00' -> thousands grouped; '3.5', '35,5',
    '0.32' -> a decimal. One separator before exactly three digits is grouping ('3,200' is 3200)."""
    raw = re.sub(r"[\s'’_]", "", raw)
    marks = [c for c in raw if c in ".,"]
    if not marks:
        return float(raw)
    decimal = marks[-1] if len(set(marks)) == 2 else None
    if decimal is None:
        head, *groups = raw.split(marks[0])
        if len(groups) == 1 and (len(groups[0]) != 3 or head == "0"):
            decimal = marks[0]
    whole, _, fraction = raw.rpartition(decimal) if decimal else (raw, "", "")
    grouping = [c for c in whole if c in ".,"]
    head, *groups = re.split(r"[.,]", whole)
    lakh = re.fullmatch(r"\d{1,2}(?:,\d{2})+,\d{3}", whole)  # South Asian grouping: 3,20,00,000
    if not lakh and (len(set(grouping)) > 1 or any(len(g) != 3 for g in groups) or not head):
        raise Invalid(_NOT_A_NUMBER)
    return float(head + "".join(groups) + ("." + fraction if fraction else ""))


def _amount(text: str) -> int:
    """The amount in won a text states: its number with its units, the rest (currency words) ignored."""
    total, group, parts, scaled = 0.0, 0.0, 0, False
    for m in _AMOUNT_PART.finditer(text):
        number, word, other = m.group(1), m.group(2), m.group(3)
        if not number and not word and not other:
            continue
        value = _number(number) if number else None
        if word or other in _SCRIPT_UNITS:
            if value is None or parts or scaled:
                raise Invalid(_NOT_A_NUMBER)
            group, scaled = value * (_UNIT_OF.get(word or "") or _SCRIPT_UNITS[other or ""]), True
        elif other in _SMALL_CJK:
            group += (1 if value is None else value) * _SMALL_CJK[other]
        elif other in _BIG_CJK:
            total += (group + (value or 0) or 1) * _BIG_CJK[other]
            group = 0.0
        else:  # a bare number: only one, or the last part of a CJK amount ("3억 5000")
            if value is None or (parts and not total) or scaled:
                raise Invalid(_NOT_A_NUMBER)
            group += value
        parts += 1
    if not parts:
        raise Invalid(_NOT_A_NUMBER)
    return round(total + group)


@dataclass(frozen=True)
class Salary:
    """A typed salary: the yearly amount, and the monthly one it came from (to be confirmed)."""

    yearly: int
    monthly: int | None = None
    in_man: bool = False  # "3200", "연봉 3천": read as that many 만 (10,000 won), to be confirmed


def read_salary(text: str, monthly_minimum: int) -> Salary:
    """What a typed salary says: '32,000,000 KRW', '3200万', '0.32억', '35 млн', '35.000.000', '35 triệu';
    a monthly amount ('월 280만', '2.8m per month', or a figure from the monthly minimum wage up to
    10 million) comes back with ``monthly`` set, for the person to confirm."""
    norm = unicodedata.normalize("NFKC", text).casefold().strip()
    if re.search(r"[-~～–—]|사이|부터|到|至", norm):  # a negative amount or a range: no single salary
        raise Invalid(_NOT_A_NUMBER)
    if _FOREIGN.search(norm):
        raise Invalid(_OTHER_CURRENCY, understood=True)
    monthly, norm = bool(_MONTHLY.search(norm)), _MONTHLY.sub(" ", norm)
    yearly, norm = bool(_YEARLY.search(norm)), _YEARLY.sub(" ", norm)
    amount = _amount(_DIGIT_WORD.sub(lambda m: _CJK_DIGITS[m.group(1)], norm))
    if not monthly and 1_000 <= amount < 10_000:  # Korean habit: salaries are said in 만 ("3200", "3천")
        return Salary(amount * 10_000, in_man=True)
    if not yearly and (monthly or monthly_minimum <= amount < YEARLY_MIN):
        if amount * 12 > YEARLY_MAX:
            raise Invalid(_TOO_LARGE)
        if amount * 12 < YEARLY_MIN:
            raise Invalid(_TOO_SMALL)
        return Salary(amount * 12, amount)
    if amount < YEARLY_MIN:
        raise Invalid(_TOO_SMALL)
    if amount > YEARLY_MAX:
        raise Invalid(_TOO_LARGE)
    return Salary(amount)


def parse_salary(text: str) -> int:
    """Yearly salary in won; a monthly amount raises Confirm with the yearly one to confirm."""
    salary = read_salary(text, min(m.monthly_krw for m in load().minimum_wages))
    if salary.monthly is not None or salary.in_man:
        raise Confirm(salary.yearly, monthly=salary.monthly)
    return salary.yearly


def parse_yearly_salary(text: str) -> int:
    """A yearly salary where no Yes/No can follow (the employer's obligations form): what would be
    asked in the questionnaire (a monthly amount, "3200" in 만) is refused with what to type."""
    salary = read_salary(text, min(m.monthly_krw for m in load().minimum_wages))
    if salary.monthly is not None or salary.in_man:
        raise Invalid(_TOO_SMALL)
    return salary.yearly


def parse_country(text: str) -> str:
    """A nationality: a country's name in any script or its code; a typo raises Confirm with the
    one clearly closest country ("Did you mean Bangladesh?"), never stored without the person's Yes."""
    code = find_country(text)
    unsure = code is None
    if code is None:
        code = suggest(text)
    if code is None:
        raise Invalid(T("I could not find that country. Please type its name, for example Vietnam, or pick a button."))
    if code == "KR":
        raise Invalid(T("This programme is for foreign nationals; Korean citizens do not need it."))
    if unsure:
        raise Confirm(code)
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
