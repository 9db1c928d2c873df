"""What a venue façade gives the simulator app (its paths, router and wire-specific answers, its
user-data streams, how it names the orders it places itself), and the clock every venue reads."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from simulator.exchange import Exchange

if TYPE_CHECKING:
    from simulator.streams.hub import StreamHub

# Milliseconds since the epoch on the venue's clock (which a test may skew).
Clock = Callable[[], int]


def system_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class OwnOrders:
    """The client ids a venue gives the orders it places itself."""

    liquidation: Callable[[int], str]  # (time ms) -> a forced close's id
    from_app: Callable[[], str]  # a close the account's owner clicked in the venue's app


@dataclass(frozen=True)
class StreamOptions:
    """User-data stream timings, each the venue's own unless a test shortens it."""

    listen_key_ttl_s: float = 3600.0  # both venues: 60 minutes from creation or keep-alive
    lifetime_s: float = 86400.0  # Binance ends a connection at 24 hours
    heartbeat_s: float = 5.0  # BingX sends "Ping" every 5 seconds
    snapshot_every_s: float = 5.0  # BingX repeats its settings snapshot every 5 seconds


@dataclass(frozen=True)
class VenueFacade:
    name: str
    path_prefixes: tuple[str, ...]  # every path of this venue starts with one of them
    router: APIRouter
    exchange: Exchange
    # The venue's own words for "too many requests" and "server error", as it sends them.
    rate_limited: Callable[[int], JSONResponse]
    server_error: Callable[[int], JSONResponse]
    # Any refusal in the venue's own form: (code, message, HTTP status or None for the usual one).
    refusal: Callable[[int, str, int | None], JSONResponse]
    streams: StreamHub | None = None
    own_orders: OwnOrders | None = None
    # Parameters received that their endpoint does not read: (method, path, name) -> requests.
    unknown_params: Counter[tuple[str, str, str]] = field(default_factory=Counter)
