"""The ports the executor core owns: what it needs of a venue, in its own neutral types.

The core (legs, sizing, placement, protection, engine) depends on these and on nothing in
`executor/venues/`; each venue package implements `VenueAdapter` over its own wire API.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Protocol

from common.trading import Balance, Position
from executor.core.model import MarginMode, OrderPurpose, OrderStatus, OrderType, PositionSide, Side, Venue

# Seconds spent waiting on venues in the current call, and when the venue's last answer (an
# order's acknowledgement) arrived, in epoch nanoseconds. The venues' transport adds to them;
# the engine reports them with each result.
venue_seconds: contextvars.ContextVar[float] = contextvars.ContextVar("venue_seconds", default=0.0)
venue_answered_ns: contextvars.ContextVar[int] = contextvars.ContextVar("venue_answered_ns", default=0)

# What a venue reports of an account, in the words both services share.
VenueBalance = Balance
VenuePosition = Position


def floor_to_step(value: Decimal, step: Decimal) -> Decimal:
    """Round down to a multiple of `step`, keeping the step's exponent (no float ever)."""
    if step <= 0:
        return value
    units = (value / step).to_integral_value(rounding=ROUND_DOWN)
    return (units * step).quantize(step)


@dataclass(frozen=True)
class InstrumentRules:
    symbol: str  # canonical BASE-QUOTE
    venue_symbol: str
    qty_step: Decimal
    price_tick: Decimal
    min_qty: Decimal
    min_notional: Decimal
    min_qty_rule: str  # the venue's own name for the rule, quoted in rejections
    min_notional_rule: str
    max_leverage: int | None = None

    def floor_qty(self, quantity: Decimal) -> Decimal:
        return floor_to_step(quantity, self.qty_step)

    def floor_price(self, price: Decimal) -> Decimal:
        return floor_to_step(price, self.price_tick)


class ProtectionKind(StrEnum):
    TAKE_PROFIT = "take_profit"
    STOP_LOSS = "stop_loss"
    TRAILING_STOP = "trailing_stop"  # never attached to an entry: placed after its fill


# Both venues spell the market variants alike.
VENUE_TYPES = {
    ProtectionKind.TAKE_PROFIT: "TAKE_PROFIT_MARKET",
    ProtectionKind.STOP_LOSS: "STOP_MARKET",
    ProtectionKind.TRAILING_STOP: "TRAILING_STOP_MARKET",
}
# What a resting order of each kind may be, its limit variant included (both venues spell them alike).
KIND_TYPES: dict[ProtectionKind, frozenset[str]] = {
    ProtectionKind.TAKE_PROFIT: frozenset({"TAKE_PROFIT_MARKET", "TAKE_PROFIT"}),
    ProtectionKind.STOP_LOSS: frozenset({"STOP_MARKET", "STOP"}),
    ProtectionKind.TRAILING_STOP: frozenset({"TRAILING_STOP_MARKET"}),
}


@dataclass(frozen=True)
class Protection:
    """A take-profit or stop-loss trigger, as a price already on the venue's tick; or a trailing
    stop: its callback in percent, and the price that starts the trail (None: at once, from the
    price when it is placed)."""

    kind: ProtectionKind
    trigger_price: Decimal | None
    callback_pct: Decimal | None = None


@dataclass(frozen=True)
class OrderRequest:
    venue_symbol: str
    side: Side
    position_side: PositionSide
    order_type: OrderType
    quantity: Decimal
    client_order_id: str
    reduce_only: bool = False
    price: Decimal | None = None
    purpose: OrderPurpose = OrderPurpose.ENTRY
    # Triggers the venue arms itself when this entry fills (only where attaches_protection).
    attached: tuple[Protection, ...] = ()


@dataclass(frozen=True)
class ProtectionRequest:
    """A market stop or take-profit that closes `quantity` of a position once its trigger trades;
    or a trailing stop that closes it once the price comes back `callback_pct` percent from the
    best it reached since `trigger_price` (its activation; None: since it was placed)."""

    venue_symbol: str
    kind: ProtectionKind
    side: Side  # the closing side
    position_side: PositionSide
    quantity: Decimal
    trigger_price: Decimal | None
    client_order_id: str
    callback_pct: Decimal | None = None

    @property
    def venue_type(self) -> str:
        return VENUE_TYPES[self.kind]


@dataclass(frozen=True)
class OpenProtection:
    """A resting trigger order on the venue that would close part of a position."""

    order_id: str
    client_order_id: str  # "" where the venue keeps none (BingX's trigger orders)
    side: Side
    position_side: PositionSide
    order_type: str  # the venue's type word; both venues spell STOP_MARKET, TAKE_PROFIT, ... alike
    quantity: Decimal  # still open; zero for a close-whole-position trigger
    trigger_price: Decimal | None
    close_position: bool = False
    # A trailing stop's: the price that starts its trail, and its callback in percent.
    activation_price: Decimal | None = None
    callback_pct: Decimal | None = None


