"""The Bot API server: the aiohttp app, its lifecycle, the simulated people and chats, faults, waiting.

The emulator serves ``POST {base}/bot{token}/{method}`` and files at
``GET {base}/file/bot{token}/{path}``, so the *real* aiogram client can be pointed at it::

    emu = BotAPIEmulator()
    base_url = await emu.start()
    bot = Bot(TEST_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))

Simulated people talk to the bot through :class:`~emulator.user.FakeUser` objects (``emu.user(42)``);
what the bot sends back is recorded as :class:`~emulator.chat.FakeMessage` objects. What each method
does is in its base classes: :mod:`emulator.methods` (the chats) and :mod:`emulator.delivery`
(getUpdates, webhooks), what the people do in :mod:`emulator.incoming`; the bot's commands and
descriptions in :mod:`emulator.profile`.

Synchronisation is deterministic: with ``dp.start_polling(bot, handle_as_tasks=False)`` aiogram
only asks for the next batch of updates after it has finished handling the previous one, so
:meth:`BotAPIEmulator.wait_processed` returns exactly when the handler is done. (With the default
``handle_as_tasks=True`` aiogram confirms updates *before* handling them and ``wait_processed``
would return too early.)

Deliberate differences from the real service:

* Flood control (off by default) covers sendMessage and sendDocument, not edits or chat actions.
* Webhooks: see :mod:`emulator.delivery` (retries as Telegram does; no certificates or IP checks).
* Only the methods the bot and its tests call are served (getMe, getUpdates, set/deleteWebhook,
  sendMessage, sendDocument, getFile, editMessageText, editMessageReplyMarkup, deleteMessage,
  answerCallbackQuery, sendChatAction, set/getMyCommands, set/getMy(Short)Description); any
  other answers 404 "Not Found: method not found".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from aiohttp import web

from emulator.chat import BotEvent, BotEventListener, FakeChat, FakeMessage, FileStore
from emulator.delivery import UpdateDelivery
from emulator.errors import APIError
from emulator.flood import FloodControl
from emulator.incoming import DEFAULT_GROUP_CHAT_ID as DEFAULT_GROUP_CHAT_ID
from emulator.incoming import IncomingUpdates
from emulator.limits import MAX_UPLOAD_BYTES
from emulator.methods import ChatMethods
from emulator.profile import BotProfile
from emulator.updates import UpdateQueue
from emulator.user import FakeUser
from emulator.wire import read_params

logger = logging.getLogger(__name__)

TEST_TOKEN: Final = "1000:emulator-test-token"
"""A syntactically valid token (aiogram checks the shape); the emulator accepts any token."""


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    remaining: int


_Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class BotAPIEmulator(ChatMethods, UpdateDelivery, IncomingUpdates):
    """An in-process fake Telegram Bot API server (see the module docstring)."""

    def __init__(
        self,
        *,
        flood_control: bool = False,
        global_rate: int = 30,
        per_chat_rate: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        bot_id: int = 1000,
        bot_username: str = "gg_visa_test_bot",
        bot_first_name: str = "GG Visa",
    ) -> None:
        self._clock = clock
        self.flood = FloodControl(global_rate, per_chat_rate, clock) if flood_control else None
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.content_types: list[tuple[str, str]] = []  # (method, the request body's media type)
        self.profile = BotProfile()

        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, FakeChat] = {}
        self.files = FileStore()
        self._callback_queries: dict[str, FakeUser] = {}
        self._callback_counter = 0
        self._failures: dict[str, deque[_Failure]] = {}
        self._blocked: set[int] = set()
        self._listeners: list[BotEventListener] = []

        self.updates = UpdateQueue(self._notify)
        self._poll_generation = 0
        self._poll_count = 0
        self._last_poll_at: float | None = None

        self._webhook_url: str | None = None
        self._webhook_secret: str | None = None
        self.webhook_targets: list[str] = []  # a load balancer: round robin over these instead of the URL
        self.webhook_connections = 1
        self.webhook_deliveries: list[tuple[int, str, int]] = []  # (update_id, target, HTTP status or 0)
        self._webhook_tasks: list[asyncio.Task[None]] = []
        self._in_flight: set[int] = set()
        self._round_robin = 0

        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._methods: dict[str, _Handler] = {
            "getme": self._get_me,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self.profile.set_my_commands,
            "getmycommands": self.profile.get_my_commands,
            "setmydescription": self.profile.set_my_description,
            "getmydescription": self.profile.get_my_description,
            "setmyshortdescription": self.profile.set_my_short_description,
            "getmyshortdescription": self.profile.get_my_short_description,
            "senddocument": self._send_document,
            "getfile": self._get_file,
            "sendchataction": self._send_chat_action,
        }

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving; returns the base URL (``http://host:port``)."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        self._changed = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 10 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=1.0,
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        self._base_url = f"http://{host}:{bound_port}"
        return self._base_url

    async def stop(self) -> None:
        """Stop serving; pending long polls return immediately."""
        self._closing = True
        self._notify()
        for task in self._webhook_tasks:
            task.cancel()
        for task in self._webhook_tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._webhook_tasks = []
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the emulator is not started; await emu.start() first")
        return self._base_url

    # -- simulated people and chats -----------------------------------------------------------

    def user(
        self,
        user_id: int,
        language_code: str | None = "en",
        first_name: str = "Test",
        username: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        """The simulated user with this id (created on first call; later calls return it)."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        created = FakeUser(
            self,
            user_id,
            language_code=language_code,
            first_name=first_name,
            last_name=last_name,
            username=username,
        )
        self._users[user_id] = created
        return created

    def chat(self, chat_id: int) -> FakeChat | None:
        return self._chats.get(chat_id)

    def chat_messages(self, chat_id: int) -> list[FakeMessage]:
        """The bot's messages in a chat, in send order (deleted ones included, flagged)."""
        chat = self._chats.get(chat_id)
        return chat.bot_messages if chat is not None else []

    def add_listener(self, listener: BotEventListener) -> None:
        """Call ``listener(event)`` whenever the bot sends/edits/deletes/answers something."""
        self._listeners.append(listener)

    def _emit(self, event: BotEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("emulator listener %r failed", listener)

    # -- fault injection and inspection -------------------------------------------------------

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with this error.

        For ``error_code == 429`` the response carries ``parameters.retry_after`` (default 1).
        """
        if error_code == 429 and retry_after is None:
            retry_after = 1
        failure = _Failure(error_code, description, retry_after, times)
        self._failures.setdefault(method.lower(), deque()).append(failure)

    def block_user(self, user_id: int) -> None:
        """Every send to this chat now fails with 403 "Forbidden: bot was blocked by the user"."""
        self._blocked.add(user_id)

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Decoded parameters of every call of ``method`` (case-insensitive), in order."""
        wanted = method.lower()
        return [params for name, params in self.requests if name.lower() == wanted]

    def get_commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        return self.profile.get_commands(scope, language_code)

    @property
    def descriptions(self) -> dict[str, str]:
        return self.profile.descriptions

    @property
    def short_descriptions(self) -> dict[str, str]:
        return self.profile.short_descriptions

    @property
    def flood_refusals(self) -> int:
        """429s answered by flood control."""
        return self.flood.refusals if self.flood is not None else 0

    # -- synchronisation ----------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float, describe: Callable[[], str]) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(describe())
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def is_processed(self, update_id: int) -> bool:
        return self.updates.is_processed(update_id)

    async def wait_processed(self, update_id: int | None = None, timeout: float = 10.0) -> None:
        """Wait until the bot polled with an offset above ``update_id`` (default: the last one).

        With ``start_polling(..., handle_as_tasks=False)`` that means the bot has finished
        handling the update.
        """
        target = self.updates.last_update_id if update_id is None else update_id
        if target is None:
            return

        def describe() -> str:
            if self._last_poll_at is None:
                polling = "the bot never called getUpdates (is the dispatcher polling?)"
            else:
                ago = time.monotonic() - self._last_poll_at
                polling = f"last getUpdates call {ago:.1f}s ago"
            pending = [u["update_id"] for u in self.updates.pending]
            return (
                f"update {target} was not processed within {timeout}s: {polling}; "
                f"confirmed offset {self.updates.confirmed_offset}; pending updates {pending}. "
                "Poll with dp.start_polling(bot, handle_as_tasks=False) so that handling "
                "finishes before the next getUpdates."
            )

        await self._wait_until(lambda: self.is_processed(target), timeout, describe)

    async def wait_polling(self, timeout: float = 10.0) -> None:
        """Wait until the bot has called getUpdates at least once."""
        await self._wait_until(
            lambda: self._poll_count > 0,
            timeout,
            lambda: f"the bot did not call getUpdates within {timeout}s",
        )

    # -- HTTP layer ---------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.content_types.append((method, request.content_type))
        try:
            params = await read_params(request)
        except web.HTTPRequestEntityTooLarge:
            return _error_response(APIError(413, "Request Entity Too Large"))
        except APIError as exc:
            self.requests.append((method, {}))
            return _error_response(exc)
        self.requests.append((method, params))
        try:
            self._maybe_fail(method)
            handler = self._methods.get(method.lower())
            if handler is None:
                raise APIError(404, "Not Found: method not found")
            result = await handler(params)
        except APIError as exc:
            return _error_response(exc)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        document = self.files.by_path.get(request.match_info["path"])
        if document is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=document.content, content_type="application/octet-stream")

    def _maybe_fail(self, method: str) -> None:
        queue = self._failures.get(method.lower())
        if not queue:
            return
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
        raise APIError(failure.error_code, failure.description, parameters)


def _error_response(error: APIError) -> web.Response:
    status = error.error_code if 400 <= error.error_code <= 599 else 400
    return web.json_response(error.to_api(), status=status)
