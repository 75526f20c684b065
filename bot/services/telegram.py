"""What the services need of Telegram, as an interface the runtime provides (bot/telegram.py).

Services import no aiogram: the two things they ask of Telegram — a file's bytes and the bot's
own deep links — go through this, so a service is tested and read without the Bot API client."""

from __future__ import annotations

from typing import Protocol


class DownloadFailed(Exception):
    """Telegram would not give the file (too big for a bot, gone, or not as announced)."""


class Telegram(Protocol):
    async def download(self, file_id: str) -> bytes:
        """The file's bytes; raises DownloadFailed when Telegram refuses it."""
        ...

    async def deep_link(self, prefix: str, code: str) -> str:
        """https://t.me/<this bot>?start=<prefix>_<code>"""
        ...
