"""The context every handler gets: a database session, the person (bot.db.repo.Person), their
Translator and the services, opened per update and closed after it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.crypto import Vault
from bot.db.context import current_session
from bot.db.repo import PersonRepo
from bot.erasers import KeyEraser
from bot.i18n import resolve_locale, translator
from bot.middleware_types import NextHandler
from bot.services.application_documents import FormService
from bot.services.data_rights import DataRightsService
from bot.services.faq import FaqService
from bot.services.filing import FilingService
from bot.services.questionnaire import QuestionnaireService
from bot.services.staff import StaffService
from bot.services.status_desk import StatusDesk
from bot.services.tickets import TicketLimits, TicketService, TicketSettings
from bot.services.uploads import FileStore


@dataclass
class ContextMiddleware(BaseMiddleware):
    """What the runtime holds for every update (bot/app.py builds it once)."""

    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    vault: Vault
    store: FileStore
    admin_ids: frozenset[int] = frozenset()
    eraser: KeyEraser | None = None
    tickets: TicketSettings = field(default_factory=TicketLimits)

    async def __call__(self, handler: NextHandler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: User | None = data.get("event_from_user")
        data["clock"] = self.clock
        data["tr"] = translator(resolve_locale(tg_user.language_code if tg_user else None))
        async with self.sessionmaker() as session:
            token = current_session.set(session)  # committed before each Telegram call (bot/db/context.py)
            data["session"] = session
            if tg_user is not None and not tg_user.is_bot:
                wanted = resolve_locale(tg_user.language_code)
                people = PersonRepo(session)
                person = await people.load(tg_user.id, wanted, self.clock.now())
                # Follows Telegram's language until /language is used; Telegram sometimes omits
                # language_code, which must not switch a Korean speaker to English.
                if not person.language_chosen and tg_user.language_code and person.language != wanted:
                    await people.update(person.id, language=wanted)
                    person = replace(person, language=wanted)
                data["person"] = person
                data["tr"] = translator(person.language)
            data["questionnaire"] = QuestionnaireService(session, self.clock, data.get("person"))
            data["form"] = form = FormService(session, self.clock, self.vault, self.store)
            data["filing"] = filing = FilingService(session, self.clock, form)
            data["status"] = StatusDesk(session, self.clock, form, filing)
            data["faq"] = FaqService(session, self.clock, self.tickets)
            data["data_rights"] = DataRightsService(session, self.clock, self.vault, self.store, self.eraser)
            data["vault"] = self.vault
            data["store"] = self.store
            data["staff"] = StaffService(session, self.clock, self.admin_ids)
            data["tickets"] = TicketService(session, self.clock, self.tickets)
            try:
                result = await handler(event, data)
                # Anything a handler left (services commit their own); most updates leave nothing.
                if session.in_transaction() or session.dirty or session.new or session.deleted:
                    await session.commit()
            finally:
                current_session.reset(token)
            return result
