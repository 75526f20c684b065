"""unanswered_questions: the questions the FAQ could not answer, kept as the person's (so /delete
erases them and /mydata shows them), no longer as anonymous counts

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_unanswered_questions_user_id", "unanswered_questions", ["user_id"])
    # The texts counted so far name nobody, so /delete could not find a person's among them (a name
    # or a passport number typed in a question stayed): they go.
    op.execute("DELETE FROM question_counts WHERE kind = 'unmatched'")


def downgrade() -> None:
    op.drop_index("ix_unanswered_questions_user_id", "unanswered_questions")
    op.drop_table("unanswered_questions")
