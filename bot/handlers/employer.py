"""Employers (/employer), the applicant's sharing (/share), and the invite deep links of /start."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart, Filter
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import ActionCB, EmpCB, ShareCB
from bot.clock import Clock
from bot.crypto import Vault
from bot.db.models import User
from bot.db.repo import Person
from bot.handlers.private import private_router
from bot.i18n import Translator
from bot.messaging import send_reply
from bot.services import modes
from bot.services.employer_desk import EmployerDesk, Reply, ShareDesk
from bot.services.employers import EmployerService
from bot.services.modes import Mode
from bot.services.uploads import FileStore
from bot.speed.filters import on_loop
from bot.telegram import AiogramTelegram

INVITE_PAYLOAD = r"^[emc]_[A-Za-z0-9]{1,16}$"


async def _row(session: AsyncSession, person: Person) -> User:
    """The person's ORM row, which the desks change (mode, employer_form)."""
    user = await session.get(User, person.id)
    assert user is not None  # the context middleware has created it
    return user


async def _employer(session: AsyncSession, clock: Clock, vault: Vault, bot: Bot, person: Person) -> EmployerDesk:
    return EmployerDesk(
        session, clock, EmployerService(session, clock, vault), AiogramTelegram(bot), await _row(session, person)
    )


async def _share(session: AsyncSession, clock: Clock, vault: Vault, bot: Bot, person: Person) -> ShareDesk:
    return ShareDesk(session, EmployerService(session, clock, vault), AiogramTelegram(bot), await _row(session, person))


async def _send(
    bot: Bot, chat_id: int, reply: Reply, tr: Translator, cb: type[ActionCB], store: FileStore | None = None
) -> None:
    await send_reply(bot, chat_id, reply, tr, actions=cb, store=store)


async def on_employer(
    message: Message, bot: Bot, session: AsyncSession, clock: Clock, vault: Vault, person: Person, tr: Translator
) -> None:
    desk = await _employer(session, clock, vault, bot, person)
    await _send(bot, message.chat.id, await desk.home(), tr, EmpCB)


async def on_share(
    message: Message, bot: Bot, session: AsyncSession, clock: Clock, vault: Vault, person: Person, tr: Translator
) -> None:
    desk = await _share(session, clock, vault, bot, person)
    desk.user.employer_form = None
    modes.put(desk.user, Mode.CHECK)
    await _send(bot, message.chat.id, await desk.home(), tr, ShareCB)


async def on_invite_link(
    message: Message,
    command: CommandObject,
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    vault: Vault,
    person: Person,
    tr: Translator,
) -> None:
    prefix, _, code = (command.args or "").partition("_")
    if prefix == "c":  # an employer's invite, opened by the candidate
        reply = await (await _share(session, clock, vault, bot, person)).redeem(code)
        await _send(bot, message.chat.id, reply, tr, ShareCB)
    else:  # e: an applicant's code, opened by their employer; m: a colleague's invite
        reply = await (await _employer(session, clock, vault, bot, person)).redeem(code)
        await _send(bot, message.chat.id, reply, tr, EmpCB)


async def on_button(
    callback: CallbackQuery,
    callback_data: ActionCB,
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    vault: Vault,
    person: Person,
    tr: Translator,
    store: FileStore,
) -> None:
    """An employer's (EmpCB) or an applicant's sharing (ShareCB) button."""
    make = _employer if isinstance(callback_data, EmpCB) else _share
    desk = await make(session, clock, vault, bot, person)
    reply = await desk.press(callback_data.act, callback_data.id, callback_data.arg)
    await callback.answer()
    await _send(bot, callback.from_user.id, reply, tr, type(callback_data), store)


class EmployerTyping(Filter):
    """Typed text while an employer form or a code is awaited (User.mode == "employer")."""

    async def __call__(self, message: Message, person: Person | None = None) -> bool:
        return person is not None and person.mode == Mode.EMPLOYER and not (message.text or "").startswith("/")


async def on_employer_text(
    message: Message, bot: Bot, session: AsyncSession, clock: Clock, vault: Vault, person: Person, tr: Translator
) -> None:
    text = message.text or ""
    if (person.employer_form or {}).get("awaiting") == "share_code":
        reply = await (await _share(session, clock, vault, bot, person)).redeem(text)
        await _send(bot, message.chat.id, reply, tr, ShareCB)
        return
    reply = await (await _employer(session, clock, vault, bot, person)).text(text)
    await _send(bot, message.chat.id, reply, tr, EmpCB)


def build_router() -> Router:
    r = private_router("employer")
    r.message.register(on_invite_link, CommandStart(deep_link=True, magic=F.args.regexp(INVITE_PAYLOAD)))
    r.message.register(on_employer, Command("employer"))
    r.message.register(on_share, Command("share"))
    r.message.register(on_employer_text, on_loop(F.text), EmployerTyping())
    r.callback_query.register(on_button, EmpCB.filter())
    r.callback_query.register(on_button, ShareCB.filter())
    return r
