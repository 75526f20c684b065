"""document encryption: documents.encryption tells how the stored file is sealed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL: a file stored before this revision, in plaintext (still readable, checked when read).
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("encryption", sa.String(length=32), nullable=True))


def downgrade() -> None:
    # The encrypted files stay on disk; code before 0009 cannot read them (it would send ciphertext).
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("encryption")
