"""What every venue adapter offers the engine, and the venue-neutral shapes it speaks."""

from __future__ import annotations

import abc
import hashlib
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any

from common.decimals import parse_decimal
from common.errors import ErrorClass, TvbridgeError
from executor.core.model import MarginMode, OrderPurpose, OrderStatus, OrderType, PositionSide, Side, Venue

log = logging.getLogger("executor.venues")


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


@dataclass(frozen=True)
class VenueBalance:
    asset: str
    wallet: Decimal
    available: Decimal
    equity: Decimal
    unrealized_pnl: Decimal


@dataclass(frozen=True)
class VenuePosition:
    symbol: str
    venue_symbol: str
    position_side: PositionSide
    quantity: Decimal  # signed: positive long, negative short
    entry_price: Decimal
    mark_price: Decimal
    unrealized_pnl: Decimal
    leverage: int
    margin_mode: MarginMode | None


class ProtectionKind(StrEnum):
    TAKE_PROFIT = "take_profit"
    STOP_LOSS = "stop_loss"


@dataclass(frozen=True)
class Protection:
    """A take-profit or stop-loss trigger, as a price already on the venue's tick."""

    kind: ProtectionKind
    trigger_price: Decimal


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
    """A market stop or take-profit that closes `quantity` of a position once its trigger trades."""

    venue_symbol: str
    kind: ProtectionKind
    side: Side  # the closing side
    position_side: PositionSide
    quantity: Decimal
    trigger_price: Decimal
    client_order_id: str

    @property
    def venue_type(self) -> str:
        # Both venues spell the market variants alike.
        return "TAKE_PROFIT_MARKET" if self.kind is ProtectionKind.TAKE_PROFIT else "STOP_MARKET"


@dataclass(frozen=True)
class OpenProtection:
    """A resting trigger order on the venue that would close part of a position."""

    order_id: str
    client_order_id: str
    side: Side
    position_side: PositionSide


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


