"""typed questions: the person's last unanswered question, and anonymous counts of questions the FAQ
could not answer or whose answer did not help

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("pending_question", sa.Text(), nullable=True))
    op.create_table(
        "question_counts",
        sa.Column("language", sa.String(16), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("question_counts")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("pending_question")
