"""The runtime's side of bot/services/telegram.py: the Telegram interface over aiogram's Bot."""

from __future__ import annotations

from io import BytesIO

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from bot.services.telegram import DownloadFailed


class AiogramTelegram:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def download(self, file_id: str) -> bytes:
        buffer = BytesIO()
        try:
            await self.bot.download(file_id, destination=buffer)
        except TelegramBadRequest as refused:  # e.g. "file is too big" from getFile
            raise DownloadFailed(str(refused)) from refused
        return buffer.getvalue()

    async def deep_link(self, prefix: str, code: str) -> str:
        me = await self.bot.me()
        return f"https://t.me/{me.username}?start={prefix}_{code}"
