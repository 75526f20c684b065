"""Sending replies: every message goes out through here, rendered in the user's language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile

from bot.i18n import Translator
from bot.render import render
from bot.services.questionnaire import Reply


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
