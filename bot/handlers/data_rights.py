"""/mydata and /delete: the person's rights over their data (Korea's PIPA). The desk is
bot/services/data_rights.py; its texts are dialogs/data_rights.py."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, Message

from bot.callbacks import EraseCB
from bot.db.repo import Person
from bot.handlers.private import private_router
from bot.i18n import Translator
from bot.messaging import send_reply
from bot.services import place
from bot.services.application_documents import FormService
from bot.services.data_rights import DataRightsService
from bot.services.questionnaire import QuestionnaireService
from bot.services.replies import Reply
from dialogs.data_rights import KEPT


async def on_mydata(message: Message, bot: Bot, data_rights: DataRightsService, tr: Translator) -> None:
    await send_reply(bot, message.chat.id, await data_rights.mydata(message.chat.id), tr)


async def on_delete(message: Message, bot: Bot, data_rights: DataRightsService, tr: Translator) -> None:
    await send_reply(bot, message.chat.id, await data_rights.ask_erase(message.chat.id), tr, actions=EraseCB)


async def on_erase(
    callback: CallbackQuery,
    callback_data: EraseCB,
    bot: Bot,
    data_rights: DataRightsService,
    tr: Translator,
    person: Person,
    questionnaire: QuestionnaireService,
    form: FormService,
) -> None:
    await callback.answer()
    reply = await data_rights.answer(callback.from_user.id, callback_data.act, callback_data.arg)
    if reply is None:  # kept: nothing deleted, then where the person was
        reply = await place.step(person, questionnaire, form) or Reply()
        reply.notice = KEPT
    await send_reply(bot, callback.from_user.id, reply, tr)


def build_router() -> Router:
    return private_router("data_rights", {"mydata": on_mydata, "delete": on_delete}, {EraseCB: on_erase})
