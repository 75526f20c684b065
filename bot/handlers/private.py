"""What every private-chat router shares: the router itself and a button's short answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery

from bot.i18n import Translator
from bot.services.replies import Reply
from bot.speed.filters import on_loop
from knowledge.text import Text

Handler = Callable[..., Awaitable[Any]]


def private_router(
    name: str,
    commands: Mapping[str, Handler] | None = None,
    buttons: Mapping[type[CallbackData], Handler] | None = None,
) -> Router:
    """A fresh router that sees private chats only (groups get other_chats.py's one notice), with
    its commands (/name -> handler) and its buttons (callback data -> handler) registered in order."""
    r = Router(name=name)
    r.message.filter(on_loop(F.chat.type == "private"))
    r.callback_query.filter(on_loop(F.message.chat.type == "private"))
    for command, handler in (commands or {}).items():
        r.message.register(handler, Command(command))
    for factory, handler in (buttons or {}).items():
        r.callback_query.register(handler, factory.filter())
    return r


async def answer_callback(callback: CallbackQuery, reply: Reply, tr: Translator) -> None:
    """Stops the button's spinner, with the reply's notice as its toast (Telegram shows 200 characters)."""
    text = tr.render(reply.notice, html_mode=False)[:200] if isinstance(reply.notice, Text) else None
    await callback.answer(text)
