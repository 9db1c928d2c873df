"""What the executor's position keeper reports, in the gateway's words: the fills and news it
streams (`KeeperRecord`), and the positions it watches with their protective orders and exit
plans (`AccountPositions`, the view of `GET /api/positions`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from common.trading import NewsKind, Position
from gateway.core.accounts import position_view
from gateway.core.execution import (
    ExecutionError,
    OrderPurpose,
    OrderStatus,
    PositionSide,
    Side,
    text,
    word,
)
from gateway.core.signal import Venue


@dataclass(frozen=True)
class KeeperFill:
    """One trade on the venue, as the keeper saw it (stream or REST)."""

    venue: Venue
    account: str
    symbol: str  # canonical BASE-QUOTE
    venue_symbol: str
    trade_id: str
    order_id: str
    client_order_id: str
    side: Side
    position_side: PositionSide | None
    quantity: Decimal
    price: Decimal
    fee: Decimal  # positive: paid
    fee_asset: str
    realized_pnl: Decimal
    liquidation: bool
    time_ms: int
    signal_id: str = ""  # when the executor knew it
    purpose: OrderPurpose | None = None


@dataclass(frozen=True)
class KeeperNews:
    kind: NewsKind
    venue: Venue
    account: str
    symbol: str = ""  # empty: news about the whole account (its stream)
    position_side: PositionSide | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    detail: str = ""
    time_ms: int = 0
    # A risk pause's: the strategy paused ("" the account), the limit breached, and its end.
    strategy: str = ""
    limit: str = ""
    until_ms: int = 0


@dataclass(frozen=True)
class KeeperRecord:
    """One numbered entry of the keeper's log within one executor run (`epoch`)."""

    epoch: str
    seq: int
    item: KeeperFill | KeeperNews


@dataclass(frozen=True)
class ProtectiveOrder:
    order_id: str
    client_order_id: str
    purpose: OrderPurpose | None
    side: Side | None
    quantity: Decimal | None  # left to fill; zero with close_position
    trigger_price: Decimal | None
    close_position: bool
    status: OrderStatus | None
    order_type: str
    # A trailing stop's (None for any other order): the price that starts its trail, its callback.
    activation_price: Decimal | None = None
    callback_pct: Decimal | None = None

    def view(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "client_order_id": self.client_order_id,
            "purpose": word(self.purpose),
            "side": word(self.side),
            "quantity": text(self.quantity),
            "trigger_price": text(self.trigger_price),
            "close_position": self.close_position,
            "status": word(self.status),
            "order_type": self.order_type,
            "activation_price": text(self.activation_price),
            "callback_pct": text(self.callback_pct),
        }


@dataclass(frozen=True)
class ExitLevel:
    """One take-profit level of an exit plan."""

    number: int  # as the signal numbered it; a merged level names its last
    trigger_price: Decimal
    quantity: Decimal
    filled: Decimal
    done: bool  # filled whole
    order_id: str  # "" until placed

    def view(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "trigger_price": text(self.trigger_price),
            "quantity": text(self.quantity),
            "filled": text(self.filled),
            "done": self.done,
            "order_id": self.order_id or None,
        }


@dataclass(frozen=True)
class ExitPlan:
    """What the executor keeps for a position whose signal asked for a ladder, break-even or a
    trail after a take-profit: the levels, where the stop is now, the trail."""

    signal_id: str
    entry_price: Decimal
    take_profits: list[ExitLevel]
    stop_price: Decimal | None  # None: no stop
    stop_quantity: Decimal
    at_breakeven: bool
    breakeven_after: int | None  # the take-profit whose fill moves the stop; None: never
    trail_after: int | None  # the take-profit whose fill starts the trail; None: with the entry
    trailing_pct: Decimal | None
    trail_placed: bool

    def view(self) -> dict[str, Any]:
        return {
            "signal_id": self.signal_id,
            "entry_price": text(self.entry_price),
            "take_profits": [level.view() for level in self.take_profits],
            "stop_price": text(self.stop_price),
            "stop_quantity": text(self.stop_quantity),
            "at_breakeven": self.at_breakeven,
            "breakeven_after": self.breakeven_after,
            "trail_after": self.trail_after,
            "trailing_pct": text(self.trailing_pct),
            "trail_placed": self.trail_placed,
        }


@dataclass(frozen=True)
class KeptPosition:
    position: Position
    protective: list[ProtectiveOrder] = field(default_factory=list)
    unprotected: bool = False
    plan: ExitPlan | None = None

    def view(self) -> dict[str, Any]:
        return {
            **position_view(self.position),
            "protective": [o.view() for o in self.protective],
            "unprotected": self.unprotected,
            "plan": self.plan.view() if self.plan is not None else None,
        }


@dataclass(frozen=True)
class AccountPositions:
    venue: Venue | None
    account: str
    positions: list[KeptPosition]
    stream_connected: bool
    stream_down_since_ms: int | None = None
    last_reconcile_ms: int | None = None
    error: ExecutionError | None = None

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "venue": word(self.venue),
            "account": self.account,
            # "stream" while the user-data stream is up; "rest" while reconciliation alone watches.
            "watch": "stream" if self.stream_connected else "rest",
            "stream_down_since_ms": self.stream_down_since_ms,
            "last_reconcile_ms": self.last_reconcile_ms,
            "positions": [p.view() for p in self.positions],
        }
        if self.error is not None:
            out["error"] = {"code": self.error.code, "message": self.error.message}
        return out
