"""aiogram imported lazily (bot/speed/lazy_models.py): every Bot API type and method still builds, parses
what eager aiogram parses, and the import costs a fraction of the memory.

Each check runs in a new interpreter, the only place where the order of imports is known."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

USER = {"id": 7, "is_bot": False, "first_name": "Dilnoza", "language_code": "uz"}
CHAT = {"id": 7, "type": "private", "first_name": "Dilnoza"}
KEYBOARD = {"inline_keyboard": [[{"text": "Ha", "callback_data": "a1:job_offer:yes"}]]}
MESSAGE = {"message_id": 5, "date": 1764000000, "chat": CHAT, "from": USER}
UPDATES: list[dict[str, Any]] = [
    {
        "update_id": 1,
        "message": {**MESSAGE, "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]},
    },
    {"update_id": 2, "edited_message": {**MESSAGE, "text": "35000000", "edit_date": 1764000100}},
    {
        "update_id": 3,
        "callback_query": {
            "id": "9",
            "from": USER,
            "chat_instance": "c",
            "data": "a1:job_offer:yes",
            "message": {
                **MESSAGE,
                "from": {"id": 1, "is_bot": True, "first_name": "GG"},
                "text": "?",
                "reply_markup": KEYBOARD,
            },
        },
    },
    {
        "update_id": 4,
        "message": {
            **MESSAGE,
            "document": {
                "file_id": "f",
                "file_unique_id": "u",
                "file_name": "diploma.pdf",
                "mime_type": "application/pdf",
                "file_size": 10,
            },
            "caption": "<b>diploma</b>",
        },
    },
    {
        "update_id": 5,
        "message": {**MESSAGE, "photo": [{"file_id": "p", "file_unique_id": "q", "width": 90, "height": 90}]},
    },
    {"update_id": 6, "message": {**MESSAGE, "location": {"latitude": 37.27, "longitude": 127.01}}},
    {"update_id": 7, "message": {**MESSAGE, "contact": {"phone_number": "+821012345678", "first_name": "K"}}},
    {
        "update_id": 8,
        "message": {
            **MESSAGE,
            "sticker": {
                "file_id": "s",
                "file_unique_id": "t",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            },
        },
    },
    {
        "update_id": 9,
        "channel_post": {
            "message_id": 1,
            "date": 1764000000,
            "chat": {"id": -100, "type": "channel", "title": "News"},
            "text": "hi",
        },
    },
    {
        "update_id": 10,
        "my_chat_member": {
            "chat": {"id": -5, "type": "group", "title": "Team"},
            "from": USER,
            "date": 1764000000,
            "old_chat_member": {"status": "left", "user": {"id": 1, "is_bot": True, "first_name": "GG"}},
            "new_chat_member": {"status": "member", "user": {"id": 1, "is_bot": True, "first_name": "GG"}},
        },
    },
]

SCRIPT = """
import json, sys
if sys.argv[1] == "eager":
    import aiogram  # before the patches: aiogram as it is shipped
from bot import speed
speed.install(True)
from aiogram import methods, types
from aiogram.methods import SendMessage
from pydantic import BaseModel

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

out = {
    "rss_mb": rss_mb(),
    "built_at_import": [types.Message.__pydantic_complete__, SendMessage.__pydantic_complete__],
    "failures": [],
}
for module in (types, methods):
    for name in module.__all__:
        model = getattr(module, name)
        if isinstance(model, type) and issubclass(model, BaseModel) and not model.__pydantic_generic_metadata__["parameters"]:
            try:
                model.model_rebuild()
                assert model.__pydantic_complete__
            except Exception as exc:
                out["failures"].append(f"{name}: {type(exc).__name__}: {exc}"[:300])
out["parsed"] = [
    types.Update.model_validate(update).model_dump(mode="json", exclude_none=True) for update in json.loads(sys.argv[2])
]
reply = SendMessage(chat_id=7, text="x", reply_markup=types.InlineKeyboardMarkup.model_validate(json.loads(sys.argv[3])))
out["sent"] = reply.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
print(json.dumps(out))
"""


def run(mode: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, json.dumps(UPDATES), json.dumps(KEYBOARD)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.slow
def test_lazily_imported_aiogram_builds_every_model_and_parses_as_shipped() -> None:
    lazy, eager = run("lazy"), run("eager")
    assert eager["built_at_import"] == [True, True]
    assert lazy["built_at_import"] == [False, False]  # deferred, so the import is cheap
    assert lazy["failures"] == [] and eager["failures"] == []
    assert lazy["parsed"] == eager["parsed"]
    assert [u["update_id"] for u in lazy["parsed"]] == list(range(1, 11))
    assert lazy["parsed"][2]["callback_query"]["message"]["reply_markup"] == KEYBOARD
    assert lazy["sent"] == eager["sent"] == {"chat_id": 7, "text": "x", "reply_markup": KEYBOARD}


@pytest.mark.slow
def test_the_lazy_import_takes_far_less_memory() -> None:
    script = (
        "{first}from bot import speed; speed.install(True); import aiogram.types, aiogram.methods; "
        "print(open('/proc/self/status').read())"
    )
    rss = {}
    for mode, first in (("lazy", ""), ("eager", "import aiogram; ")):
        status = subprocess.run(
            [sys.executable, "-c", script.format(first=first)], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        rss[mode] = next(int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
    # Measured 62 against 170 MB (aiogram 3.31, pydantic 2.13); a lazy import that builds is ~170.
    assert rss["lazy"] < rss["eager"] - 60, rss


def test_settling_builds_what_updates_and_replies_use() -> None:
    """bot.speed.settle.settle → build_used: the first update pays no model build (about 200 ms each
    for the update and the reply models on this machine)."""
    script = (
        "import json\nfrom bot import speed\nspeed.install(True)\n"
        "from aiogram import methods, types\n"
        "from bot.speed.lazy_models import build_used, used_methods\nfrom bot.speed.response_models import KEPT as _responses\n"
        "from bot.messaging import SendScreen\n"
        "before = types.Update.__pydantic_complete__\n"
        "build_used(SendScreen); build_used(SendScreen)\n"
        "models = [types.Update, types.InlineKeyboardMarkup, types.InlineKeyboardButton, *used_methods(), SendScreen]\n"
        "print(json.dumps([before, [m.__pydantic_complete__ for m in models],\n"
        "    sorted(str(r) for r in _responses), [r.__pydantic_complete__ for r in _responses.values()]]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    before, built, returning, responses = json.loads(done.stdout.strip().splitlines()[-1])
    assert before is False
    assert all(built) and len(built) == 10
    assert len(returning) == 5 and all(responses)  # Message, bool, File, list[Update], Sent; once each
