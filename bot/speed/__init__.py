"""The speed patches: each reaches into a library's internals for a measured gain (BENCHMARKS.md).

Nothing here acts on import. The entry points (``python -m bot run``, the webhook worker, the
demo, the benchmarks, the test suite's conftest) call ``install()`` once, first, before aiogram
is imported. Each patch names the library versions it was written for and stays off, with one
log line, on any other version: an upgrade then costs speed, never correctness. ``SPEED_PATCHES
=off`` turns them all off (CI runs an end-to-end subset that way: the bot is correct without them);
a list of names turns on only those (bench/: what each patch is worth).

The patches, each in its module with the measurement that justifies it:
- ``lazy_models``: aiogram imported with its pydantic models built on first use (memory: 62 MB
  after import instead of 170).
- ``bot_context``: one ``model_post_init`` call per aiogram object instead of five to eight.
- ``response_models``: parsed-reply models held, not rebuilt after each garbage collection.
- ``json_requests``: Bot API requests as JSON bodies instead of percent-encoded forms.
- ``on_loop_filters``: magic filters resolved on the loop instead of in a worker thread.
- ``inline_sqlite``: SQLite statements on the loop's thread instead of aiosqlite's (blocks the loop
  for the length of a statement: acceptable for SQLite's own use, a single-process bot or the
  demo; production runs PostgreSQL, which this does not touch).
- ``settle``: a serving process's long-lived objects frozen out of the collector's full passes.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Patch:
    name: str
    written_for: dict[str, str]  # distribution -> the exact version the patch was written and measured on

    def mismatch(self) -> str | None:
        """Why the patch must stay off here, or None."""
        for dist, wanted in self.written_for.items():
            try:
                found = version(dist)
            except PackageNotFoundError:
                found = "missing"
            if found != wanted:
                return f"{dist} {found} (written for {wanted})"
        return None


_AIOGRAM = {"aiogram": "3.31.0", "pydantic": "2.13.5"}
PATCHES = (
    Patch("lazy_models", _AIOGRAM),
    Patch("bot_context", _AIOGRAM),
    Patch("response_models", _AIOGRAM),
    Patch("json_requests", {"aiogram": "3.31.0", "aiohttp": "3.14.5"}),
    Patch("on_loop_filters", {"aiogram": "3.31.0", "magic-filter": "1.0.12"}),
    Patch("inline_sqlite", {"aiosqlite": "0.22.1", "SQLAlchemy": "2.1.9"}),
    Patch("settle", {}),  # the garbage collector's public API: no library internals
)

_active: set[str] = set()
_installed = False


def active(name: str) -> bool:
    """Whether the patch ``name`` is on in this process (off until ``install()`` turned it on)."""
    return name in _active


def wanted(spec: str) -> frozenset[str]:
    """SPEED_PATCHES: ``on`` (all), ``off`` (none), or the names of the patches to turn on,
    comma-separated (``inline_sqlite,settle``), for measuring what one patch is worth."""
    spec = spec.strip().lower()
    names = {p.name for p in PATCHES}
    if spec in ("on", "1", "true", "yes", ""):
        return frozenset(names)
    if spec in ("off", "0", "false", "no"):
        return frozenset()
    chosen = frozenset(part.strip() for part in spec.split(",") if part.strip())
    if unknown := chosen - names:
        raise ValueError(f"SPEED_PATCHES names unknown patches: {', '.join(sorted(unknown))}")
    return chosen


def install(spec: str | bool | None = None) -> frozenset[str]:
    """Turns on the wanted patches whose libraries are the versions they were written for. Call
    once, before anything imports aiogram. ``spec=None`` reads SPEED_PATCHES (see ``wanted``)."""
    global _installed
    if _installed:
        return frozenset(_active)
    _installed = True
    if spec is None:
        spec = os.environ.get("SPEED_PATCHES", "on")
    chosen = wanted("on" if spec is True else "off" if spec is False else spec)
    if not chosen:
        log.info("speed patches off (SPEED_PATCHES=off)")
        return frozenset()
    for patch in PATCHES:
        if patch.name not in chosen:
            continue
        if (why := patch.mismatch()) is not None:
            log.warning("speed patch %s stays off: %s", patch.name, why)
            continue
        _active.add(patch.name)
    if active("lazy_models"):
        from bot.speed.lazy_models import import_lazily

        if not import_lazily():
            _active.discard("lazy_models")
            log.warning("speed patch lazy_models stays off: aiogram was imported before install()")
    if active("bot_context"):
        from bot.speed import bot_context

        bot_context.install()
    return frozenset(_active)
