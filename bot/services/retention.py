"""After the close: what happens to drafts that were never sent (the rule is in dialogs/deadline.py).

Each draft's owner is told once at the close, once RETENTION_NOTICE before the erasure, and once
after it; at DRAFT_RETENTION after the close the draft, its documents' rows and its files go.
Submitted applications are not touched: staff keep deciding, and their road goes on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.confirmations import SUBMIT
from bot.db.repositories.applications import ApplicationRepo
from bot.i18n import translator
from bot.services.outbox import enqueue
from bot.services.uploads import FileStore
from dialogs import statuses as st
from dialogs.deadline import RETENTION_NOTICE, draft_after_close, drafts_erased_at, is_closed
from knowledge.text import Lines, T, Text


def erasing_soon() -> Text:
    return T(
        "🗑 On {erased} (Korea time), your unsent draft application and its documents will be erased, as applications closed. See what is stored with /mydata first if you wish.",
        erased=drafts_erased_at(),
    )


ERASED = T(
    "🗑 Your unsent draft application and its documents have been erased, as announced after applications closed. Your eligibility answers stay until you /delete them."
)


async def run_retention(session: AsyncSession, clock: Clock, store: FileStore | None = None) -> int:
    """Tells and erases as the rule says; returns how many messages were new."""
    now = clock.now()
    if not is_closed(now):  # an extension reopens every draft: nothing is due
        return 0
    repo, erase_at, added = ApplicationRepo(session), drafts_erased_at(), 0
    for app, user in await repo.consented_in(st.DRAFT):
        tr = translator(user.language)
        if now >= erase_at:
            paths = await repo.erase_if_in(app.id, st.DRAFT, (SUBMIT,))
            if paths is None:
                continue
            added += await enqueue(
                session, chat_id=user.id, text=tr.render(ERASED), dedup_key=f"retention:erased:{app.id}", clock=clock
            )
            await session.commit()  # the rows first: a file without a row is never read again
            for path in paths:
                Path(path).unlink(missing_ok=True)
            if store is not None:
                store.remove_application(app.id)
            continue
        key, message = (
            (f"retention:soon:{app.id}", erasing_soon())
            if now >= erase_at - RETENTION_NOTICE
            else (f"retention:closed:{app.id}", Lines((T("🔒 Applications have closed."), draft_after_close())))
        )
        added += await enqueue(session, chat_id=user.id, text=tr.render(message), dedup_key=key, clock=clock)
    await session.commit()
    return added
