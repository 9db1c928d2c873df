"""The journal's tables (SQLAlchemy Core). Times are epoch milliseconds: one type on every database."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

signals = Table(
    "signals",
    metadata,
    # Arrival order: resumed signals run in it, and per-symbol order depends on it.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("signal_id", String(128), nullable=False, unique=True),
    # pending until final: executed, rejected, failed or expired.
    Column("status", String(16), nullable=False),
    Column("venue", String(16), nullable=False, default=""),
    Column("account", String(64), nullable=False, default=""),
    Column("symbol", String(32), nullable=False, default=""),
    Column("action", String(16), nullable=False, default=""),
    Column("strategy", String(128), nullable=False, default=""),
    Column("test", Boolean, nullable=False, default=False),
    Column("body", Text, nullable=False),  # as received, secrets removed
    Column("normalized", Text, nullable=True),  # the signal, in gateway/journal/signal_json.py's form
    Column("received_ms", BigInteger, nullable=False),
    Column("fired_ms", BigInteger, nullable=True),
    Column("journalled_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_ms", BigInteger, nullable=True),
    Column("finished_ms", BigInteger, nullable=True),
    Column("error_code", String(32), nullable=True),
    Column("reason", Text, nullable=True),
    Column("result", Text, nullable=True),  # the answer as the webhook gives it (JSON)
    Column("executor_ms", Integer, nullable=True),
    Column("venue_ms", Integer, nullable=True),
    Column("updated_ms", BigInteger, nullable=False),
)
Index("ix_signals_status_seq", signals.c.status, signals.c.seq)
Index("ix_signals_symbol_seq", signals.c.symbol, signals.c.seq)
Index("ix_signals_strategy_seq", signals.c.strategy, signals.c.seq)

attempts = Table(
    "attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("signal_id", String(128), nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("started_ms", BigInteger, nullable=False),
    Column("finished_ms", BigInteger, nullable=True),
    Column("outcome", String(32), nullable=True),  # a final status, or why it will be retried
    Column("detail", Text, nullable=True),
    UniqueConstraint("signal_id", "attempt", name="uq_attempts_signal_attempt"),
)

# An explicit id is the same signal forever; an identical body only within the dedupe window.
dedupe_keys = Table(
    "dedupe_keys",
    metadata,
    Column("key", String(160), primary_key=True),
    Column("signal_id", String(128), nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
)

trades = Table(
    "trades",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("signal_id", String(128), nullable=False, index=True),
    Column("time_ms", BigInteger, nullable=False),
    Column("venue", String(16), nullable=False),
    Column("symbol", String(32), nullable=False),
    Column("side", String(8), nullable=False),
    Column("quantity", String(40), nullable=False),
    Column("price", String(40), nullable=False),
    Column("order_id", String(64), nullable=False),
    Column("purpose", String(16), nullable=False),
    UniqueConstraint("signal_id", "order_id", name="uq_trades_signal_order"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("time_ms", BigInteger, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("detail", Text, nullable=False),
)

# The kill switch: every change, in order; the newest row is the state. Empty: TRADING_ENABLED.
switch_changes = Table(
    "switch_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("time_ms", BigInteger, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("reason", Text, nullable=False),
)

# The ledger: every trade on every account, as the executor's position keeper reported it,
# once per venue trade id however often it is delivered (stream, REST, a replay).
fills = Table(
    "fills",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("venue", String(16), nullable=False),
    Column("account", String(64), nullable=False),
    Column("symbol", String(32), nullable=False),  # canonical BASE-QUOTE
    Column("venue_symbol", String(32), nullable=False),
    Column("trade_id", String(64), nullable=False),
    Column("order_id", String(64), nullable=False),
    Column("client_order_id", String(64), nullable=False),
    Column("side", String(8), nullable=False),
    Column("position_side", String(8), nullable=False),
    Column("quantity", String(40), nullable=False),
    Column("price", String(40), nullable=False),
    Column("fee", String(40), nullable=False),
    Column("fee_asset", String(16), nullable=False),
    Column("realized_pnl", String(40), nullable=False),
    Column("liquidation", Boolean, nullable=False),
    Column("time_ms", BigInteger, nullable=False),
    Column("signal_id", String(128), nullable=False),  # as the executor sent it; may be empty
    Column("purpose", String(16), nullable=False),  # likewise
    Column("recorded_ms", BigInteger, nullable=False),
    UniqueConstraint("venue", "account", "trade_id", name="uq_fills_venue_account_trade"),
)
Index("ix_fills_time", fills.c.time_ms)
Index("ix_fills_symbol_time", fills.c.symbol, fills.c.time_ms)
Index("ix_fills_account_time", fills.c.venue, fills.c.account, fills.c.time_ms)

# Which signal each order belongs to, written with the signal's outcome: a fill finds its
# signal here by order id, or by client order id.
order_links = Table(
    "order_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("venue", String(16), nullable=False),
    Column("account", String(64), nullable=False),
    Column("order_id", String(64), nullable=False),
    Column("client_order_id", String(64), nullable=False),
    Column("signal_id", String(128), nullable=False),
    Column("purpose", String(16), nullable=False),
    # A guard attached to its entry (BingX) has no ids of its own until it triggers: it is
    # found by its symbol when the keeper reports it hit.
    Column("venue_symbol", String(32), nullable=False),
)
Index("ix_order_links_order", order_links.c.venue, order_links.c.account, order_links.c.order_id)
Index("ix_order_links_client", order_links.c.venue, order_links.c.account, order_links.c.client_order_id)

# The keeper's news, once per (epoch, seq): notified only by whoever inserted the row.
keeper_news = Table(
    "keeper_news",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("epoch", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("venue", String(16), nullable=False),
    Column("account", String(64), nullable=False),
    Column("symbol", String(32), nullable=False),
    Column("position_side", String(8), nullable=False),
    Column("quantity", String(40), nullable=True),
    Column("price", String(40), nullable=True),
    Column("detail", Text, nullable=False),
    Column("time_ms", BigInteger, nullable=False),
    Column("recorded_ms", BigInteger, nullable=False),
    UniqueConstraint("epoch", "seq", name="uq_keeper_news_epoch_seq"),
)

# Where the keeper feed stopped reading: the last (epoch, seq) whose record is written.
keeper_cursor = Table(
    "keeper_cursor",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("epoch", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

# Risk pauses: each pause the executor reported (by the keeper's news, written with it) and
# each resume the owner made, in order; common/pauses.py reads which are in force.
risk_pause_changes = Table(
    "risk_pause_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("change", String(16), nullable=False),  # paused | resumed
    Column("venue", String(16), nullable=False),
    Column("account", String(64), nullable=False),
    Column("strategy", String(64), nullable=False),  # "" for the whole account
    Column("time_ms", BigInteger, nullable=False),
    Column("until_ms", BigInteger, nullable=False),  # 0 for a resume
    Column("limit_name", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("recorded_ms", BigInteger, nullable=False),
)
Index("ix_risk_pause_changes_time", risk_pause_changes.c.time_ms)

# Control from Telegram (gateway/telegram/): each update of the Bot API taken by a gateway, once
# per (bot, update id): the first gateway to write it acts on it, any other skips it; the
# newest says where the next poll starts after a restart.
telegram_updates = Table(
    "telegram_updates",
    metadata,
    Column("bot_id", String(32), primary_key=True),  # the token's numeric part: a new bot starts afresh
    Column("update_id", BigInteger, primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("time_ms", BigInteger, nullable=False),
)

# A flatten asked for from Telegram, waiting for its chat to confirm it: once, before it expires.
telegram_confirmations = Table(
    "telegram_confirmations",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("venue", String(16), nullable=False),  # "" for every venue
    Column("account", String(64), nullable=False),  # "" for every account
    Column("created_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("used_ms", BigInteger, nullable=True),
)
