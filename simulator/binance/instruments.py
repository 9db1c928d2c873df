"""Binance-shaped contracts: the exchange's instruments plus the filters only Binance publishes.

The numbers are of the venue's kind (BTC steps 0.001 and needs 100 USDT of notional, altcoins
5 USDT), not a copy of its live values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from simulator.exchange import Exchange
from simulator.listings import MORE
from simulator.records import Instrument, listed


@dataclass(frozen=True)
class Filters:
    """What exchangeInfo lists beyond the exchange's own precision, minimums and leverage."""

    max_qty: Decimal  # LOT_SIZE.maxQty
    market_max_qty: Decimal  # MARKET_LOT_SIZE.maxQty
    min_price: Decimal
    max_price: Decimal
    # MARKET_LOT_SIZE.stepSize / minQty when they differ from LOT_SIZE's.
    market_step: Decimal | None = None
    market_min_qty: Decimal | None = None
    max_open_orders: int = 200


def default_instruments() -> list[Instrument]:
    d = Decimal
    return [
        Instrument("BTC", "USDT", 3, 1, d("0.001"), d("100"), 125, d("60000.0")),
        Instrument("ETH", "USDT", 3, 2, d("0.001"), d("20"), 100, d("3000.00")),
        Instrument("SOL", "USDT", 0, 2, d("1"), d("5"), 50, d("150.00")),
        Instrument("XRP", "USDT", 1, 4, d("0.1"), d("5"), 75, d("0.6000")),
        Instrument("DOGE", "USDT", 0, 5, d("1"), d("5"), 75, d("0.15000")),
        *(listed(listing, listing.binance_qty_decimals) for listing in MORE),
    ]


def default_filters() -> dict[str, Filters]:
    d = Decimal
    return {
        "BTC-USDT": Filters(d("1000"), d("120"), d("556.8"), d("4529764")),
        "ETH-USDT": Filters(d("10000"), d("2000"), d("39.86"), d("306177")),
        "SOL-USDT": Filters(d("1000000"), d("50000"), d("0.42"), d("6857")),
        "XRP-USDT": Filters(d("10000000"), d("2000000"), d("0.0143"), d("100000")),
        "DOGE-USDT": Filters(d("50000000"), d("30000000"), d("0.00244"), d("30")),
    }


def venue_symbol(symbol: str) -> str:
    """BTC-USDT -> BTCUSDT: Binance spells contracts with no separator."""
    return symbol.replace("-", "")


def canonical(instruments: dict[str, Instrument], venue_sym: str) -> str | None:
    for inst in instruments.values():
        if inst.base + inst.quote == venue_sym:
            return inst.symbol
    return None


def market_rules(inst: Instrument, filters: Filters) -> tuple[Decimal, Decimal]:
    """(stepSize, minQty) of MARKET_LOT_SIZE."""
    return filters.market_step or inst.qty_step, filters.market_min_qty or inst.min_qty


def complete_filters(exchange: Exchange, given: dict[str, Filters] | None) -> dict[str, Filters]:
    """Binance filters for every instrument; a generic set where none was given."""
    known = default_filters() | (given or {})
    return {
        symbol: known.get(symbol) or Filters(Decimal(10**7), Decimal(10**6), inst.price_tick, Decimal(10**7))
        for symbol, inst in exchange.instruments.items()
    }
