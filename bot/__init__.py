"""The runtime: aiogram routers, rendering, persistence, services, the demo and the CLI."""

from bot.lazy_models import import_lazily

import_lazily()  # before anything imports aiogram: see bot/lazy_models.py
