"""Binance REST client: signing, bare-JSON answers with HTTP-status refusals, the clock offset."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from common.errors import ErrorClass, TvbridgeError
from executor.venues.binance import endpoints, signing
from executor.venues.binance.errors import classify
from executor.venues.http import HttpReply, VenueHttp


class BinanceClient:
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
            self.offset_ms = int(int(data["serverTime"]) - (sent + received) / 2)
            return self.offset_ms

    def public(self, method: str, path: str, params: Mapping[str, signing.Param] | None = None) -> Any:
        return self._unwrap(self.http.request(method, path, query=signing.encode(params or {})))

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
            # -1021 means the request was refused unread; learn the venue's time and try once more.
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
        reply = self.http.request(
            method,
            path,
            query=signing.signed_query(self._secret_key, full),
            headers={endpoints.API_KEY_HEADER: self._api_key},
            timeout_s=timeout_s,
        )
        return self._unwrap(reply)

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
