"""Binance USDⓈ-M futures REST (`/fapi`), as the venue documents it, over the simulator's exchange.

Success is the bare JSON object or array; a refusal is `{"code": <negative>, "msg": ...}` with a
real HTTP error status (400 for business refusals, 401 for keys). SIGNED endpoints are checked
in `auth`; every answer carries `X-MBX-USED-WEIGHT-1M`. Symbols are spelled `BTCUSDT` on the
wire and `BTC-USDT` in the exchange. See docs/venues/binance.md.
"""

from __future__ import annotations

from fastapi import APIRouter

from simulator.binance import account, answers, auth, codes, market, trading
from simulator.binance.instruments import Filters, complete_filters
from simulator.exchange import Exchange
from simulator.routes import Dialect, Routes
from simulator.venue import Clock, VenueFacade, system_ms


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
    dialect = Dialect(
        authenticate=auth.authenticate,
        refusal=codes.refusal_for,
        answer=answers.success,
        refuse=answers.refused,
        headers=answers.UsedWeight(clock).headers,
    )
    route = Routes(router, exchange, clock, dialect)
    all_filters = complete_filters(exchange, filters)
    market.register(route, exchange, all_filters, clock)
    account.register(route, exchange, clock)
    trading.register(route, exchange, all_filters, clock)
    return router
