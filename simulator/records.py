"""What the exchange keeps: contracts and their precision, accounts, positions and orders, and
the reasons it refuses an order (each venue words them in its own codes). All money is Decimal."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from simulator.listings import MIN_NOTIONAL, MORE, Listing


class Reject(StrEnum):
    UNKNOWN_SYMBOL = "unknown_symbol"
    PRECISION = "precision"
    MIN_QUANTITY = "min_quantity"
    MIN_NOTIONAL = "min_notional"
    INSUFFICIENT_MARGIN = "insufficient_margin"
    REDUCE_ONLY = "reduce_only"
    NO_POSITION = "no_position"
    OVER_CLOSE = "over_close"  # a hedge-mode close for more than its side holds
    DUPLICATE_CLIENT_ID = "duplicate_client_id"
    UNKNOWN_ORDER = "unknown_order"
    INVALID_PARAMETER = "invalid_parameter"
    LEVERAGE = "leverage"
    POSITION_SIDE = "position_side"


class SimError(Exception):
    def __init__(self, reason: Reject, message: str, limit: Decimal | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.limit = limit  # the venue's bound the request crossed, for venues that quote it


@dataclass
class Instrument:
    base: str
    quote: str
    qty_precision: int
    price_precision: int
    min_qty: Decimal
    min_notional: Decimal
    max_leverage: int
    price: Decimal

    @property
    def symbol(self) -> str:
        return f"{self.base}-{self.quote}"

    @property
    def qty_step(self) -> Decimal:
        return Decimal(1).scaleb(-self.qty_precision)

    @property
    def price_tick(self) -> Decimal:
        return Decimal(1).scaleb(-self.price_precision)


def default_instruments() -> list[Instrument]:
    d = Decimal
    return [
        Instrument("BTC", "USDT", 4, 1, d("0.0001"), d("5"), 125, d("60000.0")),
        Instrument("ETH", "USDT", 2, 2, d("0.01"), d("5"), 100, d("3000.00")),
        Instrument("SOL", "USDT", 1, 3, d("0.1"), d("5"), 50, d("150.000")),
        Instrument("XRP", "USDT", 0, 4, d("1"), d("5"), 75, d("0.6000")),
        Instrument("DOGE", "USDT", 0, 5, d("10"), d("5"), 75, d("0.15000")),
        *(listed(listing, listing.bingx_qty_decimals) for listing in MORE),
    ]


def listed(listing: Listing, qty_decimals: int) -> Instrument:
    """A contract of simulator/listings.py, stepping its quantity as one venue does."""
    step = Decimal(1).scaleb(-qty_decimals)
    price = Decimal(listing.price)
    return Instrument(
        listing.base,
        "USDT",
        qty_decimals,
        listing.price_decimals,
        step,
        MIN_NOTIONAL,
        listing.max_leverage,
        price,
    )


def decimals(value: Decimal) -> int:
    """How many decimal places a number needs (trailing zeros do not count)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def truncate(value: Decimal, step: Decimal) -> Decimal:
    """Down to a whole number of steps, as a venue that drops excess decimals does."""
    return (value // step) * step


@dataclass
class Position:
    symbol: str
    side: str  # BOTH, LONG or SHORT
    qty: Decimal = Decimal(0)  # signed for BOTH; non-negative for LONG/SHORT
    entry: Decimal = Decimal(0)
    isolated: bool = False
    # Accumulated over the position's life, as the venues' account events report them.
    realized: Decimal = Decimal(0)  # profit booked by closing fills, before fees
    fees: Decimal = Decimal(0)


@dataclass
class Order:
    order_id: int
    client_order_id: str
    symbol: str
    side: str  # BUY or SELL
    position_side: str
    type: str
    qty: Decimal
    price: Decimal | None
    reduce_only: bool
    time_in_force: str = "GTC"
    status: str = "NEW"
    avg_price: Decimal = Decimal(0)
    executed_qty: Decimal = Decimal(0)
    realized_pnl: Decimal = Decimal(0)
    fee: Decimal = Decimal(0)
    time_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    update_ms: int = field(default_factory=lambda: int(time.time() * 1000))


@dataclass
class Account:
    api_key: str
    secret: str
    wallet: Decimal
    hedge_mode: bool = False
    leverage: dict[tuple[str, str], int] = field(default_factory=dict)  # (symbol, LONG|SHORT)
    isolated: dict[str, bool] = field(default_factory=dict)
    positions: dict[tuple[str, str], Position] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    by_client_id: dict[str, int] = field(default_factory=dict)
    fills: list[Fill] = field(default_factory=list)  # oldest first; trade ids only grow


@dataclass(frozen=True)
class Fill:
    """One execution of an order: what the venues list as a trade (REST) and push on the stream."""

    trade_id: int
    order_id: int
    client_order_id: str
    symbol: str
    side: str
    position_side: str
    qty: Decimal
    price: Decimal
    fee: Decimal  # charged, so never negative
    fee_asset: str
    realized_pnl: Decimal  # before the fee
    maker: bool
    time_ms: int
