"""Binance USDⓈ-M futures REST (`/fapi`) and user-data stream, as the venue documents them, over
the simulator's exchange.

Success is the bare JSON object or array; a refusal is `{"code": <negative>, "msg": ...}` with a
real HTTP error status (400 for business refusals, 401 for keys). SIGNED endpoints are checked
in `auth`; every answer carries `X-MBX-USED-WEIGHT-1M`. Symbols are spelled `BTCUSDT` on the
wire and `BTC-USDT` in the exchange. See docs/venues/binance.md.
"""

from __future__ import annotations

from fastapi import APIRouter

from simulator.binance import (
    account,
    answers,
    auth,
    codes,
    fills,
    market,
    params,
    trading,
    userstream,
    wallet,
)
from simulator.binance.instruments import Filters, complete_filters
from simulator.binance.orders import auto_client_id
from simulator.exchange import Exchange
from simulator.faults import Faults
from simulator.routes import Dialect, Routes
from simulator.venue import Clock, OwnOrders, StreamOptions, VenueFacade, system_ms

# A forced close's id is documented ("autoclose-XXX"); an app's id is our choice of form.
OWN_ORDERS = OwnOrders(liquidation=lambda ms: f"autoclose-{ms}", from_app=lambda: f"web_{auto_client_id()}")


def build_facade(
    exchange: Exchange,
    clock: Clock = system_ms,
    filters: dict[str, Filters] | None = None,
    *,
    faults: Faults | None = None,
    streams: StreamOptions | None = None,
) -> VenueFacade:
    router = APIRouter()
    dialect = Dialect(
        authenticate=auth.authenticate,
        refusal=codes.refusal_for,
        answer=answers.success,
        refuse=answers.refused,
        params=params.TABLE,
        read_params=params.read,
        headers=answers.UsedWeight(clock).headers,
        identify=lambda exchange, request, sent, now_ms: auth.account_for(exchange, request),
    )
    route = Routes(router, exchange, clock, dialect)
    all_filters = complete_filters(exchange, filters)
    market.register(route, exchange, all_filters, clock)
    account.register(route, exchange, clock)
    wallet.register(route, exchange)
    trading.register(route, exchange, all_filters, clock)
    fills.register(route, exchange, clock)
    hub = userstream.build(route, router, exchange, clock, faults or Faults(), streams or StreamOptions())
    return VenueFacade(
        "binance",
        # The futures API, and the wallet API a client reads coins from (api.binance.com).
        ("/fapi/", "/sapi/"),
        router,
        exchange,
        answers.rate_limited,
        answers.server_error,
        answers.refusal,
        streams=hub,
        own_orders=OWN_ORDERS,
        unknown_params=route.unknown_seen,
    )


def build_router(
    exchange: Exchange, clock: Clock = system_ms, filters: dict[str, Filters] | None = None
) -> APIRouter:
    return build_facade(exchange, clock, filters).router
