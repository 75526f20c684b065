"""The signatures aiogram's middlewares are called with, named once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.types import TelegramObject

# An update middleware's next step: the handler (or the next middleware) with the event and its data.
NextHandler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
# A request middleware's next step and the Bot API method it sends, of any result type.
NextRequest = NextRequestMiddlewareType[Any]
Method = TelegramMethod[Any]
