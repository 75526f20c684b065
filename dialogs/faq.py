"""Typed questions: when typed text is a question, and the screens that answer it.

The rule (tests/test_faq.py): a step that expects typed text (a salary, a name) reads it first; only
text the step cannot read goes further. Such text — or any text where the step expects a button, or
after the last question — is taken as a question when it looks like one (a question mark, a
question word of the person's languages) or when the FAQ matches it confidently. A confident match is
answered; otherwise up to three likely topics are offered ("Did you mean…") with "Ask programme
staff". Every answer ends with its sources, 👍 / 👎 and a way back to where the person was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from dialogs.deadline import is_closed, window_today
from dialogs.results import cite_text
from dialogs.screens import Action, Screen
from knowledge.faq_match import Match, matcher
from knowledge.loader import load
from knowledge.model import FaqEntry
from knowledge.ngrams import normalise
from knowledge.text import Lines, Message, T, Verbatim
from knowledge.verdict import Outcome

# A confident answer: the best entry scores CONFIDENT and leads the next by MARGIN. Chosen by
# bench/faq_calibrate.py (each writers' round asked against the others, and 360 messages no entry
# answers; never the held-out sets): the pair with the fewest fallbacks at which no language answers
# more than 2 % wrongly and at most 5 % of the off-topic messages get an answer (BENCHMARKS.md).
CONFIDENT = 0.25
MARGIN = 0.08
SUGGEST = 0.12  # below this, nothing is offered as a topic (the highest at which a fallback offers the right one 93 %)
# The person's case nudges a near-tie towards the entry about it: added to the final score, larger than
# the top two's gap for 6.6 % of the writers' rounds' questions (the old 0.03 was for 7.6 % on the old scale).
CONTEXT_BOOST = 0.01

# Question words of the 12 languages, normalised as ngrams.normalise does (no diacritics,
# casefolded). Only interrogatives and question particles: words as common in statements as in
# questions ("the", "is", Nepali छ, Vietnamese được) would make "my salary is …" a question.
_WORDS = frozenset(
    [
        "what",
        "how",
        "when",
        "where",
        "why",
        "who",
        "which",
        "can",
        "could",
        "should",
        "как",
        "что",
        "можно",
        "сколько",
        "когда",
        "где",
        "почему",
        "ли",
        "какие",
        "кто",
        "скока",
        "скоко",
        "какой",
        "какая",
        "зачем",
        "куда",
        "qanday",
        "nima",
        "qancha",
        "qachon",
        "qayerda",
        "mumkinmi",
        "kerakmi",
        "nega",
        "kim",
        "qaysi",
        "necha",
        "nechta",
        "boladimi",
        "bormi",
        "qayerga",
        "вэ",
        "уу",
        "юу",
        "хэзээ",
        "хэд",
        "яаж",
        "хаана",
        "apa",
        "apakah",
        "bagaimana",
        "berapa",
        "bisa",
        "kapan",
        "dimana",
        "siapa",
        "kenapa",
        "gimana",
        "brp",
        "gmn",
        "knp",
        "paano",
        "ano",
        "magkano",
        "pwede",
        "puwede",
        "kailan",
        "saan",
        "bakit",
        "ba",
        "sino",
        "khong",
        "sao",
        "bao",
        "nao",
        "gi",
        "कसरी",
        "कति",
        "कहिले",
        "कहाँ",
        "किन",
        "के",
    ]
)
_ENDINGS = (
    "나요",
    "까요",
    "니까",
    "ㄴ가요",
    "는지",
    "어떻게",
    "언제",
    "얼마",
    "무엇",
    "뭐",
    "가능",
    "되나",
    "있나",
    "吗",
    "什么",
    "怎么",
    "多少",
    "能否",
    "可以",
    "如何",
    "哪",
    "ไหม",
    "อะไร",
    "อย่างไร",
    "เท่าไร",
    "เท่าไหร่",
    "ไหน",
    "หรือเปล่า",
    "รึเปล่า",
    "ยังไง",
    "ได้ไหม",
    "มั้ย",
    "ទេ",
    "អ្វី",
    "យ៉ាងម៉េច",
    "ប៉ុន្មាន",
    "ពេលណា",
    "បានទេ",
    "ឬទេ",
    "ថ្ងៃណា",
    "កន្លែងណា",
)
_MARKS = re.compile("[?？¿՞؟\u037e]")  # the question marks of many scripts (; only as Greek's U+037E)


def has_letters(text: str) -> bool:
    """Text without a letter (a number, a date, an amount a step could not read) is that step's answer
    mistyped: it is taken as a question only with a question mark, never by what it matches ("12345"
    at the alien registration number matched the phone numbers' entry)."""
    return any(ch.isalpha() for ch in text)


def looks_like_question(text: str) -> bool:
    if _MARKS.search(text):
        return True
    plain = normalise(text)
    if any(word in _WORDS for word in plain.split()):
        return True
    return any(ending in plain for ending in _ENDINGS)


def interrupts(text: str) -> bool:
    """Whether text typed at a step that takes any text (a name, a company, an address) is a question
    instead: with a question mark, or with a question word and a topic the FAQ is sure of. "Bao Long
    Co." has a Vietnamese question word and no topic; "how much is the visa fee" has both."""
    if _MARKS.search(text):
        return True
    return looks_like_question(text) and confident(rank(text)) is not None


def entries() -> Mapping[str, FaqEntry]:
    return {e.id: e for e in load().faq}


# Statuses whose holders ask about changing to E-7 in Korea (the change_status entry).
_CHANGING = frozenset({"E-9", "D-10", "D-2", "H-2"})


@dataclass(frozen=True)
class Context:
    """What the person already told the bot, and their verdict: it breaks near-ties only."""

    occupation: str | None = None
    outcome: Outcome | None = None  # None while the questionnaire is unfinished
    job_offer: bool | None = None
    stay_status: str | None = None


def context_boost(context: Context) -> dict[str, float]:
    """A care worker asking "requirements?" most likely means the care worker entry (a nurse the nurse
    one); a person without a job offer the no-offer entry; an E-9 holder the change of status; a ❌
    verdict the conditions (eligibility)."""
    boost: dict[str, float] = {}
    if context.occupation in ("care_worker", "nurse"):
        boost[context.occupation] = CONTEXT_BOOST
    if context.job_offer is False:
        boost["no_job_offer"] = CONTEXT_BOOST
    if context.stay_status in _CHANGING:
        boost["change_status"] = CONTEXT_BOOST
    if context.outcome is Outcome.NOT_ELIGIBLE:
        boost["eligibility"] = CONTEXT_BOOST
    return boost


def rank(text: str, context: Context | None = None) -> list[Match]:
    known = entries()
    boost = context_boost(context) if context is not None else None
    return [m for m in matcher().rank(text, k=4, boost=boost) if m.entry in known][:3]


def confident(matches: Sequence[Match]) -> Match | None:
    if not matches or matches[0].score < CONFIDENT:
        return None
    if len(matches) > 1 and matches[0].score - matches[1].score < MARGIN:
        return None
    return matches[0]


def _sources(entry: FaqEntry) -> Message:
    """The answer's sources, folded under it (dialogs/budgets.py): the answer is what fits the phone."""
    return Lines((Lines(tuple(cite_text(c) for c in entry.cite)),), folded=True)


# Answers about the window: the fact sheet's dates, then where the window stands today.
WINDOW_TOPICS = frozenset({"deadline_quota"})


def answer_screen(entry: FaqEntry, now: datetime) -> Screen:
    related = [entries()[r] for r in entry.related if r in entries()][:2]
    today = window_today(now) if entry.id in WINDOW_TOPICS else None
    closed_first = today is not None and is_closed(now)  # before "The deadline for applications is …", not after it
    body: tuple[Message, ...] = (
        T("💬 <b>{topic}</b>", topic=T(entry.topic)),
        *((today,) if closed_first else ()),
        T(entry.answer),
        *((today,) if today is not None and not closed_first else ()),
        _sources(entry),
        T("Was this helpful?"),
    )
    actions = (
        Action(f"faq_yes:{entry.id}", T("👍 Yes")),
        Action(f"faq_no:{entry.id}", T("👎 No")),
        *(Action(f"faq:{r.id}", T("❔ {topic}", topic=T(r.topic))) for r in related),
        Action("faq_back", BACK),
    )
    return Screen(f"faq:{entry.id}", body, actions=actions)


def suggestions_screen(matches: Sequence[Match]) -> Screen:
    """No confident answer: the likely topics, programme staff, the phone lines, the way back."""
    known = entries()
    topics = [known[m.entry] for m in matches if m.score >= SUGGEST and m.entry in known]
    p = load().programme
    # The question itself is not echoed: the person sees it just above, and "Ask programme staff"
    # shows it again with what staff will see.
    body: list[Message] = [
        T("I am not sure I understood. Did you mean:") if topics else T("I have no answer to that here.")
    ]
    body.append(
        T(
            "You can also ask programme staff here, or call the Gyeonggi call centre {phone} (the programme) or 1345 (immigration, in many languages).",
            phone=Verbatim(p.contact_phone),
        )
    )
    actions = (
        *(Action(f"faq:{t.id}", T("❔ {topic}", topic=T(t.topic))) for t in topics),
        Action("faq_staff", ASK_STAFF),
        Action("faq_back", BACK),
    )
    return Screen("faq:suggest", tuple(body), actions=actions)


THANKS = T("Thank you!")
THANKS_ANYWAY = T("Thank you for telling me.")
SORRY = T(
    "Sorry this did not help. You can ask programme staff with the button below, or call 031-120 (the programme) or 1345 (immigration)."
)
ASK_STAFF = T("💬 Ask programme staff")
TYPE_FIRST = T(
    "Type your question as a message, then tap “Ask programme staff”; or send /ask followed by your question."
)
BACK = T("« Back to where I was")
