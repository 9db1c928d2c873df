"""Domain types of the executor core (venue-neutral, gRPC-free)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from common.errors import ErrorClass


class Venue(StrEnum):
    BINGX = "bingx"
    BINANCE = "binance"


class Action(StrEnum):
    BUY = "buy"
    SELL = "sell"
    CLOSE = "close"
    CLOSE_LONG = "close_long"
    CLOSE_SHORT = "close_short"


class MarketPosition(StrEnum):
    LONG = "long"
    SHORT = "short"
    FLAT = "flat"


class SizeKind(StrEnum):
    QUANTITY = "quantity"
    BALANCE = "balance"
    BALANCE_PCT = "balance_pct"
    POSITION_PCT = "position_pct"


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class PositionSide(StrEnum):
    BOTH = "BOTH"
    LONG = "LONG"
    SHORT = "SHORT"


class OrderType(StrEnum):
    MARKET = "MARKET"
    LIMIT = "LIMIT"


class MarginMode(StrEnum):
    ISOLATED = "isolated"
    CROSS = "cross"


class OrderStatus(StrEnum):
    """An order's state in our words; each adapter translates its venue's (see venues/*/statuses)."""

    NEW = "NEW"  # accepted and resting: a limit, or a trigger not yet set off
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    REJECTED = "REJECTED"
    TRIGGERED = "TRIGGERED"  # a trigger order was set off and became a market order
    ATTACHED = "ATTACHED"  # carried by its entry; the venue arms it when the entry fills

    @property
    def traded(self) -> bool:
        return self in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED)


class OrderPurpose(StrEnum):
    """What an order is for within its signal; the value also names the order in its client id."""

    ENTRY = "entry"
    CLOSE = "close"
    TAKE_PROFIT = "take_profit"
    STOP_LOSS = "stop_loss"


class Outcome(StrEnum):
    EXECUTED = "executed"
    REJECTED = "rejected"
    FAILED = "failed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Size:
    kind: SizeKind
    value: Decimal


@dataclass(frozen=True)
class TradeSignal:
    signal_id: str
    venue: Venue
    symbol: str  # canonical BASE-QUOTE
    action: Action
    account: str = "default"
    size: Size | None = None
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


@dataclass(frozen=True)
class Sizing:
    quantity: Decimal
    price: Decimal
    notional: Decimal
    leverage: int
    margin: Decimal


@dataclass(frozen=True)
class OrderReport:
    venue: Venue
    venue_symbol: str
    order_id: str
    client_order_id: str
    side: Side
    position_side: PositionSide
    order_type: OrderType
    quantity: Decimal
    price: Decimal | None
    avg_price: Decimal | None
    status: OrderStatus
    reduce_only: bool
    purpose: OrderPurpose
    trigger_price: Decimal | None = None


@dataclass(frozen=True)
class ErrorInfo:
    error_class: ErrorClass
    message: str
    retryable: bool = False
    venue_code: str = ""
    venue_message: str = ""


@dataclass(frozen=True)
class ExecutionResult:
    signal_id: str
    outcome: Outcome
    error: ErrorInfo | None = None
    sizing: Sizing | None = None
    orders: tuple[OrderReport, ...] = field(default_factory=tuple)
    test: bool = False
    executor_ms: int = 0
    venue_ms: int = 0
    executor_us: int = 0
    venue_us: int = 0
    venue_answered_ns: int = 0  # epoch: when the venue's last answer (the order's ack) arrived
    note: str = ""
