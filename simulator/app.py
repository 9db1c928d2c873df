"""The simulator's ASGI app: venue façades over their exchanges, plus `/_sim` control."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request, Response

from common.settings import secret_value
from simulator.bingx import api as bingx_api
from simulator.config import SimulatorSettings
from simulator.control import build_router as control_router
from simulator.exchange import Exchange


@dataclass
class Simulator:
    app: FastAPI
    exchanges: dict[str, Exchange]
    requests_seen: Counter[tuple[str, str]]


def build(settings: SimulatorSettings, clock: Callable[[], int] | None = None) -> Simulator:
    bingx = Exchange("bingx", truncate_excess_precision=True)
    key, secret = secret_value(settings.bingx_api_key), secret_value(settings.bingx_secret_key)
    if key and secret:
        bingx.add_account(key, secret, settings.simulator_start_balance)
    exchanges = {"bingx": bingx}
    seen: Counter[tuple[str, str]] = Counter()

    app = FastAPI(title="tvbridge venue simulator", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def count(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if not request.url.path.startswith("/_sim"):
            seen[(request.method, request.url.path)] += 1
        return await call_next(request)

    app.include_router(bingx_api.build_router(bingx, clock or bingx_api.system_ms))
    app.include_router(control_router(exchanges, seen))
    return Simulator(app, exchanges, seen)
