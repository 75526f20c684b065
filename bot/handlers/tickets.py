"""/ask (a question to programme staff) and the applicant's ticket buttons (tk:...).

The buttons' data only says what was pressed: TicketService checks that the ticket is the
sender's own before doing anything. Typed replies (Mode.TICKET) arrive through the applicant
router's on_text."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, Message

from bot.callbacks import TicketCB
from bot.db.repo import Person
from bot.handlers.private import answer_callback, private_router
from bot.i18n import Translator
from bot.messaging import send_reply
from bot.services.tickets import TicketService


async def on_ask(
    message: Message, command: CommandObject, bot: Bot, tr: Translator, person: Person, tickets: TicketService
) -> None:
    reply = await tickets.ask(person.id, command.args or "", person.language)
    await send_reply(bot, message.chat.id, reply, tr, actions=TicketCB)


async def on_ticket_button(
    callback: CallbackQuery, callback_data: TicketCB, bot: Bot, tr: Translator, tickets: TicketService
) -> None:
    reply = await tickets.press(callback.from_user.id, callback_data.act, callback_data.id, callback_data.arg)
    await answer_callback(callback, reply, tr)
    await send_reply(bot, callback.from_user.id, reply, tr, actions=TicketCB)


def build_router() -> Router:
    return private_router("tickets", {"ask": on_ask}, {TicketCB: on_ticket_button})
