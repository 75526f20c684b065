"""trust: one-time confirmation tokens; one open application per person

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OPEN = "status <> 'not_recommended'"


def upgrade() -> None:
    op.create_table(
        "confirmations",
        sa.Column("token", sa.String(24), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index("ix_confirmations_user_id", "confirmations", ["user_id"])
    # Before the constraint: a person's extra drafts (the bug let /apply start a second one after
    # submitting). Submitted duplicates, if any, make the index fail: staff resolve them by hand.
    op.execute(
        "DELETE FROM applications WHERE status = 'draft' AND EXISTS ("
        "SELECT 1 FROM applications AS other WHERE other.user_id = applications.user_id "
        "AND other.id <> applications.id AND other.status <> 'not_recommended' "
        "AND (other.status <> 'draft' OR other.id < applications.id))"
    )
    op.create_index(
        "uq_applications_one_open_per_person",
        "applications",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("uq_applications_one_open_per_person", table_name="applications")
    op.drop_index("ix_confirmations_user_id", table_name="confirmations")
    op.drop_table("confirmations")
