"""What every venue adapter shares: the caches behind the core's `VenueAdapter` port, and the
order fields both venues spell alike."""

from __future__ import annotations

import abc
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from common.decimals import parse_decimal
from common.errors import ErrorClass, TvbridgeError
from executor.core.model import MarginMode, OrderStatus, OrderType, PositionSide, Venue
from executor.core.ports import (
    ConnectionReport,
    InstrumentRules,
    OpenProtection,
    OrderRequest,
    ProtectionRequest,
    VenueBalance,
    VenueOrder,
    VenuePosition,
)
from executor.venues.fresh import FreshReads

log = logging.getLogger("executor.venues")

# How long a read serves later signals, unless the settings say otherwise (executor/config.py).
PRICE_MAX_AGE_S = 1.0
BALANCE_MAX_AGE_S = 2.0
# A fee rate moves only with the account's fee tier.
FEE_MAX_AGE_S = 3600.0


class BaseVenueAdapter(abc.ABC):
    """One venue, one account, one keep-alive connection pool: the core's `VenueAdapter` port,
    with the price and balance caches every venue shares."""

    venue: Venue
    # True where an entry order can carry its own take-profit / stop-loss (BingX); elsewhere
    # they are separate orders placed after the fill.
    attaches_protection: bool = False
    # The venue keeps our client id on trigger orders; its cumulative rule (see the port).
    trigger_client_ids: bool = True
    caps_trigger_totals: bool = False

    def __init__(self, account: str, base_url: str) -> None:
        self.account = account
        self.base_url = base_url
        # Last prices by venue symbol. A price is the market's, not the account's: wiring gives
        # every account of a venue the same one, so a read or a fill on one serves them all.
        self.prices: FreshReads[str, Decimal] = FreshReads(PRICE_MAX_AGE_S)
        self.balance_reads: FreshReads[None, list[VenueBalance]] = FreshReads(BALANCE_MAX_AGE_S)
        self._fees: FreshReads[str, Decimal] = FreshReads(FEE_MAX_AGE_S)

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
    def replace_protection(self, old: OpenProtection, request: ProtectionRequest) -> VenueOrder:
        """`request` in the place of the resting trigger order `old`, never leaving the position
        without one (the port's contract, executor/core/ports.py)."""

    @abc.abstractmethod
    def cancel_protection(self, venue_symbol: str, order_id: str) -> None:
        """Cancel one trigger order; an order already gone is not an error."""

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
        """The last price, from a read or one of our own fills within the prices' window, else
        read now (once, for every signal asking meanwhile)."""
        return self.prices.get(venue_symbol, lambda: self.last_price(venue_symbol))

    def saw_price(self, venue_symbol: str, price: Decimal) -> None:
        """A trade price we learnt anyway (a fill), so the next signal need not ask."""
        if price > 0:
            self.prices.put(venue_symbol, price)

    def available(self, asset: str) -> Decimal:
        balance = self._balance(asset)
        return balance.available if balance is not None else Decimal(0)

    def equity(self, asset: str) -> Decimal:
        """Wallet balance plus the open positions' unrealised profit, from a recent read."""
        balance = self._balance(asset)
        return balance.equity if balance is not None else Decimal(0)

    def margin_asset(self, asset: str) -> str:
        """The asset that holds the margin of contracts quoted in `asset` (itself, but for demos)."""
        return asset

    def _balance(self, asset: str) -> VenueBalance | None:
        held = self.margin_asset(asset)
        balances = self.balance_reads.get(None, self.balances)
        return next((balance for balance in balances if balance.asset == held), None)

    def taker_fee(self, venue_symbol: str) -> Decimal:
        """The account's taker fee rate on the symbol (0.0005 is 0.05 %), read once an hour."""
        return self._fees.get(venue_symbol, lambda: self.read_taker_fee(venue_symbol))

    @abc.abstractmethod
    def read_taker_fee(self, venue_symbol: str) -> Decimal:
        """The account's taker fee rate, asked of the venue."""

    def account_changed(self) -> None:
        """An order or setting moved the account's margin: the next balance is read afresh."""
        self.balance_reads.forget()

    def close(self) -> None:  # noqa: B027 - optional hook, most adapters hold only a session
        """Release the connection pool."""


def order_params(request: OrderRequest) -> dict[str, Any]:
    """The order fields both venues spell alike; each adds its client-id name and extras."""
    params: dict[str, Any] = {
        "symbol": request.venue_symbol,
        "side": request.side.value,
        "positionSide": request.position_side.value,
        "type": request.order_type.value.upper(),  # both venues spell it MARKET / LIMIT
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
