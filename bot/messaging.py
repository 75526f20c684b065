"""Sending replies: every message goes out through here, rendered in the user's language."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup
from pydantic import BaseModel, ConfigDict

from bot.callbacks import ActionCB
from bot.i18n import Translator
from bot.render import render
from bot.services.replies import Reply
from bot.services.uploads import FileStore, IntegrityError
from dialogs.uploads import integrity_failed

log = logging.getLogger(__name__)


class Sent(BaseModel):
    """What a screen's sender keeps of Telegram's answer: the message's id."""

    model_config = ConfigDict(extra="ignore")
    message_id: int


class SendScreen(SendMessage):
    """sendMessage whose answer is read as ``Sent``, not as a Message.

    Why: Telegram answers with the whole message, the keyboard echoed, and aiogram validates it
    into a pydantic object per chat, user, entity and button, each running aiogram's Python hooks
    (a tenth of the bot's CPU per update under bench/throughput.py); nothing here reads it."""

    __returning__ = Sent  # type: ignore[assignment]


async def send_screen(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> Sent:
    return await bot(SendScreen(chat_id=chat_id, text=text, reply_markup=markup))  # type: ignore[arg-type,call-arg]


async def send_reply(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    tr: Translator,
    *,
    actions: type[ActionCB] | None = None,
    store: FileStore | None = None,
) -> None:
    """Every desk's reply: the screens (buttons packed as ``actions`` callback data where the desk
    names them "act:id:arg"; a notice alone if there is no screen), the files the bot made, then
    stored documents, each decrypted and verified just before it is sent (one in memory at a
    time) under the name the bot makes; a file that fails is not sent, and the reader is told which."""
    for i, screen in enumerate(reply.screens):
        for text, markup in render(screen, tr, reply.notice if i == 0 else None, actions=actions):
            await send_screen(bot, chat_id, text, markup)
    if not reply.screens and reply.notice is not None:
        await send_screen(bot, chat_id, tr.render(reply.notice))
    for made in reply.made:  # after the screens: the outcome comes first on a phone
        await bot.send_document(
            chat_id, BufferedInputFile(made.content, filename=made.name), caption=tr.render(made.caption)
        )
    for f in reply.documents:
        if store is None:
            raise ValueError("stored files need the FileStore to read them")
        try:
            content, extension = await store.read_async(f)
        except IntegrityError as bad:
            log.error("stored document %s not sent: %s", f.path, bad)
            await send_screen(bot, chat_id, tr.render(integrity_failed(f.label)))
            continue
        name = f"{f.stem}.{extension}"
        await bot.send_document(chat_id, BufferedInputFile(content, filename=name), caption=tr.render(f.caption))
