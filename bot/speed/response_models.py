"""Keeps aiogram's parsed response models alive between requests (a measured hot spot).

aiogram parses every Bot API answer with ``Response[method.__returning__]``, a pydantic generic.
pydantic caches those parametrised classes only weakly, so once a request is done the class is
cyclic garbage: the next garbage collection frees it and the next request builds it again, about
7 ms of schema generation each time. Under load that happened on one request in ten and took
roughly a sixth of the bot's CPU (bench/throughput.py, profiled). Holding one strong reference per
return type makes it a dict lookup.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.methods.base import Response

from bot.middleware_types import Method, NextRequest

# The one cache of parsed-reply models: filled ahead by bot.speed.lazy_models.build_used for the methods
# a conversation calls, and as they come by KeepResponseModels for any other.
KEPT: dict[Any, type[Response[Any]]] = {}


def keep(returning: Any) -> type[Response[Any]]:
    """The reply model for ``returning``, built once and held for the life of the process."""
    model = KEPT.get(returning)
    if model is None:
        model = KEPT[returning] = Response[returning]  # type: ignore[valid-type]
    return model


class KeepResponseModels(BaseRequestMiddleware):
    async def __call__(self, make_request: NextRequest, bot: Bot, method: Method) -> Any:
        keep(method.__returning__)
        return await make_request(bot, method)
