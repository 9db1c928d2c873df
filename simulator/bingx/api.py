"""BingX swap v2 REST, as the venue documents it, over the simulator's exchange.

Business answers are HTTP 200 with the `{"code", "msg", "data"}` envelope; code 0 is success.
Signed endpoints are checked in `auth`. See docs/venues/bingx.md.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from simulator.bingx import account, answers, auth, codes, market, trading
from simulator.bingx.conditional import ConditionalBook
from simulator.exchange import Exchange
from simulator.routes import Dialect, Headers, Refusal, Routes
from simulator.venue import Clock, VenueFacade, system_ms


def build_facade(exchange: Exchange, clock: Clock = system_ms) -> VenueFacade:
    return VenueFacade(
        "bingx",
        "/openApi/",
        build_router(exchange, clock),
        exchange,
        answers.rate_limited,
        answers.server_error,
    )


def build_router(exchange: Exchange, clock: Clock = system_ms) -> APIRouter:
    def refused(refusal: Refusal, headers: Headers) -> JSONResponse:
        return answers.refused(refusal, clock(), headers)  # a refusal carries the server time

    router = APIRouter()
    dialect = Dialect(
        authenticate=auth.authenticate, refusal=codes.refusal_for, answer=answers.success, refuse=refused
    )
    route = Routes(router, exchange, clock, dialect)
    market.register(route, exchange, clock)
    account.register(route, exchange, clock)
    trading.register(route, exchange, ConditionalBook(exchange, clock))
    return router
