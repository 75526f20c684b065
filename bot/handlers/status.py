"""/status: where the applicant's applications stand, and their own reports (visa applied / issued)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DbId, versioned
from bot.clock import Clock
from bot.db.models import Application
from bot.i18n import Translator
from bot.services.applications import ApplicationError, ApplicationService
from bot.speed.filters import on_loop
from dialogs import statuses as st
from knowledge.text import T

REPORTS = {
    st.RECOMMENDED: (st.VISA_APPLIED, T("I have applied for the visa")),
    st.VISA_APPLIED: (st.VISA_ISSUED, T("My visa has been issued")),
}


class ReportCB(CallbackData, prefix=versioned("s")):
    """The applicant reports a visa step for one of their applications (checked on the server)."""

    app: DbId
    to: str


async def _send_status(
    bot: Bot, chat_id: int, apps: list[Application], service: ApplicationService, tr: Translator
) -> None:
    submitted = [a for a in apps if a.reference]
    if not submitted:
        await bot.send_message(
            chat_id, tr.render(T("You have no submitted application yet. Check your eligibility with /start."))
        )
        return
    for app in submitted:
        markup = None
        if app.status in REPORTS:
            to, label = REPORTS[app.status]
            markup = InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        InlineKeyboardButton(
                            text=tr.render(label, html_mode=False), callback_data=ReportCB(app=app.id, to=to).pack()
                        )
                    ]
                ]
            )
        await bot.send_message(chat_id, tr.render(st.status_summary(await service.view(app))), reply_markup=markup)


async def on_status(message: Message, bot: Bot, session: AsyncSession, clock: Clock, tr: Translator) -> None:
    service = ApplicationService(session, clock)
    await _send_status(bot, message.chat.id, await service.of_user(message.chat.id), service, tr)


async def on_report(
    callback: CallbackQuery, callback_data: ReportCB, bot: Bot, session: AsyncSession, clock: Clock, tr: Translator
) -> None:
    service = ApplicationService(session, clock)
    app = await service.owned(callback_data.app, callback.from_user.id)
    allowed = REPORTS.get(app.status if app else "", ("", None))[0]
    if app is None or callback_data.to != allowed:  # not theirs, gone, or not a report (forged): nothing moves
        await callback.answer(
            tr.render(T("That button is from an earlier message. Here is where you are now:"), html_mode=False)[:200]
        )
        return
    try:
        await service.report(app, callback_data.to)
    except ApplicationError:
        await callback.answer(
            tr.render(T("That button is from an earlier message. Here is where you are now:"), html_mode=False)[:200]
        )
        await _send_status(bot, callback.from_user.id, await service.of_user(callback.from_user.id), service, tr)
        return
    await callback.answer()  # the notification itself comes through the outbox


def build_router() -> Router:
    r = Router(name="status")
    r.message.filter(on_loop(F.chat.type == "private"))
    r.message.register(on_status, Command("status"))
    r.callback_query.register(on_report, ReportCB.filter())
    return r
