"""The HTTP edge of the error taxonomy: each class's status code, from this one table, and the
core's Reply turned into a response, or (on the webhook's path, gateway/api/edge.py) into an
`Answer` sent straight as ASGI messages. Every class has its status here (a test holds it so), so
a new class cannot fall through to a 500 unnoticed."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import JSONResponse
from starlette.types import Send

from common.errors import ErrorClass
from gateway.core.reply import Reply, error_body

HTTP_STATUS: dict[ErrorClass, int] = {
    ErrorClass.INVALID_SIGNAL: 422,
    ErrorClass.UNKNOWN_SYMBOL: 422,
    ErrorClass.BELOW_MINIMUM: 422,
    ErrorClass.PRECISION: 422,
    ErrorClass.RISK_LIMIT: 422,
    ErrorClass.TRADING_DISABLED: 409,
    ErrorClass.INSUFFICIENT_MARGIN: 422,
    ErrorClass.NO_POSITION: 409,
    ErrorClass.AUTH: 502,
    ErrorClass.TIMESTAMP: 503,
    ErrorClass.DUPLICATE_CLIENT_ID: 409,
    ErrorClass.UNKNOWN_ORDER: 404,
    ErrorClass.RATE_LIMITED: 503,
    ErrorClass.VENUE_UNAVAILABLE: 503,
    ErrorClass.UNKNOWN_ACCOUNT: 422,
    ErrorClass.UNSUPPORTED: 422,
    ErrorClass.STALE: 410,
    ErrorClass.INTERNAL: 500,
    ErrorClass.VENUE_REJECTED: 422,
    ErrorClass.EXECUTOR_UNAVAILABLE: 503,
    ErrorClass.UNAUTHORIZED: 401,
    ErrorClass.JOURNAL_UNAVAILABLE: 503,
    ErrorClass.NOT_FOUND: 404,
    ErrorClass.FORBIDDEN: 403,
    ErrorClass.TOO_MANY_REQUESTS: 429,
    ErrorClass.PAYLOAD_TOO_LARGE: 413,
}
DECIDED = 200
ACCEPTED = 202  # recorded; the outcome follows on GET /signals/{id}


def status_of(reply: Reply) -> int:
    if reply.error is not None:
        return HTTP_STATUS[reply.error]
    return ACCEPTED if reply.pending else DECIDED


def response(reply: Reply) -> JSONResponse:
    return JSONResponse(reply.body, status_code=status_of(reply))


def refusal(error_class: ErrorClass, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        error_body(error_class, message), status_code=HTTP_STATUS[error_class], headers=headers
    )


class Answer:
    """A reply rendered (by JSONResponse, as every route's is) into the two ASGI messages that
    send it, without a response object around them. One that never changes is rendered once."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, reply: Reply, headers: Mapping[str, str] | None = None) -> None:
        rendered = JSONResponse(reply.body, status_code=status_of(reply), headers=headers)
        self.status = rendered.status_code
        self.headers = rendered.raw_headers
        self.body = rendered.body

    async def send(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})
