"""Callback data: every factory versioned, and its widest real payload within Telegram's 64 bytes."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData

import bot.app
import bot.services.staff_admin_desk
import bot.services.staff_desk  # noqa: F401
from bot.callbacks import (
    CALLBACK_VERSION,
    MAX_CALLBACK_BYTES,
    ActionCB,
    AnswerCB,
    EmpCB,
    EraseCB,
    LangCB,
    NavCB,
    ReportCB,
    ShareCB,
    StaffCB,
    TicketCB,
)
from bot.i18n import available_locales
from bot.services.actions import ActionTable
from bot.services.application_documents import DOCUMENT_ACTIONS
from bot.services.application_form import FORM_ACTIONS
from bot.services.employer_desk import EMPLOYER_ACTIONS, MEMBER_ACTIONS, SHARE_ACTIONS
from bot.services.faq import FAQ_ACTIONS
from bot.services.info_update import UPDATE_ACTIONS
from bot.services.questionnaire import QUESTIONNAIRE_ACTIONS
from bot.services.staff_desk_base import ACTIONS as STAFF_ACTIONS
from bot.services.status_desk import STATUS_ACTIONS
from bot.services.tickets import APPLICANT_ACTIONS
from dialogs import application_form as af
from dialogs import employer_forms as ef
from dialogs import questions
from dialogs import statuses as st
from knowledge.loader import load
from knowledge.profile import Profile

MAX_ID = 2**63 - 1  # the widest id a DbId field carries (19 digits)
TOKEN = "x" * 12  # bot/db/confirmations.py: secrets.token_urlsafe(9)


def longest(values: object) -> str:
    return max((str(v) for v in values), key=len)  # type: ignore[attr-defined]


def factories() -> set[type[CallbackData]]:
    found: set[type[CallbackData]] = set()
    todo = list(CallbackData.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    return {cls for cls in found if cls.__module__.startswith("bot.")}


def widest() -> dict[type[CallbackData], list[CallbackData]]:
    """Each factory's payloads at the longest values the bot can put in them."""
    knowledge = load()
    steps = [*questions.QUESTIONS, *af.FIELDS]
    keys = [x.key for x in steps]
    options = [o.value for x in questions.QUESTIONS for o in x.options(Profile())] + [
        o.value for f in af.FIELDS for o in f.options()
    ]
    options += [o.id for o in knowledge.occupations] + [m.id for m in knowledge.municipalities]
    nav_tables = (QUESTIONNAIRE_ACTIONS, FORM_ACTIONS, DOCUMENT_ACTIONS, FAQ_ACTIONS, UPDATE_ACTIONS)
    nav_acts = [act for table in nav_tables for act in table.methods]
    faq_ids = [e.id for e in knowledge.faq]
    documents = [d.id for d in knowledge.documents]
    locales = available_locales()
    # staff and employer buttons carry either an id (with a short argument) or a setting (id 0)
    staff_args = [*(k for reasons in st.REASONS.values() for k in reasons), *st.STATUSES, TOKEN]
    staff_settings = [f"occupation={longest(o.id for o in knowledge.occupations)}", f"status={longest(st.STATUSES)}"]
    staff_settings += [f"language={longest(locales)}", "employers="]
    form_settings = [f"{f.key}={v}" for form in ef.FORMS.values() for f in form for v, _ in f.options({})]
    employer_acts = [*EMPLOYER_ACTIONS.methods, *MEMBER_ACTIONS.methods]
    return {
        AnswerCB: [AnswerCB(q=longest(keys), v=longest(options))],
        NavCB: [
            NavCB(
                act=longest(nav_acts),
                at=longest([*keys, "form_review"]),
                arg=longest([*keys, *documents, *faq_ids, TOKEN]),
            )
        ],
        LangCB: [LangCB(code=longest(locales))],
        StaffCB: [
            StaffCB(act=longest(STAFF_ACTIONS.methods), id=MAX_ID, arg=longest(staff_args)),
            StaffCB(act=longest(STAFF_ACTIONS.methods), id=0, arg=longest(staff_settings)),
        ],
        EmpCB: [
            EmpCB(act=longest(employer_acts), id=MAX_ID),
            EmpCB(act=longest(employer_acts), id=0, arg=longest(form_settings)),
        ],
        ShareCB: [ShareCB(act=longest(SHARE_ACTIONS.methods), id=MAX_ID, arg=longest(documents))],
        TicketCB: [TicketCB(act=longest(APPLICANT_ACTIONS.methods), id=MAX_ID)],
        ReportCB: [ReportCB(act=longest(STATUS_ACTIONS.methods), id=MAX_ID)],
        EraseCB: [EraseCB(act="erase", arg=TOKEN)],
    }


def test_every_factory_packs_its_widest_payload_within_64_bytes() -> None:
    samples = widest()
    assert factories() - {ActionCB} == set(samples), "a new factory needs its widest payload here"
    for factory, payloads in samples.items():
        for payload in payloads:
            data = payload.pack()
            assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
            assert factory.unpack(data) == payload


def test_every_prefix_is_versioned_and_distinct() -> None:
    prefixes = [cls.__prefix__ for cls in factories()]
    assert all(p.endswith(str(CALLBACK_VERSION)) for p in prefixes), prefixes
    assert len(set(prefixes)) == len(prefixes), prefixes


async def test_an_action_table_passes_what_each_name_binds_and_refuses_a_name_twice() -> None:
    table: ActionTable[str] = ActionTable()

    class Desk:
        @table("approve", approve=True)
        @table("decline", approve=False)
        async def decide(self, ident: int, *, approve: bool) -> str:
            return f"{ident}:{approve}"

    assert await table.run(Desk(), "approve", 7) == "7:True"
    assert await table.run(Desk(), "decline", 7) == "7:False"
    assert await table.run(Desk(), "retired", 7) is None  # an old button: the desk answers it
    with pytest.raises(ValueError, match="already handled by decide"):
        table("approve")(Desk.decide)
    with pytest.raises(TypeError, match="takes no \\['aprove'\\]"):  # a misspelt setting, at import
        table("other", aprove=True)(Desk.decide)
