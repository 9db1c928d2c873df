"""Binance REST client: signing, bare-JSON answers with HTTP-status refusals, the clock offset."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from common.errors import ErrorClass, TvbridgeError
from executor.venues.binance import endpoints, signing
from executor.venues.binance.errors import classify
from executor.venues.http import HttpReply
from executor.venues.signed_client import SignedRestClient


class BinanceClient(SignedRestClient):
    api_key_header = endpoints.API_KEY_HEADER
    server_time_path = endpoints.SERVER_TIME

    def _query(self, params: Mapping[str, Any]) -> str:
        return signing.encode(params)

    def _signed_query(self, secret: str, params: Mapping[str, Any]) -> str:
        return signing.signed_query(secret, params)

    def _unwrap(self, reply: HttpReply) -> Any:
        try:
            body = json.loads(reply.text, parse_float=Decimal)
        except ValueError:
            body = None
        ok = 200 <= reply.status < 300
        code = _code(body)
        # Some acknowledgements carry a positive code (200); only negative codes refuse.
        if ok and body is not None and (code is None or code >= 0):
            return body
        if ok and body is None:
            raise TvbridgeError(
                ErrorClass.VENUE_REJECTED, f"Binance answered HTTP {reply.status} without JSON"
            )
        msg = str(body.get("msg", "")) if isinstance(body, dict) else ""
        error = classify(code, msg, reply.status)
        if error.error_class is ErrorClass.RATE_LIMITED:
            error.retry_after_s = self.http.backoff(
                reply.status if reply.status in (418, 429) else 429, _header(reply.headers, "retry-after")
            )
        raise error


def _code(body: Any) -> int | None:
    if not isinstance(body, dict) or "code" not in body:
        return None
    try:
        return int(body["code"])
    except (TypeError, ValueError):
        return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)
