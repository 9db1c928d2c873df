"""A signal as the gateway understands it, after parsing and before forwarding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


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


@dataclass(frozen=True)
class Signal:
    signal_id: str
    exchange: str
    account: str
    symbol: str  # canonical BASE-QUOTE
    action: Action
    size_kind: SizeKind | None
    size: Decimal | None
    market_position: str | None = None
    leverage: int | None = None
    margin_mode: str | None = None
    order_type: str = "market"
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
