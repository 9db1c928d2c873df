"""The ledger of fills, the orders each signal placed, the keeper's news and where its feed stopped.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fills",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("venue", sa.String(16), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("venue_symbol", sa.String(32), nullable=False),
        sa.Column("trade_id", sa.String(64), nullable=False),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("client_order_id", sa.String(64), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("position_side", sa.String(8), nullable=False),
        sa.Column("quantity", sa.String(40), nullable=False),
        sa.Column("price", sa.String(40), nullable=False),
        sa.Column("fee", sa.String(40), nullable=False),
        sa.Column("fee_asset", sa.String(16), nullable=False),
        sa.Column("realized_pnl", sa.String(40), nullable=False),
        sa.Column("liquidation", sa.Boolean, nullable=False),
        sa.Column("time_ms", sa.BigInteger, nullable=False),
        sa.Column("signal_id", sa.String(128), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("recorded_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("venue", "account", "trade_id", name="uq_fills_venue_account_trade"),
    )
    op.create_index("ix_fills_time", "fills", ["time_ms"])
    op.create_index("ix_fills_symbol_time", "fills", ["symbol", "time_ms"])
    op.create_index("ix_fills_account_time", "fills", ["venue", "account", "time_ms"])
    op.create_table(
        "order_links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("venue", sa.String(16), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("client_order_id", sa.String(64), nullable=False),
        sa.Column("signal_id", sa.String(128), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("venue_symbol", sa.String(32), nullable=False),
    )
    op.create_index("ix_order_links_order", "order_links", ["venue", "account", "order_id"])
    op.create_index("ix_order_links_client", "order_links", ["venue", "account", "client_order_id"])
    op.create_table(
        "keeper_news",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("epoch", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("venue", sa.String(16), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("position_side", sa.String(8), nullable=False),
        sa.Column("quantity", sa.String(40), nullable=True),
        sa.Column("price", sa.String(40), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("time_ms", sa.BigInteger, nullable=False),
        sa.Column("recorded_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("epoch", "seq", name="uq_keeper_news_epoch_seq"),
    )
    op.create_table(
        "keeper_cursor",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("epoch", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("keeper_cursor")
    op.drop_table("keeper_news")
    op.drop_index("ix_order_links_client", "order_links")
    op.drop_index("ix_order_links_order", "order_links")
    op.drop_table("order_links")
    op.drop_index("ix_fills_account_time", "fills")
    op.drop_index("ix_fills_symbol_time", "fills")
    op.drop_index("ix_fills_time", "fills")
    op.drop_table("fills")
