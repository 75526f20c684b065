"""Infrastructure faults at the webhook: an update that fails because a store is unreachable is not
acknowledged (5xx, Telegram resends it) and is handled once the store is back; a bug in a handler
is still acknowledged after the apology, so one bad update cannot loop forever."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.db.repo import PersonRepo
from bot.web import WebhookWorker
from emulator import TEST_TOKEN, BotAPIEmulator, FakeUser
from tests.e2e import APOLOGY_EN
from tests.proxy import CuttableProxy
from tests.test_production import shared, webhook_settings  # noqa: F401 - the fixture

TROUBLE_EN = "We are having technical trouble right now"


@pytest.fixture
async def worker(settings: Settings, clock: FixedClock, emulator: BotAPIEmulator) -> AsyncIterator[WebhookWorker]:
    w = WebhookWorker(webhook_settings(settings, emulator), clock, token=TEST_TOKEN)
    await w.start()
    emulator.webhook_targets = [f"http://127.0.0.1:{w.port}{settings.webhook_path}"]
    yield w
    await w.stop()


def statuses(emulator: BotAPIEmulator, update_id: int) -> list[int]:
    return [status for uid, _, status in emulator.webhook_deliveries if uid == update_id]


async def wait_statuses(emulator: BotAPIEmulator, update_id: int, until: object, timeout: float = 20) -> list[int]:
    for _ in range(int(timeout * 20)):
        got = statuses(emulator, update_id)
        if callable(until) and until(got):
            return got
        await asyncio.sleep(0.05)
    raise AssertionError(f"deliveries of {update_id}: {statuses(emulator, update_id)}")


def plain(user: FakeUser) -> list[str]:
    return [m.plain for m in user.messages]


async def test_a_store_failure_is_not_acknowledged_and_the_resent_update_is_handled(
    worker: WebhookWorker, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = True
    load = PersonRepo.load

    async def unreachable(self, *args):  # type: ignore[no-untyped-def]
        if down:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
        return await load(self, *args)

    monkeypatch.setattr(PersonRepo, "load", unreachable)
    user = emulator.user(1501)
    update_id = await user.send_text("/start")
    got = await wait_statuses(emulator, update_id, lambda s: len(s) >= 3)
    assert set(got) == {503}, got  # Telegram would resend it
    down = False
    got = await wait_statuses(emulator, update_id, lambda s: 200 in s)
    assert got[-1] == 200
    for _ in range(100):
        if any("Hello" in t for t in plain(user)):
            break
        await asyncio.sleep(0.05)
    texts = plain(user)
    assert any("Hello" in t for t in texts), texts
    assert not any(APOLOGY_EN in t for t in texts), texts
    assert sum(TROUBLE_EN in t for t in texts) == 1, texts  # one short notice, not one per attempt


async def test_a_bug_in_a_handler_is_acknowledged_after_the_apology(
    worker: WebhookWorker, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def bug(self, *args):  # type: ignore[no-untyped-def]
        raise ValueError("a deterministic bug")

    monkeypatch.setattr(PersonRepo, "load", bug)
    user = emulator.user(1502)
    update_id = await user.send_text("/start")
    got = await wait_statuses(emulator, update_id, lambda s: len(s) >= 1)
    await asyncio.sleep(0.5)
    assert statuses(emulator, update_id) == [200] == got  # once, acknowledged: no loop
    for _ in range(100):
        if user.messages:
            break
        await asyncio.sleep(0.05)
    assert APOLOGY_EN in user.messages[-1].plain
    assert not any(TROUBLE_EN in t for t in plain(user))


@pytest.mark.parametrize("store", ["redis", "database"])
async def test_a_cut_store_gets_5xx_fast_until_it_is_back(
    store: str,
    shared: Settings,  # noqa: F811
    clock: FixedClock,
    emulator: BotAPIEmulator,
) -> None:
    """A real network fault: the worker reaches PostgreSQL and Redis through proxies; one is cut."""
    assert shared.redis_url is not None
    proxies = {"database": CuttableProxy.for_url(shared.database_url), "redis": CuttableProxy.for_url(shared.redis_url)}
    for p in proxies.values():
        await p.start()
    through = webhook_settings(
        shared,
        emulator,
        database_url=proxies["database"].url(shared.database_url),
        redis_url=proxies["redis"].url(shared.redis_url),
    )
    w = WebhookWorker(through, clock, token=TEST_TOKEN)
    await w.start()
    emulator.webhook_targets = [f"http://127.0.0.1:{w.port}{shared.webhook_path}"]
    try:
        user = emulator.user(1503)
        assert any("Hello" in m.plain for m in await user.say("/start"))
        feed = w.runtime.dp.feed_update
        handled = 0

        async def counting(*args: object, **kwargs: object) -> object:
            nonlocal handled
            handled += 1
            return await feed(*args, **kwargs)  # type: ignore[arg-type]

        w.runtime.dp.feed_update = counting  # type: ignore[method-assign]
        proxies[store].cut()
        update_id = await user.send_text("/status")
        got = await wait_statuses(emulator, update_id, lambda s: len(s) >= 5)
        assert set(got) == {503}, got
        assert handled == 1, handled  # then answered at once while the store stays down, no handler run
        proxies[store].restore()
        got = await wait_statuses(emulator, update_id, lambda s: 200 in s)
        assert got[-1] == 200
        await emulator.wait_processed(timeout=15)
        texts = plain(user)
        assert not any(APOLOGY_EN in t for t in texts), texts
        assert sum(TROUBLE_EN in t for t in texts) <= 1, texts
        assert len(texts) > 4  # /status answered after the store came back
    finally:
        await w.stop()
        for p in proxies.values():
            await p.stop()
