"""SQLite never reuses the ids people see or tap: applications (their GG-2026-000123 reference),
status changes, companies, employer links, tickets and their messages get AUTOINCREMENT. Without it
SQLite gives max(id)+1, so after /delete erased the newest rows the next person took their ids: the
reference, an employer's old "👤" button, staff's "#12", old notices and dedup keys. PostgreSQL's
sequences never reuse: nothing to do there.

Ids erased before this revision (above the largest kept) are not known any more: each sequence
starts after the largest id kept.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# Parents before children (each is copied into a new table, the old dropped, the new renamed).
TABLES = ("applications", "status_changes", "companies", "employer_links", "tickets", "ticket_messages")


def _rebuild(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # Dropping a parent table with foreign keys on would first delete its rows, and with them (ON
    # DELETE CASCADE) the children's; SQLite ignores the pragma inside a transaction, so only check.
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("migration 0017 needs PRAGMA foreign_keys=OFF (the rebuild drops parent tables)")
    for table in TABLES:
        # The copy keeps every row with its id; an AUTOINCREMENT table's sqlite_sequence then starts
        # at the largest id copied. Indexes (the partial one of applications too) are reflected.
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
