"""The updates waiting for the bot, and which of them count as handled (confirmed, dropped, delivered)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

# Telegram sends these only when allowed_updates names them.
_NOT_DEFAULT_UPDATES: Final = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    """Update ids in order; ``changed`` is called whenever the queue moves (waiters re-check)."""

    def __init__(self, changed: Callable[[], None]) -> None:
        self.pending: list[dict[str, Any]] = []
        self.last_update_id: int | None = None
        self.confirmed_offset = 0
        self.allowed_updates: list[str] | None = None
        self._changed = changed
        self._next_update_id = 1
        self._dropped: set[int] = set()
        self._delivered: set[int] = set()

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        return self.inject({"update_id": self._next_update_id, kind: payload})

    def inject(self, update: dict[str, Any]) -> int:
        """Queues a raw update as given; without an update_id it gets the next one."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        update_id = int(update["update_id"])
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self.pending.append(update)
        self.last_update_id = update_id
        self._changed()
        return update_id

    def is_processed(self, update_id: int) -> bool:
        return update_id < self.confirmed_offset or update_id in self._dropped or update_id in self._delivered

    def confirm(self, offset: int) -> None:
        """getUpdates' offset: a positive one confirms everything below it; a negative one keeps the last -offset."""
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
            self.confirmed_offset = max(self.confirmed_offset, offset)
        elif offset < 0:
            keep = -offset
            forgotten = self.pending[:-keep] if keep < len(self.pending) else []
            self._dropped.update(u["update_id"] for u in forgotten)
            self.pending = self.pending[len(forgotten) :]

    def delivered(self, update_id: int) -> None:
        """A webhook answered 2xx for it."""
        self._delivered.add(update_id)
        self.pending = [u for u in self.pending if u["update_id"] != update_id]
        self._changed()

    def drop_pending(self) -> None:
        self._dropped.update(u["update_id"] for u in self.pending)
        self.pending.clear()

    def deliverable(self, limit: int) -> list[dict[str, Any]]:
        """The next updates to hand out; those allowed_updates excludes are dropped, as Telegram never sends them."""
        allowed = set(self.allowed_updates or ())
        kept: list[dict[str, Any]] = []
        for update in self.pending:
            kind = next(key for key in update if key != "update_id")
            wanted = kind in allowed if allowed else kind not in _NOT_DEFAULT_UPDATES
            if wanted:
                kept.append(update)
            else:
                self._dropped.add(update["update_id"])
        if len(kept) != len(self.pending):
            self.pending = kept
            self._changed()
        return kept[:limit]
