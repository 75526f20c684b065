"""What every repository holds: the update's session, which it queries and never commits."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class Repo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
