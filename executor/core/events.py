"""What the venues tell us after the order, in the core's words: the ports the position keeper
owns.

A venue reports the fate of orders and positions on its user-data stream and, asked, through
REST. Each venue's adapter translates both into these events (so the keeper never reads a
venue's words), and offers the REST reads reconciliation needs (`VenueWatch`). Events from the
stream and from reconciliation are the same types, so one handler serves both and a fact seen
twice is recognised by its identity (a fill by its trade id, an order by its id and state).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from executor.core.model import MarginMode, OrderStatus, PositionSide, Side, Venue
from executor.core.ports import VenueAdapter


class OrderKind(StrEnum):
    """An order's type as the keeper needs it; the venues' own type words map onto these."""

    MARKET = "MARKET"
    LIMIT = "LIMIT"
    STOP_MARKET = "STOP_MARKET"  # a stop-loss
    TAKE_PROFIT_MARKET = "TAKE_PROFIT_MARKET"
    STOP = "STOP"  # a stop with a limit price
    TAKE_PROFIT = "TAKE_PROFIT"
    TRAILING_STOP_MARKET = "TRAILING_STOP_MARKET"
    LIQUIDATION = "LIQUIDATION"  # the venue closing a position it liquidated
    OTHER = "OTHER"  # a type the keeper has no rule for; kept, never acted on

    @property
    def protective(self) -> bool:
        """A trigger order that closes part of a position once the price reaches it."""
        return self in _PROTECTIVE


_PROTECTIVE = frozenset(
    {
        OrderKind.STOP_MARKET,
        OrderKind.TAKE_PROFIT_MARKET,
        OrderKind.STOP,
        OrderKind.TAKE_PROFIT,
        OrderKind.TRAILING_STOP_MARKET,
    }
)


@dataclass(frozen=True)
class Where:
    """Which account and symbol an event is about."""

    venue: Venue
    account: str
    symbol: str  # canonical BASE-QUOTE
    venue_symbol: str


@dataclass(frozen=True)
class OrderUpdate:
    """An order's state as the venue last reported it (a conditional order included)."""

    where: Where
    order_id: str
    client_order_id: str  # "" when the venue keeps none
    kind: OrderKind
    side: Side
    position_side: PositionSide
    status: OrderStatus
    quantity: Decimal  # ordered; zero for a close-whole-position trigger
    filled: Decimal
    avg_price: Decimal | None
    trigger_price: Decimal | None
    reduce_only: bool
    close_position: bool  # a trigger that closes whatever the side holds when it fires
    time_ms: int
    # A conditional order that fired, on a venue where firing places an order of its own id (a
    # Binance algo order's `actualOrderId`): that order's id; its trades are this order's.
    # Empty before it fires, and on a venue whose trigger fills carry the trigger's own id.
    actual_order_id: str = ""
    # A trailing stop's: the price that starts its trail (the price at placement when it was
    # sent without one), and its callback in percent; None for any other order.
    activation_price: Decimal | None = None
    callback_pct: Decimal | None = None


@dataclass(frozen=True)
class Fill:
    """One trade of one order; the venue's trade id makes it unique within the account."""

    where: Where
    trade_id: str
    order_id: str
    client_order_id: str
    side: Side
    position_side: PositionSide
    quantity: Decimal
    price: Decimal
    fee: Decimal  # positive: paid
    fee_asset: str
    realized_pnl: Decimal
    liquidation: bool
    time_ms: int


@dataclass(frozen=True)
class PositionUpdate:
    """A side's open quantity after a change (zero: the side is flat)."""

    where: Where
    position_side: PositionSide
    quantity: Decimal  # signed: positive long, negative short
    entry_price: Decimal
    time_ms: int


@dataclass(frozen=True)
class AccountConfig:
    """Settings the trader (or we) changed: None where the event does not say."""

    venue: Venue
    account: str
    venue_symbol: str | None
    leverage: int | None = None
    margin_mode: MarginMode | None = None
    hedge_mode: bool | None = None
    time_ms: int = 0


class StreamStatus(StrEnum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    EXPIRED = "expired"  # the listen key lapsed: a new one is being made


@dataclass(frozen=True)
class StreamState:
    """The stream's own news: it came up, went down (with why), or its key lapsed."""

    venue: Venue
    account: str
    status: StreamStatus
    reason: str = ""


VenueEvent = OrderUpdate | Fill | PositionUpdate | AccountConfig | StreamState
Sink = Callable[[VenueEvent], None]


class UserStream(Protocol):
    """One account's user-data stream: listen key, websocket, reconnects."""

    def run(self, sink: Sink, stop: threading.Event) -> None:
        """Deliver events to `sink` until `stop` is set, reconnecting with backoff and jitter.
        Reports every connect, loss and key expiry as a `StreamState`; never raises."""
        ...


class VenueWatch(VenueAdapter, Protocol):
    """What the keeper asks of a venue account beyond placing orders."""

    def open_orders(self, venue_symbol: str | None = None) -> list[OrderUpdate]:
        """Every open order, conditional ones included; every symbol when None."""
        ...

    def fills(self, venue_symbol: str, since_ms: int) -> list[Fill]:
        """The account's trades on the symbol since `since_ms`, oldest first."""
        ...

    def triggered_orders(self, venue_symbol: str, since_ms: int) -> list[OrderUpdate]:
        """Conditional orders of the symbol that fired and changed since `since_ms`, each naming
        the order it placed (`actual_order_id`), so a trade of that order read by REST is known
        as theirs; none on a venue whose trigger fills carry the trigger's own id."""
        ...

    def cancel_order(self, venue_symbol: str, order: OrderUpdate) -> None:
        """Cancel one open order of any kind; an order already gone is not an error."""
        ...

    def user_stream(self) -> UserStream:
        """A new stream client for this account, on the venue's (or the configured) stream host."""
        ...

    def settings_changed(self, config: AccountConfig) -> None:
        """The trader (or we) changed leverage, margin mode or position mode, as the stream or a
        read reported: take it into what the adapter caches, so the next signal sizes and
        places with the settings the venue really has."""
        ...
