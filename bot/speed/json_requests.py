"""Bot API requests as JSON bodies (a measured hot spot of the request path).

aiogram sends every request as a form: each nested object (a keyboard, entities) serialised to a
JSON string, then the whole form percent-encoded by urllib, in Python, byte by byte for any text
that is not ASCII (Korean, Cyrillic, Thai: all of it). That was 8 % of the bot's CPU per update in
bench/throughput.py (cProfile; English texts, so less than in use). The Bot API takes
``application/json`` bodies for any request without an upload
(https://core.telegram.org/bots/api#making-requests); requests with files keep aiogram's form.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiogram.types import InputFile
from aiohttp import FormData
from aiohttp.payload import BytesPayload


class JsonRequests(AiohttpSession):
    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> FormData:
        files: dict[str, InputFile] = {}
        body: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            # The same values aiogram puts in its form (bot defaults resolved, enums to values),
            # nested objects left as objects; like aiogram, empty parameters are left out.
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None and prepared != "":
                body[key] = prepared
        if files:
            return super().build_form_data(bot, method)
        # aiohttp posts a payload as it is; the annotation is aiogram's, for its form.
        return BytesPayload(self.json_dumps(body).encode(), content_type="application/json")  # type: ignore[return-value]
