"""The last line of defence: log the error, tell the user briefly, keep their work."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import ErrorEvent

from bot.i18n import Translator, resolve_locale, translator
from knowledge.text import T

log = logging.getLogger(__name__)

APOLOGY = T("Sorry, something went wrong on our side. Your answers are saved. Tap /start to continue.")


async def on_error(event: ErrorEvent, bot: Bot, tr: Translator | None = None) -> bool:
    update = event.update
    log.exception("update %s failed", update.update_id, exc_info=event.exception)
    user = None
    if update.message:
        user = update.message.from_user
        chat_id = update.message.chat.id
    elif update.callback_query:
        user = update.callback_query.from_user
        chat_id = user.id
    else:
        return True
    tr = tr or translator(resolve_locale(user.language_code if user else None))
    try:
        if update.callback_query:
            await update.callback_query.answer()
        await bot.send_message(chat_id, tr.render(APOLOGY))
    except Exception:  # the apology itself failed (network, blocked): already logged above
        log.warning("could not send the apology for update %s", update.update_id)
    return True
