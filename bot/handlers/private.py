"""What every private-chat router shares: the router itself and a button's short answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery

from bot.i18n import Translator
from bot.services.replies import Reply
from bot.speed.filters import on_loop
from knowledge.text import Text


def private_router(name: str) -> Router:
    """A fresh router that sees private chats only (groups get other_chats.py's one notice)."""
    r = Router(name=name)
    r.message.filter(on_loop(F.chat.type == "private"))
    r.callback_query.filter(on_loop(F.message.chat.type == "private"))
    return r


async def answer_callback(callback: CallbackQuery, reply: Reply, tr: Translator) -> None:
    """Stops the button's spinner, with the reply's notice as its toast (Telegram shows 200 characters)."""
    text = tr.render(reply.notice, html_mode=False)[:200] if isinstance(reply.notice, Text) else None
    await callback.answer(text)
