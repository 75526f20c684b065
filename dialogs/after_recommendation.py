"""After the recommendation: the road to the visa, in the person's language.

- The route: a change of status inside Korea (체류자격 변경허가), filed by the person at the
  immigration office covering where they live, or a visa issuance confirmation (사증발급인정서)
  filed by the employer at the office covering the company's address, then the visa at a consulate.
  Someone in Korea whose status cannot change to E-7 inside Korea (E-9, D-3 ...) takes the second.
- Its documents (the visa stage of knowledge/data/documents.yaml), its fees, what is not known and
  who to ask (1345; 031-120 for the recommendation letter).
- Once the visa is issued: what the person must do (alien registration, employer changes, stay).
- What each milestone means for an employer linked by consent.
- The reminders' texts (bot/services/visa_reminders.py sends them).

Every fact shows its source keys (program-facts.md) and confidence, as the verdict does. Each
message stays phone-sized (about 1,200 characters at most): the recommendation's notice is short,
and the route, its documents and the open questions follow as messages of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from dialogs.results import cite_text
from knowledge.loader import load
from knowledge.model import Cite, Confidence, Document
from knowledge.profile import Profile
from knowledge.route import Route, visa_route
from knowledge.text import Lines, Message, Money, T, Text, Verbatim, WithKorean

CHANGE = "change_of_status"  # in Korea: the person files where they live
CCVI = "visa_issuance_confirmation"  # from abroad: the employer files where the company is

C, S, OFF, INF = Confidence.CONFIRMED, Confidence.SINGLE, Confidence.OFFICIAL, Confidence.INFERENCE


@dataclass(frozen=True)
class Point:
    """One fact said to the person, with where it comes from."""

    text: Text
    cite: Cite


def point(p: Point) -> Text:
    return T("{mark} {text}\n   {cite}", mark=Verbatim("•"), text=p.text, cite=cite_text(p.cite))


def sourced(head: Message, items: Sequence[tuple[Message, Cite]], tail: Sequence[Message] = ()) -> Lines:
    """Facts numbered, then their sources under the same numbers, folded (dialogs/budgets.py): the
    steps read first, each source a tap away."""
    numbered = [T("{mark} {text}", mark=Verbatim(f"{i}."), text=text) for i, (text, _) in enumerate(items, 1)]
    sources = [T("{mark} {text}", mark=Verbatim(f"{i}."), text=cite_text(c)) for i, (_, c) in enumerate(items, 1)]
    return Lines((head, *numbered, *tail, Lines((Lines(tuple(sources)),), folded=True)))  # one line a source


def route(in_korea: bool, stay_status: str | None) -> str:
    """The immigration route: in Korea with a status that may change to E-7, a change of status;
    otherwise (abroad, or a status on the manual's list that cannot change) from abroad."""
    if visa_route(Profile(in_korea=in_korea, stay_status=stay_status), load()) is Route.CHANGE_OF_STATUS:
        return CHANGE
    return CCVI


def route_name(which: str) -> WithKorean:
    if which == CHANGE:
        return WithKorean(T("change of status"), "체류자격 변경허가")
    return WithKorean(T("visa issuance confirmation"), "사증발급인정서")


NOT_A_VISA = Point(
    T("A recommendation is not a visa: the Ministry of Justice examines your application and decides."),
    Cite("M1 p.690; R1; R2", C),
)

CONTACT_1345 = Point(
    T(
        "Questions: call 1345, the Immigration Contact Center, weekdays 09:00–22:00 in about 20 languages; after 18:00 only Korean, English and Chinese."
    ),
    Cite("C1345", C),
)


def _letter_validity() -> Point:
    return Point(
        T(
            "How long the recommendation letter stays valid is not stated in the rules, and the letter shows no date of expiry. Ask {phone}.",
            phone=Verbatim(load().programme.contact_phone),
        ),
        Cite("M1 p.731; M5 p.763", OFF),
    )


CCVI_RESULT = Point(
    T("The result of a visa issuance confirmation: 1345 (from abroad +82-1345), menu 2."), Cite("C1345", S)
)

CONSULATE = Point(
    T(
        "With the confirmation you apply for the E-7 visa at a Korean consulate. The fee for the confirmation is not stated in the manuals; the visa fee depends on your country: ask the consulate."
    ),
    Cite("V1; M3 pp.16–19", INF),
)

PROCESSING_TIME = Point(
    T(
        "How long immigration takes: there is no official figure. Agents quote 2 weeks to 1 month for a visa issuance confirmation."
    ),
    Cite("P1", S),
)
# A change of status in Korea: no figure at all, not even the agents' (theirs is for the confirmation).
CHANGE_PROCESSING_TIME = Point(
    T("How long immigration takes for a change of status: there is no official figure. Ask 1345."),
    Cite("M5; M3", INF),
)


def processing_time(in_korea: bool, stay_status: str | None) -> Point:
    return PROCESSING_TIME if route(in_korea, stay_status) == CCVI else CHANGE_PROCESSING_TIME


def _change_steps() -> list[Point]:
    return [
        Point(
            T(
                "You file it yourself, at the immigration office covering the place where you live (not the company's address)."
            ),
            Cite("M5 pp.3, 153, 382", OFF),
        ),
        Point(
            T("Which office covers your address: see HiKorea (www.hikorea.go.kr) or call 1345, menu 1."),
            Cite("C1345", S),
        ),
        Point(
            T("Stay in Korea while your application is pending: leaving can lead to a refusal."),
            Cite("M5 p.3", OFF),
        ),
        Point(
            T("Fee: {fee}. Fees are not refunded, even on a refusal.", fee=Money(100_000)),
            Cite("M5 pp.3, 5; M4 p.5", C),
        ),
        Point(
            T(
                "Filed online on HiKorea it costs {online}, but whether this change can be filed online is not known: check HiKorea or ask 1345.",
                online=Money(80_000),
            ),
            Cite("H1", INF),
        ),
    ]


def _ccvi_steps(in_korea: bool, stay_status: str | None) -> list[Point]:
    points: list[Point] = []
    if in_korea:
        points.append(
            Point(
                T(
                    "A change from {status} to E-7 is not possible inside Korea, so your visa is applied for from abroad.",
                    status=Verbatim(stay_status or ""),
                ),
                load().blocked_statuses_cite,
            )
        )
    points += [
        Point(
            T("Your employer files it at the immigration office covering the company's address."),
            Cite("M3 p.178", OFF),
        ),
        Point(
            T(
                "Online filing (Korea Visa Portal) is for people with a ministry's talent recommendation; whether the governor's recommendation counts is not known."
            ),
            Cite("M3 p.178", OFF),
        ),
        CONSULATE,
    ]
    return points


def steps_message(in_korea: bool, stay_status: str | None) -> Message:
    """The route: who files, where, and the fees."""
    which = route(in_korea, stay_status)
    points = _change_steps() if which == CHANGE else _ccvi_steps(in_korea, stay_status)
    title = T("🧭 <b>Your next step: {route}</b>", route=route_name(which))
    return sourced(title, [(p.text, p.cite) for p in points])


# The residence proof is for alien registration and extensions (said after the visa), not the route.
NOT_FOR_THE_ROUTE = frozenset({"residence_proof"})

AGAIN = Point(
    T(
        "Also, again: the employment contract; foreign documents translated into Korean or English, with an apostille or a consulate's confirmation; your Korean test result (if you used one); care workers: the care-worker certificate."
    ),
    Cite("M3 pp.176, 178; M2 pp.218, 225, 278", C),
)


def route_documents(in_korea: bool, stay_status: str | None, occupation: str | None) -> tuple[Document, ...]:
    """The visa-stage documents of this route; a condition on something not known here (the TB
    list) keeps the document, whose name says when it applies."""
    kb = load()
    occ = next((o for o in kb.occupations if o.id == occupation), None)
    which = Route.CHANGE_OF_STATUS if route(in_korea, stay_status) == CHANGE else Route.VISA_ISSUANCE
    facts: dict[str, object] = {"in_korea": which is Route.CHANGE_OF_STATUS, "route": which.value}
    if occ is not None:
        facts.update(occupations=occ.id, tracks=occ.track)

    def applies(d: Document) -> bool:
        for key, wanted in d.when.items():
            if key not in facts:
                continue
            have = facts[key]
            if (have not in wanted) if isinstance(wanted, list) else (bool(have) != bool(wanted)):
                return False
        return True

    return tuple(d for d in kb.documents if d.stage == "visa" and d.id not in NOT_FOR_THE_ROUTE and applies(d))


def _doc(d: Document) -> tuple[Message, Cite]:
    name = T("{name}", name=WithKorean(T(d.name), d.name_ko))
    return Lines((name, *(T("   <i>{note}</i>", note=T(n)) for n in d.notes))), d.cite


def documents_messages(in_korea: bool, stay_status: str | None, occupation: str | None) -> tuple[Message, ...]:
    """The route's documents: the person's, then the employer's (two messages, each phone-sized)."""
    docs = route_documents(in_korea, stay_status, occupation)
    title = T("📋 <b>Documents for the {route}</b>", route=route_name(route(in_korea, stay_status)))
    mine = [_doc(d) for d in docs if d.side == "applicant"]
    theirs = [_doc(d) for d in docs if d.side == "employer"]
    return (
        sourced(Lines((title, T("<u>From you</u>"))), [*mine, (AGAIN.text, AGAIN.cite)]),
        sourced(Lines((title, T("<u>From your employer</u>"))), theirs),
    )


def unknowns_message(in_korea: bool, stay_status: str | None) -> Message:
    """What is not known, and who to ask; then how to report the application."""
    points = [processing_time(in_korea, stay_status), _letter_validity()]
    if route(in_korea, stay_status) == CCVI:
        points.append(CCVI_RESULT)
    points.append(CONTACT_1345)
    return sourced(
        T("❓ <b>Not known yet, and whom to ask</b>"),
        [(p.text, p.cite) for p in points],
        [T("When you have applied, tell me with /status.")],
    )


def recommended_messages(in_korea: bool, stay_status: str | None, occupation: str | None) -> tuple[Message, ...]:
    """What follows the recommendation's notice: the route, its documents, the open questions."""
    return (
        steps_message(in_korea, stay_status),
        *documents_messages(in_korea, stay_status, occupation),
        unknowns_message(in_korea, stay_status),
    )


def recommended_next(in_korea: bool, stay_status: str | None) -> Message:
    """The short next step inside the recommendation's notice."""
    return Lines(
        (
            point(NOT_A_VISA),
            T(
                "Next: the {route}. What to do, the documents and whom to ask follow in the next messages.",
                route=route_name(route(in_korea, stay_status)),
            ),
        )
    )


def visa_applied_next(in_korea: bool, stay_status: str | None) -> Message:
    lines: list[Message] = [
        T("Next: wait for the immigration office's decision, then tell me with /status when the visa is issued."),
        point(processing_time(in_korea, stay_status)),
    ]
    if route(in_korea, stay_status) == CCVI:  # the confirmation is not yet the visa: the consulate comes next
        lines += [point(CCVI_RESULT), point(CONSULATE)]
    return Lines(tuple(lines))


def after_visa(in_korea: bool, stay_status: str | None, occupation: str | None) -> Message:
    """What the person must do once the visa is issued."""
    kb = load()
    occ = next((o for o in kb.occupations if o.id == occupation), None)
    points: list[Point] = []
    if route(in_korea, stay_status) == CCVI:
        points.append(
            Point(
                T("After you enter Korea, register as a foreign resident (alien registration) within 90 days."),
                Cite("P2", C),
            )
        )
        points.append(
            Point(
                T(
                    "Bring proof of where you live (a lease or a housing letter); the card costs {fee}.",
                    fee=Money(35_000),
                ),
                Cite("M2 pp.227, 229; M4 p.5", OFF),
            )
        )
    if occ is not None and occ.track == "E-7-2":
        points.append(
            Point(
                T(
                    "Changing employer: as a care worker you may change only without fault on your side (the business closed or is in difficulty, or the contract ended)."
                ),
                Cite("M5 p.278; M2 p.278", C),
            )
        )
    else:
        points.append(
            Point(
                T(
                    "Changing employer: report it to immigration within 15 days; the report is free. Not possible this way if you were dismissed or quit through your own fault without your former employer's consent."
                ),
                Cite("M2 pp.221–223; M5 pp.222–223", OFF),
            )
        )
    points += [
        Point(T("Each grant of stay is at most 3 years."), Cite("M2 p.213; M3 p.170", C)),
        Point(
            T("To extend, bring an income certificate (소득금액증명원); the wage floor is checked again."),
            Cite("M2 p.227; M5 p.227", OFF),
        ),
        Point(T("Extensions can be filed from 4 months before your stay ends."), Cite("H1", S)),
        Point(
            T(
                "Whether a move to an employer outside Gyeonggi keeps this status is not stated: ask {phone}.",
                phone=Verbatim(kb.programme.contact_phone),
            ),
            Cite("M5 p.755", INF),
        ),
    ]
    return sourced(T("✅ <b>Now that you have the visa</b>"), [(p.text, p.cite) for p in points])


def employer_recommended(in_korea: bool, stay_status: str | None) -> Message:
    """For the linked employer: what the recommendation asks of them on the candidate's route."""
    if route(in_korea, stay_status) == CCVI:
        return point(
            Point(
                T(
                    "Next for you: file for the visa issuance confirmation (사증발급인정서) for your candidate at the immigration office covering your company's address, with your business registration, tax certificates and the reason for hiring."
                ),
                Cite("M3 pp.178–179", OFF),
            )
        )
    return point(
        Point(
            T(
                "Next: your candidate applies for a change of status at the immigration office covering where they live; they need your business registration, tax certificates and the reason for hiring, and the contract."
            ),
            Cite("M5 pp.3, 382; M2 p.225", OFF),
        )
    )


def employer_visa_applied(in_korea: bool, stay_status: str | None) -> Message:
    return Lines(
        (
            T(
                "The application is with immigration, which decides. Keep your company's documents at hand in case it asks."
            ),
            point(processing_time(in_korea, stay_status)),
        )
    )


def employer_visa_issued(in_korea: bool, stay_status: str | None) -> Message:
    points: list[Point] = []
    if route(in_korea, stay_status) == CCVI:
        points.append(
            Point(
                T("After entering Korea, your employee registers as a foreign resident within 90 days."), Cite("P2", C)
            )
        )
    points += [
        Point(
            T(
                "A change of employer is reported to immigration within 15 days (care workers may change only without fault on their side)."
            ),
            Cite("M5 pp.222–223, 278", OFF),
        ),
        Point(T("Reporting a foreign employee who leaves: 1345, menu 3."), Cite("C1345", S)),
    ]
    return Lines(tuple(point(p) for p in points))


def applied_yet(reference: str, recommended_on: date | None) -> Text:
    """The nudge N days after the recommendation, while the person has not reported applying."""
    return T(
        "🛂 Have you applied for the visa yet? You were recommended on {date} (application <b>{ref}</b>). When you have, tell me with /status; your next steps are there too.",
        date=recommended_on or "",
        ref=Verbatim(reference),
    )


def issued_yet(reference: str) -> Text:
    """The nudge N days after the person reported applying, until they report the visa."""
    return T(
        "🛂 Has your visa been issued? (application <b>{ref}</b>) When it is, tell me with /status and I will tell you what comes next: alien registration, changing employer, extensions.",
        ref=Verbatim(reference),
    )
