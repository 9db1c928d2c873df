"""What a venue façade gives the simulator app (its paths, router and wire-specific answers), and
the clock every venue reads."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from simulator.exchange import Exchange

# Milliseconds since the epoch on the venue's clock (which a test may skew).
Clock = Callable[[], int]


def system_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class VenueFacade:
    name: str
    path_prefix: str  # every path of this venue starts with it
    router: APIRouter
    exchange: Exchange
    # The venue's own words for "too many requests" and "server error", as it sends them.
    rate_limited: Callable[[int], JSONResponse]
    server_error: Callable[[int], JSONResponse]
