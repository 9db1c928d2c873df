"""What wraps the venue's answers: the `{"code", "msg", "data"}` envelope (code 0 is success), a
refusal's code and message in the same HTTP 200, and the rate-limit and server-error answers."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from simulator.bingx import codes
from simulator.routes import Refusal


def success(data: Any, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"code": 0, "msg": "", "data": data}, headers=headers)


def refused(refusal: Refusal, now_ms: int, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse(
        {"code": refusal.code, "msg": refusal.msg, "timestamp": now_ms},
        status_code=refusal.status,
        headers=headers,
    )


def refusal(code: int, msg: str, status: int | None, now_ms: int) -> JSONResponse:
    """Any refusal as the venue sends one: in an HTTP 200 unless told otherwise."""
    return refused(Refusal(code, msg, status or 200), now_ms, {})


def rate_limited(retry_after_s: int) -> JSONResponse:
    # The venue's HTTP-level limit answer; it documents no Retry-After, but proxies in front
    # of it send one, and honouring it when present costs nothing.
    return JSONResponse(
        {"code": codes.TOO_MANY_REQUESTS, "msg": "Rate limit exceeded", "data": None},
        status_code=429,
        headers={"Retry-After": str(retry_after_s)},
    )


def server_error(status: int) -> JSONResponse:
    return JSONResponse(
        {"code": codes.BUSY, "msg": "The current system is busy, please try again later"}, status
    )
