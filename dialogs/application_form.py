"""The application form: consent first, then personal details and the job offer, then a review.

Like the questionnaire, the state is the values given so far (plus the field being edited); the
next field is the first that applies and has no value. How each typed value is read (or refused
with a clear message) is dialogs/form_input.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dialogs import form_input as fi
from dialogs.question_screens import display_value
from dialogs.screens import Action, Option, Screen
from dialogs.typed_answers import Invalid
from dialogs.typed_dates import AmbiguousDate
from knowledge.loader import load
from knowledge.profile import Profile
from knowledge.text import Lines, Message, T, Text, Verbatim, WithKorean

Values = dict[str, Any]


@dataclass(frozen=True)
class Field:
    key: str
    label: Text
    korean: str  # the term on Korean forms, shown beside the label
    prompt: Text
    parse: Callable[[str, datetime], str] | None = None
    options: Callable[[], tuple[Option, ...]] = lambda: ()
    applies: Callable[[Profile], bool] = lambda p: True
    columns: int = 1
    sensitive: bool = True  # kept encrypted at rest
    free: bool = False  # takes almost any text, so a question typed here must be told apart (dialogs/faq.interrupts)


def _cities() -> tuple[Option, ...]:
    return tuple(Option(m.id, T("{name}", name=WithKorean(T(m.name), m.name_ko))) for m in load().municipalities)


def _has_offer(p: Profile) -> bool:
    """The employer's details are asked once there is an offer: without one ("not yet") the draft
    is started and saved without them, and filing waits for a Gyeonggi employer."""
    return bool(p.job_offer)


def _employer_field(
    key: str,
    label: Text,
    korean: str,
    prompt: Text,
    parse: Callable[[str, datetime], str],
    options: Callable[[], tuple[Option, ...]] = lambda: (),
    columns: int = 1,
    free: bool = False,
) -> Field:
    """A detail of the employer's, not the applicant's own: kept unencrypted, asked with an offer."""
    return Field(
        key, label, korean, prompt, parse, options, applies=_has_offer, columns=columns, sensitive=False, free=free
    )


# Without a job offer yet: the review and a refused submission say what is missing.
NO_EMPLOYER_YET = T(
    "Employer: <b>not yet</b>. A job offer from an employer in Gyeonggi is needed before you can file. When you have one, change your answer with /start, then add the employer's details here."
)


FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        T("Name as in the passport"),
        "성명(여권)",
        T("<b>Your full name exactly as in your passport</b>, in Latin letters."),
        fi.parse_name,
        free=True,
    ),
    Field(
        "birth_date",
        T("Date of birth"),
        "생년월일",
        T("<b>Your date of birth</b> (year-month-day)."),
        fi.parse_birth_date,
    ),
    Field(
        "phone",
        T("Phone"),
        "전화번호",
        T("<b>Your phone number.</b> A Korean mobile number, or one from abroad with its country code."),
        fi.parse_phone,
    ),
    Field("email", T("Email"), "이메일", T("<b>Your email address.</b>"), fi.parse_email),
    Field(
        "arc_number",
        T("Alien registration number"),
        "외국인등록번호",
        T(
            "<b>Your alien registration number</b> (13 digits, on your alien registration card). It is stored encrypted."
        ),
        fi.parse_arc,
        applies=lambda p: bool(p.in_korea),
    ),
    Field(
        "address",
        T("Address in Korea"),
        "국내 주소",
        T("<b>Your address in Korea.</b>"),
        fi.parse_free(5, 200),
        applies=lambda p: bool(p.in_korea),
        free=True,
    ),
    _employer_field(
        "employer",
        T("Employer (company name)"),
        "업체명",
        T("<b>The name of the company</b> that offers you the job."),
        fi.parse_company,
        free=True,
    ),
    _employer_field(
        "brn",
        T("Business registration number"),
        "사업자등록번호",
        T("<b>The company's business registration number</b> (10 digits; the company can tell you)."),
        fi.parse_brn,
    ),
    _employer_field(
        "city",
        T("Workplace city or county"),
        "근무지(시·군)",
        T("<b>Where is the workplace?</b> Pick the city or county in Gyeonggi."),
        fi.parse_city,
        options=_cities,
        columns=3,
    ),
    _employer_field(
        "start_date",
        T("Start date"),
        "근무 시작일",
        T("<b>When do you start work?</b> (year-month-day)"),
        fi.parse_start_date,
    ),
)
BY_KEY = {f.key: f for f in FIELDS}


# form.editing is "key" for a field reopened with "Change" from the review (its Back returns to the
# review) and "<key" for one reopened by Back (its Back goes one field further back).
WALKED = "<"


@dataclass
class Form:
    values: Values
    editing: str | None = None


def current_field(form: Form, p: Profile) -> Field | None:
    editing = (form.editing or "").removeprefix(WALKED)
    if editing in BY_KEY:
        return BY_KEY[editing]
    return next((f for f in FIELDS if f.applies(p) and f.key not in form.values), None)


def _cross_checked(values: Values, p: Profile) -> Values:
    """The alien registration number begins with the date of birth (YYMMDD): whichever of the two
    comes second (the edit screen changes either later), a mismatch is refused naming both."""
    born, arc = values.get("birth_date"), values.get("arc_number")
    if born and arc and BY_KEY["arc_number"].applies(p):
        birth = date.fromisoformat(born)
        if birth.strftime("%y%m%d") != arc[:6]:
            raise Invalid(
                T(
                    "Your date of birth ({birth}) and your alien registration number ({arc}) do not match: the number begins with the date of birth (year, month, day: {yymmdd}). Please check both.",
                    birth=birth,
                    arc=Verbatim(arc),
                    yymmdd=Verbatim(birth.strftime("%y%m%d")),
                )
            )
    return values


def answer_text(form: Form, p: Profile, text: str, now: datetime) -> Form:
    field = current_field(form, p)
    if field is None:
        raise Invalid(T("Please use the buttons below."))
    if field.parse is None:
        raise Invalid(T("Please answer with one of the buttons."))
    return Form(_cross_checked({**form.values, field.key: field.parse(text, now)}, p))


DATE_FIELDS = frozenset({"birth_date", "start_date"})
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_choices(error: AmbiguousDate) -> tuple[Option, ...]:
    """The two readings of an ambiguous date as buttons (their value: the date, year first)."""
    return tuple(Option(d.isoformat(), T("{date}", date=d)) for d in error.readings)


def answer_option(form: Form, p: Profile, key: str, value: str, now: datetime) -> Form:
    """A button's answer; for a date field, one of the readings offered for an ambiguous date
    (checked like the typed date, since the button may be old)."""
    field = current_field(form, p)
    if field is None or field.key != key:
        raise KeyError(key)
    if key in DATE_FIELDS and _ISO.match(value) and field.parse is not None:
        return Form(_cross_checked({**form.values, key: field.parse(value, now)}, p))
    if value not in {o.value for o in field.options()}:
        raise KeyError(key)
    return Form({**form.values, key: value})


def edit(form: Form, p: Profile, key: str) -> Form:
    if key not in BY_KEY or not BY_KEY[key].applies(p):
        raise KeyError(key)
    return Form(form.values, key)


def on_form(at: str) -> bool:
    """Whether a screen (a button's ``at``) is the form's: a field, the review or the consent."""
    return at in BY_KEY or at in ("form_review", CONSENT.key)


def back(form: Form, p: Profile) -> Form | None:
    """Reopens the field before the current one (from the review: the last field), or leaves a
    Change made from the review; None before the first field (Back leaves the form)."""
    if form.editing and not form.editing.startswith(WALKED):
        return Form(form.values)
    current = current_field(form, p)
    order = [f for f in FIELDS if f.applies(p)]
    index = order.index(current) if current in order else len(order)
    return Form(form.values, WALKED + order[index - 1].key) if index > 0 else None


def display(key: str, value: Any) -> Message:
    if key == "city":
        m = next((m for m in load().municipalities if m.id == value), None)
        if m is not None:
            return T("{name}", name=WithKorean(T(m.name), m.name_ko))
    if key in ("birth_date", "start_date"):
        return T("{date}", date=date.fromisoformat(value))
    if key == "phone":  # stored as +821012345678
        return T("{value}", value=Verbatim(fi.phone_text(str(value))))
    return T("{value}", value=Verbatim(str(value)))


# --- screens --------------------------------------------------------------------------------------

BACK = Action("back", T("« Back"))

CONSENT = Screen(
    "consent",
    (
        T("🔒 <b>Before your application: your personal data</b>"),
        Lines(
            (
                T(
                    "• <b>What we collect:</b> your name, date of birth, nationality, phone, email, alien registration number and address in Korea (if you are in Korea), your job offer and the documents you upload."
                ),
                T(
                    "• <b>Why:</b> to prepare your application for Gyeonggi Province's E-7 recommendation and to tell you about its status."
                ),
                T(
                    "• <b>Who sees it:</b> you, and Gyeonggi Province staff who review applications. Nobody else without your consent."
                ),
                T("• <b>How long:</b> until you delete it, and at most one year after the programme ends."),
                T(
                    "• <b>Your rights</b> under Korea's Personal Information Protection Act (개인정보 보호법): see everything we keep (/mydata), correct it, and delete it (/delete) at any time. You may refuse; then we cannot prepare an application, but the eligibility check stays available."
                ),
            )
        ),
        Lines(  # what the verdict said already, and a reassurance: folded, to fit a phone (dialogs/budgets.py)
            (
                T(
                    "<b>What this bot does:</b> it prepares your application and sends it to programme staff for a pre-check. <b>The official application is filed by you on gg24.gg.go.kr</b>; the bot gives you a filing pack for it."
                ),
                T("Sensitive data (such as the alien registration number) is stored encrypted."),
            ),
            folded=True,
        ),
    ),
    actions=(Action("agree", T("✅ I agree")), Action("decline", T("Not now")), BACK),
)


def field_screen(form: Form, field: Field, p: Profile, choices: tuple[Option, ...] = ()) -> Screen:
    """The field's question; ``choices`` are extra answers for now (an ambiguous date's readings)."""
    step = len([f for f in FIELDS if f.applies(p) and f.key in form.values]) + (0 if form.editing else 1)
    total = len([f for f in FIELDS if f.applies(p)])
    heading = T("Change your answer") if form.editing else T("Application: step {n} of {total}", n=step, total=total)
    body: tuple[Message, ...] = (heading, field.prompt)
    if form.editing and field.key in form.values:
        body += (T("Now: {value}", value=display(field.key, form.values[field.key])),)
    # Back on every field: before the first it leaves the form for the verdict it was opened from
    return Screen(f"form:{field.key}", body, choices + field.options(), (BACK,), field.columns, field.key)


def review_screen(form: Form, p: Profile, hurry: bool = False) -> Screen:
    lines: list[Message] = []
    actions = []
    for f in FIELDS:
        if f.applies(p) and f.key in form.values:
            lines.append(
                T(
                    "{label}: <b>{value}</b>",
                    label=WithKorean(f.label, f.korean),
                    value=display(f.key, form.values[f.key]),
                )
            )
            actions.append(Action(f"edit:{f.key}", T("✏️ {label}", label=f.label)))
    from_check: list[Message] = [
        T("{label}: <b>{value}</b>", label=WithKorean(label, korean), value=display_value(key, value))
        for key, label, korean, value in (
            ("nationality", T("Nationality"), "국적", p.nationality),
            ("stay_status", T("Stay status"), "체류자격", p.stay_status if p.in_korea else None),
            ("occupation", T("Occupation"), "직종", p.occupation),
            ("salary_krw", T("Offered yearly salary"), "연봉", p.salary_krw),
        )
        if value
    ]
    if not _has_offer(p):
        lines.append(NO_EMPLOYER_YET)
    body = (
        T("<b>Your application (draft)</b>"),
        Lines(tuple(lines)),
        Lines(tuple(from_check)),
        T(
            "<i>Nationality, occupation and salary come from your eligibility answers; change them there with /start.</i>"
        ),
        T(
            "Your draft is saved. Next: your documents; then file on gg24 yourself now (/gg24) and send the draft here before the close."
        )
        if hurry  # the days-left line below says not to wait for the pre-check
        else T(
            "Your draft is saved. Next: your documents, then the pre-check by programme staff; after it, you file the official application yourself on gg24."
        ),
    )
    return Screen("form_review", body, (), (Action("docs", T("📎 Documents")), *actions, BACK))


@dataclass(frozen=True)
class Completeness:
    """How far a draft is: its details filled in and its documents uploaded, of those it needs."""

    fields_done: int
    fields_total: int
    documents_done: int
    documents_total: int
    check_done: bool = True  # started over, the check decides which details and documents are needed

    @property
    def complete(self) -> bool:
        return self.check_done and (self.fields_done, self.documents_done) == (self.fields_total, self.documents_total)
