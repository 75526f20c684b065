"""How updates reach the bot: getUpdates long polling, or setWebhook and a POST of each update.

:class:`UpdateDelivery` is a base class of :class:`~emulator.server.BotAPIEmulator` serving getUpdates,
setWebhook and deleteWebhook. Like Telegram, a webhook gets each update POSTed with the secret token
header, in order, over ``webhook_connections`` connections (one by default), until it answers 2xx
(a non-2xx answer or a network error is retried); ``webhook_targets`` stands for a load balancer
(round robin over several bot processes). Certificates and IP checks are not emulated. The state
these methods use is the emulator's, declared here.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from typing import Any, Final

import aiohttp

from emulator.errors import APIError, bad_request
from emulator.updates import UpdateQueue

_CONFLICT: Final = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


class UpdateDelivery:
    """getUpdates and the webhook of :class:`~emulator.server.BotAPIEmulator` (see the module docstring)."""

    # The emulator's state these methods use (set by BotAPIEmulator.__init__).
    updates: UpdateQueue
    webhook_targets: list[str]
    webhook_connections: int
    webhook_deliveries: list[tuple[int, str, int]]
    _poll_generation: int
    _poll_count: int
    _last_poll_at: float | None
    _webhook_url: str | None
    _webhook_secret: str | None
    _webhook_tasks: list[asyncio.Task[None]]
    _in_flight: set[int]
    _round_robin: int
    _changed: asyncio.Event
    _closing: bool
    # Defined by BotAPIEmulator: wake the waiters.
    _notify: Callable[[], None]

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        if not url:
            return await self._delete_webhook(params)
        if not str(url).startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        self._webhook_url, self._webhook_secret = str(url), secret
        if params.get("drop_pending_updates"):
            self.updates.drop_pending()
        self._poll_generation += 1  # a long poll in progress ends with 409
        self._notify()
        self._webhook_tasks = [t for t in self._webhook_tasks if not t.done()]
        while len(self._webhook_tasks) < self.webhook_connections:
            self._webhook_tasks.append(asyncio.create_task(self._deliver_webhooks()))
        return True

    async def _deliver_webhooks(self) -> None:
        """Like Telegram: POST each update to the webhook until it answers 2xx."""
        async with aiohttp.ClientSession() as http:
            while not self._closing and self._webhook_url:
                update = next((u for u in self.updates.deliverable(100) if u["update_id"] not in self._in_flight), None)
                if update is None:
                    changed = self._changed
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), 0.5)
                    continue
                update_id = update["update_id"]
                self._in_flight.add(update_id)
                targets = self.webhook_targets or [self._webhook_url]
                target = targets[self._round_robin % len(targets)]
                self._round_robin += 1
                headers = {"X-Telegram-Bot-Api-Secret-Token": self._webhook_secret} if self._webhook_secret else {}
                try:
                    async with http.post(
                        target, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=60)
                    ) as response:
                        status = response.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0
                self.webhook_deliveries.append((update_id, target, status))
                self._in_flight.discard(update_id)
                if 200 <= status < 300:
                    self.updates.delivered(update_id)
                else:
                    await asyncio.sleep(0.2)  # retried later, as Telegram does

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self._webhook_url = self._webhook_secret = None
        if params.get("drop_pending_updates"):
            self.updates.drop_pending()
            self._notify()
        return True

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        limit = params.get("limit", 100)
        timeout = params.get("timeout", 0)
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = max(timeout, 0) if isinstance(timeout, int | float) else 0
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self.updates.allowed_updates = list(allowed) if isinstance(allowed, list) else None
        if self._webhook_url:
            raise APIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._poll_count += 1
        self._last_poll_at = time.monotonic()
        if isinstance(offset, int):
            self.updates.confirm(offset)
        self._notify()  # wakes wait_processed and terminates an older long poll
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise APIError(409, _CONFLICT)
            batch = self.updates.deliverable(limit)
            if batch or self._closing:
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                return []
