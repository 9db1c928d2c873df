"""Indexes for the dashboard: a symbol's signals and each strategy's newest, newest first.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_signals_symbol_seq", "signals", ["symbol", "seq"])
    op.create_index("ix_signals_strategy_seq", "signals", ["strategy", "seq"])


def downgrade() -> None:
    op.drop_index("ix_signals_strategy_seq", "signals")
    op.drop_index("ix_signals_symbol_seq", "signals")
