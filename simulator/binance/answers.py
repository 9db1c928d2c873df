"""What wraps the venue's answers: the used-weight header on every one, refusals with their HTTP
status, and the rate-limit and server-error answers. Success is the bare JSON object or array."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from simulator.binance import codes
from simulator.routes import Refusal
from simulator.venue import Clock

WEIGHT_HEADER = "X-MBX-USED-WEIGHT-1M"
RATE_LIMIT_MESSAGE = (
    "Too many requests; current limit is 2400 requests per minute. "
    "Please use the websocket for live updates to avoid polling the API."
)


class UsedWeight:
    """IP weight used in the current minute, as the venue reports it on every answer."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.minute = -1
        self.used = 0

    def add(self, weight: int) -> int:
        minute = self.clock() // 60_000
        if minute != self.minute:
            self.minute, self.used = minute, 0
        self.used += weight
        return self.used

    def headers(self, weight: int) -> dict[str, str]:
        return {WEIGHT_HEADER: str(self.add(weight))}


def success(data: Any, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse(data, headers=headers)


def refused(refusal: Refusal, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse(
        {"code": refusal.code, "msg": refusal.msg}, status_code=refusal.status, headers=headers
    )


def refusal(code: int, msg: str, status: int | None) -> JSONResponse:
    """Any refusal as the venue sends one: HTTP 400 unless told otherwise, the page's wording
    for the code when no message is given."""
    return refused(codes.BinanceError(code, msg or None, status or 400), {})


def rate_limited(retry_after_s: int) -> JSONResponse:
    return JSONResponse(
        {"code": codes.TOO_MANY_REQUESTS, "msg": RATE_LIMIT_MESSAGE},
        status_code=429,
        headers={"Retry-After": str(retry_after_s)},
    )


def server_error(status: int) -> JSONResponse:
    return JSONResponse({"code": codes.INTERNAL, "msg": codes.MESSAGES[codes.INTERNAL]}, status)
