"""Control from Telegram: the Bot API updates taken (once per bot and update id) and the flattens
waiting for their chat's confirmation.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telegram_updates",
        sa.Column("bot_id", sa.String(32), primary_key=True),
        sa.Column("update_id", sa.BigInteger, primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("time_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "telegram_confirmations",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("venue", sa.String(16), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("expires_ms", sa.BigInteger, nullable=False),
        sa.Column("used_ms", sa.BigInteger, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("telegram_confirmations")
    op.drop_table("telegram_updates")
