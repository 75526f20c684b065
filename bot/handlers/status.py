"""/status (where the applicant's applications stand, and their own reports: filed on gg24, visa
applied, visa issued) and /gg24 (the filing pack). The desks are bot/services/status_desk.py and
bot/services/filing.py."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, Message

from bot.callbacks import ReportCB
from bot.db.repo import Person
from bot.handlers.private import answer_callback, private_router
from bot.i18n import Translator
from bot.messaging import send_reply
from bot.services import place
from bot.services.application_documents import FormService
from bot.services.filing import FilingService
from bot.services.questionnaire import QuestionnaireService
from bot.services.status_desk import StatusDesk


async def on_status(
    message: Message,
    bot: Bot,
    tr: Translator,
    status: StatusDesk,
    form: FormService,
    questionnaire: QuestionnaireService,
    person: Person,
) -> None:
    await send_reply(bot, message.chat.id, await status.show(person.id), tr, actions=ReportCB)
    if (step := await place.step(person, questionnaire, form)) is not None:  # then where the person was
        await send_reply(bot, message.chat.id, step, tr)


async def on_report(
    callback: CallbackQuery, callback_data: ReportCB, bot: Bot, tr: Translator, status: StatusDesk
) -> None:
    reply = await status.press(callback.from_user.id, callback_data.act, callback_data.id)
    await answer_callback(callback, reply, tr)
    await send_reply(bot, callback.from_user.id, reply, tr, actions=ReportCB)


async def on_gg24(message: Message, bot: Bot, tr: Translator, filing: FilingService) -> None:
    await send_reply(bot, message.chat.id, await filing.pack(message.chat.id), tr)


def build_router() -> Router:
    return private_router("status", {"status": on_status, "gg24": on_gg24}, {ReportCB: on_report})
