"""Production mode, `python -m bot run --webhook`: an aiohttp server that receives Telegram's
updates on WEBHOOK_PATH (refusing any request without the right secret token), with /healthz,
/readyz and /metrics; it sets the webhook on start and finishes the updates in flight on stop.

Several workers may run behind one reverse proxy: they share PostgreSQL and Redis (event
isolation, FSM storage, the send budget) and each runs an outbox sender (claims are exclusive).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot import commands
from bot.app import Runtime, start_up
from bot.chat_lock import current_update
from bot.clock import Clock
from bot.config import Settings
from bot.faults import is_infrastructure

log = logging.getLogger(__name__)
SHUTDOWN_GRACE = 30.0  # seconds the updates in flight get to finish on stop


def build_web_app(runtime: Runtime) -> web.Application:
    settings = runtime.settings
    if settings.webhook_secret is None:
        raise SystemExit("WEBHOOK_SECRET is not set: without it anyone could post updates (see README).")
    app = web.Application()
    # The update is handled before Telegram gets its 200: a crash mid-update means Telegram sends
    # it again, and a graceful stop waits for it.
    handler = SimpleRequestHandler(
        dispatcher=runtime.dp,
        bot=runtime.bot,
        handle_in_background=False,
        secret_token=settings.webhook_secret.get_secret_value(),
    )
    # Not handler.register(): that also closes the Bot's HTTP session in on_shutdown, which aiohttp
    # runs *before* waiting for the requests in flight — their replies would fail. WebhookWorker.stop
    # closes it after they are done.
    stores = runtime.stores

    async def webhook(request: web.Request) -> web.StreamResponse:
        # A store down: not acknowledged (5xx), so Telegram sends the update again later. While
        # the stores stay down, answered at once without running a handler that would fail halfway.
        if not await stores.usable():
            return web.Response(status=503, text="stores unavailable")
        try:
            # The update id gives the update its place in its chat's line (bot/chat_lock.py);
            # aiohttp keeps the body, so the handler reads it again for free.
            with contextlib.suppress(ValueError, TypeError, KeyError):
                current_update.set(int((await request.json())["update_id"]))
            return await handler.handle(request)
        except Exception as failed:
            if not is_infrastructure(failed):
                raise  # not a bug of a handler (on_error acknowledges those): aiohttp answers 500
            stores.mark_down()
            log.warning("update not acknowledged, a store failed: %r", failed)
            return web.Response(status=503, text="stores unavailable")

    app.router.add_post(settings.webhook_path, webhook)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(request: web.Request) -> web.Response:
        checks = await stores.check()
        ready = all(v == "ok" for v in checks.values())
        return web.json_response({"ready": ready, **checks}, status=200 if ready else 503)

    async def metrics(request: web.Request) -> web.Response:
        body = await runtime.metrics.render(runtime.sessionmaker)
        return web.Response(body=body, content_type="text/plain", charset="utf-8")

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app


class WebhookWorker:
    """One worker: the web server, the webhook registration and the outbox sender."""

    def __init__(self, settings: Settings, clock: Clock, *, token: str | None = None) -> None:
        self.runtime = Runtime(settings, clock, token=token)
        self.app = build_web_app(self.runtime)
        self.runner = web.AppRunner(self.app, shutdown_timeout=SHUTDOWN_GRACE, handle_signals=False)
        self.sending: asyncio.Task[None] | None = None
        self.port = settings.web_port

    async def start(self) -> None:
        settings = self.runtime.settings
        await self.runner.setup()
        site = web.TCPSite(self.runner, settings.web_host, settings.web_port)
        await site.start()
        self.port = self.runner.addresses[0][1]
        await commands.publish(self.runtime.bot)
        if settings.webhook_url:
            assert settings.webhook_secret is not None
            await self.runtime.bot.set_webhook(
                settings.webhook_url.rstrip("/") + settings.webhook_path,
                secret_token=settings.webhook_secret.get_secret_value(),
                drop_pending_updates=False,
            )
        self.sending = asyncio.create_task(self.runtime.sender.run())
        log.info("webhook worker listening on %s:%s", settings.web_host, self.port)

    async def stop(self) -> None:
        """Graceful: stops accepting, lets the updates in flight finish, then the sender."""
        await self.runner.cleanup()  # waits up to SHUTDOWN_GRACE for the handlers in flight
        self.runtime.sender.stop()
        if self.sending is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.sending
        await self.runtime.close()


async def run_webhook(settings: Settings, clock: Clock) -> None:
    worker = await start_up(settings, lambda: WebhookWorker(settings, clock))
    await worker.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("stopping: finishing the updates in flight")
    await worker.stop()
