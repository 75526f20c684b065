"""The transactional outbox: writing messages to send, in the transaction of the change itself.

A change that must reach someone (a status change, an announcement) writes an OutboxMessage in the
same transaction as the change: if the change commits, the message will be sent; if not, there is
nothing to send. bot/sender.py delivers them. An enqueue wakes the senders of this process once its
transaction commits (an after_commit hook on the session); they tell the other workers.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.models import Announcement
from bot.db.repositories.outbox import OutboxRepo
from bot.db.repositories.staff import StaffRepo
from bot.i18n import translator
from dialogs import staff_announcements as ann_ui
from knowledge.text import Message

log = logging.getLogger(__name__)


class Wakeable(Protocol):
    def wake(self, *, tell_others: bool = False) -> None: ...


# The senders running in this process (bot/sender.py), woken after a commit that enqueued something.
_running: weakref.WeakSet[Wakeable] = weakref.WeakSet()


def register(sender: Wakeable) -> None:
    _running.add(sender)


def unregister(sender: Wakeable) -> None:
    _running.discard(sender)


def _after_commit(session: Session) -> None:
    if session.info.pop("outbox_enqueued", False):
        for sender in list(_running):
            sender.wake(tell_others=True)


def _after_rollback(session: Session) -> None:
    session.info.pop("outbox_enqueued", None)


def _wake_on_commit(session: AsyncSession) -> None:
    """The senders are woken once this session's transaction commits (not before: the message is
    invisible to them until then; not at all if it rolls back)."""
    sync = session.sync_session
    sync.info["outbox_enqueued"] = True
    if not sync.info.get("outbox_hooked"):
        sync.info["outbox_hooked"] = True
        event.listen(sync, "after_commit", _after_commit)
        event.listen(sync, "after_rollback", _after_rollback)


def _row(chat_id: int, text: str, dedup_key: str, now: datetime, announcement_id: int | None) -> dict[str, object]:
    return dict(
        chat_id=chat_id,
        text=text,
        dedup_key=dedup_key,
        state="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        announcement_id=announcement_id,
        resend_if_unsure=announcement_id is None,
    )


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    text: str,
    dedup_key: str,
    clock: Clock,
    buttons: list[list[str]] | None = None,
) -> bool:
    """Adds a message to the outbox within the caller's transaction; the same key is added once.
    ``buttons``: one inline button per row, [label, callback data].

    Returns whether it was new."""
    row = _row(chat_id, text, dedup_key, clock.now(), None)
    if buttons:
        row["buttons"] = buttons
    new = await OutboxRepo(session).add(row)
    if new:
        _wake_on_commit(session)
    return new


async def tell(
    session: AsyncSession,
    chat_id: int,
    message: Message,
    *,
    dedup_key: str,
    clock: Clock,
    language: str | None = None,
    buttons: Sequence[tuple[Message, str]] = (),
) -> bool:
    """Renders ``message`` in the recipient's language (theirs as stored, unless given) and adds it
    to the outbox: the one way a notification is written for a person. ``buttons``: (label,
    callback data), one per row, the labels rendered in the same language."""
    if language is None:
        stored = await OutboxRepo(session).language_of(chat_id)
        language = stored if stored is not None else "en"
    tr = translator(language)
    text = tr.render(message)
    rows = [[tr.render(label, html_mode=False), data] for label, data in buttons]
    return await enqueue(session, chat_id=chat_id, text=text, dedup_key=dedup_key, clock=clock, buttons=rows)


async def enqueue_announcement(
    session: AsyncSession, announcement_id: int, texts: dict[int, str], clock: Clock, chunk: int = 500
) -> None:
    """One message per recipient (chat id -> text), within the caller's transaction; keyed by
    announcement and chat, so a retried confirmation cannot message anyone twice."""
    now = clock.now()
    rows = [_row(chat, text, f"ann:{announcement_id}:{chat}", now, announcement_id) for chat, text in texts.items()]
    repo = OutboxRepo(session)
    for i in range(0, len(rows), chunk):
        await repo.add_many(rows[i : i + chunk])
    if rows:
        _wake_on_commit(session)


async def delivery_counts(session: AsyncSession, announcement_id: int) -> dict[str, int]:
    """How many of an announcement's messages are in each state."""
    return await OutboxRepo(session).counts_of(announcement_id)


async def report_to_author(session: AsyncSession, ann: Announcement, counts: dict[str, int], clock: Clock) -> None:
    """The final report, once, in the author's staff language (through this same outbox)."""
    state = await StaffRepo(session).state_of(ann.created_by)
    tr = translator(state.locale if state else "ko")
    text = tr.render(ann_ui.announcement_report(ann.id, ann.state, counts))
    await enqueue(session, chat_id=ann.created_by, text=text, dedup_key=f"ann-report:{ann.id}", clock=clock)
