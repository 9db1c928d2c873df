"""Public market data: server time, contracts, prices and 24-hour tickers; and the venue's other listings a
client reads when it loads every market, empty because the simulator trades only USDT-margined
perpetuals: spot pairs (`/openApi/spot`) and coin-margined contracts (`/openApi/cswap`)."""

from __future__ import annotations

from typing import Any

from simulator.bingx import render
from simulator.day_stats import DayWindow
from simulator.exchange import Exchange
from simulator.records import Account
from simulator.routes import Routes
from simulator.venue import Clock


def register(route: Routes, exchange: Exchange, clock: Clock) -> None:
    day = DayWindow(exchange, clock)

    @route("GET", "/openApi/swap/v2/server/time", signed=False)
    async def server_time(params: dict[str, str], account: Account | None) -> Any:
        return {"serverTime": clock()}

    @route("GET", "/openApi/swap/v2/quote/contracts", signed=False)
    async def contracts(params: dict[str, str], account: Account | None) -> Any:
        wanted = params.get("symbol")
        return [
            render.contract(exchange, n, inst)
            for n, inst in enumerate(exchange.instruments.values())
            if wanted is None or wanted == inst.symbol
        ]

    @route("GET", "/openApi/swap/v1/ticker/price", "/openApi/swap/v2/quote/price", signed=False)
    async def prices(params: dict[str, str], account: Account | None) -> Any:
        now = clock()
        symbol = params.get("symbol")
        if symbol:
            inst = exchange.instrument(symbol)
            return {"symbol": inst.symbol, "price": render.price(inst), "time": now}
        return [
            {"symbol": i.symbol, "price": render.price(i), "time": now} for i in exchange.instruments.values()
        ]

    @route("GET", "/openApi/swap/v2/quote/ticker", signed=False)
    async def day_ticker(params: dict[str, str], account: Account | None) -> Any:
        symbol = params.get("symbol")
        if symbol:
            return render.ticker(exchange.instrument(symbol), day.stats(symbol))
        return [render.ticker(inst, day.stats(s)) for s, inst in exchange.instruments.items()]

    @route("GET", "/openApi/spot/v1/common/symbols", signed=False)
    async def spot_symbols(params: dict[str, str], account: Account | None) -> Any:
        return {"symbols": []}

    @route("GET", "/openApi/cswap/v1/market/contracts", signed=False)
    async def coin_margined_contracts(params: dict[str, str], account: Account | None) -> Any:
        return []
