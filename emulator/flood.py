"""Telegram's flood control as the emulator applies it to sends: a global rate and one per chat."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from emulator.errors import APIError


class _SlidingWindow:
    """At most ``capacity`` events in any ``window`` seconds."""

    def __init__(self, capacity: int, window: float) -> None:
        self.capacity = max(1, capacity)
        self.window = window
        self._times: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()
        if len(self._times) < self.capacity:
            return 0.0
        return self._times[0] + self.window - now

    def add(self, now: float) -> None:
        self._times.append(now)


def _rate_window(rate: float) -> _SlidingWindow:
    if rate <= 0:
        raise ValueError("rates must be positive")
    window = max(1.0, 1.0 / rate)
    return _SlidingWindow(capacity=round(rate * window), window=window)


class FloodControl:
    """Refuses a send with 429 and retry_after when it would exceed either rate."""

    def __init__(self, global_rate: float, per_chat_rate: float, clock: Callable[[], float]) -> None:
        self.per_chat_rate = per_chat_rate
        self.refusals = 0  # 429s answered
        self._clock = clock
        self._global_window = _rate_window(float(global_rate))
        self._chat_windows: dict[int, _SlidingWindow] = {}

    def check(self, chat_id: int) -> None:
        now = self._clock()
        chat_window = self._chat_windows.get(chat_id)
        if chat_window is None:
            chat_window = self._chat_windows[chat_id] = _rate_window(self.per_chat_rate)
        wait = max(self._global_window.wait_time(now), chat_window.wait_time(now))
        if wait > 0:
            self.refusals += 1
            retry_after = max(1, math.ceil(wait))
            raise APIError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
        self._global_window.add(now)
        chat_window.add(now)
