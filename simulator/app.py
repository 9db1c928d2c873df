"""The simulator's ASGI app: venue façades over their exchanges, faults, and `/_sim` control."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request, Response

from common.settings import parse_accounts, secret_value
from simulator.binance import api as binance_api
from simulator.binance.instruments import default_instruments as binance_instruments
from simulator.bingx import api as bingx_api
from simulator.bingx.ids import first_order_id
from simulator.config import SimulatorSettings
from simulator.control import build_router as control_router
from simulator.control_outside import build_router as outside_router
from simulator.control_spellings import build_router as spellings_router
from simulator.control_timeline import build_router as timeline_router
from simulator.exchange import Exchange
from simulator.faults import FaultKind, Faults, Fired
from simulator.streams.hub import StreamHub
from simulator.venue import Clock, StreamOptions, VenueFacade, system_ms


@dataclass
class Simulator:
    app: FastAPI
    exchanges: dict[str, Exchange]
    requests_seen: Counter[tuple[str, str]]
    faults: Faults
    streams: dict[str, StreamHub]
    # Per venue: parameters received that their endpoint does not read, (method, path, name).
    unknown_params: dict[str, Counter[tuple[str, str, str]]]


def _venues(settings: SimulatorSettings, clock: Callable[[str], Clock], faults: Faults) -> list[VenueFacade]:
    """One entry a venue: its exchange (with the accounts from the shared env names) and façade."""
    bingx = Exchange(
        "bingx",
        truncate_excess_precision=True,
        first_order_id=first_order_id(),
        margin_asset="VST" if settings.bingx_demo else "USDT",
    )
    binance = Exchange(
        "binance",
        binance_instruments(),
        truncate_excess_precision=False,
        client_ids_unique_while_open=True,
    )
    for exchange, key, secret, named in (
        (bingx, settings.bingx_api_key, settings.bingx_secret_key, settings.bingx_accounts),
        (binance, settings.binance_api_key, settings.binance_secret_key, settings.binance_accounts),
    ):
        api_key, secret_key = secret_value(key), secret_value(secret)
        if api_key and secret_key:
            exchange.add_account(api_key, secret_key, settings.simulator_start_balance)
        for api_key, secret_key in parse_accounts(
            secret_value(named), f"{exchange.venue.upper()}_ACCOUNTS"
        ).values():
            exchange.add_account(api_key, secret_key, settings.simulator_start_balance)
    streams = StreamOptions(
        listen_key_ttl_s=settings.simulator_listen_key_ttl_s,
        lifetime_s=settings.simulator_stream_lifetime_s,
        heartbeat_s=settings.simulator_bingx_heartbeat_s,
        snapshot_every_s=settings.simulator_bingx_snapshot_s,
    )
    return [
        bingx_api.build_facade(
            bingx,
            clock("bingx"),
            faults=faults,
            streams=streams,
            keeps_trigger_client_ids=settings.simulator_bingx_trigger_client_ids,
        ),
        binance_api.build_facade(binance, clock("binance"), faults=faults, streams=streams),
    ]


async def _answer(
    facade: VenueFacade,
    fired: list[Fired],
    request: Request,
    call_next: Callable[[Request], Awaitable[Response]],
) -> Response:
    """A faulty answer in place of the venue's, or the venue's own."""
    for fault in fired:
        if fault.kind is FaultKind.RATE_LIMIT:
            return facade.rate_limited(fault.rule.retry_after_s)
        if fault.kind is FaultKind.HTTP_ERROR:
            return facade.server_error(fault.rule.status)
        if fault.kind is FaultKind.VENUE_ERROR:
            return facade.refusal(fault.rule.code, fault.rule.msg, fault.rule.answer_status)
    return await call_next(request)


def build(settings: SimulatorSettings, clock: Clock | None = None) -> Simulator:
    faults = Faults()
    base_clock = clock or system_ms

    def venue_clock(venue: str) -> Clock:
        return lambda: base_clock() + faults.skew_ms(venue)

    facades = _venues(settings, venue_clock, faults)
    seen: Counter[tuple[str, str]] = Counter()
    app = FastAPI(title="tvbridge venue simulator", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def venue_conditions(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        facade = next((f for f in facades if path.startswith(f.path_prefixes)), None)
        if facade is None:
            return await call_next(request)
        seen[(request.method, path)] += 1
        if facade.streams is not None:
            facade.streams.timeline.request(request.method, path, request.query_params)
        fired = faults.draw(facade.name, request.method, path, request.query_params)
        for fault in fired:
            if fault.kind is FaultKind.LATENCY:
                await asyncio.sleep(fault.rule.latency_ms / 1000)
        response = await _answer(facade, fired, request, call_next)
        for fault in fired:
            if fault.kind is FaultKind.HEADERS:
                response.headers.update(fault.rule.headers)
        for fault in fired:
            if fault.kind is FaultKind.TIMEOUT_AFTER_ACCEPT:
                # The venue acted; its answer never arrives in time.
                await asyncio.sleep(fault.rule.hold_s)
        return response

    for facade in facades:
        app.include_router(facade.router)
    exchanges = {f.name: f.exchange for f in facades}
    unknown = {f.name: f.unknown_params for f in facades}
    app.include_router(control_router(exchanges, seen, faults, settings.simulator_start_balance, unknown))
    app.include_router(outside_router({f.name: f for f in facades}))
    app.include_router(spellings_router(exchanges))
    hubs = {f.name: f.streams for f in facades if f.streams is not None}
    app.include_router(timeline_router(hubs))
    return Simulator(app, exchanges, seen, faults, hubs, unknown)
