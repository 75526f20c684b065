"""Assembling the bot: the Bot client, the Dispatcher with its routers and middlewares, polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import commands, speed
from bot.clock import Clock
from bot.config import Settings
from bot.crypto import FileCipher, Vault, load_key
from bot.db.context import CommitBeforeRequest
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import at_head, upgrade
from bot.erasers import FSM_PREFIX, KeyEraser, MemoryKeyEraser, RedisKeyEraser
from bot.errors import error_handler
from bot.flood import RetryAfterFlood
from bot.handlers import applicant, data_rights, employer, other_chats, staff, status, tickets
from bot.metrics import Metrics, MetricsMiddleware
from bot.middlewares import ContextMiddleware
from bot.sender import Sender
from bot.services.periodic import run_periodic
from bot.services.rate import LocalRateBudget, RateBudget, RedisRateBudget
from bot.services.tickets import TicketLimits, TicketSettings
from bot.services.uploads import FileStore
from bot.speed.json_requests import JsonRequests
from bot.speed.response_models import KeepResponseModels
from bot.speed.settle import settle
from bot.stores import Stores
from bot.typed_text import TypedTextMiddleware
from knowledge import faq_match

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)
Built = TypeVar("Built")


def require_token(settings: Settings, token: str | None = None) -> str:
    token = token or (settings.bot_token.get_secret_value() if settings.bot_token else None)
    if not token:
        raise SystemExit("BOT_TOKEN is not set. Put it in the environment or in .env (see README).")
    return token


def build_bot(settings: Settings, token: str | None = None) -> Bot:
    token = require_token(settings, token)
    api = TelegramAPIServer.from_base(settings.telegram_api_base)
    # JSON bodies rather than forms, when that speed patch is on (bot/speed).
    session = JsonRequests(api=api) if speed.active("json_requests") else AiohttpSession(api=api)
    session.middleware(CommitBeforeRequest())  # no database transaction spans a Telegram call
    session.middleware(RetryAfterFlood())  # a reply waits out a 429 rather than failing
    if speed.active("response_models"):
        session.middleware(KeepResponseModels())  # parsed once per return type, not once per GC
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def build_dispatcher(
    engine: AsyncEngine,
    clock: Clock,
    vault: Vault,
    store: FileStore,
    admin_ids: frozenset[int] = frozenset(),
    *,
    redis: Redis | None = None,
    metrics: Metrics | None = None,
    budget: RateBudget | None = None,
    chat_lock_seconds: float = 10.0,
    ticket_settings: TicketSettings | None = None,
) -> Dispatcher:
    # Event isolation serialises the updates of one chat, so two quick taps cannot race; with
    # Redis it does so across workers (and the FSM storage is shared, keys with destiny).
    if redis is not None:
        # Imported here: a single worker without Redis does not carry the client (6 MB).
        from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

        from bot.chat_lock import ChatLock

        keys = DefaultKeyBuilder(with_destiny=True, prefix=FSM_PREFIX)
        # A chat's next update waits for its lock by polling Redis: every 100 ms (aiogram's
        # default) made a tap that came while the bot was still sending /start's three messages
        # wait a tenth of a second (the webhook p99 in bench/latency.py); every 10 ms it costs a
        # few Redis calls, and only while the chat is busy.
        isolation = ChatLock(redis, keys, ttl=chat_lock_seconds, poll=0.01)
        dp = Dispatcher(storage=RedisStorage(redis, key_builder=keys), events_isolation=isolation)
        eraser: KeyEraser = RedisKeyEraser(redis, FSM_PREFIX)
    else:
        storage = MemoryStorage()
        dp = Dispatcher(storage=storage, events_isolation=SimpleEventIsolation())
        eraser = MemoryKeyEraser(storage, budget if isinstance(budget, LocalRateBudget) else None)
    if metrics is not None:
        dp.update.outer_middleware(MetricsMiddleware(metrics))
    dp.update.outer_middleware(
        ContextMiddleware(
            make_sessionmaker(engine), clock, vault, store, admin_ids, eraser, ticket_settings or TicketLimits()
        )
    )
    # Typed text is cleaned here, in one place, before any handler or service reads it.
    cleaning = TypedTextMiddleware()
    dp.message.outer_middleware(cleaning)
    dp.edited_message.outer_middleware(cleaning)
    # The routers, in the one order that matters: each of the first seven matches only its own
    # commands, its own callback-data prefixes, its chat types, or typed text in its own Mode
    # (bot/services/modes.py), so among them the order is free; the applicant router's catch-alls
    # (any other text, file, command or button) must come last.
    dp.include_routers(
        applicant.build_buttons_router(),  # AnswerCB / NavCB buttons (questionnaire, form)
        other_chats.build_router(),  # groups and edited messages
        staff.build_router(),  # /staff, /quota, StaffCB buttons, typed text in Mode.STAFF
        employer.build_router(),  # /employer, /share, invite links, EmpCB / ShareCB buttons, Mode.EMPLOYER text
        status.build_router(),  # /status and its report buttons
        tickets.build_router(),  # /ask and the tk: buttons (typed replies: applicant on_text, Mode.TICKET)
        data_rights.build_router(),  # /mydata, /delete and its buttons
        applicant.build_router(),  # last: the catch-alls
    )
    dp.errors.register(error_handler(clock))
    return dp


async def migrate(settings: Settings) -> None:
    if (path := settings.sqlite_path()) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if not await at_head(settings.database_url):
        await asyncio.to_thread(upgrade, settings.database_url)


class Runtime:
    """One bot process: engine, Bot client and Dispatcher, started and stopped together."""

    def __init__(self, settings: Settings, clock: Clock, *, token: str | None = None) -> None:
        self.settings = settings
        self.engine = make_engine(settings)
        self.sessionmaker = make_sessionmaker(self.engine)
        self.bot = build_bot(settings, token)
        self.redis: Redis | None = None
        if settings.redis_url:
            from redis.asyncio import Redis

            # Bounded: an unreachable Redis must fail the update soon (then resent), not hang it.
            self.redis = Redis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=10)
        self.stores = Stores(self.sessionmaker, self.redis)
        self.metrics = Metrics()
        key = load_key(settings)
        budget: RateBudget = (
            RedisRateBudget(self.redis, self.bot.id, settings.send_rate, settings.per_chat_interval)
            if self.redis is not None
            else LocalRateBudget(settings.send_rate, settings.per_chat_interval)
        )
        vault, store = Vault(key), FileStore(settings.files_dir, FileCipher(key))
        faq_match.use_cache(Path(settings.cache_dir) if settings.cache_dir else None)
        self.dp = build_dispatcher(
            self.engine,
            clock,
            vault,
            store,
            settings.staff_admin_ids,
            redis=self.redis,
            metrics=self.metrics,
            budget=budget,
            chat_lock_seconds=settings.chat_lock_seconds,
            ticket_settings=settings,
        )
        self.sender = Sender(
            self.sessionmaker,
            self.bot,
            clock,
            budget=budget,
            on_result=self.metrics.sent,
            lease=settings.outbox_lease_seconds,
            periodic=partial(run_periodic, vault=vault, store=store),
            redis=self.redis,
        )

    async def poll(self, *, handle_as_tasks: bool = True, handle_signals: bool = True) -> None:
        """Publishes the localised command menu, then long-polls until stop() or a signal."""
        sending = asyncio.create_task(self.sender.run())
        try:
            await commands.publish(self.bot)
            await self.bot.delete_webhook(drop_pending_updates=False)
            await self.dp.start_polling(
                self.bot, handle_as_tasks=handle_as_tasks, polling_timeout=10, handle_signals=handle_signals
            )
        finally:
            self.sender.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await sending
            await self.close()

    async def stop(self) -> None:
        with contextlib.suppress(RuntimeError):  # "Polling is not started"
            await self.dp.stop_polling()

    async def close(self) -> None:
        await self.bot.session.close()
        await self.engine.dispose()
        if self.redis is not None:
            await self.redis.aclose()


async def start_up(settings: Settings, build: Callable[[], Built]) -> Built:
    """What every entry point does first: the token checked before anything is created on disk, the
    database migrated, then what ``build`` makes, and the process settled (bot/speed)."""
    require_token(settings)
    await migrate(settings)
    built = build()
    settle()
    return built


async def run(settings: Settings, clock: Clock) -> None:
    """`python -m bot run`: migrate, then long-poll Telegram."""
    runtime = await start_up(settings, lambda: Runtime(settings, clock))
    await runtime.poll()
