"""The terminal chat: the real bot runs in-process against the Bot API emulator (emulator/) exactly
as it would against Telegram; this module plays the person: it prints the bot's messages, numbers
the buttons and sends what is typed.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

from bot.app import Runtime, migrate
from bot.clock import Clock
from bot.config import DEFAULT_DATABASE_URL, Settings
from emulator import TEST_TOKEN, BotAPIEmulator, FakeMessage

DEMO_DATABASE_URL = "sqlite+aiosqlite:///./data/demo.sqlite3"
BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")

INTRO = """Gyeonggi Visa Assistant — terminal demo (the real bot, on a local Bot API emulator).
Type a button's number to press it; anything else is sent as a message.
To send a number as a message (years, a score, a salary), put = in front: =2
Commands: /start /restart /language /about /help. Quit with /quit or Ctrl-D.
"""


def show(messages: list[FakeMessage]) -> list[str]:
    """Prints messages; returns the button labels of the last keyboard, in number order."""
    buttons: list[str] = []
    for m in messages:
        print(f"\n{BOLD}bot:{RESET} " + m.plain.replace("\n", "\n     "))
        if m.buttons:
            buttons = [text for row in m.buttons for text, _ in row]
            for row in m.buttons:
                print("     " + "   ".join(f"{DIM}[{len(_before(buttons, t)) + 1}]{RESET} {t}" for t, _ in row))
    return buttons


def _before(buttons: list[str], label: str) -> list[str]:
    return buttons[: buttons.index(label)]


async def demo_main(settings: Settings, clock: Clock, *, lang: str, user_id: int) -> None:
    emu = BotAPIEmulator()
    base = await emu.start()
    db_url = DEMO_DATABASE_URL if settings.database_url == DEFAULT_DATABASE_URL else settings.database_url
    settings = settings.model_copy(update={"telegram_api_base": base, "database_url": db_url})
    await migrate(settings)
    runtime = Runtime(settings, clock, token=TEST_TOKEN)
    polling = asyncio.create_task(runtime.poll(handle_as_tasks=False, handle_signals=False))
    person = emu.user(user_id, language_code=lang, first_name="Demo")
    print(INTRO)
    try:
        buttons = show(await person.say("/start"))
        while True:
            try:
                line = (await asyncio.to_thread(input, "\nyou> ")).strip()
            except EOFError:
                break
            if not line:
                continue
            if line in ("/quit", "/exit"):
                break
            if line.isdigit() and 1 <= int(line) <= len(buttons):
                label = buttons[int(line) - 1]
                print(f"{DIM}(pressed: {label}){RESET}")
                buttons = show(await person.tap(label)) or buttons
            else:
                buttons = show(await person.say(line.removeprefix("="))) or buttons
    finally:
        await runtime.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        await emu.stop()
        print("\nBye. Your answers are saved in", settings.database_url)
