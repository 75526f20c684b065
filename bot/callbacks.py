"""Every button's callback data: typed codecs (aiogram's CallbackData) with a versioned prefix.

A button outlives the deploy that drew it: a person may tap it days later, after the bot changed.
Each prefix carries CALLBACK_VERSION ("a1", "n1", ...), and aiogram unpacks a payload only when its
prefix matches exactly, so a button of another version (or an unversioned one of the first
deploys) never decodes into a wrong action: no factory matches it and the applicant router's
catch-all answers it as stale (bot/handlers/applicant.py on_unknown_callback).

Rule: bump CALLBACK_VERSION whenever a payload's shape changes (a field added, removed, reordered,
renamed or read differently). tests/test_callbacks.py keeps every payload within Telegram's 64 bytes.
"""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.callback_version import CALLBACK_VERSION, versioned

__all__ = ["CALLBACK_VERSION", "versioned"]  # where tests and other modules read them

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data


# Ids in callback data fit the database's 64-bit integers; forged larger ones do not parse.
DbId = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class AnswerCB(CallbackData, prefix=versioned("a")):
    """An answer button: question key and option value."""

    q: str
    v: str


class NavCB(CallbackData, prefix=versioned("n")):
    """A navigation button, with where the person was when it was sent (to spot stale ones)."""

    act: str
    at: str = ""
    arg: str = ""


class LangCB(CallbackData, prefix=versioned("l")):
    code: str


class ActionCB(CallbackData, prefix=versioned("x")):
    """A button of an "act:id:arg" screen. It grants nothing: the handler checks who may do what.
    Only its subclasses are drawn and routed."""

    act: str
    id: DbId = 0
    arg: str = ""


class StaffCB(ActionCB, prefix=versioned("st")):
    """A staff button: the staff router checks the sender's role on every update."""


class EmpCB(ActionCB, prefix=versioned("em")):
    """An employer button: the company's access is checked on every update."""


class ShareCB(ActionCB, prefix=versioned("sh")):
    """An applicant's sharing button (/share): ownership is checked on every update."""


class EraseCB(ActionCB, prefix=versioned("er")):
    """/delete's answer (erase or keep); its argument is the one-time token of the screen that asked
    (bot/db/confirmations.py)."""


class ReportCB(ActionCB, prefix=versioned("rp")):
    """An applicant's /status button (bot/services/status_desk.py): the report (act) for one of their
    applications (id); the owner and the move are checked on every update."""


class TicketCB(ActionCB, prefix=versioned("tk")):
    """An applicant's question-to-staff button (bot/services/tickets.py): the ticket's owner is
    checked on every update."""
