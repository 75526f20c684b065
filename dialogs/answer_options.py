"""The questionnaire's answer buttons: occupations, areas, degrees, tests, stay statuses."""

from __future__ import annotations

from collections.abc import Callable

from dialogs.screens import Option
from knowledge.loader import load
from knowledge.profile import Profile
from knowledge.text import T, Text

NOT_SURE = "not_sure"
OTHER = "other"


def occupation_options(p: Profile) -> tuple[Option, ...]:
    return (*(Option(o.id, T(o.name)) for o in load().occupations if o.confirmed), Option(NOT_SURE, T("I'm not sure")))


def occupations_in_area(area: str) -> tuple[str, ...]:
    return tuple(o.id for o in load().occupations if o.area == area)


def area_options(p: Profile) -> tuple[Option, ...]:
    return tuple(Option(a.id, T(a.label)) for a in load().areas)


YES_NO = lambda p: (Option("yes", T("Yes")), Option("no", T("No")))  # noqa: E731
# How people type yes and no, by language (besides the buttons' own words): at a question whose
# options include "yes" and "no", one of these is that answer ("Không" where the button says "Chưa").
TYPED_YES_NO: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    locale: (frozenset(yes.split("|")), frozenset(no.split("|")))
    for locale, yes, no in (
        ("en", "yes|y|yeah|yep|ok|sure", "no|n|nope|not yet"),
        ("ko", "네|예|응|그렇습니다|맞아요|있어요|있습니다", "아니요|아니오|아뇨|아니|없어요|없습니다|아직"),
        ("zh_Hans", "是|是的|对|有", "不|不是|没有|否|还没有"),
        ("vi", "có|vâng|dạ|đúng|rồi", "không|chưa|ko|k|không có"),
        ("ru", "да|ага|есть", "нет|не|ещё нет|еще нет"),
        ("uz", "ha|xa|bor|ҳа|ха", "yo'q|yoʻq|yoq|йўқ|йук|hali yo'q"),
        ("ne", "हो|छ|हजुर", "होइन|छैन|अहँ"),
        ("th", "ใช่|ครับ|ค่ะ|มี", "ไม่|ไม่ใช่|ไม่มี|ยัง|ยังไม่มี"),
        ("km", "បាទ|ចាស|មាន", "ទេ|អត់|មិនមាន|មិនទាន់"),
        ("id", "ya|iya|ada|sudah", "tidak|tdk|nggak|gak|belum|bukan|tidak ada"),
        ("mn", "тийм|за|бий|байгаа", "үгүй|байхгүй|хараахан үгүй"),
        ("fil", "oo|opo|meron|mayroon", "hindi|wala|hindi pa|wala pa"),
    )
}
YES_NO_UNSURE = lambda p: (  # noqa: E731
    Option("yes", T("Yes")),
    Option("no", T("No")),
    Option("unsure", T("I'm not sure")),
)

DEGREES = (
    ("doctorate", T("Doctorate (PhD)")),
    ("master", T("Master's degree")),
    ("bachelor", T("Bachelor's degree")),
    ("associate", T("Associate degree (2-3 years)")),
    ("none", T("High school or less")),
)
KOREAN_TESTS = (
    ("topik", T("TOPIK")),
    ("kiip", T("KIIP (integration programme)")),
    ("kiip_pre", T("KIIP pre-assessment score")),
    ("none", T("None yet")),
)
# Offered stay statuses; the rules know which cannot change to E-7 inside Korea.
STAY_STATUSES = ("D-2", "D-10", "E-7", "E-9", "E-10", "H-2", "D-3", "E-8", "C-3", "G-1")
STAY_LABELS = {
    "D-2": T("D-2 (student)"),
    "D-10": T("D-10 (job seeker)"),
    "E-7": T("E-7 (professional)"),
    "E-9": T("E-9 (non-professional work)"),
    "E-10": T("E-10 (crew)"),
    "H-2": T("H-2 (working visit)"),
    "D-3": T("D-3 (industrial trainee)"),
    "E-8": T("E-8 (seasonal worker)"),
    "C-3": T("B or C (visitor)"),
    "G-1": T("G-1 (miscellaneous)"),
    OTHER: T("Other"),
}


def choices(pairs: tuple[tuple[str, Text], ...]) -> Callable[[Profile], tuple[Option, ...]]:
    return lambda p: tuple(Option(v, label) for v, label in pairs)
