"""aiogram's parsed response models survive garbage collection (bot/speed/response_models.py): without
a strong reference pydantic rebuilds `Response[Message]` after every collection (~7 ms each)."""

from __future__ import annotations

import gc
import weakref

from aiogram.methods.base import Response
from aiogram.types import User

from bot.app import build_bot
from bot.config import Settings
from bot.speed import response_models
from emulator import TEST_TOKEN, BotAPIEmulator
from tests.conftest import needs_patch

pytestmark = needs_patch("response_models")


async def test_the_response_model_of_a_request_is_built_once(settings: Settings, emulator: BotAPIEmulator) -> None:
    # getMe's model: no warm-up builds it, so only the request middleware can keep it.
    response_models.KEPT.pop(User, None)
    gc.collect()
    unkept = weakref.ref(Response[User])
    gc.collect()
    assert unkept() is None, "pydantic itself holds the model: this test could not tell"
    bot = build_bot(settings, TEST_TOKEN)
    try:
        await bot.get_me()
        built = weakref.ref(Response[User])  # no strong reference in this test
        gc.collect()
        assert built() is not None, "the model was freed: the next request rebuilds it"
        await bot.get_me()
        gc.collect()
        assert Response[User] is built()  # the cached class, not a rebuilt one
    finally:
        await bot.session.close()
