"""An application's answers as sent: frozen at submission, so a later change of the questionnaire
does not change the sent application's filing pack, verdict or status

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("answers", sa.JSON(), nullable=True))
    # Applications sent before this revision take the answers their owners have now (the best known).
    op.execute(
        "UPDATE applications SET answers = (SELECT q.answers FROM questionnaires q WHERE q.user_id = applications.user_id)"
        " WHERE reference IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("answers")
