"""application form: consent, sealed personal details, job offer; users.mode

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("mode", sa.String(length=16), nullable=False, server_default="check"))
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("personal_sealed", sa.Text(), nullable=True))
        batch.add_column(sa.Column("job", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("form_editing", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("form_editing")
        batch.drop_column("job")
        batch.drop_column("personal_sealed")
        batch.drop_column("consent_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("mode")
