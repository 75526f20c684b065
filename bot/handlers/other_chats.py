"""Updates outside a private chat, and edited messages: the bot serves private chats only and
says so once per group; an edited answer is not taken, and the person is told so."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import Message
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import GroupNotice
from bot.i18n import Translator
from bot.messaging import send_reply
from bot.services.questionnaire import QuestionnaireService
from knowledge.text import T

PRIVATE_ONLY = T("I work in private chats only. Open a chat with me and tap Start.")
EDITED = T("I cannot take an edited message as an answer. Please send your answer again.")


async def on_group_message(message: Message, bot: Bot, session: AsyncSession, clock: Clock, tr: Translator) -> None:
    if session.get_bind().dialect.name == "postgresql":  # pragma: no cover - the PostgreSQL issue
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        result = await session.execute(
            pg_insert(GroupNotice).values(chat_id=message.chat.id, at=clock.now()).on_conflict_do_nothing()
        )
    else:
        result = await session.execute(
            sqlite_insert(GroupNotice).values(chat_id=message.chat.id, at=clock.now()).on_conflict_do_nothing()
        )
    await session.commit()
    if result.rowcount:  # type: ignore[attr-defined]
        await bot.send_message(message.chat.id, tr.render(PRIVATE_ONLY))


async def on_edited(message: Message, bot: Bot, questionnaire: QuestionnaireService, tr: Translator) -> None:
    reply = await questionnaire.current(message.chat.id)
    reply.notice = EDITED
    await send_reply(bot, message.chat.id, reply, tr)


def build_router() -> Router:
    r = Router(name="other_chats")
    r.message.register(on_group_message, F.chat.type.in_({"group", "supergroup"}))
    r.edited_message.register(on_edited, F.chat.type == "private")
    return r
