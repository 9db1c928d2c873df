"""Public market data under `/fapi`: ping, server time, exchangeInfo, prices, 24-hour tickers and
mark prices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.binance import render
from simulator.binance.instruments import Filters, venue_symbol
from simulator.binance.orders import instrument_for
from simulator.day_stats import DayWindow
from simulator.exchange import Exchange
from simulator.records import Account, Instrument
from simulator.routes import Routes
from simulator.venue import Clock


def register(route: Routes, exchange: Exchange, filters: dict[str, Filters], clock: Clock) -> None:
    day = DayWindow(exchange, clock)

    @route("GET", "/fapi/v1/ping", signed=False)
    async def ping(params: dict[str, str], account: Account | None) -> Any:
        return {}

    @route("GET", "/fapi/v1/time", signed=False)
    async def server_time(params: dict[str, str], account: Account | None) -> Any:
        return {"serverTime": clock()}

    @route("GET", "/fapi/v1/exchangeInfo", signed=False)
    async def exchange_info(params: dict[str, str], account: Account | None) -> Any:
        with exchange.lock:
            return render.exchange_info(exchange, filters, clock())

    @route("GET", "/fapi/v1/ticker/price", "/fapi/v2/ticker/price", signed=False)
    async def ticker(params: dict[str, str], account: Account | None) -> Any:
        def one(inst: Instrument) -> dict[str, Any]:
            return {
                "symbol": venue_symbol(inst.symbol),
                "price": render.price(inst, inst.price),
                "time": clock(),
            }

        return _one_or_all(exchange, params, one)

    @route("GET", "/fapi/v1/ticker/24hr", signed=False)
    async def day_ticker(params: dict[str, str], account: Account | None) -> Any:
        return _one_or_all(exchange, params, lambda inst: render.day_ticker(inst, day.stats(inst.symbol)))

    @route("GET", "/fapi/v1/premiumIndex", signed=False)
    async def premium_index(params: dict[str, str], account: Account | None) -> Any:
        now = clock()
        eight_hours = 8 * 3600 * 1000

        def one(inst: Instrument) -> dict[str, Any]:
            mark = render.price(inst, inst.price)
            return {
                "symbol": venue_symbol(inst.symbol),
                "markPrice": mark,
                "indexPrice": mark,
                "estimatedSettlePrice": mark,
                "lastFundingRate": "0.00010000",
                "interestRate": "0.00010000",
                "nextFundingTime": (now // eight_hours + 1) * eight_hours,
                "time": now,
            }

        return _one_or_all(exchange, params, one)


def _one_or_all(
    exchange: Exchange, params: dict[str, str], one: Callable[[Instrument], dict[str, Any]]
) -> Any:
    """The `symbol` sent as an object, or every symbol as an array when none is sent."""
    if params.get("symbol"):
        return one(instrument_for(exchange, params))
    return [one(inst) for inst in exchange.instruments.values()]
