"""An in-process HTTP fake of the Telegram Bot API, for end-to-end tests, benchmarks and the demo.

Development tooling, not part of the product: it imports nothing of ours (only aiohttp and the
standard library), is not in the distribution and is not copied into the image.

- ``server``: :class:`BotAPIEmulator`, the aiohttp server (lifecycle, people and chats, failures,
  waiting), built on ``methods`` (sends, edits, deletes, answers), ``delivery`` (getUpdates,
  webhooks) and ``incoming`` (what the simulated people do, as updates); ``updates``: the queue;
- ``chat``: the fake world's records (documents and the file store, messages, chats, bot events);
  ``user``: :class:`FakeUser`, the simulated person who types, sends files and presses;
- ``html``: Telegram's HTML parse mode (markup to text and entities); ``limits``: what a message
  may be (parse modes, text and caption lengths, keyboards, file sizes), answered with 400s;
- ``wire``, ``errors``, ``flood``, ``profile``: request decoding, error answers, flood control,
  the bot's commands and descriptions.
"""

from emulator.chat import BotEvent, FakeChat, FakeDocument, FakeMessage
from emulator.errors import APIError
from emulator.html import EntityParseError, ParsedText, parse_html, utf16_len
from emulator.server import TEST_TOKEN, BotAPIEmulator
from emulator.user import FakeUser

__all__ = [
    "TEST_TOKEN",
    "APIError",
    "BotAPIEmulator",
    "BotEvent",
    "EntityParseError",
    "FakeChat",
    "FakeDocument",
    "FakeMessage",
    "FakeUser",
    "ParsedText",
    "parse_html",
    "utf16_len",
]
