"""Telegram's own surfaces per language: the command menu, the description, the short description."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand

from bot.i18n import DEFAULT_LOCALE, available_locales, translator
from knowledge.text import T

COMMANDS = (
    ("start", T("Check your eligibility or continue")),
    ("restart", T("Start the questionnaire over")),
    ("apply", T("Prepare your application")),
    ("status", T("Your application's status")),
    ("gg24", T("Your filing pack for gg24")),
    ("quota", T("Recommendations issued and remaining")),
    ("ask", T("Ask programme staff a question")),
    ("share", T("Let your employer follow your application")),
    ("employer", T("For employers: your company and candidates")),
    ("mydata", T("See all data stored about you")),
    ("delete", T("Delete your data")),
    ("language", T("Change the language")),
    ("about", T("The programme at a glance")),
    ("help", T("How to use this bot")),
)
DESCRIPTION = T(
    "Gyeonggi Province recommends foreign professionals for an E-7 visa in 12 occupations. This bot checks whether you can apply, explains why, and lists the documents you need. It is not an official decision."
)
SHORT_DESCRIPTION = T("Can you get Gyeonggi's E-7 visa recommendation? Check in 2 minutes.")


def telegram_language_code(locale: str) -> str:
    """Telegram wants a two-letter ISO 639-1 code: zh_Hans -> zh, fil -> tl."""
    return {"fil": "tl"}.get(locale, locale.split("_")[0])


async def publish(bot: Bot) -> None:
    for locale in available_locales():
        tr = translator(locale)
        codes = [telegram_language_code(locale)] + ([""] if locale == DEFAULT_LOCALE else [])
        for code in codes:
            lang = code or None
            await bot.set_my_commands(
                [BotCommand(command=c, description=tr.render(d, html_mode=False)) for c, d in COMMANDS],
                language_code=lang,
            )
            await bot.set_my_description(tr.render(DESCRIPTION, html_mode=False), language_code=lang)
            await bot.set_my_short_description(tr.render(SHORT_DESCRIPTION, html_mode=False), language_code=lang)
