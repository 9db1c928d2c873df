"""The simulator's ASGI app: venue façades over their exchanges, faults, and `/_sim` control."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI

from common.settings import parse_accounts, secret_value
from simulator.binance import api as binance_api
from simulator.binance.instruments import default_instruments as binance_instruments
from simulator.bingx import api as bingx_api
from simulator.bingx.ids import first_order_id
from simulator.conditions import VenueConditions
from simulator.config import SimulatorSettings
from simulator.control import build_router as control_router
from simulator.control_outside import build_router as outside_router
from simulator.control_spellings import build_router as spellings_router
from simulator.control_timeline import build_router as timeline_router
from simulator.exchange import Exchange
from simulator.faults import Faults
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


def build(settings: SimulatorSettings, clock: Clock | None = None) -> Simulator:
    faults = Faults()
    base_clock = clock or system_ms

    def venue_clock(venue: str) -> Clock:
        return lambda: base_clock() + faults.skew_ms(venue)

    facades = _venues(settings, venue_clock, faults)
    seen: Counter[tuple[str, str]] = Counter()
    app = FastAPI(title="tvbridge venue simulator", docs_url=None, redoc_url=None, openapi_url=None)

    for facade in facades:
        app.include_router(facade.router)
    exchanges = {f.name: f.exchange for f in facades}
    unknown = {f.name: f.unknown_params for f in facades}
    app.include_router(control_router(exchanges, seen, faults, settings.simulator_start_balance, unknown))
    app.include_router(outside_router({f.name: f for f in facades}))
    app.include_router(spellings_router(exchanges))
    hubs = {f.name: f.streams for f in facades if f.streams is not None}
    app.add_middleware(VenueConditions, facades=facades, faults=faults, seen=seen)
    app.include_router(timeline_router(hubs))
    return Simulator(app, exchanges, seen, faults, hubs, unknown)
