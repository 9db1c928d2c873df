"""Binance REST client: signing, bare-JSON answers with HTTP-status refusals, the clock offset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from common.decimals import decimal_json
from common.errors import ErrorClass, TvbridgeError
from executor.venues import rate_limits
from executor.venues.binance import endpoints, signing
from executor.venues.binance.errors import classify
from executor.venues.http import HttpReply, VenueHttp
from executor.venues.rate_limits import WeightPacer
from executor.venues.signed_client import SignedRestClient


class BinanceClient(SignedRestClient):
    api_key_header = endpoints.API_KEY_HEADER
    server_time_path = endpoints.SERVER_TIME

    def __init__(self, http: VenueHttp, api_key: str, secret_key: str, recv_window_ms: int = 5000) -> None:
        super().__init__(http, api_key, secret_key, recv_window_ms)
        # The weight counter resets on the venue's minute: paced on its clock, not ours.
        self.pacer = WeightPacer(self.now_ms)
        http.pacer = self.pacer

    def _query(self, params: Mapping[str, Any]) -> str:
        return signing.encode(params)

    def _signed_query(self, secret: str, params: Mapping[str, Any]) -> str:
        return signing.signed_query(secret, params)

    def _unwrap(self, reply: HttpReply) -> Any:
        try:
            body = decimal_json(reply.text)
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
                reply.status if reply.status in (418, 429) else 429,
                rate_limits.header(reply.headers, "retry-after"),
            )
        raise error


def _code(body: Any) -> int | None:
    if not isinstance(body, dict) or "code" not in body:
        return None
    try:
        return int(body["code"])
    except (TypeError, ValueError):
        return None
