"""The applicant's chat: commands, answer and navigation buttons, typed answers, anything else.

Handlers stay thin: they call QuestionnaireService and send what it returns.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import AnswerCB, LangCB, NavCB, ReportCB, TicketCB
from bot.db.repo import Person
from bot.handlers.private import Handler, answer_callback, private_router
from bot.i18n import Translator, available_locales, native_name, translator
from bot.messaging import send_reply
from bot.services import place
from bot.services.actions import Press
from bot.services.application_documents import DOCUMENT_ACTIONS, FormService
from bot.services.application_form import FORM_ACTIONS
from bot.services.faq import FAQ_ACTIONS, FaqService
from bot.services.filing import FilingService
from bot.services.info_update import UPDATE_ACTIONS
from bot.services.modes import Mode
from bot.services.questionnaire import QUESTIONNAIRE_ACTIONS, STALE, QuestionnaireService
from bot.services.replies import Reply
from bot.services.tickets import TicketService
from bot.speed.filters import on_loop
from bot.telegram import AiogramTelegram
from dialogs import application_form as af
from dialogs.question_screens import STAY
from knowledge.text import T


async def on_start(
    message: Message, bot: Bot, questionnaire: QuestionnaireService, form: FormService, tr: Translator, person: Person
) -> None:
    await send_reply(bot, message.chat.id, await place.start(person, questionnaire, form), tr)


async def on_restart(message: Message, bot: Bot, questionnaire: QuestionnaireService, tr: Translator) -> None:
    await send_reply(bot, message.chat.id, await questionnaire.restart(message.chat.id), tr)


async def on_help(
    message: Message, bot: Bot, questionnaire: QuestionnaireService, form: FormService, tr: Translator, person: Person
) -> None:
    await send_reply(bot, message.chat.id, questionnaire.help(), tr)
    if (step := await place.step(person, questionnaire, form)) is not None:  # then where the person was
        await send_reply(bot, message.chat.id, step, tr)


async def on_about(message: Message, bot: Bot, questionnaire: QuestionnaireService, tr: Translator) -> None:
    await send_reply(bot, message.chat.id, questionnaire.about(), tr)


async def on_language(message: Message, tr: Translator) -> None:
    buttons = [
        [InlineKeyboardButton(text=native_name(code), callback_data=LangCB(code=code).pack())]
        for code in available_locales()
    ]
    await message.answer(
        tr.render(T("Choose your language:")), reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons)
    )


async def on_language_chosen(
    callback: CallbackQuery,
    callback_data: LangCB,
    bot: Bot,
    person: Person,
    questionnaire: QuestionnaireService,
    form: FormService,
) -> None:
    if not await questionnaire.choose_language(person.id, callback_data.code):
        await callback.answer()
        return
    tr = translator(callback_data.code)
    await callback.answer(tr.render(T("Language: {name}", name=native_name(callback_data.code)), html_mode=False))
    await send_reply(bot, callback.from_user.id, await place.where(person, questionnaire, form), tr)


async def on_answer(
    callback: CallbackQuery,
    callback_data: AnswerCB,
    bot: Bot,
    questionnaire: QuestionnaireService,
    form: FormService,
    tr: Translator,
) -> None:
    if callback_data.q in af.BY_KEY:
        reply = await form.option(callback.from_user.id, callback_data.q, callback_data.v)
    else:
        reply = await questionnaire.answer(callback.from_user.id, callback_data.q, callback_data.v)
    await answer_callback(callback, reply, tr)
    await send_reply(bot, callback.from_user.id, reply, tr)


async def on_nav(
    callback: CallbackQuery,
    callback_data: NavCB,
    bot: Bot,
    questionnaire: QuestionnaireService,
    form: FormService,
    faq: FaqService,
    person: Person,
    tr: Translator,
) -> None:
    press = Press(callback.from_user.id, callback_data.act, callback_data.at, callback_data.arg, tr.locale)
    reply = await _desk_answer(press, questionnaire, form, faq)
    if reply is None:
        reply = await place.where(person, questionnaire, form)
    await answer_callback(callback, reply, tr)
    # "Ask programme staff" answers with the ticket's draft: its buttons are the tickets desk's.
    await send_reply(bot, press.user_id, reply, tr, actions=TicketCB if press.act == "faq_staff" else None)


async def _desk_answer(
    press: Press, questionnaire: QuestionnaireService, form: FormService, faq: FaqService
) -> Reply | None:
    """Whose button it is: the FAQ's and the documents' by their action name (each desk's table);
    on a form screen (a field, the review, the consent), or one of the form's own actions, the
    form's; the rest the questionnaire's. None: show where the person was."""
    if press.act == STAY:  # a confirmation's "No": the verdict it was asked from, else the step
        return await questionnaire.verdict_again(press.user_id) if press.arg == "verdict" else None
    if press.act in FAQ_ACTIONS:
        return await FAQ_ACTIONS.run(faq, press.act, press)
    if press.act in DOCUMENT_ACTIONS:
        return await DOCUMENT_ACTIONS.run(form, press.act, press)
    if press.act in UPDATE_ACTIONS:
        return await UPDATE_ACTIONS.run(form, press.act, press)
    if af.on_form(press.at) or (press.act in FORM_ACTIONS and press.act not in QUESTIONNAIRE_ACTIONS):
        return await form.press(press)
    return await questionnaire.press(press)


async def on_unknown_callback(
    callback: CallbackQuery,
    bot: Bot,
    questionnaire: QuestionnaireService,
    form: FormService,
    tr: Translator,
    person: Person,
) -> None:
    """Buttons this version does not know (an older deploy, or forged data): where the person is."""
    reply = await place.where(person, questionnaire, form)
    reply.notice = STALE
    await answer_callback(callback, reply, tr)
    await send_reply(bot, callback.from_user.id, reply, tr)


async def on_unknown_command(message: Message, bot: Bot, questionnaire: QuestionnaireService, tr: Translator) -> None:
    reply = questionnaire.help()
    reply.notice = T("I don't know that command.")
    await send_reply(bot, message.chat.id, reply, tr)


async def on_text(
    message: Message,
    bot: Bot,
    questionnaire: QuestionnaireService,
    form: FormService,
    tr: Translator,
    person: Person,
    faq: FaqService,
    tickets: TicketService,
    filing: FilingService,
) -> None:
    text = message.text or ""
    if person.mode == Mode.TICKET:  # a reply to programme staff (bot/services/tickets.py)
        reply = await tickets.text(message.chat.id, text)
    elif person.mode == Mode.RECEIPT:  # its Cancel is a /status button
        await send_reply(bot, message.chat.id, await filing.receipt(message.chat.id, text), tr, actions=ReportCB)
        return
    elif person.mode == Mode.APPLY:
        reply = await form.text(message.chat.id, text)
    elif person.mode == Mode.DOCS:  # a file is awaited: said, and the documents screen stays
        reply = await form.on_documents(message.chat.id, text)
    else:
        reply = await questionnaire.text(message.chat.id, text)
    if reply.unread is not None and await faq.wants(message.chat.id, reply.unread):
        reply = await faq.ask(message.chat.id, reply.unread, tr.locale)  # a question, not an answer
    await send_reply(bot, message.chat.id, reply, tr)


async def on_apply(message: Message, bot: Bot, form: FormService, tr: Translator, person: Person) -> None:
    """The application where the person left it: the documents screen if they were on it, else the form."""
    if person.mode == Mode.DOCS:
        await send_reply(bot, message.chat.id, await form.on_documents(message.chat.id), tr)
        return
    await send_reply(bot, message.chat.id, await form.open(message.chat.id), tr)


async def on_file(
    message: Message, bot: Bot, questionnaire: QuestionnaireService, form: FormService, tr: Translator, person: Person
) -> None:
    """A document or photo: an upload while preparing the application (or answering a request for
    more information), otherwise not expected."""
    if person.mode not in (Mode.APPLY, Mode.DOCS):
        update = await form.update(person.id, T("First tap the document you are sending."))
        if update is not None:
            await send_reply(bot, message.chat.id, update, tr)
        else:
            await on_other(message, bot, questionnaire, form, tr, person)
        return
    if message.document is not None:
        d = message.document
        upload = (d.file_id, d.file_name or "document", d.mime_type, d.file_size)
    else:
        photo = max(message.photo or [], key=lambda p: p.width * p.height)
        upload = (photo.file_id, "photo.jpg", "image/jpeg", photo.file_size)
    await send_reply(bot, message.chat.id, await form.receive_file(AiogramTelegram(bot), message.chat.id, *upload), tr)


async def on_other(
    message: Message, bot: Bot, questionnaire: QuestionnaireService, form: FormService, tr: Translator, person: Person
) -> None:
    """Stickers, locations, a file when none is asked for...: say what is expected, then the step the
    person is on (a question, a form field, the documents screen) again."""
    reply = await place.where(person, questionnaire, form)
    reply.notice = T("I can only read text and button taps here.")
    await send_reply(bot, message.chat.id, reply, tr)


def build_router() -> Router:
    """A fresh router (a router belongs to one Dispatcher; tests build several). Order matters."""
    commands: dict[str, Handler] = {
        "restart": on_restart,
        "help": on_help,
        "about": on_about,
        "language": on_language,
        "apply": on_apply,
    }
    r = private_router("applicant", commands, {LangCB: on_language_chosen})
    r.message.register(on_start, CommandStart())  # with or without a deep link's payload
    r.message.register(on_unknown_command, on_loop(F.text.startswith("/")))
    r.message.register(on_text, on_loop(F.text))
    r.message.register(on_file, on_loop(F.document | F.photo))
    r.message.register(on_other)
    r.callback_query.register(on_unknown_callback)
    return r


def build_buttons_router() -> Router:
    """The questionnaire's buttons, the most frequent updates, ahead of every other router: their
    callback prefixes (AnswerCB, NavCB in bot/callbacks.py) are no other router's, so the order changes no outcome, and they
    skip five routers' filters (bench/throughput.py)."""
    r = Router(name="applicant_buttons")
    r.callback_query.filter(on_loop(F.message.chat.type == "private"))
    r.callback_query.register(on_answer, AnswerCB.filter())
    r.callback_query.register(on_nav, NavCB.filter())
    return r
