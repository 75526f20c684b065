"""Production mode: webhooks with a secret, health and metrics; two workers on one PostgreSQL and
Redis (a conversation alternating between them, an announcement sent by both within one global
rate, a worker killed mid-broadcast while the other finishes it)."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy import text

from bot.clock import FixedClock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.services.announcements import AnnouncementService
from bot.services.staff import StaffService
from bot.web import WebhookWorker
from emulator import TEST_TOKEN, BotAPIEmulator
from tests.conftest import on_postgres
from tests.e2e import ELIGIBLE_WEB_DEV, answer, kill, nav

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cret-token_for-tests"


def webhook_settings(settings: Settings, emulator: BotAPIEmulator, **extra: object) -> Settings:
    values: dict[str, object] = {
        "webhook_url": "http://127.0.0.1:1",  # what Telegram is told; the emulator routes to the workers
        "webhook_secret": SecretStr(SECRET),
        "web_port": 0,
        "telegram_api_base": emulator.base_url,
    }
    values.update(extra)
    return settings.model_copy(update=values)


async def empty_redis() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: this Redis test is skipped (.ci/run sets it)")
    redis = Redis.from_url(url)
    keys = [k async for k in redis.scan_iter("gg:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()
    return url


@pytest.fixture
async def shared(settings: Settings) -> Settings:
    """Settings pointing at the real PostgreSQL and Redis of this machine (skips without them)."""
    return await on_postgres(settings, redis_url=await empty_redis())


async def test_webhook_refuses_a_wrong_secret_and_serves_health_and_metrics(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator
) -> None:
    worker = WebhookWorker(webhook_settings(settings, emulator), clock, token=TEST_TOKEN)
    await worker.start()
    base = f"http://127.0.0.1:{worker.port}"
    try:
        assert emulator.calls("setWebhook")[-1]["secret_token"] == SECRET
        emulator.webhook_targets = [base + settings.webhook_path]
        user = emulator.user(801)
        replies = await user.say("/start")
        assert replies and "Hello" in replies[0].plain
        update = {
            "update_id": 99,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 5, "type": "private"},
                "from": {"id": 5, "is_bot": False, "first_name": "X"},
                "text": "/start",
            },
        }
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(base + settings.webhook_path, json=update, headers=headers) as response:
                    assert response.status == 401
            async with http.get(base + "/healthz") as response:
                assert response.status == 200
            async with http.get(base + "/readyz") as response:
                assert response.status == 200 and (await response.json())["database"] == "ok"
            async with http.get(base + "/metrics") as response:
                body = await response.text()
        assert 'bot_updates_total{result="ok",type="message"}' in body and "bot_outbox_backlog" in body
        assert "bot_handler_seconds_count" in body
        assert emulator.chat(5) is None  # the forged update reached no handler
    finally:
        await worker.stop()


@pytest.fixture
async def two_workers(
    shared: Settings, clock: FixedClock, emulator: BotAPIEmulator
) -> AsyncIterator[list[WebhookWorker]]:
    workers = [WebhookWorker(webhook_settings(shared, emulator), clock, token=TEST_TOKEN) for _ in range(2)]
    for w in workers:
        await w.start()
    emulator.webhook_targets = [f"http://127.0.0.1:{w.port}{shared.webhook_path}" for w in workers]
    emulator.webhook_connections = 2
    yield workers
    for w in workers:
        await w.stop()


async def test_a_conversation_alternating_between_two_workers_loses_nothing(
    two_workers: list[WebhookWorker], emulator: BotAPIEmulator
) -> None:
    user = emulator.user(802)
    await user.say("/start")
    await answer(user, *ELIGIBLE_WEB_DEV)
    verdict = await user.tap(nav(user, "result"))
    assert verdict[0].plain.startswith("✅"), verdict[0].plain
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{two_workers[0].port}/readyz") as response:
        assert response.status == 200 and await response.json() == {"ready": True, "database": "ok", "redis": "ok"}
    targets = [t for _, t, status in emulator.webhook_deliveries if status == 200]
    assert len(set(targets)) == 2 and all(a != b for a, b in itertools.pairwise(targets))


async def _announce(settings: Settings, clock: FixedClock, emulator: BotAPIEmulator, count: int) -> range:
    recipients = range(40_000, 40_000 + count)
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await session.execute(
            text(
                "INSERT INTO users (id, language, language_chosen, created_at, last_seen_at, mode, counted) "
                "SELECT g, 'en', false, now(), now(), 'check', '[]' FROM generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) g"
            ),
            {"a": recipients[0], "b": recipients[-1]},
        )
        await session.commit()
        for uid in recipients:
            emulator.user(uid).open_chat()
        draft = {"audience": {"kind": "all"}, "versions": {"en": "Open day in Suwon"}, "fallback": "en"}
        await AnnouncementService(session, clock, StaffService(session, clock, frozenset())).create(1, draft)
    await engine.dispose()
    return recipients


def received(emulator: BotAPIEmulator, uid: int) -> int:
    chat = emulator.chat(uid)
    return sum(1 for m in chat.messages if "Open day in Suwon" in m.plain) if chat else 0


@pytest.mark.slow
async def test_two_workers_send_an_announcement_once_each_within_one_global_rate(
    shared: Settings, clock: FixedClock
) -> None:
    emulator = BotAPIEmulator(flood_control=True, global_rate=30, per_chat_rate=1.0)
    await emulator.start()
    workers = [
        WebhookWorker(webhook_settings(shared, emulator, send_rate=27.0), clock, token=TEST_TOKEN) for _ in range(2)
    ]
    try:
        recipients = await _announce(shared, clock, emulator, 240)
        started = asyncio.get_running_loop().time()
        for w in workers:
            await w.start()
        for _ in range(400):
            if sum(received(emulator, u) for u in recipients) == len(recipients):
                break
            await asyncio.sleep(0.1)
        elapsed = asyncio.get_running_loop().time() - started
    finally:
        for w in workers:
            await w.stop()
        await emulator.stop()
    assert [received(emulator, u) for u in recipients] == [1] * len(recipients)
    assert emulator.flood_refusals == 0  # never above Telegram's 30 a second, both workers together
    assert elapsed >= len(recipients) / 27 * 0.9  # one shared budget: two workers are not twice as fast
    per_worker = [w.runtime.metrics.sends.labels("sent")._value.get() for w in workers]
    assert all(n > 0 for n in per_worker) and sum(per_worker) == len(recipients)


@pytest.mark.slow
async def test_a_worker_killed_mid_broadcast_the_other_finishes_it(
    shared: Settings, clock: FixedClock, tmp_path: Path
) -> None:
    emulator = BotAPIEmulator()
    await emulator.start()
    recipients = await _announce(shared, clock, emulator, 300)
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN",)}
    env.update(
        BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE=emulator.base_url,
        DATABASE_URL=shared.database_url,
        REDIS_URL=str(shared.redis_url),
        KEY_FILE=shared.key_file,
        WEBHOOK_URL="http://127.0.0.1:1",
        WEBHOOK_SECRET=SECRET,
        WEB_PORT="0",
        SEND_RATE="150",
        OUTBOX_LEASE_SECONDS="2",
        LOG_LEVEL="WARNING",
    )
    logs = [tmp_path / f"worker{i}.log" for i in range(2)]  # shown if the broadcast does not finish
    procs = []
    for log in logs:
        with log.open("wb") as stderr:  # the child keeps its own copy of the descriptor
            procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "run", "--webhook", cwd=ROOT, env=env, stderr=stderr
                )
            )
    try:
        for _ in range(600):
            if sum(received(emulator, u) for u in recipients) >= 80:
                break
            await asyncio.sleep(0.05)
        await kill(procs[0])
        for _ in range(900):
            engine = make_engine(shared)
            async with engine.connect() as conn:
                state = (await conn.execute(text("SELECT state FROM announcements"))).scalar_one()
                states = Counter(
                    dict(
                        (
                            await conn.execute(
                                text(
                                    "SELECT state, count(*) FROM outbox WHERE announcement_id IS NOT NULL GROUP BY state"
                                )
                            )
                        ).all()
                    )
                )
            await engine.dispose()
            if state == "done":
                break
            await asyncio.sleep(0.1)
        else:
            workers = [
                f"worker {i} (exit {p.returncode}): {log.read_text()[-1500:]}"
                for i, (p, log) in enumerate(zip(procs, logs, strict=True))
            ]
            raise AssertionError(f"the broadcast did not finish: {states}\n" + "\n".join(workers))
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(proc.wait(), 40)
        await emulator.stop()
    counts = [received(emulator, u) for u in recipients]
    assert max(counts) == 1  # nobody twice
    assert states["uncertain"] <= 4 and counts.count(0) <= states["uncertain"]  # only sends in flight at the kill
    assert states["sent"] + states["uncertain"] == len(recipients)


async def test_a_stopping_worker_finishes_the_update_in_flight(
    settings: Settings, clock: FixedClock, emulator: BotAPIEmulator
) -> None:
    worker = WebhookWorker(webhook_settings(settings, emulator), clock, token=TEST_TOKEN)
    await worker.start()
    emulator.webhook_targets = [f"http://127.0.0.1:{worker.port}{settings.webhook_path}"]
    original = emulator._send_message

    async def slow_send(params: dict[str, object]) -> dict[str, object]:
        await asyncio.sleep(0.3)  # Telegram being slow: the update is still being handled ...
        return await original(params)

    emulator._methods["sendmessage"] = slow_send
    user = emulator.user(803)
    update_id = await user.send_text("/start")
    for _ in range(200):
        if update_id in emulator._in_flight:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    await worker.stop()  # ... when the worker is told to stop (SIGTERM)
    assert len(user.messages) == 3 and "Hello" in user.messages[0].plain  # all of its replies went out
    assert (update_id, emulator.webhook_targets[0], 200) in emulator.webhook_deliveries


async def test_a_busy_chats_next_update_starts_soon_after_the_first_ends(settings: Settings, clock: FixedClock) -> None:
    """With Redis, a chat's updates are serialised by a lock the waiting one polls for (aiogram's
    RedisEventIsolation). By default it polls every 100 ms: a tap that came while /start's three
    messages were still being sent waited that long (bench/latency.py, webhook layout)."""
    from aiogram.fsm.storage.base import StorageKey

    from bot.app import build_dispatcher
    from bot.crypto import FileCipher, Vault, load_key
    from bot.services.uploads import FileStore

    redis = Redis.from_url(await empty_redis())
    engine = make_engine(settings)
    dp = build_dispatcher(
        engine,
        clock,
        Vault(load_key(settings)),
        FileStore(settings.files_dir, FileCipher(load_key(settings))),
        redis=redis,
    )
    isolation = dp.fsm.events_isolation
    key = StorageKey(bot_id=1, chat_id=5, user_id=5, destiny="default")
    loop = asyncio.get_running_loop()
    released = 0.0
    holding = asyncio.Event()

    async def first() -> None:
        nonlocal released
        async with isolation.lock(key):
            holding.set()
            await asyncio.sleep(0.03)
            released = loop.time()

    try:
        holder = asyncio.create_task(first())
        await holding.wait()  # the second update arrives while the first is being handled
        async with isolation.lock(key):
            waited = loop.time() - released
        await holder
        assert waited < 0.06  # polled every 10 ms: about one poll; every 100 ms: about 70 ms
    finally:
        await redis.aclose()
        await engine.dispose()
