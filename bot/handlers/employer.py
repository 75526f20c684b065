"""Employers (/employer), the applicant's sharing (/share), and the invite deep links of /start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart, Filter
from aiogram.types import CallbackQuery, Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import ActionCB, EmpCB, ShareCB
from bot.clock import Clock
from bot.crypto import Vault
from bot.db.models import User
from bot.db.repo import Person, PersonRepo
from bot.handlers.private import private_router
from bot.i18n import Translator
from bot.messaging import send_reply
from bot.middleware_types import NextHandler
from bot.services import modes
from bot.services.employer_desk import EmployerDesk, Reply, ShareDesk
from bot.services.employers import EmployerService
from bot.services.modes import Mode
from bot.services.uploads import FileStore
from bot.speed.filters import on_loop
from bot.telegram import AiogramTelegram

INVITE_PAYLOAD = r"^[emc]_[A-Za-z0-9]{1,16}$"


@dataclass(frozen=True)
class Desks:
    """The employer's desk and the sharing desk of this update's person, built when a handler asks
    (the router's middleware gives every handler here one, as ``desks``)."""

    session: AsyncSession
    clock: Clock
    vault: Vault
    bot: Bot
    person: Person
    name: str | None  # their Telegram name, which a company's colleagues see

    async def _row(self) -> User:
        """The person's ORM row, which the desks change (mode, employer_form)."""
        user = await PersonRepo(self.session).row(self.person.id)
        assert user is not None  # the context middleware has created it
        return user

    def _employers(self) -> EmployerService:
        return EmployerService(self.session, self.clock, self.vault, self.name)

    async def employer(self) -> EmployerDesk:
        return EmployerDesk(self.session, self.clock, self._employers(), AiogramTelegram(self.bot), await self._row())

    async def share(self) -> ShareDesk:
        return ShareDesk(self.session, self._employers(), AiogramTelegram(self.bot), await self._row())


async def _with_desks(handler: NextHandler, event: TelegramObject, data: dict[str, Any]) -> Any:
    sender = data.get("event_from_user")
    name = sender.full_name if sender is not None else None
    data["desks"] = Desks(data["session"], data["clock"], data["vault"], data["bot"], data["person"], name)
    return await handler(event, data)


async def _send(
    bot: Bot, chat_id: int, reply: Reply, tr: Translator, cb: type[ActionCB], store: FileStore | None = None
) -> None:
    await send_reply(bot, chat_id, reply, tr, actions=cb, store=store)


async def on_employer(message: Message, bot: Bot, desks: Desks, tr: Translator) -> None:
    desk = await desks.employer()
    await _send(bot, message.chat.id, await desk.home(), tr, EmpCB)


async def on_share(message: Message, bot: Bot, desks: Desks, tr: Translator) -> None:
    desk = await desks.share()
    desk.user.employer_form = None
    modes.put(desk.user, Mode.CHECK)
    await _send(bot, message.chat.id, await desk.home(), tr, ShareCB)


async def on_invite_link(message: Message, command: CommandObject, bot: Bot, desks: Desks, tr: Translator) -> None:
    prefix, _, code = (command.args or "").partition("_")
    if prefix == "c":  # an employer's invite, opened by the candidate
        reply = await (await desks.share()).redeem(code)
        await _send(bot, message.chat.id, reply, tr, ShareCB)
    else:  # e: an applicant's code, opened by their employer; m: a colleague's invite
        reply = await (await desks.employer()).redeem(code)
        await _send(bot, message.chat.id, reply, tr, EmpCB)


async def on_button(
    callback: CallbackQuery,
    callback_data: ActionCB,
    bot: Bot,
    desks: Desks,
    tr: Translator,
    store: FileStore,
) -> None:
    """An employer's (EmpCB) or an applicant's sharing (ShareCB) button."""
    desk = await (desks.employer() if isinstance(callback_data, EmpCB) else desks.share())
    reply = await desk.press(callback_data.act, callback_data.id, callback_data.arg)
    await callback.answer()
    await _send(bot, callback.from_user.id, reply, tr, type(callback_data), store)


class EmployerTyping(Filter):
    """Typed text while an employer form or a code is awaited (User.mode == "employer")."""

    async def __call__(self, message: Message, person: Person | None = None) -> bool:
        return person is not None and person.mode == Mode.EMPLOYER and not (message.text or "").startswith("/")


async def on_employer_text(message: Message, bot: Bot, desks: Desks, person: Person, tr: Translator) -> None:
    text = message.text or ""
    if (person.employer_form or {}).get("awaiting") == "share_code":
        reply = await (await desks.share()).redeem(text)
        await _send(bot, message.chat.id, reply, tr, ShareCB)
        return
    reply = await (await desks.employer()).text(text)
    await _send(bot, message.chat.id, reply, tr, EmpCB)


def build_router() -> Router:
    r = private_router("employer")
    r.message.middleware(_with_desks)
    r.callback_query.middleware(_with_desks)
    r.message.register(on_invite_link, CommandStart(deep_link=True, magic=F.args.regexp(INVITE_PAYLOAD)))
    r.message.register(on_employer, Command("employer"))
    r.message.register(on_share, Command("share"))
    r.message.register(on_employer_text, on_loop(F.text), EmployerTyping())
    r.callback_query.register(on_button, EmpCB.filter())
    r.callback_query.register(on_button, ShareCB.filter())
    return r
