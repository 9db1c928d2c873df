"""BingX REST client: signing, the `{"code","msg","data"}` envelope, the clock offset."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from common.errors import ErrorClass, TvbridgeError
from executor.venues.bingx import endpoints, signing
from executor.venues.bingx.errors import classify
from executor.venues.http import HttpReply, VenueHttp


class BingxClient:
    def __init__(self, http: VenueHttp, api_key: str, secret_key: str, recv_window_ms: int = 5000) -> None:
        self.http = http
        self._api_key = api_key
        self._secret_key = secret_key
        self.recv_window_ms = recv_window_ms
        self.offset_ms = 0
        self._sync_lock = threading.Lock()

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    def sync_time(self) -> int:
        """Measure venue time minus ours, taking the midpoint of the round trip."""
        with self._sync_lock:
            sent = time.time() * 1000
            data = self.public("GET", endpoints.SERVER_TIME)
            received = time.time() * 1000
            server_ms = int(data["serverTime"])
            self.offset_ms = int(server_ms - (sent + received) / 2)
            return self.offset_ms

    def public(self, method: str, path: str, params: Mapping[str, signing.Param] | None = None) -> Any:
        query = signing.wire_query(params or {})
        return self._unwrap(self.http.request(method, path, query=query))

    def signed(
        self,
        method: str,
        path: str,
        params: Mapping[str, signing.Param] | None = None,
        *,
        timeout_s: float | None = None,
    ) -> Any:
        try:
            return self._signed_once(method, path, params, timeout_s)
        except TvbridgeError as exc:
            if exc.error_class is not ErrorClass.TIMESTAMP:
                raise
            # The venue judged our clock; learn its time and try once more.
            self.sync_time()
            return self._signed_once(method, path, params, timeout_s)

    def _signed_once(
        self,
        method: str,
        path: str,
        params: Mapping[str, signing.Param] | None,
        timeout_s: float | None,
    ) -> Any:
        full: dict[str, signing.Param] = dict(params or {})
        full["recvWindow"] = self.recv_window_ms
        full["timestamp"] = self.now_ms()
        query = signing.signed_query(self._secret_key, full)
        reply = self.http.request(
            method,
            path,
            query=query,
            headers={endpoints.API_KEY_HEADER: self._api_key},
            timeout_s=timeout_s,
        )
        return self._unwrap(reply)

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
