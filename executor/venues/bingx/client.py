"""BingX REST client: the `{"code","msg","data"}` envelope and its refusals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from common.decimals import decimal_json
from common.errors import ErrorClass, TvbridgeError
from executor.venues import rate_limits
from executor.venues.bingx import endpoints, signing
from executor.venues.bingx.errors import classify
from executor.venues.http import HttpReply, VenueHttp
from executor.venues.signed_client import SignedRestClient


class BingxClient(SignedRestClient):
    api_key_header = endpoints.API_KEY_HEADER
    server_time_path = endpoints.SERVER_TIME

    def __init__(self, http: VenueHttp, api_key: str, secret_key: str, recv_window_ms: int = 5000) -> None:
        super().__init__(http, api_key, secret_key, recv_window_ms)
        # An HTTP 429 may carry the window headers instead of Retry-After.
        http.header_wait = lambda headers: expire_wait_s(headers, self.now_ms())

    def _query(self, params: Mapping[str, Any]) -> str:
        return signing.wire_query(params)

    def _signed_query(self, secret: str, params: Mapping[str, Any]) -> str:
        return signing.signed_query(secret, params)

    def _unwrap(self, reply: HttpReply) -> Any:
        try:
            body = decimal_json(reply.text)
        except ValueError as exc:
            error_class = ErrorClass.VENUE_UNAVAILABLE if reply.status >= 500 else ErrorClass.VENUE_REJECTED
            raise TvbridgeError(
                error_class, f"BingX answered HTTP {reply.status} without JSON", venue_code=str(reply.status)
            ) from exc
        if not isinstance(body, dict) or "code" not in body:
            raise TvbridgeError(
                ErrorClass.VENUE_UNAVAILABLE if reply.status >= 500 else ErrorClass.VENUE_REJECTED,
                f"BingX answered HTTP {reply.status} with an unexpected body",
                venue_code=str(reply.status),
            )
        code = int(body["code"])
        if code != 0:
            error = classify(code, str(body.get("msg", "")), reply.status)
            if error.error_class is ErrorClass.RATE_LIMITED:
                error.retry_after_s = self.http.backoff(
                    429,
                    rate_limits.header(reply.headers, "Retry-After"),
                    seconds=expire_wait_s(reply.headers, self.now_ms()),
                )
            raise error
        return body.get("data")


def expire_wait_s(headers: Mapping[str, str], now_ms: int) -> float | None:
    """Seconds until the window reopens, when the venue's window headers say it is used up."""
    if rate_limits.header(headers, "X-RateLimit-Requests-Remain") != "0":
        return None
    return rate_limits.bingx_expire_s(rate_limits.header(headers, "X-RateLimit-Requests-Expire"), now_ms)
