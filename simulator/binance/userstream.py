"""Binance's user-data stream (docs/venues/binance.md, "User-data stream").

The listen key lives under `/fapi/v1/listenKey` and asks for the API key only: POST hands out
the account's live key (extending it) or a new one, PUT keeps it alive, DELETE closes it and
its streams; a dead key answers -1125. The websocket is served at every form the venue has
used: `/ws/<key>` (until 2026-04-23), `/private/ws/<key>`, and `/private/ws?listenKey=<key>&events=
A/B`, which delivers only the events named (none when `events` is missing, as observed on
production). Frames are JSON text; a connection lives at most 24 hours.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, WebSocket

from simulator.binance import codes, stream_events
from simulator.binance.codes import BinanceError
from simulator.events import Event
from simulator.exchange import Exchange
from simulator.faults import Faults
from simulator.records import Account
from simulator.routes import Routes
from simulator.streams import session
from simulator.streams.hub import Frame, StreamHub
from simulator.streams.listenkeys import ALPHANUMERIC, ListenKeys, key_maker
from simulator.venue import Clock, StreamOptions

LISTEN_KEY_PATH = "/fapi/v1/listenKey"


def build(
    route: Routes, router: APIRouter, exchange: Exchange, clock: Clock, faults: Faults, options: StreamOptions
) -> StreamHub:
    keys = ListenKeys(
        clock, int(options.listen_key_ttl_s * 1000), key_maker(ALPHANUMERIC), one_per_account=True
    )
    hub = StreamHub("binance", keys, faults, stream_events.listen_key_expired)

    def heard(event: Event) -> None:
        hub.publish(event.api_key, lambda: stream_events.frames(exchange, event))

    exchange.events.subscribe(heard)
    _listen_key(route, hub)
    _websockets(router, hub, session.Wire(encode=_json, lifetime_s=options.lifetime_s))
    return hub


def _json(frame: Frame) -> str:
    return (
        frame.payload if isinstance(frame.payload, str) else json.dumps(frame.payload, separators=(",", ":"))
    )


def _listen_key(route: Routes, hub: StreamHub) -> None:
    keys = hub.keys

    def live_key(params: dict[str, str], account: Account) -> str:
        """The account's live key; a key sent by an older client must be that one."""
        key = keys.live_key_of(account.api_key)
        sent = params.get("listenKey")
        if key is None or (sent and sent != key):
            raise BinanceError(codes.LISTEN_KEY_UNKNOWN)
        return key

    @route("POST", LISTEN_KEY_PATH, signed=False, keyed=True)
    async def start(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return {"listenKey": keys.create(account.api_key)}

    @route("PUT", LISTEN_KEY_PATH, signed=False, keyed=True)
    async def keep_alive(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        key = live_key(params, account)
        keys.extend(key)
        return {"listenKey": key}

    @route("DELETE", LISTEN_KEY_PATH, signed=False, keyed=True)
    async def close(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        key = live_key(params, account)
        keys.close(key)
        hub.closed(key)
        return {}


def _websockets(router: APIRouter, hub: StreamHub, wire: session.Wire) -> None:
    @router.websocket("/ws/{listen_key}")
    async def legacy(websocket: WebSocket, listen_key: str) -> None:
        await session.serve(websocket, hub, wire, listen_key, None)

    @router.websocket("/private/ws/{listen_key}")
    async def private_path(websocket: WebSocket, listen_key: str) -> None:
        await session.serve(websocket, hub, wire, listen_key, None)

    @router.websocket("/private/ws")
    async def private_query(websocket: WebSocket) -> None:
        query = websocket.query_params
        events = frozenset(name for name in query.get("events", "").split("/") if name)
        await session.serve(websocket, hub, wire, query.get("listenKey", ""), events)
