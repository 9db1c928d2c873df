"""BingX's swap user-data stream (docs/venues/bingx.md, "User-data stream").

The listen key lives under `/openApi/user/auth/userDataStream`: POST (with `X-BX-APIKEY`; a
signature, if sent, must be right) answers a bare `{"listenKey": ...}`, a new key each time;
PUT and DELETE name the key in `listenKey` and answer with the HTTP status alone: 200 done, 204
no key sent, 404 no such live key. The websocket is `/swap-market?listenKey=<key>`: every frame
is gzip-compressed JSON in a binary frame; the venue sends "Ping" every 5 seconds and expects
"Pong" (we close a connection that leaves two in a row unanswered); it pushes every contract's
settings on connect and every 5 seconds.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import zlib
from typing import Any

from fastapi import APIRouter, Response, WebSocket
from fastapi.responses import JSONResponse

from simulator.bingx import stream_events
from simulator.bingx.conditional import ConditionalBook
from simulator.events import Event
from simulator.exchange import Exchange
from simulator.faults import Faults
from simulator.records import Account
from simulator.routes import Routes
from simulator.streams import session
from simulator.streams.hub import Frame, StreamHub
from simulator.streams.listenkeys import HEX, ListenKeys, key_maker
from simulator.venue import Clock, StreamOptions

LISTEN_KEY_PATH = "/openApi/user/auth/userDataStream"
PING = Frame("Ping", "Ping")


def build(
    route: Routes,
    router: APIRouter,
    exchange: Exchange,
    book: ConditionalBook,
    clock: Clock,
    faults: Faults,
    options: StreamOptions,
) -> StreamHub:
    keys = ListenKeys(clock, int(options.listen_key_ttl_s * 1000), key_maker(HEX), one_per_account=False)
    hub = StreamHub("bingx", keys, faults, stream_events.listen_key_expired)

    def heard(event: Event) -> None:
        hub.publish(event.api_key, lambda: stream_events.frames(exchange, book, event))

    def snapshot(api_key: str) -> list[Frame]:
        with exchange.lock:
            return stream_events.settings_snapshot(exchange, exchange.accounts[api_key], clock())

    exchange.events.subscribe(heard)
    _listen_key(route, hub)
    wire = session.Wire(
        encode=gzipped,
        heartbeat_s=options.heartbeat_s,
        heartbeat=PING,
        answers=is_pong,
        snapshot=snapshot,
        snapshot_every_s=options.snapshot_every_s,
    )

    @router.websocket("/swap-market")
    async def swap_market(websocket: WebSocket) -> None:
        await session.serve(websocket, hub, wire, websocket.query_params.get("listenKey", ""), None)

    return hub


def gzipped(frame: Frame) -> bytes:
    text = (
        frame.payload if isinstance(frame.payload, str) else json.dumps(frame.payload, separators=(",", ":"))
    )
    return gzip.compress(text.encode(), mtime=0)


def is_pong(message: str | bytes) -> bool:
    """'Pong' as text, as bytes, or gzip-compressed like the venue's own frames."""
    if isinstance(message, str):
        return message.strip() == "Pong"
    with contextlib.suppress(OSError, EOFError, zlib.error):  # not gzip: read it as it came
        message = gzip.decompress(message)
    return message.strip() == b"Pong"


def _listen_key(route: Routes, hub: StreamHub) -> None:
    keys = hub.keys

    @route("POST", LISTEN_KEY_PATH, signed=False, keyed=True)
    async def generate(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return JSONResponse({"listenKey": keys.create(account.api_key)})

    @route("PUT", LISTEN_KEY_PATH, signed=False)
    async def extend(params: dict[str, str], account: Account | None) -> Any:
        key = params.get("listenKey", "")
        if not key:
            return Response(status_code=204)
        return Response(status_code=200 if keys.extend(key) else 404)

    @route("DELETE", LISTEN_KEY_PATH, signed=False)
    async def delete(params: dict[str, str], account: Account | None) -> Any:
        key = params.get("listenKey", "")
        if not key:
            return Response(status_code=204)
        if not keys.close(key):
            return Response(status_code=404)
        hub.closed(key)
        return Response(status_code=200)
