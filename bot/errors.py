"""The last line of defence: log the error, tell the user briefly, keep their work.

A bug in a handler is acknowledged after the apology (retrying it would only fail again). An
infrastructure failure (bot/faults.py) is not: the error is raised on, the webhook answers 5xx and
Telegram sends the update again later; the person gets at most one short notice a minute.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.types import ErrorEvent, Update

from bot.clock import Clock
from bot.faults import is_infrastructure
from bot.i18n import Translator, resolve_locale, translator
from knowledge.text import T

log = logging.getLogger(__name__)

APOLOGY = T("Sorry, something went wrong on our side. Your answers are saved. Tap /start to continue.")
TROUBLE = T("We are having technical trouble right now. Please try again in a minute.")
TROUBLE_EVERY = timedelta(minutes=1)
NOTICE_TIMEOUT = 5.0  # seconds: the notice is a courtesy; the update must fail fast to be resent

ErrorHandler = Callable[[ErrorEvent, Bot], Awaitable[bool]]


def _recipient(update: Update) -> tuple[int, str | None] | None:
    if update.message:
        user = update.message.from_user
        return update.message.chat.id, user.language_code if user else None
    if update.callback_query:
        user = update.callback_query.from_user
        return user.id, user.language_code
    return None


class TroubleNotices:
    """At most one trouble notice per chat per TROUBLE_EVERY (in this process)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._last: dict[int, datetime] = {}

    def due(self, chat_id: int) -> bool:
        now = self.clock.now()
        last = self._last.get(chat_id)
        if last is not None and now - last < TROUBLE_EVERY:
            return False
        if len(self._last) > 10_000:
            self._last = {c: t for c, t in self._last.items() if now - t < TROUBLE_EVERY}
        self._last[chat_id] = now
        return True


def error_handler(clock: Clock) -> ErrorHandler:
    notices = TroubleNotices(clock)

    async def on_error(event: ErrorEvent, bot: Bot, tr: Translator | None = None) -> bool:
        update = event.update
        recipient = _recipient(update)
        if is_infrastructure(event.exception):
            log.warning("update %s failed for an infrastructure reason: %r", update.update_id, event.exception)
            if recipient is not None and notices.due(recipient[0]):
                try:
                    text = (tr or translator(resolve_locale(recipient[1]))).render(TROUBLE)
                    await asyncio.wait_for(bot.send_message(recipient[0], text), NOTICE_TIMEOUT)
                except Exception:
                    log.warning("could not send the trouble notice for update %s", update.update_id)
            raise event.exception  # not acknowledged: the webhook answers 5xx, Telegram resends
        log.exception("update %s failed", update.update_id, exc_info=event.exception)
        if recipient is None:
            return True
        tr = tr or translator(resolve_locale(recipient[1]))
        try:
            if update.callback_query:
                await update.callback_query.answer()
            await bot.send_message(recipient[0], tr.render(APOLOGY))
        except Exception:  # the apology itself failed (network, blocked): already logged above
            log.warning("could not send the apology for update %s", update.update_id)
        return True

    return on_error
