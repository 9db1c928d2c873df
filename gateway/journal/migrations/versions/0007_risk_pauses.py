"""Risk pauses: every pause the executor reported and every resume the owner made, in order.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_pause_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("venue", sa.String(16), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("strategy", sa.String(64), nullable=False),
        sa.Column("time_ms", sa.BigInteger, nullable=False),
        sa.Column("until_ms", sa.BigInteger, nullable=False),
        sa.Column("limit_name", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("recorded_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_risk_pause_changes_time", "risk_pause_changes", ["time_ms"])


def downgrade() -> None:
    op.drop_index("ix_risk_pause_changes_time", table_name="risk_pause_changes")
    op.drop_table("risk_pause_changes")
