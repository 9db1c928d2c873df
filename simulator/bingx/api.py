"""BingX swap v2 REST, as the venue documents it, over the simulator's exchange.

Business answers are HTTP 200 with the `{"code", "msg", "data"}` envelope; code 0 is success.
Signed endpoints are checked in `auth`. See docs/venues/bingx.md.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from simulator import wire
from simulator.bingx import account, answers, auth, codes, market, trading
from simulator.bingx.conditional import ConditionalBook
from simulator.exchange import Exchange
from simulator.records import Account, SimError
from simulator.routes import Refusal, Routes
from simulator.venue import Clock, VenueFacade, system_ms


class BingxDialect:
    def __init__(self, exchange: Exchange, clock: Clock) -> None:
        self.exchange = exchange
        self.clock = clock

    def headers(self, weight: int) -> dict[str, str]:
        return {}  # the venue reports no request weight

    def authenticate(self, request: Request, sent: wire.Sent) -> Account:
        return auth.authenticate(self.exchange, request, sent, self.clock())

    def refusal(self, error: SimError) -> Refusal:
        return codes.refusal_for(error)

    def answer(self, data: Any, headers: dict[str, str]) -> JSONResponse:
        return answers.success(data, headers)

    def refuse(self, refusal: Refusal, headers: dict[str, str]) -> JSONResponse:
        return answers.refused(refusal, self.clock(), headers)


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
    router = APIRouter()
    route = Routes(router, BingxDialect(exchange, clock))
    market.register(route, exchange, clock)
    account.register(route, exchange, clock)
    trading.register(route, exchange, ConditionalBook(exchange, clock))
    return router
