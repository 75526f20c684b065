"""The migration stairway: every revision upgrades, downgrades and upgrades again on a real database."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
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
    with closing(sqlite3.connect(path)) as db:
        created = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
    for table in Base.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
        # Ids never reused (sqlite_autoincrement) where the model says so, and only there.
        assert ("AUTOINCREMENT" in created[table.name]) == table.dialect_options["sqlite"]["autoincrement"], table.name


def test_0017_keeps_every_row_and_never_reuses_an_id_kept(tmp_path: Path) -> None:
    """The tables rebuilt with AUTOINCREMENT keep their rows, ids, links and indexes (the partial
    one-open-application index too); a new row comes after the largest id kept, even once the
    newest rows are deleted (before, it took their ids)."""
    path = tmp_path / "data.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url, "0016")
    t = "'2026-11-24 01:00:00'"
    rows = f"""
        INSERT INTO users (id, language, language_chosen, created_at, last_seen_at, mode, counted)
            VALUES (71, 'en', 0, {t}, {t}, 'check', '[]');
        INSERT INTO applications (id, user_id, reference, status, created_at, updated_at)
            VALUES (5, 71, 'GG-2026-000005', 'not_recommended', {t}, {t}), (9, 71, NULL, 'draft', {t}, {t});
        INSERT INTO status_changes (id, application_id, to_status, actor, at) VALUES (3, 9, 'draft', 'applicant', {t});
        INSERT INTO documents (id, application_id, kind, file_name, mime_type, size, sha256, path, uploaded_at)
            VALUES (2, 9, 'passport', 'p.pdf', 'application/pdf', 1, 'x', 'p', {t});
        INSERT INTO companies (id, name, brn, city, contact_name, created_by, created_at)
            VALUES (4, 'Hanbit Soft', '1348672683', 'suwon', 'x', 71, {t});
        INSERT INTO employer_members (user_id, company_id, joined_at) VALUES (71, 4, {t});
        INSERT INTO employer_links (id, applicant_id, company_id, state, shared_documents, created_at, changed_at)
            VALUES (6, 71, 4, 'active', '[]', {t}, {t});
        INSERT INTO tickets (id, user_id, status, language, question, "case", has_application, created_at,
            updated_at, last_from) VALUES (2, 71, 'open', 'en', '?', '{{}}', 1, {t}, {t}, 'applicant');
        INSERT INTO ticket_messages (id, ticket_id, author, text, at) VALUES (8, 2, 'staff', '!', {t});
    """
    tables = [t.name for t in Base.metadata.sorted_tables]
    indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"

    def everything(db: sqlite3.Connection) -> list[object]:
        return [db.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall() for name in tables]

    with closing(sqlite3.connect(path)) as db:
        db.executescript(rows)
        before, indexed = everything(db), db.execute(indexes).fetchall()
    upgrade(url)
    with closing(sqlite3.connect(path)) as db:
        assert everything(db) == before and db.execute(indexes).fetchall() == indexed
        db.execute("PRAGMA foreign_keys = ON")  # as the bot runs
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        with db:  # the newest rows deleted, as /delete does, then new ones
            db.execute("DELETE FROM ticket_messages")
            db.execute("DELETE FROM applications WHERE id = 9")  # its history and document go with it
            new_app = (
                f"INSERT INTO applications (user_id, status, created_at, updated_at) VALUES (71, 'draft', {t}, {t})"
            )
            new_change = (
                f"INSERT INTO status_changes (application_id, to_status, actor, at) VALUES (10, 'draft', 'x', {t})"
            )
            new_reply = f"INSERT INTO ticket_messages (ticket_id, author, text, at) VALUES (2, 'staff', '!', {t})"
            assert [db.execute(sql).lastrowid for sql in (new_app, new_change, new_reply)] == [10, 4, 9]
    downgrade(url, "0016")  # the rows stay; AUTOINCREMENT goes
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT id FROM applications ORDER BY id").fetchall() == [(5,), (10,)]
        assert "AUTOINCREMENT" not in db.execute("SELECT group_concat(sql) FROM sqlite_master").fetchone()[0]


def test_stairway_on_postgresql() -> None:
    """The same migrations on PostgreSQL (production): every step up, down and up again."""
    url = asyncio.run(empty_postgres())
    script = ScriptDirectory.from_config(alembic_config(url))
    for revision in revisions():
        down = script.get_revision(revision).down_revision or "base"
        upgrade(url, revision)
        downgrade(url, down if isinstance(down, str) else down[0])
        upgrade(url, revision)
