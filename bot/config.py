"""Typed configuration, read once from the environment (and an optional .env file)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.clock import SEOUL, Clock, FixedClock, SystemClock

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/bot.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "INFO"
    # on | off | the names of the patches to turn on, comma-separated (bot/speed)
    speed_patches: str = "on"
    data_key: SecretStr | None = None  # Fernet key for personal data at rest (see bot/crypto.py)
    key_file: str = "./data/data.key"  # used only when DATA_KEY is unset
    files_dir: str = "./data/files"  # uploaded documents
    # What the bot builds from its own data and keeps between starts (the FAQ's index); empty: none.
    cache_dir: str = "./data/cache"
    # Telegram user ids of the first admins ("123, 456"); admins add further staff in the bot.
    staff_admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    send_rate: float = 25.0  # outbox messages per second, all chats together (Telegram allows about 30)
    per_chat_interval: float = 1.0  # seconds between two messages to one chat
    outbox_lease_seconds: float = 60.0  # a sender's claim on a message expires after this
    # Production mode (`run --webhook`): Telegram POSTs updates to WEBHOOK_URL + WEBHOOK_PATH.
    webhook_url: str | None = None  # the public HTTPS base URL of the reverse proxy
    webhook_path: str = "/telegram/webhook"
    webhook_secret: SecretStr | None = None  # Telegram sends it in X-Telegram-Bot-Api-Secret-Token
    web_host: str = "127.0.0.1"  # where this worker listens (behind the reverse proxy)
    web_port: int = 8080
    # Rehearsals and tests only: the clock stands at this time (ISO 8601 with offset) instead of now.
    fixed_now: datetime | None = None
    redis_url: str | None = None  # FSM storage, event isolation and the send budget shared by workers
    # With Redis: a chat's lock expires this long after its worker died (renewed while it lives).
    chat_lock_seconds: float = 10.0
    # Questions to programme staff (/ask, bot/services/tickets.py): at most this many a day per
    # person, and the answer time the person is promised, in the staff's business days.
    ticket_daily_limit: int = 3
    ticket_response_days: int = 2

    @field_validator("staff_admin_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        return value

    def sqlite_path(self) -> Path | None:
        """The database file for a SQLite URL (its folder is created on start), else None."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix) :])
        return None


@cache
def get_settings() -> Settings:
    return Settings()


def clock_for(settings: Settings) -> Clock:
    """The process's one clock: the system's, or FIXED_NOW's."""
    if settings.fixed_now is None:
        return SystemClock()
    return FixedClock(settings.fixed_now if settings.fixed_now.tzinfo else settings.fixed_now.replace(tzinfo=SEOUL))
