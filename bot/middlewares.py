"""The context every handler gets: a database session, the user's row, their Translator and
the services, opened per update and closed after it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.crypto import Vault
from bot.db.context import current_session
from bot.db.repo import UserRepo
from bot.i18n import resolve_locale, translator
from bot.services.application_form import FormService
from bot.services.data_rights import DataRightsService
from bot.services.questionnaire import QuestionnaireService
from bot.services.staff import StaffService
from bot.services.uploads import FileStore


class ContextMiddleware(BaseMiddleware):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        vault: Vault,
        store: FileStore,
        admin_ids: frozenset[int] = frozenset(),
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.vault = vault
        self.store = store
        self.admin_ids = admin_ids

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: User | None = data.get("event_from_user")
        data["clock"] = self.clock
        data["tr"] = translator(resolve_locale(tg_user.language_code if tg_user else None))
        async with self.sessionmaker() as session:
            token = current_session.set(session)  # committed before each Telegram call (bot/db/context.py)
            data["session"] = session
            if tg_user is not None and not tg_user.is_bot:
                wanted = resolve_locale(tg_user.language_code)
                user = await UserRepo(session).get_or_create(tg_user.id, wanted, self.clock.now())
                # Follows Telegram's language until /language is used; Telegram sometimes omits
                # language_code, which must not switch a Korean speaker to English.
                if not user.language_chosen and tg_user.language_code and user.language != wanted:
                    user.language = wanted
                data["user_row"] = user
                data["tr"] = translator(user.language)
            data["questionnaire"] = QuestionnaireService(session, self.clock)
            data["form"] = FormService(session, self.clock, self.vault, self.store)
            data["data_rights"] = DataRightsService(session, self.vault)
            data["vault"] = self.vault
            data["staff"] = StaffService(session, self.clock, self.admin_ids)
            try:
                result = await handler(event, data)
                await session.commit()  # the user row and anything a handler left; services commit their own
            finally:
                current_session.reset(token)
            return result
