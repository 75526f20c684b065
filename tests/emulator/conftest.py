"""The emulator's own tests: a real aiogram client over HTTP, and a real Dispatcher polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from emulator import BotAPIEmulator
from tests.emulator.client import make_bot


@pytest.fixture
def emu(emulator: BotAPIEmulator) -> BotAPIEmulator:
    """The tests' emulator (tests/conftest.py), by the shorter name these tests use."""
    return emulator


@pytest.fixture
async def bot(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    client = make_bot(emu)
    yield client
    await client.session.close()
