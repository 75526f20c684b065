"""The filing pack for gg24 and the receipt the applicant reports afterwards.

The official application is filed by the applicant on gg24 (경기민원24); the bot prepares it and
programme staff pre-check it. The pack gives every field the recommendation letter form (추천서)
shows (program-facts.md §6 A: M1 p.731) with the person's value beside its Korean label, each on a
copy button; the documents in the province's order; and how to sign in as far as the facts say
(§19: not published, so: ask 031-120)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs import application_form as af
from dialogs.deadline import days_left_line
from dialogs.question_screens import display_value
from dialogs.screens import Copy, Screen, with_note
from dialogs.typed_answers import Invalid
from knowledge.loader import load
from knowledge.model import Document
from knowledge.profile import Profile
from knowledge.text import Lines, Message, T, Text, Verbatim, WithKorean

# The form's fields in its order (M1 p.731), with the short label of their copy button; the
# address is asked for changes of status only (in Korea).
FIELDS: tuple[tuple[str, Text], ...] = (
    ("name", T("📋 Name")),
    ("birth_date", T("📋 Date of birth")),
    ("arc_number", T("📋 ARC number")),
    ("phone", T("📋 Phone")),
    ("email", T("📋 Email")),
    ("address", T("📋 Address")),
    ("employer", T("📋 Company")),
    ("brn", T("📋 Business no.")),
)


# Labels shown beside their Korean name (WithKorean); module constants, so the extractor finds them.
VISA_SOUGHT = T("Visa sought")
COMPANY_ADDRESS = T("Company address")


def copy_value(key: str, value: str) -> str:
    """The value as one pastes it into a Korean form: a Korean mobile as 010-1234-5678."""
    if key == "phone" and value.startswith("+8210") and len(value) == 13:
        return f"0{value[3:5]}-{value[5:9]}-{value[9:]}"
    return value


@dataclass(frozen=True)
class Pack:
    reference: str
    values: Mapping[str, Any]
    profile: Profile
    documents: tuple[Document, ...]  # in the checklist's order
    uploaded: frozenset[str]


def with_days_left(screens: list[Screen], now: datetime) -> list[Screen]:
    """The pack with the days left under its heading and steps (a notice stood above the heading)."""
    return [with_note(screens[0], days_left_line(now, in_pack=True)), *screens[1:]] if screens else screens


def pack_screens(pack: Pack) -> list[Screen]:
    """Three short screens: the steps, the fields (with copy buttons), the documents in order."""
    p = load().programme
    intro = (  # a draft's pack: the last days, when there is no time to wait for the pre-check
        (
            T("🗂 <b>Your filing pack for gg24</b>, from your draft"),
            T(
                "The official application is filed <b>by you</b> on gg24 (경기민원24), not by this bot. This draft was not sent for the pre-check: check every value before you paste it. Send it here too before the close: after the close it cannot be sent, and I could not record your receipt number."
            ),
        )
        if not pack.reference
        else (
            T("🗂 <b>Your filing pack for gg24</b> (application {ref})", ref=Verbatim(pack.reference)),
            T(
                "The official application is filed <b>by you</b> on gg24 (경기민원24), not by this bot. Programme staff have your draft for a pre-check only."
            ),
        )
    )
    steps = Screen(
        "gg24:steps",
        (
            *intro,
            Lines(
                (
                    T(
                        "1. Open {url} and sign in. How a foreigner signs in (identity check, English pages) is not published: if you are stuck, call the Gyeonggi call centre, {phone}.",
                        url=Verbatim(p.channel_url),
                        phone=Verbatim(p.contact_phone),
                    ),
                    T(
                        "2. Choose the recommendation application of the provincial visa pilot (광역형 비자). <i>The menu's exact name is not published.</i>"
                    ),
                    T("3. Fill in the fields below: tap a button to copy a value, then paste it."),
                    T("4. Attach your documents in the order below."),
                    # a draft's receipt cannot be recorded: sent, it can (and staff see it)
                    T("5. After filing, tell me the receipt number (접수번호) with /status.")
                    if pack.reference
                    else T(
                        "5. Then send this draft here too (/apply, 📨 Send for pre-check) and tell me the receipt number (접수번호) with /status."
                    ),
                )
            ),
        ),
    )
    return [steps, fields_screen(pack), documents_screen(pack)]


def fields_screen(pack: Pack) -> Screen:
    values, profile = pack.values, pack.profile
    occupation = load().occupation(profile.occupation) if profile.occupation else None
    lines: list[Message] = [
        T(
            "<b>The fields</b> of the recommendation form (추천서; Ministry of Justice guideline, p.731). gg24's own form may ask them differently."
        )
    ]
    if occupation is not None:
        lines.append(
            T(
                "{label}: <b>E-7 ({track}), {occupation}</b>",
                label=WithKorean(VISA_SOUGHT, "신청 대상"),
                track=Verbatim(occupation.track),
                occupation=WithKorean(T(occupation.name), occupation.name_ko),
            )
        )
    if profile.nationality:
        lines.append(
            T(
                "{label}: <b>{value}</b>",
                label=WithKorean(T("Nationality"), "국적"),
                value=display_value("nationality", profile.nationality),
            )
        )
    copies: list[Copy] = []
    for key, button in FIELDS:
        if key not in values:
            continue
        field = af.BY_KEY[key]
        lines.append(
            T(
                "{label}: <b>{value}</b>",
                label=WithKorean(field.label, field.korean),
                value=af.display(key, values[key]),
            )
        )
        copies.append(Copy(button, copy_value(key, str(values[key]))))
    if "city" in values:
        lines.append(
            T(
                "{label}: <b>ask your employer</b> (the workplace is in {city})",
                label=WithKorean(COMPANY_ADDRESS, "업체 주소"),
                city=af.display("city", values["city"]),
            )
        )
    return Screen("gg24:fields", (Lines(tuple(lines)),), copies=tuple(copies))


def documents_screen(pack: Pack, record: bool = False) -> Screen:
    """The documents in gg24's order; as a ``record`` (filed or decided), without what to do on gg24."""
    lines: list[Message] = [T("<b>Your documents, in this order</b>")]
    for n, d in enumerate(pack.documents, start=1):
        mark = "✅" if d.id in pack.uploaded else "⬜"
        lines.append(T("{n}. {mark} {name}", n=n, mark=Verbatim(mark), name=WithKorean(T(d.name), d.name_ko)))
    if not record:
        lines.append(
            T(
                "✅: you uploaded it here, for the pre-check. On gg24 you attach the files again. Foreign documents: with a translation and an apostille or consular confirmation."
            )
        )
    return Screen("gg24:documents", (Lines(tuple(lines)),))


# --- the receipt number ---------------------------------------------------------------------------

RECEIPT_PROMPT = T("🧾 <b>Type the receipt number (접수번호)</b> that gg24 showed after you filed, as it is written.")

_RECEIPT = re.compile(r"[A-Z0-9][A-Z0-9-]{3,39}")


def parse_receipt(text: str) -> str:
    """The receipt number as typed, tidied: full-width forms, spaces and dashes of any kind. Its
    format is not published, so any 4 to 40 letters, digits and dashes with at least 4 digits."""
    cleaned = unicodedata.normalize("NFKC", text).strip().upper()
    cleaned = re.sub(r"[\s‐-―−]+", "-", cleaned).strip("-")
    if not _RECEIPT.fullmatch(cleaned) or sum(ch.isdigit() for ch in cleaned) < 4:
        raise Invalid(
            T(
                "That does not look like a receipt number: type the letters and digits gg24 showed (for example 2026-1234567), or tap Cancel."
            )
        )
    return cleaned
