"""BingX REST client: the `{"code","msg","data"}` envelope and its refusals."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from common.errors import ErrorClass, TvbridgeError
from executor.venues.bingx import endpoints, signing
from executor.venues.bingx.errors import classify
from executor.venues.http import HttpReply
from executor.venues.signed_client import SignedRestClient


class BingxClient(SignedRestClient):
    api_key_header = endpoints.API_KEY_HEADER
    server_time_path = endpoints.SERVER_TIME

    def _query(self, params: Mapping[str, Any]) -> str:
        return signing.wire_query(params)

    def _signed_query(self, secret: str, params: Mapping[str, Any]) -> str:
        return signing.signed_query(secret, params)

    def _unwrap(self, reply: HttpReply) -> Any:
        try:
            body = json.loads(reply.text, parse_float=Decimal)
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
                error.retry_after_s = self.http.backoff(429, _retry_after_header(reply.headers))
            raise error
        return body.get("data")


def _retry_after_header(headers: Mapping[str, str]) -> str | None:
    lowered = {k.lower(): v for k, v in headers.items()}
    if "retry-after" in lowered:
        return lowered["retry-after"]
    # The venue's own window headers: milliseconds until the window expires.
    expire = lowered.get("x-ratelimit-requests-expire")
    if expire is not None and lowered.get("x-ratelimit-requests-remain") == "0":
        try:
            return str(max(0.0, float(expire) / 1000))
        except ValueError:
            return None
    return None
