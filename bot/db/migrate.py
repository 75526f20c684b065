"""Alembic, driven from code: `python -m bot migrate` and the start of `run` call upgrade().

Alembic is imported only when there is something to do: it adds 10 MB to a process that then
serves for weeks, and `run` usually starts on a database already at HEAD (one SELECT tells).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"

# The newest revision in migrations/versions; tests/test_migrations.py checks it is alembic's head.
HEAD = "0017"


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database_url)
    return cfg


async def at_head(database_url: str) -> bool:
    """True if the database is already at HEAD (so `upgrade` would do nothing)."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    except DBAPIError:  # no alembic_version table yet: a new database
        return False
    finally:
        await engine.dispose()
    return list(versions) == [HEAD]


def upgrade(database_url: str, revision: str = "head") -> None:
    """Applies migrations (blocking: call it from a thread inside an event loop)."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)
