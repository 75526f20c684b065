"""Updates outside a private chat, and edited messages: the bot serves private chats only and
says so once per group; an edited answer is not taken, and the person is told so."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.repo import first_group_notice
from bot.i18n import Translator
from bot.messaging import send_reply
from bot.services.questionnaire import QuestionnaireService
from bot.speed.filters import on_loop
from knowledge.text import T

PRIVATE_ONLY = T("I work in private chats only. Open a chat with me and tap Start.")
EDITED = T("I cannot take an edited message as an answer. Please send your answer again.")


async def on_group_message(message: Message, bot: Bot, session: AsyncSession, clock: Clock, tr: Translator) -> None:
    if await first_group_notice(session, message.chat.id, clock.now()):
        await bot.send_message(message.chat.id, tr.render(PRIVATE_ONLY))  # committed before it (bot/db/context.py)


async def on_edited(message: Message, bot: Bot, questionnaire: QuestionnaireService, tr: Translator) -> None:
    reply = await questionnaire.current(message.chat.id)
    reply.notice = EDITED
    await send_reply(bot, message.chat.id, reply, tr)


def build_router() -> Router:
    r = Router(name="other_chats")
    r.message.register(on_group_message, on_loop(F.chat.type.in_({"group", "supergroup"})))
    r.edited_message.register(on_edited, on_loop(F.chat.type == "private"))
    return r
