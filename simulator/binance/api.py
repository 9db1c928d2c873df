"""Binance USDⓈ-M futures REST (`/fapi`), as the venue documents it, over the simulator's exchange.

Success is the bare JSON object or array; a refusal is `{"code": <negative>, "msg": ...}` with a
real HTTP error status (400 for business refusals, 401 for keys). SIGNED endpoints are checked
in `auth`; every answer carries `X-MBX-USED-WEIGHT-1M`. Symbols are spelled `BTCUSDT` on the
wire and `BTC-USDT` in the exchange. See docs/venues/binance.md.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from simulator.binance import auth, codes, render, trading
from simulator.binance.codes import BinanceError
from simulator.binance.instruments import Filters, default_filters, venue_symbol
from simulator.binance.orders import instrument_for
from simulator.exchange import Account, Exchange, SimError
from simulator.venue import VenueFacade

Handler = Callable[[dict[str, str], Account | None], Awaitable[Any]]
RouteDecorator = Callable[[Handler], Handler]
WEIGHT_HEADER = "X-MBX-USED-WEIGHT-1M"
RATE_LIMIT_MESSAGE = (
    "Too many requests; current limit is 2400 requests per minute. "
    "Please use the websocket for live updates to avoid polling the API."
)


def system_ms() -> int:
    return int(time.time() * 1000)


def rate_limited(retry_after_s: int) -> JSONResponse:
    return JSONResponse(
        {"code": codes.TOO_MANY_REQUESTS, "msg": RATE_LIMIT_MESSAGE},
        status_code=429,
        headers={"Retry-After": str(retry_after_s)},
    )


def server_error(status: int) -> JSONResponse:
    return JSONResponse({"code": codes.INTERNAL, "msg": codes.MESSAGES[codes.INTERNAL]}, status)


def build_facade(
    exchange: Exchange, clock: Callable[[], int] = system_ms, filters: dict[str, Filters] | None = None
) -> VenueFacade:
    return VenueFacade(
        "binance", "/fapi/", build_router(exchange, clock, filters), exchange, rate_limited, server_error
    )


class UsedWeight:
    """IP weight used in the current minute, as the venue reports it on every answer."""

    def __init__(self, clock: Callable[[], int]) -> None:
        self.clock = clock
        self.minute = -1
        self.used = 0

    def add(self, weight: int) -> int:
        minute = self.clock() // 60_000
        if minute != self.minute:
            self.minute, self.used = minute, 0
        self.used += weight
        return self.used


class Routes:
    """Registers one venue endpoint: parameter parsing, authentication, the venue's error shape."""

    def __init__(self, router: APIRouter, exchange: Exchange, clock: Callable[[], int]) -> None:
        self.router = router
        self.exchange = exchange
        self.clock = clock
        self.weight = UsedWeight(clock)

    def __call__(self, method: str, path: str, *, signed: bool, weight: int = 1) -> RouteDecorator:
        def register(fn: Handler) -> Handler:
            async def endpoint(request: Request) -> JSONResponse:
                headers = {WEIGHT_HEADER: str(self.weight.add(weight))}
                try:
                    sent = await auth.read(request)
                    account = (
                        auth.authenticate(self.exchange, request, sent, self.clock()) if signed else None
                    )
                    return JSONResponse(await fn(sent.params(), account), headers=headers)
                except BinanceError as exc:
                    return _refusal(exc, headers)
                except SimError as exc:
                    refusal = BinanceError(codes.REFUSALS[exc.reason])
                    if refusal.code == codes.MANDATORY_PARAM:
                        refusal.msg = exc.message
                    return _refusal(refusal, headers)

            self.router.add_api_route(path, endpoint, methods=[method], include_in_schema=False)
            return fn

        return register


def _refusal(exc: BinanceError, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"code": exc.code, "msg": exc.msg}, status_code=exc.status, headers=headers)


def complete_filters(exchange: Exchange, given: dict[str, Filters] | None) -> dict[str, Filters]:
    """Binance filters for every instrument; a generic set where none was given."""
    known = default_filters() | (given or {})
    return {
        symbol: known.get(symbol) or Filters(Decimal(10**7), Decimal(10**6), inst.price_tick, Decimal(10**7))
        for symbol, inst in exchange.instruments.items()
    }


def build_router(
    exchange: Exchange, clock: Callable[[], int] = system_ms, filters: dict[str, Filters] | None = None
) -> APIRouter:
    router = APIRouter()
    route = Routes(router, exchange, clock)
    all_filters = complete_filters(exchange, filters)
    _market(route, exchange, all_filters, clock)
    _account(route, exchange, clock)
    trading.register(route, exchange, all_filters, clock)
    return router


def _market(route: Routes, exchange: Exchange, filters: dict[str, Filters], clock: Callable[[], int]) -> None:
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


def _account(route: Routes, exchange: Exchange, clock: Callable[[], int]) -> None:
    for version in (2, 3):

        @route("GET", f"/fapi/v{version}/balance", signed=True, weight=5)
        async def balance(params: dict[str, str], account: Account | None) -> Any:
            assert account is not None
            with exchange.lock:
                return render.balance_rows(exchange, account, clock())

    @route("GET", "/fapi/v2/account", signed=True, weight=5)
    async def account_v2(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            return render.account_json(exchange, account, clock(), version=2)

    @route("GET", "/fapi/v3/account", signed=True, weight=5)
    async def account_v3(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            return render.account_json(exchange, account, clock(), version=3)

    def instruments(params: dict[str, str]) -> list[Any]:
        if params.get("symbol"):
            return [instrument_for(exchange, params)]
        return list(exchange.instruments.values())

    @route("GET", "/fapi/v2/positionRisk", signed=True, weight=5)
    async def position_risk_v2(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            now = clock()
            return [
                render.position_risk_v2(exchange, account, inst, side, now)
                for inst in instruments(params)
                for side in render.sides(account)
            ]

    @route("GET", "/fapi/v3/positionRisk", signed=True, weight=5)
    async def position_risk_v3(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            now = clock()
            # Only symbols holding a position (or open orders) are listed.
            busy = {o.symbol for o in exchange.open_orders(account)}
            return [
                render.position_risk_v3(exchange, account, inst, side, now)
                for inst in instruments(params)
                for side in render.sides(account)
                if render.position_of(account, inst.symbol, side).qty or inst.symbol in busy
            ]
