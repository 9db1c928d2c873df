"""Public market data under `/fapi`: ping, server time, exchangeInfo, prices and mark prices."""

from __future__ import annotations

from typing import Any

from simulator.binance import render
from simulator.binance.instruments import Filters, venue_symbol
from simulator.binance.orders import instrument_for
from simulator.exchange import Exchange
from simulator.records import Account
from simulator.routes import Routes
from simulator.venue import Clock


def register(route: Routes, exchange: Exchange, filters: dict[str, Filters], clock: Clock) -> None:
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

    def ticker(params: dict[str, str]) -> Any:
        def one(symbol: str) -> dict[str, Any]:
            inst = exchange.instruments[symbol]
            return {"symbol": venue_symbol(symbol), "price": render.price(inst, inst.price), "time": clock()}

        if params.get("symbol"):
            return one(instrument_for(exchange, params).symbol)
        return [one(symbol) for symbol in exchange.instruments]

    @route("GET", "/fapi/v1/ticker/price", signed=False)
    async def ticker_v1(params: dict[str, str], account: Account | None) -> Any:
        return ticker(params)

    @route("GET", "/fapi/v2/ticker/price", signed=False)
    async def ticker_v2(params: dict[str, str], account: Account | None) -> Any:
        return ticker(params)

    @route("GET", "/fapi/v1/premiumIndex", signed=False)
    async def premium_index(params: dict[str, str], account: Account | None) -> Any:
        now = clock()
        eight_hours = 8 * 3600 * 1000

        def one(symbol: str) -> dict[str, Any]:
            inst = exchange.instruments[symbol]
            mark = render.price(inst, inst.price)
            return {
                "symbol": venue_symbol(symbol),
                "markPrice": mark,
                "indexPrice": mark,
                "estimatedSettlePrice": mark,
                "lastFundingRate": "0.00010000",
                "interestRate": "0.00010000",
                "nextFundingTime": (now // eight_hours + 1) * eight_hours,
                "time": now,
            }

        if params.get("symbol"):
            return one(instrument_for(exchange, params).symbol)
        return [one(symbol) for symbol in exchange.instruments]
