"""The migration stairway: every revision upgrades, downgrades and upgrades again on a real database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from bot.db.migrate import HEAD, alembic_config, at_head, downgrade, upgrade
from bot.db.models import Base
from tests.conftest import empty_postgres


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


@pytest.mark.parametrize("revision", revisions())
def test_stairway(tmp_path: Path, revision: str) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stairway.sqlite3'}"
    script = ScriptDirectory.from_config(alembic_config(url))
    down = script.get_revision(revision).down_revision or "base"
    upgrade(url, revision)
    downgrade(url, down if isinstance(down, str) else down[0])
    upgrade(url, revision)


def test_head_constant_is_alembics_head(tmp_path: Path) -> None:
    """`run` skips alembic when the database is at HEAD: HEAD must be the newest revision, and the
    check must tell a new, an older and a current database apart."""
    assert ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://")).get_heads() == [HEAD]
    url = f"sqlite+aiosqlite:///{tmp_path / 'head.sqlite3'}"
    assert asyncio.run(at_head(url)) is False
    upgrade(url, revisions()[-2])
    assert asyncio.run(at_head(url)) is False
    upgrade(url)
    assert asyncio.run(at_head(url)) is True


def test_head_matches_the_models(tmp_path: Path) -> None:
    """After all migrations the tables and columns are those the models declare."""
    path = tmp_path / "head.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    inspector = inspect(create_engine(f"sqlite:///{path}"))
    for table in Base.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name


def test_stairway_on_postgresql() -> None:
    """The same migrations on PostgreSQL (production): every step up, down and up again."""
    url = asyncio.run(empty_postgres())
    script = ScriptDirectory.from_config(alembic_config(url))
    for revision in revisions():
        down = script.get_revision(revision).down_revision or "base"
        upgrade(url, revision)
        downgrade(url, down if isinstance(down, str) else down[0])
        upgrade(url, revision)
