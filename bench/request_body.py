"""Benchmark: building one Bot API request body, aiogram's form against JSON (bot/speed/json_requests.py).

    .venv/bin/python bench/request_body.py

A screen of 12 lines with a keyboard of 14 buttons, in English and in Korean: aiogram's
``build_form_data`` plus the encoding of that form (urllib percent-encodes it), against
``JsonRequests.build_form_data`` (the bytes of the JSON body). Prints one JSON line, microseconds
per request. Not a test; see BENCHMARKS.md.
"""

from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.speed.json_requests import JsonRequests

WORDS = {"en": "Software developer, web developer", "ko": "소프트웨어 개발자, 웹 개발자"}


def main() -> None:
    bot = Bot("1:bench", default=DefaultBotProperties(parse_mode="HTML"))
    form, as_json = AiohttpSession(), JsonRequests()
    out: dict[str, object] = {"bench": "request_body"}
    for lang, word in WORDS.items():
        buttons = [[InlineKeyboardButton(text=word, callback_data=f"a:occupation:x{i}")] for i in range(14)]
        method = SendMessage(
            chat_id=1, text=f"<b>{word}</b>\n" * 12, reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons)
        )
        n = 2000
        form_us = timeit.timeit(lambda: form.build_form_data(bot, method)(), number=n) / n * 1e6  # noqa: B023
        json_us = timeit.timeit(lambda: as_json.build_form_data(bot, method), number=n) / n * 1e6  # noqa: B023
        out[f"{lang}_form_us"] = round(form_us)
        out[f"{lang}_json_us"] = round(json_us)
        out[f"{lang}_ratio"] = round(form_us / json_us, 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
