"""Sending replies: every message goes out through here, rendered in the user's language."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aiogram import Bot
from aiogram.types import BufferedInputFile, FSInputFile

from bot.i18n import Translator
from bot.render import ActionCB, render
from bot.services.questionnaire import Reply
from dialogs.screens import Screen
from knowledge.text import Message


async def send_reply(bot: Bot, chat_id: int, reply: Reply, tr: Translator) -> None:
    for name, content, caption in reply.files:
        await bot.send_document(chat_id, BufferedInputFile(content, filename=name), caption=tr.render(caption))
    if not reply.screens and reply.notice is not None:  # a notice alone
        await bot.send_message(chat_id, tr.render(reply.notice))
        return
    for i, screen in enumerate(reply.screens):
        notice = reply.notice if i == 0 else None
        for text, markup in render(screen, tr, notice):
            await bot.send_message(chat_id, text, reply_markup=markup)


async def send_action_reply(
    bot: Bot,
    chat_id: int,
    tr: Translator,
    cb: type[ActionCB],
    screens: Sequence[Screen],
    notice: Message | None,
    files: Sequence[tuple[Path, Message, str]] = (),
) -> None:
    """Staff, employer and sharing replies: screens with "act:id:arg" buttons, then stored files
    (path, caption, file name) sent under their original names."""
    for i, screen in enumerate(screens):
        for text, markup in render(screen, tr, notice if i == 0 else None, actions=cb):
            await bot.send_message(chat_id, text, reply_markup=markup)
    if not screens and notice is not None:
        await bot.send_message(chat_id, tr.render(notice))
    for path, caption, name in files:
        await bot.send_document(chat_id, FSInputFile(path, filename=name), caption=tr.render(caption))
