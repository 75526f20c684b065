"""A chat's lock across workers (bot/chat_lock.py): renewed while its update is handled, gone soon
after its worker is killed, and a chat's updates taken in the order of their ids, so a resent
update goes before a later one."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sys
from pathlib import Path
from typing import Any

import aiohttp
from aiogram.fsm.storage.base import StorageKey
from aiohttp import web
from redis.asyncio import Redis

from bot.chat_lock import ChatLock, current_update
from bot.clock import FixedClock
from bot.config import Settings
from bot.web import WebhookWorker
from emulator import TEST_TOKEN, BotAPIEmulator
from tests.e2e import bot_process_env, kill
from tests.test_production import ROOT, SECRET, empty_redis, shared, webhook_settings  # noqa: F401

TTL = 2.0
KEY = StorageKey(bot_id=1, chat_id=7, user_id=7, destiny="default")


async def test_the_holder_renews_its_lock_and_waiters_go_in_the_order_of_their_ids() -> None:
    redis = Redis.from_url(await empty_redis())
    lock = ChatLock(redis, ttl=0.3)
    entered: list[int] = []

    async def update(update_id: int, hold: float) -> None:
        current_update.set(update_id)
        async with lock.lock(KEY):
            entered.append(update_id)
            await asyncio.sleep(hold)

    try:
        first = asyncio.create_task(update(10, 1.0))  # longer than three TTLs: renewed meanwhile
        await asyncio.sleep(0.05)
        later = asyncio.create_task(update(12, 0))
        await asyncio.sleep(0.05)
        earlier = asyncio.create_task(update(11, 0))  # came later, but its id is lower
        await asyncio.sleep(0.7)
        assert entered == [10]  # nobody got in while the holder lived
        await asyncio.gather(first, later, earlier)
        assert entered == [10, 11, 12]
    finally:
        await redis.aclose()


class Balancer:
    def __init__(self, runner: web.AppRunner, url: str) -> None:
        self.runner, self.url = runner, url


async def start_balancer(target: str, held_id: int, until: float) -> Balancer:
    """A reverse proxy in front of the survivor; update ``held_id`` gets a 502 until ``until``."""

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        if json.loads(body)["update_id"] == held_id and asyncio.get_running_loop().time() < until:
            return web.Response(status=502)
        async with (
            aiohttp.ClientSession() as http,
            http.post(target, data=body, headers={k: v for k, v in request.headers.items() if k.startswith("X-")}) as r,
        ):
            return web.Response(status=r.status, body=await r.read())

    app = web.Application()
    app.router.add_post("/", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return Balancer(runner, f"http://127.0.0.1:{runner.addresses[0][1]}/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_killed_worker_does_not_freeze_its_chat_and_its_resent_update_goes_first(
    shared: Settings,  # noqa: F811
    clock: FixedClock,
    emulator: BotAPIEmulator,
    tmp_path: Path,
) -> None:
    """A webhook worker (a real process) is killed with SIGKILL while it handles /start, holding
    the chat's lock; Telegram resends /start to the other worker, and the person's next message
    /status comes meanwhile. The chat is usable again within about the lock's TTL, and /start is
    answered before /status."""
    emulator.webhook_connections = 2  # as Telegram: more than one update in flight at once
    port = free_port()
    env = bot_process_env(tmp_path, emulator)
    env.update(
        DATABASE_URL=shared.database_url,
        REDIS_URL=str(shared.redis_url),
        KEY_FILE=shared.key_file,
        FILES_DIR=shared.files_dir,
        WEBHOOK_URL="http://127.0.0.1:1",
        WEBHOOK_SECRET=SECRET,
        WEB_PORT=str(port),
        CHAT_LOCK_SECONDS=str(TTL),
    )
    dying_url = f"http://127.0.0.1:{port}{shared.webhook_path}"
    emulator.webhook_targets = [dying_url]
    with (tmp_path / "worker.log").open("wb") as stderr:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--webhook", cwd=ROOT, env=env, stderr=stderr
        )
    survivor = WebhookWorker(webhook_settings(shared, emulator, chat_lock_seconds=TTL), clock, token=TEST_TOKEN)
    await survivor.start()
    user = emulator.user(1701)
    stalled = asyncio.Event()
    original = emulator._methods["sendmessage"]

    async def stall_first_reply(params: dict[str, Any]) -> Any:
        if not stalled.is_set() and int(params.get("chat_id", 0)) == 1701:
            stalled.set()
            await asyncio.sleep(3600)  # the worker is killed while it waits here
        return await original(params)

    emulator._methods["sendmessage"] = stall_first_reply
    balancer: Balancer | None = None
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                await asyncio.sleep(0.05)
        start_id = await user.send_text("/start")
        await asyncio.wait_for(stalled.wait(), 15)  # the dying worker holds the chat's lock
        await kill(proc)
        loop = asyncio.get_running_loop()
        killed_at = loop.time()
        # The load balancer sends the resent /start to the dead worker (a 502) until its lock has
        # expired, while the next message reaches the survivor at once: without the order of ids
        # the later message would take the free lock first.
        balancer = await start_balancer(
            f"http://127.0.0.1:{survivor.port}{shared.webhook_path}", start_id, killed_at + TTL + 0.3
        )
        emulator.webhook_targets = [balancer.url]
        await user.send_text("/status")
        for _ in range(300):
            texts = [m.plain for m in user.messages]
            if any("Hello" in t for t in texts) and any("no submitted application" in t for t in texts):
                break
            await asyncio.sleep(0.05)
        waited = loop.time() - killed_at
        texts = [m.plain for m in user.messages]
        hello = [i for i, t in enumerate(texts) if "Hello" in t]
        status = [i for i, t in enumerate(texts) if "no submitted application" in t]
        assert hello and status and hello[0] < status[0], texts  # the resent /start first
        assert waited < TTL * 2 + 2, waited  # usable again within about the TTL (not 60 s)
    finally:
        if proc.returncode is None:
            await kill(proc)
        await survivor.stop()
        if balancer is not None:
            await balancer.runner.cleanup()
