"""Domain types of the executor core (venue-neutral, gRPC-free)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from common.errors import ErrorClass
from common.trading import (
    Action,
    MarginMode,
    MarketPosition,
    OrderPurpose,
    OrderStatus,
    OrderType,
    Outcome,
    PositionSide,
    SignalTerms,
    SizeKind,
    Venue,
)

# The shared words, named here too so the core reads its whole vocabulary from one module.
__all__ = [
    "Action",
    "ErrorInfo",
    "ExecutionResult",
    "MarginMode",
    "MarketPosition",
    "OrderPurpose",
    "OrderReport",
    "OrderStatus",
    "OrderType",
    "Outcome",
    "PositionSide",
    "Side",
    "Size",
    "SizeKind",
    "Sizing",
    "TradeSignal",
    "Venue",
]


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


@dataclass(frozen=True)
class Size:
    kind: SizeKind
    value: Decimal


@dataclass(frozen=True, kw_only=True)
class TradeSignal(SignalTerms):
    signal_id: str
    venue: Venue
    symbol: str  # canonical BASE-QUOTE
    action: Action
    account: str = "default"
    size: Size | None = None


@dataclass(frozen=True)
class Sizing:
    quantity: Decimal
    price: Decimal
    notional: Decimal
    leverage: int
    margin: Decimal
    # Sized by risk only: the stop sized against, the taker fee rate counted on both legs, and
    # what the stop being hit loses at `quantity`, fees included.
    risk_stop: Decimal | None = None
    fee_rate: Decimal | None = None
    risk: Decimal | None = None


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
