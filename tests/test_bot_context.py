"""bot/speed/bot_context.py: aiogram objects built with the one-call hook are the objects aiogram builds.

Runs in a new interpreter: ``bot.speed.install()`` installs the hook, and the comparison needs aiogram
as shipped first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version

import pytest

from tests.test_lazy_models import ROOT, UPDATES

SCRIPT = """
import json, sys
from typing import Any
import aiogram
from aiogram import Bot, types
from aiogram.client.context_controller import BotContextController
from aiogram.methods import SendMessage
from pydantic import BaseModel, PrivateAttr

bot = Bot("42:TEST")
updates = json.loads(sys.argv[1])

def objects(model):  # every aiogram object in the tree, depth first
    if isinstance(model, BotContextController):
        yield model
        for value in model.__dict__.values():
            yield from objects(value)
    elif isinstance(model, (list, tuple)):
        for value in model:
            yield from objects(value)

def parse():
    parsed = [types.Update.model_validate(u, context={"bot": bot}) for u in updates]
    built = types.InlineKeyboardMarkup(inline_keyboard=[[types.InlineKeyboardButton(text="Ha", callback_data="a1:x:y")]])
    return parsed, built

shipped, shipped_kb = parse()
from bot import speed  # noqa: E402
speed.install(True)  # aiogram was imported first: lazy models stay off, the hook goes in
from bot.speed.bot_context import _post_init  # noqa: E402
fast, fast_kb = parse()

class Later(SendMessage):  # an aiogram subclass defined after the hook was installed
    pass

class Other(types.TelegramObject):  # and one with a private attribute of its own
    _note: str = PrivateAttr(default="n")

out = {
    "installed": types.Message.model_post_init is _post_init,
    "equal": fast == shipped and fast_kb == shipped_kb,
    "count": [len(list(objects(fast))), len(list(objects(shipped)))],
    "privates_equal": [a.__pydantic_private__ for a in objects(fast)] == [b.__pydantic_private__ for b in objects(shipped)],
    "bound": all(o.bot is bot for o in objects(fast)),
    "unbound_keyboard": all(o.bot is None for o in objects(fast_kb)),
    "later": Later.model_post_init is _post_init and Later(chat_id=1, text="x").bot is None,
    "other": Other.model_post_init is not _post_init and Other().__pydantic_private__ == {"_note": "n", "_bot": None},
    "as_": fast_kb.as_(bot).bot is bot,
}
print(json.dumps(out))
"""


def test_objects_built_with_the_fast_hook_equal_aiograms() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(UPDATES)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["count"][0] == out["count"][1] > 30
    assert {k: v for k, v in out.items() if k != "count"} == {
        "installed": True,
        "equal": True,
        "privates_equal": True,
        "bound": True,
        "unbound_keyboard": True,
        "later": True,
        "other": True,
        "as_": True,
    }


def test_a_patch_stays_off_on_other_library_versions() -> None:
    """Each patch names the versions it was written for; on any other it stays off, saying why."""
    script = (
        "import logging, sys\n"
        "logging.basicConfig(stream=sys.stdout, level=logging.INFO, format='%(message)s')\n"
        "from bot import speed\n"
        "speed.PATCHES = (speed.Patch('bot_context', {'aiogram': '3.0.0'}), speed.Patch('settle', {}))\n"
        "print(sorted(speed.install(True)))\n"
        "from aiogram.client.context_controller import BotContextController\n"
        "from bot.speed.bot_context import _post_init\n"
        "print(BotContextController.model_post_init is _post_init)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    assert lines == [
        f"speed patch bot_context stays off: aiogram {version('aiogram')} (written for 3.0.0)",
        "['settle']",
        "False",
    ], lines


def test_speed_patches_off_leaves_aiogram_as_shipped() -> None:
    script = (
        "from bot import speed\n"
        "print(sorted(speed.install()))\n"
        "from aiogram import types\n"
        "print(types.Update.__pydantic_complete__)\n"
    )
    env = {**os.environ, "SPEED_PATCHES": "off"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[]", "True"]  # nothing on; aiogram built its models at import


def test_speed_patches_names_the_ones_to_turn_on() -> None:
    from bot import speed

    assert speed.wanted("off") == frozenset() and speed.wanted("on") == {p.name for p in speed.PATCHES}
    assert speed.wanted(" settle, inline_sqlite ") == {"settle", "inline_sqlite"}
    with pytest.raises(ValueError, match="unknown patches: turbo"):
        speed.wanted("settle,turbo")
