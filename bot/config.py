"""Typed configuration, read once from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/bot.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "INFO"
    data_key: SecretStr | None = None  # Fernet key for personal data at rest (see bot/crypto.py)
    key_file: str = "./data/data.key"  # used only when DATA_KEY is unset
    files_dir: str = "./data/files"  # uploaded documents

    def sqlite_path(self) -> Path | None:
        """The database file for a SQLite URL (its folder is created on start), else None."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix) :])
        return None


@cache
def get_settings() -> Settings:
    return Settings()
