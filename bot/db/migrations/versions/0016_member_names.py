"""employer_members.name: the name a member shows on Telegram, so colleagues can tell who is who
before removing one (the colleagues screen named people by their Telegram id only)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("employer_members") as batch:
        batch.add_column(sa.Column("name", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("employer_members") as batch:
        batch.drop_column("name")
