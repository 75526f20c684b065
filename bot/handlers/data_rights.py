"""/mydata and /delete: the person's rights over their data (Korea's PIPA)."""

from __future__ import annotations

import json

from aiogram import Bot, Router
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import EraseCB
from bot.clock import Clock
from bot.db.confirmations import ERASE, Confirmations
from bot.db.repo import Person
from bot.handlers.private import private_router
from bot.i18n import Translator
from bot.messaging import send_reply
from bot.services import place
from bot.services.application_documents import FormService
from bot.services.data_rights import DataRightsService
from bot.services.questionnaire import QuestionnaireService
from bot.services.replies import Reply
from knowledge.text import T, Verbatim


async def on_mydata(message: Message, bot: Bot, data_rights: DataRightsService, tr: Translator) -> None:
    data = await data_rights.export(message.chat.id)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
    await bot.send_document(
        message.chat.id,
        BufferedInputFile(payload, filename="my-data.json"),
        caption=tr.render(T("Everything this bot stores about you.")),
    )


async def on_delete(
    message: Message, tr: Translator, session: AsyncSession, clock: Clock, data_rights: DataRightsService
) -> None:
    token = await Confirmations(session, clock).ask(message.chat.id, ERASE)  # an older /delete's Yes stops acting
    company = await data_rights.company_going_with(message.chat.id)
    buttons = [
        [
            InlineKeyboardButton(
                text=tr.render(T("Yes, delete everything"), html_mode=False),
                callback_data=EraseCB(sure=True, t=token).pack(),
            )
        ],
        [
            InlineKeyboardButton(
                text=tr.render(T("No, keep it"), html_mode=False), callback_data=EraseCB(sure=False, t=token).pack()
            )
        ],
    ]
    question = T(
        "⚠️ <b>Delete all your data?</b> Your answers, your application and its history will be erased. This cannot be undone."
    )
    if company is not None:  # they are its only member: it cannot stay without anyone to act for it
        question = T(
            "{question}\n\nYour company <b>{name}</b> is deleted too: you are its only member.",
            question=question,
            name=Verbatim(company),
        )
    await message.answer(tr.render(question), reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons))


async def on_erase(
    callback: CallbackQuery,
    callback_data: EraseCB,
    bot: Bot,
    data_rights: DataRightsService,
    tr: Translator,
    session: AsyncSession,
    clock: Clock,
    person: Person,
    questionnaire: QuestionnaireService,
    form: FormService,
) -> None:
    await callback.answer()
    confirmations = Confirmations(session, clock)
    if not callback_data.sure:
        await confirmations.withdraw(callback.from_user.id, ERASE)  # "No" disarms the "Yes" beside it
        await session.commit()
        kept = await place.step(person, questionnaire, form) or Reply()  # then where the person was
        kept.notice = T("Nothing was deleted.")
        await send_reply(bot, callback.from_user.id, kept, tr)
        return
    if not await confirmations.spend(callback.from_user.id, ERASE, callback_data.t):
        await bot.send_message(
            callback.from_user.id,
            tr.render(
                T(
                    "That button is no longer valid (it was answered already, or a newer /delete replaced it): nothing was deleted. Send /delete to be asked again."
                )
            ),
        )
        return
    await data_rights.erase(callback.from_user.id)
    await bot.send_message(
        callback.from_user.id, tr.render(T("All your data has been deleted. If you write again, you start fresh."))
    )


def build_router() -> Router:
    return private_router("data_rights", {"mydata": on_mydata, "delete": on_delete}, {EraseCB: on_erase})
