"""BingX swap v2 REST and user-data stream, as the venue documents them, over the simulator's
exchange.

Business answers are HTTP 200 with the `{"code", "msg", "data"}` envelope; code 0 is success.
Signed endpoints are checked in `auth`. See docs/venues/bingx.md.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from simulator.bingx import (
    account,
    answers,
    auth,
    codes,
    fills,
    market,
    params,
    replace,
    trading,
    userstream,
    wallet,
)
from simulator.bingx.conditional import ConditionalBook
from simulator.exchange import Exchange
from simulator.faults import Faults
from simulator.routes import Dialect, Headers, Refusal, Routes
from simulator.venue import Clock, OwnOrders, StreamOptions, VenueFacade, system_ms

# The venue's forced closes and app orders carry no client id (its force-order list shows "").
OWN_ORDERS = OwnOrders(liquidation=lambda ms: "", from_app=lambda: "")


def build_facade(
    exchange: Exchange,
    clock: Clock = system_ms,
    *,
    faults: Faults | None = None,
    streams: StreamOptions | None = None,
    keeps_trigger_client_ids: bool = False,
) -> VenueFacade:
    def refused(refusal: Refusal, headers: Headers) -> JSONResponse:
        return answers.refused(refusal, clock(), headers)  # a refusal carries the server time

    router = APIRouter()
    dialect = Dialect(
        authenticate=auth.authenticate,
        refusal=codes.refusal_for,
        answer=answers.success,
        refuse=refused,
        params=params.TABLE,
        read_params=params.read,
        identify=auth.identify,
    )
    route = Routes(router, exchange, clock, dialect)
    book = ConditionalBook(exchange, clock, keeps_client_ids=keeps_trigger_client_ids)
    market.register(route, exchange, clock)
    account.register(route, exchange, clock)
    wallet.register(route, exchange)
    trading.register(route, exchange, book)
    replace.register(route, exchange, book)
    fills.register(route, exchange, book, clock)
    hub = userstream.build(
        route, router, exchange, book, clock, faults or Faults(), streams or StreamOptions()
    )
    return VenueFacade(
        "bingx",
        ("/openApi/",),
        router,
        exchange,
        answers.rate_limited,
        answers.server_error,
        lambda code, msg, status: answers.refusal(code, msg, status, clock()),
        streams=hub,
        own_orders=OWN_ORDERS,
        unknown_params=route.unknown_seen,
    )


def build_router(exchange: Exchange, clock: Clock = system_ms) -> APIRouter:
    return build_facade(exchange, clock).router