class VenueAdapter(abc.ABC):
    """One venue, one account, one keep-alive connection pool."""

    venue: Venue
    # True where an entry order can carry its own take-profit / stop-loss (BingX); elsewhere
    # they are separate orders placed after the fill.
    attaches_protection: bool = False

    # How long a read price or balance serves later signals; 0 reads every time.
    price_ttl_s: float = 1.0
    balance_ttl_s: float = 2.0

    def __init__(self, account: str, base_url: str) -> None:
        self.account = account
        self.base_url = base_url
        self._market_lock = threading.Lock()
        self._prices: dict[str, tuple[float, Decimal]] = {}
        self._balances: tuple[float, list[VenueBalance]] | None = None

    @abc.abstractmethod
    def venue_symbol(self, symbol: str) -> str:
        """Canonical BASE-QUOTE to the venue's own spelling."""

    @abc.abstractmethod
    def rules(self, symbol: str) -> InstrumentRules:
        """Cached instrument rules; raises UNKNOWN_SYMBOL when the venue lists no such contract."""

    @abc.abstractmethod
    def last_price(self, venue_symbol: str) -> Decimal: ...

    @abc.abstractmethod
    def leverage(self, venue_symbol: str, position_side: PositionSide) -> int:
        """The leverage a new position on this side would really get (cached after one read)."""

    @abc.abstractmethod
    def set_leverage(self, venue_symbol: str, position_side: PositionSide, leverage: int) -> None: ...

    @abc.abstractmethod
    def hedge_mode(self) -> bool: ...

    @abc.abstractmethod
    def margin_mode(self, venue_symbol: str) -> MarginMode:
        """The symbol's margin mode (cached after one read)."""

    @abc.abstractmethod
    def set_margin_mode(self, venue_symbol: str, mode: MarginMode) -> None: ...

    @abc.abstractmethod
    def balances(self) -> list[VenueBalance]: ...

    @abc.abstractmethod
    def positions(self, venue_symbol: str | None = None) -> list[VenuePosition]: ...

    @abc.abstractmethod
    def place_order(self, request: OrderRequest) -> VenueOrder: ...

    @abc.abstractmethod
    def find_order(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        """The order with this client id, or None when the venue never saw it."""

    @abc.abstractmethod
    def place_protection(self, request: ProtectionRequest) -> VenueOrder:
        """Place a reduce-only market trigger order (take-profit or stop-loss)."""

    @abc.abstractmethod
    def find_protection(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        """The trigger order with this client id, or None when the venue never saw it."""

    @abc.abstractmethod
    def open_protections(self, venue_symbol: str) -> list[OpenProtection]:
        """Trigger orders resting on the symbol (ours or placed by hand)."""

    @abc.abstractmethod
    def cancel_protection(self, venue_symbol: str, order_id: str) -> None:
        """Cancel one trigger order; an order already gone is not an error."""

    def client_order_id(self, signal_id: str, purpose: str = "entry") -> str:
        """Derived from the signal id, so a retry carries the same id.

        "tvb" + 32 lower-case hex digits fits both venues: BingX takes 1-40 characters
        and lower-cases them; Binance wants ^[.A-Z:/a-z0-9_-]{1,36}$.
        """
        digest = hashlib.sha256(f"{signal_id}|{purpose}".encode()).hexdigest()
        return f"tvb{digest[:32]}"

    @abc.abstractmethod
    def check_connection(self) -> ConnectionReport: ...

    @abc.abstractmethod
    def warm(self) -> None:
        """Open the connection pool, sync the clock and load instrument rules before the first signal."""

    def keep_warm(self, idle_s: float) -> bool:
        """After `idle_s` without a request, one cheap one, so the next signal finds its connection
        open. True when a request was sent. Adapters without a pool have nothing to keep."""
        return False

    # -- cached reads: a signal pays for a price or balance only when no fresh one is known --

    def price(self, venue_symbol: str) -> Decimal:
        """The last price, from a read or one of our own fills within price_ttl_s, else read now."""
        now = time.monotonic()
        with self._market_lock:
            hit = self._prices.get(venue_symbol)
        if hit is not None and now - hit[0] < self.price_ttl_s:
            return hit[1]
        price = self.last_price(venue_symbol)
        self.saw_price(venue_symbol, price, at=now)
        return price

    def saw_price(self, venue_symbol: str, price: Decimal, *, at: float | None = None) -> None:
        """A trade price we learnt anyway (a fill), so the next signal need not ask."""
        if price > 0:
            with self._market_lock:
                self._prices[venue_symbol] = (time.monotonic() if at is None else at, price)

    def available(self, asset: str) -> Decimal:
        now = time.monotonic()
        with self._market_lock:
            cached = self._balances
        if cached is None or now - cached[0] >= self.balance_ttl_s:
            cached = (now, self.balances())
            with self._market_lock:
                self._balances = cached
        for balance in cached[1]:
            if balance.asset == asset:
                return balance.available
        return Decimal(0)

    def account_changed(self) -> None:
        """An order or setting moved the account's margin: the next balance is read afresh."""
        with self._market_lock:
            self._balances = None

    def close(self) -> None:  # noqa: B027 - optional hook, most adapters hold only a session
        """Release the connection pool."""


def order_params(request: OrderRequest) -> dict[str, Any]:
    """The order fields both venues spell alike; each adds its client-id name and extras."""
    params: dict[str, Any] = {
        "symbol": request.venue_symbol,
        "side": request.side.value,
        "positionSide": request.position_side.value,
        "type": request.order_type.value,
        "quantity": request.quantity,
    }
    if request.order_type is OrderType.LIMIT:
        if request.price is None:
            raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a limit order needs a price")
        params["price"] = request.price
        params["timeInForce"] = "GTC"
    # Both venues refuse reduceOnly in hedge mode, where the position side says it.
    if request.reduce_only and request.position_side is PositionSide.BOTH:
        params["reduceOnly"] = "true"
    return params


def order_status(word: object, words: Mapping[str, OrderStatus]) -> OrderStatus:
    """The venue's status word in ours. A word the venue has never documented is read as NEW:
    an order we cannot place is then never counted as traded, and the log says which word."""
    status = words.get(str(word or "NEW").upper())
    if status is None:
        log.warning("unknown order status word %r read as NEW", word)
        return OrderStatus.NEW
    return status


def venue_order(
    order: Mapping[str, Any], client_order_id: str, words: Mapping[str, OrderStatus]
) -> VenueOrder:
    """An order as both venues report it (orderId, status, avgPrice, executedQty)."""
    avg = order.get("avgPrice")
    avg_price = parse_decimal(avg) if avg not in (None, "") else None
    executed = order.get("executedQty")
    return VenueOrder(
        order_id=str(order["orderId"]),
        client_order_id=str(order.get("clientOrderId") or order.get("clientOrderID") or client_order_id),
        status=order_status(order.get("status"), words),
        avg_price=avg_price if avg_price else None,  # zero until something fills
        executed_qty=parse_decimal(executed) if executed not in (None, "") else None,
    )
