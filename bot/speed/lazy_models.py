"""Import aiogram without building a validator for every Bot API type and method (measured: memory).

aiogram declares its Telegram types ``defer_build=True``, then ``aiogram/types/__init__.py`` calls
``model_rebuild`` on all ~300 of them at import (to resolve their forward references); its ~170
methods are built as they are defined. pydantic-core compiles a validator and a serializer for
each, and each carries its own copy of the types it contains: ``import aiogram`` took the process
from 11 to 170 MB (aiogram issue #1513). A bot uses a dozen of them.

``import_lazily()`` imports aiogram with two changes, made as those modules load: the types' loop
only remembers its namespace (the names their annotations use, imported by aiogram under
``TYPE_CHECKING``, are put into each type's module, so pydantic resolves them on first use), and
methods are ``defer_build`` too. pydantic then builds a model when it is first used.
``build_used()`` builds what every update needs at start (``bot.speed.settle.settle``), so no update
pays for it. ``bot.speed.install()`` runs this first; if aiogram was imported before, nothing
changes (and the patch reports itself off). The process: 62 MB after import instead of 170; 131 MB idle instead of 240 MB
together with bot/app's and bot/db/migrate's deferred Redis and Alembic (bench/memory_start.py).
tests/test_lazy_models.py builds every type and method this way and compares parsed updates with
eager aiogram's, so an aiogram upgrade that breaks this fails there.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from aiogram.methods import TelegramMethod

Run = Callable[[ModuleType], None]


def _defer_methods(run: Run, module: ModuleType) -> None:
    run(module)
    # Every method class is defined after this module and inherits its config.
    module.TelegramMethod.model_config["defer_build"] = True


def _only_remember_namespace(run: Run, module: ModuleType) -> None:
    original = BaseModel.__dict__["model_rebuild"]
    shared = False

    def remember(cls: type[BaseModel], **kwargs: Any) -> bool | None:
        namespace = kwargs.get("_types_namespace")
        if namespace is None:
            return original.__func__(cls, **kwargs)  # type: ignore[no-any-return]
        nonlocal shared
        if not shared:  # the loop passes the same namespace for every type
            _share_namespace(namespace)
            shared = True
        return None

    BaseModel.model_rebuild = classmethod(remember)  # type: ignore[method-assign,assignment]
    try:
        run(module)
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]


def _share_namespace(namespace: dict[str, Any]) -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith("aiogram.types.") and module is not None:
            for key, value in namespace.items():
                module.__dict__.setdefault(key, value)


_CHANGES: dict[str, Callable[[Run, ModuleType], None]] = {
    "aiogram.methods.base": _defer_methods,
    "aiogram.types": _only_remember_namespace,
}


class _ChangeAsLoaded(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        change = _CHANGES.get(fullname)
        if change is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            run = spec.loader.exec_module
            spec.loader.exec_module = lambda module: change(run, module)  # type: ignore[method-assign]
        return spec


def import_lazily() -> bool:
    """Import aiogram with deferred builds; False if it had been imported already (eager)."""
    if "aiogram" in sys.modules:
        return False
    finder = _ChangeAsLoaded()
    sys.meta_path.insert(0, finder)
    try:
        import aiogram  # noqa: F401
    finally:
        sys.meta_path.remove(finder)
    return True


def used_methods() -> tuple[type[TelegramMethod[Any]], ...]:
    """The Bot API methods a conversation calls (their replies are parsed as ``Response[...]``)."""
    from aiogram import methods

    return (
        methods.GetUpdates,
        methods.SendMessage,
        methods.AnswerCallbackQuery,
        methods.SendDocument,
        methods.GetFile,
        methods.DeleteMessage,
    )


def build_used(*ours: type[TelegramMethod[Any]]) -> None:
    """Build the validators every update and reply uses, before the first update arrives (``ours``:
    our own subclasses of aiogram's methods, such as bot.messaging.SendScreen)."""
    from aiogram import types

    from bot.speed.response_models import keep

    # Update first: the models built after it reuse its schema rather than building their own copy.
    models: tuple[type[BaseModel], ...] = (types.Update, types.InlineKeyboardMarkup, types.InlineKeyboardButton)
    for model in (*models, *used_methods(), *ours):
        model.model_rebuild()
    for method in (*used_methods(), *ours):
        keep(method.__returning__)  # pydantic holds a parametrised generic only weakly
