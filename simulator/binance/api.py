"""Binance USDⓈ-M futures REST (`/fapi`), as the venue documents it, over the simulator's exchange.

Success is the bare JSON object or array; a refusal is `{"code": <negative>, "msg": ...}` with a
real HTTP error status (400 for business refusals, 401 for keys). SIGNED endpoints are checked
in `auth`; every answer carries `X-MBX-USED-WEIGHT-1M`. Symbols are spelled `BTCUSDT` on the
wire and `BTC-USDT` in the exchange. See docs/venues/binance.md.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from simulator import wire
from simulator.binance import account, answers, auth, codes, market, trading
from simulator.binance.instruments import Filters, complete_filters
from simulator.exchange import Exchange
from simulator.records import Account, SimError
from simulator.routes import Refusal, Routes
from simulator.venue import Clock, VenueFacade, system_ms


class BinanceDialect:
    def __init__(self, exchange: Exchange, clock: Clock) -> None:
        self.exchange = exchange
        self.clock = clock
        self.weight = answers.UsedWeight(clock)

    def headers(self, weight: int) -> dict[str, str]:
        return self.weight.headers(weight)

    def authenticate(self, request: Request, sent: wire.Sent) -> Account:
        return auth.authenticate(self.exchange, request, sent, self.clock())

    def refusal(self, error: SimError) -> Refusal:
        return codes.refusal_for(error)

    def answer(self, data: Any, headers: dict[str, str]) -> JSONResponse:
        return answers.success(data, headers)

    def refuse(self, refusal: Refusal, headers: dict[str, str]) -> JSONResponse:
        return answers.refused(refusal, headers)


def build_facade(
    exchange: Exchange, clock: Clock = system_ms, filters: dict[str, Filters] | None = None
) -> VenueFacade:
    return VenueFacade(
        "binance",
        "/fapi/",
        build_router(exchange, clock, filters),
        exchange,
        answers.rate_limited,
        answers.server_error,
    )


def build_router(
    exchange: Exchange, clock: Clock = system_ms, filters: dict[str, Filters] | None = None
) -> APIRouter:
    router = APIRouter()
    route = Routes(router, BinanceDialect(exchange, clock))
    all_filters = complete_filters(exchange, filters)
    market.register(route, exchange, all_filters, clock)
    account.register(route, exchange, clock)
    trading.register(route, exchange, all_filters, clock)
    return router
