"""Settling a serving process: load what is otherwise loaded on first use, then take every object
made so far out of the garbage collector's full passes.

Why: after start the process holds about 167,000 long-lived container objects (280,000 before
aiogram's models were built lazily: bot/speed/lazy_models.py; SQLAlchemy's mappers, the catalogs, the
country index). Python's full
collection walks all of them, and under load it ran every few seconds and stopped the event loop
for 240–320 ms each time: every reply waiting then was that late (bench/latency.py, p99).
``gc.freeze()`` moves them to a generation the collector does not visit; they live for the whole
process anyway. A serving process also allocates many short-lived objects per update, so the
collector runs less often (10,000 allocations rather than 700 before a young collection); the
pauses left were under 75 ms and rare. Called once by the entry points, not by tests that build
many runtimes.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc

from bot import speed
from bot.i18n import available_locales, translator
from bot.messaging import SendScreen
from bot.speed.lazy_models import build_used
from dialogs.countries import find_country
from knowledge.faq_match import matcher


def settle() -> None:
    build_used(SendScreen)  # aiogram's validators that every update needs (bot/speed/lazy_models.py)
    for locale in available_locales():
        translator(locale)  # loads both catalogs of the locale
    find_country("Korea")  # builds the country-name index
    matcher()  # the FAQ's index (read from CACHE_DIR, or 4-6 s to build): at start, not at someone's first question
    trim_heap()
    if not speed.active("settle"):
        return  # loaded ahead, but the collector left as Python sets it
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def trim_heap() -> None:
    """Hands the heap freed by the start back to the system; glibc keeps it otherwise: building the
    FAQ's index left RSS +30.3 MB, +23.8 after this (+18.7 when read from CACHE_DIR; bench/faq.py).
    Memory, not speed: done with the patches off too. Nothing to do without glibc."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