@dataclass(frozen=True)
class VenueOrder:
    order_id: str
    client_order_id: str
    status: OrderStatus
    avg_price: Decimal | None
    executed_qty: Decimal | None


@dataclass(frozen=True)
class ConnectionReport:
    ok: bool
    latency_ms: int
    clock_offset_ms: int
    can_read: bool
    can_trade: bool


class VenueAdapter(Protocol):
    """One venue, one account: what the core asks of it."""

    venue: Venue
    account: str
    base_url: str
    # True where an entry order can carry its own take-profit / stop-loss (BingX); elsewhere
    # they are separate orders placed after the fill.
    attaches_protection: bool
    # True where the venue keeps our client id on a trigger order, so that id finds it; BingX
    # keeps one only on LIMIT and MARKET orders, and there a trigger order is found by its shape
    # (executor/core/resting.py).
    trigger_client_ids: bool
    # True where the venue refuses stops (and, apart, take-profits) of a position side that
    # would total more than the position (BingX): those placed are sized to the room left.
    caps_trigger_totals: bool

    def rules(self, symbol: str) -> InstrumentRules:
        """Cached instrument rules; raises UNKNOWN_SYMBOL when the venue lists no such contract."""
        ...

    def price(self, venue_symbol: str) -> Decimal:
        """The last price, from a recent read or one of our own fills."""
        ...

    def saw_price(self, venue_symbol: str, price: Decimal) -> None:
        """A trade price learnt anyway (a fill), so the next signal need not ask."""
        ...

    def available(self, asset: str) -> Decimal:
        """Available margin in `asset`, from a recent read."""
        ...

    def equity(self, asset: str) -> Decimal:
        """Wallet balance plus unrealised profit in `asset`, from a recent read."""
        ...

    def taker_fee(self, venue_symbol: str) -> Decimal:
        """The account's taker fee rate on the symbol, as a fraction (0.0005 is 0.05 %)."""
        ...

    def account_changed(self) -> None:
        """An order or setting moved the account's margin: the next balance is read afresh."""
        ...

    def leverage(self, venue_symbol: str, position_side: PositionSide) -> int:
        """The leverage a new position on this side would really get."""
        ...

    def set_leverage(self, venue_symbol: str, position_side: PositionSide, leverage: int) -> None: ...

    def hedge_mode(self) -> bool: ...

    def margin_mode(self, venue_symbol: str) -> MarginMode: ...

    def forget_settings(self, venue_symbol: str | None = None) -> None:
        """The leverage and margin mode cached for `venue_symbol` (every symbol's when None) may
        have been changed outside tvbridge, in the exchange's app: they are read from the venue
        when next needed. The position mode is kept: an order for the other mode's sides is
        refused, so a change there announces itself."""
        ...

    def set_margin_mode(self, venue_symbol: str, mode: MarginMode) -> None: ...

    def balances(self) -> list[VenueBalance]: ...

    def positions(self, venue_symbol: str | None = None) -> list[VenuePosition]: ...

    def place_order(self, request: OrderRequest) -> VenueOrder: ...

    def find_order(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        """The order with this client id, or None when the venue never saw it."""
        ...

    def place_protection(self, request: ProtectionRequest) -> VenueOrder:
        """Place a reduce-only market trigger order (take-profit, stop-loss or trailing stop)."""
        ...

    def find_protection(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        """The trigger order with this client id, or None when the venue never saw it."""
        ...

    def open_protections(self, venue_symbol: str) -> list[OpenProtection]:
        """Trigger orders resting on the symbol (ours or placed by hand)."""
        ...

    def replace_protection(self, old: OpenProtection, request: ProtectionRequest) -> VenueOrder:
        """Put `request` in the place of the resting trigger order `old` (same symbol and
        position side) so that the position is never without one: where the venue cancels and
        places in one atomic request (BingX `cancelReplace`), that; else the new one is placed
        first and the old one cancelled after (one already gone is no error). Raises when the
        new order is refused, leaving `old` resting (placed again, from its own terms, when the
        venue had already cancelled it)."""
        ...

    def cancel_protection(self, venue_symbol: str, order_id: str) -> None:
        """Cancel one trigger order; an order already gone is not an error."""
        ...

    def check_connection(self) -> ConnectionReport: ...

    def warm(self) -> None:
        """Open the connection pool, sync the clock and load instrument rules."""
        ...

    def keep_warm(self, idle_s: float) -> bool:
        """After `idle_s` without a request, one cheap one; True when a request was sent."""
        ...

    def close(self) -> None: ...
