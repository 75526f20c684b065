"""The runtime: aiogram routers, rendering, persistence, services and the CLI."""

from bot import bot_context
from bot.lazy_models import import_lazily

import_lazily()  # before anything imports aiogram: see bot/lazy_models.py
bot_context.install()  # one hook per aiogram object instead of five to eight: see bot/bot_context.py
