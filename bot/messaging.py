"""Sending replies: every message goes out through here, rendered in the user's language."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup
from pydantic import BaseModel, ConfigDict

from bot.i18n import Translator
from bot.render import ActionCB, render
from bot.services.questionnaire import Reply
from bot.services.uploads import FileStore, IntegrityError, StoredFile
from dialogs.screens import Screen
from dialogs.uploads import integrity_failed
from knowledge.text import Message

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


async def send_reply(bot: Bot, chat_id: int, reply: Reply, tr: Translator) -> None:
    for name, content, caption in reply.files:
        await bot.send_document(chat_id, BufferedInputFile(content, filename=name), caption=tr.render(caption))
    if not reply.screens and reply.notice is not None:  # a notice alone
        await send_screen(bot, chat_id, tr.render(reply.notice))
        return
    for i, screen in enumerate(reply.screens):
        notice = reply.notice if i == 0 else None
        for text, markup in render(screen, tr, notice):
            await send_screen(bot, chat_id, text, markup)


async def send_action_reply(
    bot: Bot,
    chat_id: int,
    tr: Translator,
    cb: type[ActionCB],
    screens: Sequence[Screen],
    notice: Message | None,
    files: Sequence[StoredFile] = (),
    store: FileStore | None = None,
) -> None:
    """Staff, employer and sharing replies: screens with "act:id:arg" buttons, then stored files,
    each decrypted and verified just before it is sent (one in memory at a time) under the name the
    bot makes; a file that fails is not sent, and the reader is told which one."""
    for i, screen in enumerate(screens):
        for text, markup in render(screen, tr, notice if i == 0 else None, actions=cb):
            await send_screen(bot, chat_id, text, markup)
    if not screens and notice is not None:
        await send_screen(bot, chat_id, tr.render(notice))
    for f in files:
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
