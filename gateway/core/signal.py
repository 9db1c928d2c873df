"""A signal as the gateway understands it, after parsing and before forwarding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class Venue(StrEnum):
    """Where a signal trades. Alerts name it in their `exchange` field."""

    BINGX = "bingx"
    BINANCE = "binance"


class Action(StrEnum):
    BUY = "buy"
    SELL = "sell"
    CLOSE = "close"
    CLOSE_LONG = "close_long"
    CLOSE_SHORT = "close_short"


class SizeKind(StrEnum):
    QUANTITY = "quantity"
    BALANCE = "balance"
    BALANCE_PCT = "balance_pct"
    POSITION_PCT = "position_pct"


class MarketPosition(StrEnum):
    """TradingView's {{strategy.market_position}}: with a size, the signal is a target."""

    LONG = "long"
    SHORT = "short"
    FLAT = "flat"


class MarginMode(StrEnum):
    ISOLATED = "isolated"
    CROSS = "cross"


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"


@dataclass(frozen=True)
class Signal:
    signal_id: str
    venue: Venue
    account: str
    symbol: str  # canonical BASE-QUOTE
    action: Action
    size_kind: SizeKind | None
    size: Decimal | None
    market_position: MarketPosition | None = None
    leverage: int | None = None
    margin_mode: MarginMode | None = None
    order_type: OrderType = OrderType.MARKET
    price: Decimal | None = None
    take_profit: Decimal | None = None
    stop_loss: Decimal | None = None
    tp_pct: Decimal | None = None
    sl_pct: Decimal | None = None
    reduce_only: bool = False
    fired_at: datetime | None = None
    received_at: datetime | None = None
    test: bool = False
    strategy: str = ""
    explicit_id: bool = False
