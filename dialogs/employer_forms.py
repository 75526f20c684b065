"""The employer's forms: company registration and the obligations check (fields, review, result)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs import form_input as fi
from dialogs.results import MARK, cite_text
from dialogs.screens import Screen, action_of
from dialogs.typed_answers import Invalid, parse_yearly_salary
from knowledge.employer import EmployerFacts, Obligation, employer_documents, obligations
from knowledge.loader import load
from knowledge.model import Document
from knowledge.text import Lines, Message, Money, T, Text, Verbatim, WithKorean
from knowledge.verdict import Status


@dataclass(frozen=True)
class FormField:
    key: str
    prompt: Text
    parse: Callable[[str], Any] | None = None  # typed answers; None: buttons
    options: Callable[[Mapping[str, Any]], tuple[tuple[str, Text], ...]] = lambda values: ()
    applies: Callable[[Mapping[str, Any]], bool] = lambda values: True


def _parse_count(text: str) -> int:
    digits = text.strip().replace(",", "")
    if not digits.isdigit() or int(digits) > 100_000:
        raise Invalid(T("Please type a whole number, such as 12."))
    return int(digits)


def _parse_text(minimum: int, maximum: int) -> Callable[[str], str]:
    parse = fi.parse_free(minimum, maximum)
    return lambda text: parse(text, datetime.min)


def _cities(values: Mapping[str, Any]) -> tuple[tuple[str, Text], ...]:
    return tuple((m.id, T("{name}", name=WithKorean(T(m.name), m.name_ko))) for m in load().municipalities)


def _occupations(values: Mapping[str, Any]) -> tuple[tuple[str, Text], ...]:
    return tuple((o.id, T(o.name)) for o in load().occupations)


def _yes_no(values: Mapping[str, Any]) -> tuple[tuple[str, Text], ...]:
    return (("yes", T("Yes")), ("no", T("No")))


REGISTRATION: tuple[FormField, ...] = (
    FormField(
        "name",
        T("<b>Company name</b>, as on the business registration certificate:"),
        lambda text: fi.parse_company(text, datetime.min),
    ),
    FormField(
        "brn",
        T("<b>Business registration number</b> (사업자등록번호, 10 digits):"),
        lambda text: fi.parse_brn(text, datetime.min).replace("-", ""),
    ),
    FormField(
        "city",
        T("<b>Where is the workplace?</b> Choose the city or county in Gyeonggi:"),
        lambda text: fi.parse_city(text, datetime.min),  # typed in any language, as the applicant's form
        options=_cities,
    ),
    FormField("contact", T("<b>Contact person</b>: name (and job title, if you like):"), _parse_text(2, 100)),
)

OBLIGATIONS: tuple[FormField, ...] = (
    FormField("occupation", T("<b>Which occupation are you hiring for?</b>"), options=_occupations),
    FormField("salary", T("<b>Offered yearly salary</b> in won (e.g. 35,000,000 or 3500만):"), parse_yearly_salary),
    FormField(
        "korean",
        T("<b>How many Korean employees</b> have been insured (employment insurance) with you for at least 3 months?"),
        _parse_count,
    ),
    FormField(
        "foreign",
        T("<b>How many foreign employees</b> on E-1 to E-7-3 visas do you employ now (not counting this hire)?"),
        _parse_count,
    ),
    FormField("tax", T("<b>Does the company have unpaid national or local tax?</b>"), options=_yes_no),
    FormField(
        "facility",
        T("<b>Is the company an elderly medical-welfare facility</b> (노인의료복지시설)?"),
        options=_yes_no,
        applies=lambda v: v.get("occupation") == "care_worker",
    ),
    FormField(
        "code",
        T("<b>Long-term-care institution code</b> (장기요양기관기호):"),
        _parse_text(1, 20),
        applies=lambda v: v.get("occupation") == "care_worker" and v.get("facility") == "yes",
    ),
)
FORMS = {"register": REGISTRATION, "oblig": OBLIGATIONS}


def next_field(kind: str, values: Mapping[str, Any]) -> FormField | None:
    return next((f for f in FORMS[kind] if f.applies(values) and f.key not in values), None)


def field_screen(kind: str, field: FormField, values: Mapping[str, Any]) -> Screen:
    actions = [action_of("opt", label, arg=f"{field.key}={value}") for value, label in field.options(values)]
    actions.append(action_of("home", T("Cancel")))
    return Screen(
        f"emp:{kind}:{field.key}", (field.prompt,), actions=tuple(actions), columns=2 if len(actions) > 6 else 1
    )


def registration_review(values: Mapping[str, Any]) -> Screen:
    city = next((m for m in load().municipalities if m.id == values.get("city")), None)
    lines = Lines(
        (
            T("<b>Please check:</b>"),
            T("Company: {value}", value=Verbatim(str(values.get("name", "")))),
            T("Business registration number: {value}", value=Verbatim(fi.brn_text(str(values.get("brn", ""))))),
            T("Workplace: {value}", value=WithKorean(T(city.name), city.name_ko) if city else Verbatim("")),
            T("Contact person: {value}", value=Verbatim(str(values.get("contact", "")))),
        )
    )
    return Screen(
        "emp:review",
        (lines,),
        actions=(
            action_of("save", T("✅ Register")),
            action_of("register", T("Start again")),
            action_of("home", T("Cancel")),
        ),
    )


def facts_from(values: Mapping[str, Any]) -> EmployerFacts:
    return EmployerFacts(
        occupation=str(values["occupation"]),
        salary_krw=values.get("salary"),
        korean_staff=values.get("korean"),
        foreign_staff=values.get("foreign"),
        unpaid_tax=None if "tax" not in values else values["tax"] == "yes",
        elderly_facility=None if "facility" not in values else values["facility"] == "yes",
        institution_code=values.get("code"),
    )


def _obligation_text(o: Obligation) -> Text:
    p = o.params
    met = o.status is Status.MET
    if o.id == "workplace":
        return T("The workplace must be in Gyeonggi Province (yours is registered there).")
    if o.id == "wage":
        salary, floor = p["salary"], p["floor"]
        assert isinstance(salary, int) and isinstance(floor, int)
        values = {"salary": Money(salary), "floor": Money(floor), "track": Verbatim(str(p["track"]))}
        if met:
            return T("The salary {salary} meets the wage floor of {floor} ({track}).", **values)
        return T("The salary {salary} is below the wage floor of {floor} ({track}).", **values)
    if o.id == "tax":
        if met:
            return T("No unpaid national or local tax.")
        return T("Unpaid national or local tax: no foreign staff can be invited until it is paid.")
    if o.id in ("ratio", "it_ratio"):
        values = {k: p[k] for k in ("percent", "korean", "allowed", "after")}
        if o.id == "it_ratio":
            return T(
                "For this occupation the ratio is generally not checked, but some immigration officers check {percent} per cent: {korean} Korean employees allow {allowed} foreign staff (rounded); with this hire you would have {after}.",
                **values,
            )
        if met:
            return T(
                "Foreign staff: {korean} Korean employees insured for at least 3 months allow {allowed} ({percent} per cent, rounded half up); with this hire you would have {after}.",
                **values,
            )
        return T(
            "Foreign staff: {korean} Korean employees insured for at least 3 months allow only {allowed} ({percent} per cent, rounded half up); with this hire you would have {after}, which is too many.",
            **values,
        )
    if o.id == "min_korean":
        return T(
            "Fewer than {minimum} Korean employees insured for 3 months (you have {korean}): such firms are normally refused.",
            minimum=p["minimum"],
            korean=p["korean"],
        )
    if met:
        return T(
            "An elderly medical-welfare facility with a long-term-care institution code starting with {prefix}.",
            prefix=Verbatim(str(p["prefix"])),
        )
    return T(
        "Care workers can only be hired by an elderly medical-welfare facility (노인의료복지시설) whose long-term-care institution code starts with {prefix}.",
        prefix=Verbatim(str(p["prefix"])),
    )


def obligations_screen(values: Mapping[str, Any], now: datetime) -> Screen:
    facts = facts_from(values)
    occ = load().occupation(facts.occupation)
    checks = obligations(facts, now.date())
    body: list[Message] = [
        T(
            "📋 <b>Your obligations as the employer</b> for: {occupation}",
            occupation=WithKorean(T(occ.name), occ.name_ko),
        )
    ]
    if not occ.confirmed:  # listed by the Ministry's guideline, not by Gyeonggi's announcements (nurses)
        body.append(
            Lines(
                (
                    T("❓ {description}", description=T(occ.description)),
                    cite_text(occ.cite),
                    T("⚠️ Not certain: please ask the immigration helpline (1345) or Gyeonggi's call centre (031-120)."),
                )
            )
        )
    # What is not met first; what is met, and the documents, folded (dialogs/budgets.py)
    met: list[Message] = []
    for o in checks:
        lines: list[Message] = [
            T("{mark} {text}", mark=Verbatim(MARK[o.status]), text=_obligation_text(o)),
            cite_text(o.cite),
        ]
        if o.uncertain:
            lines.append(
                T("⚠️ Not certain: please ask the immigration helpline (1345) or Gyeonggi's call centre (031-120).")
            )
        (met if o.status is Status.MET and not o.uncertain else body).append(Lines(tuple(lines)))
    if met:
        body.append(Lines(tuple(met), folded=True))
    documents = _documents(employer_documents(facts.occupation))
    body.append(
        Lines(
            (documents, T("<i>This check applies the published rules; the immigration office decides.</i>")),
            folded=True,
        )
    )
    return Screen(
        "emp:oblig", tuple(body), actions=(action_of("oblig", T("Check again")), action_of("home", T("« Back")))
    )


def _documents(docs: Sequence[Document]) -> Lines:
    return Lines(
        (
            T("<b>Documents the employer supplies</b> (for the visa):"),
            *(T("• {name}", name=WithKorean(T(d.name), d.name_ko)) for d in docs),
        )
    )
