"""Programme staff in the same bot: /staff, its buttons and the input it asks for; /quota for all.

Every staff update is authorised here, on the server, from STAFF_ADMIN_IDS and the staff table;
the callback data only says what was pressed. Anyone else is refused and nothing changes.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.callbacks import StaffCB
from bot.clock import Clock
from bot.db.repo import PersonRepo
from bot.handlers.private import private_router
from bot.i18n import Translator, translator
from bot.messaging import send_reply
from bot.render import render
from bot.services import quota
from bot.services.modes import Mode
from bot.services.staff import StaffService
from bot.services.staff_desk import Reply, StaffDesk
from dialogs import staff as ui
from dialogs import staff_announcements as ann_ui
from dialogs.results import quota_screen
from knowledge.text import T

NOT_STAFF = T("This is only for Gyeonggi Province programme staff.")


async def _desk(user_id: int, data: dict[str, Any]) -> StaffDesk | None:
    staff: StaffService = data["staff"]
    role = await staff.role(user_id)
    if role is None:
        return None
    state = await staff.state(user_id)
    user = await PersonRepo(data["session"]).row(user_id) if "person" in data else None  # the desk sets its mode
    desk = StaffDesk(data["session"], data["clock"], data["vault"], staff, user_id, role, state, user)
    desk.store = data["store"]  # reads the application's documents when they are sent
    return desk


async def _send(bot: Bot, chat_id: int, reply: Reply, desk: StaffDesk) -> None:
    tr = translator(desk.state.locale)
    for code, html in reply.raw:  # announcement versions, previewed as written
        await bot.send_message(chat_id, f"{tr.render(ann_ui.version_heading(code))}\n\n{html}")
    await send_reply(bot, chat_id, reply, tr, actions=StaffCB, store=desk.store)


async def on_staff(message: Message, bot: Bot, tr: Translator, **data: Any) -> None:
    desk = await _desk(message.chat.id, data)
    if desk is None:
        await message.answer(tr.render(NOT_STAFF))
        return
    await _send(bot, message.chat.id, await desk.menu(), desk)


async def on_staff_button(
    callback: CallbackQuery, callback_data: StaffCB, bot: Bot, tr: Translator, **data: Any
) -> None:
    desk = await _desk(callback.from_user.id, data)
    if desk is None:  # forged or forwarded: refused, nothing done
        await callback.answer(tr.render(NOT_STAFF, html_mode=False), show_alert=True)
        return
    reply = await desk.press(callback_data.act, callback_data.id, callback_data.arg)
    await callback.answer()
    await _send(bot, callback.from_user.id, reply, desk)


class AwaitingStaffInput(Filter):
    """A message from a staff member the desk is waiting for (a note, an id, an announcement)."""

    async def __call__(self, message: Message, **data: Any) -> bool | dict[str, Any]:
        person = data.get("person")
        if message.from_user is None or person is None or person.mode != Mode.STAFF:
            return False  # no query for the messages of everyone else
        if (message.text or "").startswith("/"):
            return False
        desk = await _desk(message.from_user.id, data)
        return {"desk": desk} if desk is not None and desk.awaiting_input() else False


async def on_staff_input(message: Message, bot: Bot, desk: StaffDesk) -> None:
    if not message.text:
        reply = Reply(notice=ui.ERRORS["bad_text"])
    else:
        reply = await desk.text(message.text, message.html_text)
    await _send(bot, message.chat.id, reply, desk)


async def on_quota(message: Message, bot: Bot, tr: Translator, clock: Clock, **data: Any) -> None:
    screen = quota_screen(await quota.issued(data["session"]), clock.now())
    for text, markup in render(screen, tr):
        await bot.send_message(message.chat.id, text, reply_markup=markup)


def build_router() -> Router:
    r = private_router("staff", {"staff": on_staff, "quota": on_quota}, {StaffCB: on_staff_button})
    r.message.register(on_staff_input, AwaitingStaffInput())
    return r
