"""One-time confirmation tokens: the repository behind every destructive or final button.

A screen that asks "are you sure?" (delete my data, submit, a staff decision, cancelling an
announcement) carries a fresh token in its button's callback data; asking again replaces the
person's earlier token for that action, so only the newest screen's button acts. The first tap
spends the token (one DELETE, in the transaction of the action itself): a second tap, a stale
screen or a forged callback finds nothing and gets a clear answer instead of a second action.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Confirmation

# A confirmation screen left open longer than this asks again (the decision it showed may be old).
TOKEN_LIFETIME = timedelta(hours=24)
ERASE, SUBMIT, DECIDE, CANCEL_ANNOUNCEMENT = "erase", "submit", "decide", "ann_cancel"
SEND_UPDATE = "send_update"  # the answer to a request for more information


class Confirmations:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def ask(self, user_id: int, action: str, target: str | int = "") -> str:
        """A new token for ``action`` on ``target``, replacing this person's earlier ones for it."""
        await self.withdraw(user_id, action)
        token = secrets.token_urlsafe(9)  # 12 characters: fits callback data with room to spare
        self.session.add(
            Confirmation(token=token, user_id=user_id, action=action, target=str(target), created_at=self.clock.now())
        )
        await self.session.flush()
        return token

    async def spend(self, user_id: int, action: str, token: str, target: str | int = "") -> bool:
        """True once for a live token of this person, action and target; False for anything else."""
        if not token:
            return False
        result = await self.session.execute(
            delete(Confirmation).where(
                Confirmation.token == token,
                Confirmation.user_id == user_id,
                Confirmation.action == action,
                Confirmation.target == str(target),
                Confirmation.created_at > self.clock.now() - TOKEN_LIFETIME,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def withdraw(self, user_id: int, action: str) -> None:
        """The person answered "no" (or was asked again): no earlier button of theirs acts."""
        await self.session.execute(
            delete(Confirmation).where(Confirmation.user_id == user_id, Confirmation.action == action)
        )
