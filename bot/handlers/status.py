"""/status: where the applicant's applications stand, and their own reports (visa applied / issued)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DbId, versioned
from bot.clock import Clock
from bot.db.models import Application
from bot.db.repo import Person
from bot.handlers.private import private_router
from bot.i18n import Translator
from bot.messaging import send_reply
from bot.render import render
from bot.services import place
from bot.services.application_documents import FormService
from bot.services.applications import ApplicationError, ApplicationService
from bot.services.filing import FILABLE, FilingService
from bot.services.questionnaire import STALE, QuestionnaireService
from dialogs import statuses as st
from knowledge.text import T, Text

REPORTS = {
    st.RECOMMENDED: (st.VISA_APPLIED, T("I have applied for the visa")),
    st.VISA_APPLIED: (st.VISA_ISSUED, T("My visa has been issued")),
}
FILED_BUTTON = T("🧾 I filed on gg24")
CANCEL = "cancel"


def _report(app: Application) -> tuple[str, Text] | None:
    """The report this application's owner can make now, if any."""
    if app.status in FILABLE and not app.gg24_receipt:
        return st.FILED, FILED_BUTTON
    return REPORTS.get(app.status)


class ReportCB(CallbackData, prefix=versioned("s")):
    """The applicant reports a visa step for one of their applications (checked on the server)."""

    app: DbId
    to: str


async def _send_status(
    bot: Bot, chat_id: int, apps: list[Application], service: ApplicationService, tr: Translator, form: FormService
) -> None:
    for draft in (a for a in apps if a.status == st.DRAFT and a.consent_at is not None):
        c = await form.completeness(draft)
        if not c.check_done:  # started over: what the draft needs is not known until the check is done
            await bot.send_message(chat_id, tr.render(T("Please finish the eligibility check first: /start")))
            continue
        summary = st.draft_summary((c.fields_done, c.fields_total), (c.documents_done, c.documents_total), form.now())
        await bot.send_message(chat_id, tr.render(summary))
    submitted = [a for a in apps if a.reference]
    if not submitted and any(a.status == st.DRAFT for a in apps):
        return
    if not submitted:
        await bot.send_message(
            chat_id, tr.render(T("You have no submitted application yet. Check your eligibility with /start."))
        )
        return
    for app in submitted:
        markup = None
        report = _report(app)
        if report is not None:
            to, label = report
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


async def on_status(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    tr: Translator,
    form: FormService,
    questionnaire: QuestionnaireService,
    person: Person,
) -> None:
    service = ApplicationService(session, clock)
    await _send_status(bot, message.chat.id, await service.of_user(message.chat.id), service, tr, form)
    if (step := await place.step(person, questionnaire, form)) is not None:  # then where the person was
        await send_reply(bot, message.chat.id, step, tr)


async def on_report(
    callback: CallbackQuery,
    callback_data: ReportCB,
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    tr: Translator,
    form: FormService,
) -> None:
    service = ApplicationService(session, clock)
    if callback_data.to in (st.FILED, CANCEL):
        await _filing_button(callback, callback_data, bot, FilingService(session, clock, form), tr)
        return
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
        apps = await service.of_user(callback.from_user.id)
        await _send_status(bot, callback.from_user.id, apps, service, tr, form)
        return
    await callback.answer()  # the notification itself comes through the outbox


async def _filing_button(
    callback: CallbackQuery, callback_data: ReportCB, bot: Bot, filing: FilingService, tr: Translator
) -> None:
    """ "I filed on gg24" asks for the receipt number; Cancel stops waiting for it."""
    if callback_data.to == CANCEL:
        await filing.cancel(callback.from_user.id)
        await callback.answer(tr.render(T("Cancelled."), html_mode=False))
        return
    reply = await filing.ask_receipt(callback.from_user.id, callback_data.app)
    if reply is None:
        await callback.answer(tr.render(STALE, html_mode=False)[:200])
        return
    await callback.answer()
    cancel = InlineKeyboardButton(
        text=tr.render(T("Cancel"), html_mode=False), callback_data=ReportCB(app=callback_data.app, to=CANCEL).pack()
    )
    for screen in reply.screens:
        for text, _ in render(screen, tr):
            await bot.send_message(
                callback.from_user.id, text, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel]])
            )


async def on_gg24(
    message: Message, bot: Bot, session: AsyncSession, clock: Clock, tr: Translator, form: FormService
) -> None:
    await send_reply(bot, message.chat.id, await FilingService(session, clock, form).pack(message.chat.id), tr)


def build_router() -> Router:
    return private_router("status", {"status": on_status, "gg24": on_gg24}, {ReportCB: on_report})
