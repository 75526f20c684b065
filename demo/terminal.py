"""The terminal chat: the real bot runs in-process against the Bot API emulator (emulator/) exactly
as it would against Telegram; this module plays the person: it prints the bot's messages, numbers
the buttons, sends what is typed and files (/file, /photo), and saves the files the bot sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import sys
from pathlib import Path

from bot.app import Runtime, migrate
from bot.callbacks import AnswerCB, NavCB
from bot.clock import Clock
from bot.config import DEFAULT_DATABASE_URL, Settings
from demo import COMMANDS
from dialogs import application_form, questions
from emulator import TEST_TOKEN, BotAPIEmulator, FakeDocument, FakeUser

DEMO_DATABASE_URL = "sqlite+aiosqlite:///./data/demo.sqlite3"
SAMPLE_PDF = Path(__file__).with_name("sample.pdf")  # a valid one-page PDF written by hand (pypdf opens it)
BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")

LEGEND = "In this demo a number presses a button (2 presses [2]); =text sends text (=2 sends the number 2)."
INTRO = f"""Gyeonggi Visa Assistant — terminal demo (the real bot, on a local Bot API emulator).
{LEGEND}
Anything else you type is sent as a message. Bot commands: /start /apply /status /mydata /language /help.
"""
# Under a step that takes a typed answer (the bot says "Type a number, for example 2"): a number
# typed alone would press one of its buttons (Back, Start over, None...) instead.
TYPE_HINT = "(to answer with a number, put = in front: =2; a number alone presses a button)"


def takes_typed_answer(buttons: list[list[tuple[str, str | None]]]) -> bool:
    """Whether the step these buttons belong to (named in their callback data: "a1:<question>:<value>",
    "n1:<act>:<question>:<arg>") also reads typed text: a question or form field with a parser."""
    steps = {
        fields[1] if fields[0] == AnswerCB.__prefix__ else fields[2]
        for row in buttons
        for _, data in row
        if data and len(fields := data.split(NavCB.__separator__)) >= 3
    }
    return any(
        (k in questions.BY_KEY and questions.BY_KEY[k].parse_text is not None)
        or (k in application_form.BY_KEY and application_form.BY_KEY[k].parse is not None)
        for k in steps
    )


class Screen:
    """Prints the bot's messages once each (replies and later notifications alike), numbers the
    buttons of the latest keyboard and saves the files the bot sends into ``files_dir``."""

    def __init__(self, person: FakeUser, files_dir: Path) -> None:
        self.person = person
        self.files_dir = files_dir
        self.buttons: list[str] = []
        self._shown = 0

    def flush(self) -> None:
        messages = self.person.messages
        new, self._shown = messages[self._shown :], len(messages)
        for m in new:
            print(f"\n{BOLD}bot:{RESET} " + m.plain.replace("\n", "\n     "))
            if m.document is not None:
                print(f"     📎 {self.save(m.document)}")
            if m.buttons:
                self.buttons = [text for row in m.buttons for text, _ in row]
                number = 0
                for row in m.buttons:
                    cells = []
                    for text, _ in row:
                        number += 1
                        cells.append(f"{DIM}[{number}]{RESET} {text}")
                    print("     " + "   ".join(cells))
                if takes_typed_answer(m.buttons):
                    print(f"     {DIM}{TYPE_HINT}{RESET}")

    def save(self, document: FakeDocument) -> str:
        """Writes the file under its own name (never over a different earlier one); says what came
        (its name and size) and where it is."""
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = Path(document.file_name).name or "file"
        path, n = self.files_dir / name, 1
        while path.exists() and path.read_bytes() != document.content:
            n += 1
            path = self.files_dir / f"{Path(name).stem}-{n}{Path(name).suffix}"
        path.write_bytes(document.content)
        return f"file received: {document.file_name} ({len(document.content):,} bytes), saved as {path}"


async def send_file(emu: BotAPIEmulator, person: FakeUser, command: str, argument: str) -> str | None:
    """Sends /file or /photo; returns what went wrong (said in the terminal, not sent), or None."""
    if command == "/photo" and not argument:
        return "Usage: /photo path/to/picture.jpg"
    path = Path(argument).expanduser() if argument else SAMPLE_PDF
    try:
        content = path.read_bytes()
    except OSError as error:
        return f"Cannot read {path}: {error.strerror or error}"
    if command == "/photo":
        width, height = _picture_size(content)
        update_id = await person.send_photo(content, width=width, height=height)
    else:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        update_id = await person.send_document(content, path.name, mime)
    print(f"{DIM}(sent: {path.name}, {len(content):,} bytes){RESET}")
    await emu.wait_processed(update_id, timeout=30)
    return None


def _picture_size(content: bytes) -> tuple[int, int]:
    """The picture's size, as Telegram would report it (a guess when Pillow cannot read it)."""
    from io import BytesIO

    from PIL import Image

    try:
        with Image.open(BytesIO(content)) as img:
            return img.size
    except Exception:  # not a picture: the bot will say so; the size does not matter then
        return 1280, 960


async def demo_main(
    settings: Settings, clock: Clock, *, lang: str, user_id: int, files_dir: Path = Path("demo-files")
) -> None:
    emu = BotAPIEmulator()
    base = await emu.start()
    db_url = DEMO_DATABASE_URL if settings.database_url == DEFAULT_DATABASE_URL else settings.database_url
    settings = settings.model_copy(update={"telegram_api_base": base, "database_url": db_url})
    await migrate(settings)
    runtime = Runtime(settings, clock, token=TEST_TOKEN)
    polling = asyncio.create_task(runtime.poll(handle_as_tasks=False, handle_signals=False))
    person = emu.user(user_id, language_code=lang, first_name="Demo")
    screen = Screen(person, files_dir)
    print(INTRO + COMMANDS.format(files_dir=files_dir))

    async def notifications() -> None:  # what the bot sends on its own (outbox, reminders) shows up too
        while True:
            await asyncio.sleep(0.3)
            screen.flush()

    watcher = asyncio.create_task(notifications())
    try:
        await person.say("/start")
        screen.flush()
        while True:
            try:
                line = (await asyncio.to_thread(input, "\nyou> ")).strip()
            except EOFError:
                break
            if not line:
                continue
            command, _, argument = line.partition(" ")
            if command in ("/quit", "/exit"):
                break
            if command == "/demo":
                print(COMMANDS.format(files_dir=files_dir))
            elif command in ("/file", "/photo"):
                problem = await send_file(emu, person, command, argument.strip())
                if problem:
                    print(problem)
            elif line.isdigit() and 1 <= int(line) <= len(screen.buttons):
                label = screen.buttons[int(line) - 1]
                print(f"{DIM}(pressed: {label}){RESET}")
                await person.tap(label)
            else:
                await person.say(line.removeprefix("="))
            screen.flush()
    finally:
        watcher.cancel()
        await runtime.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        screen.flush()
        await emu.stop()
        print("\nBye. Your answers are saved in", settings.database_url)
