"""What both venues' REST clients share: the clock offset, `timestamp`/`recvWindow`,
HMAC-signed queries, and one resync-and-retry when the venue judges our clock.

Each venue says only what differs: its key header, its server-time path, how it
encodes and signs parameters, and how it reads an answer.
"""

from __future__ import annotations

import abc
import threading
import time
from collections.abc import Mapping
from typing import Any

from common.errors import ErrorClass, TvbridgeError
from executor.venues.http import HttpReply, VenueHttp


class SignedRestClient(abc.ABC):
    api_key_header: str
    server_time_path: str

    def __init__(self, http: VenueHttp, api_key: str, secret_key: str, recv_window_ms: int = 5000) -> None:
        self.http = http
        self._api_key = api_key
        self._secret_key = secret_key
        self.recv_window_ms = recv_window_ms
        self.offset_ms = 0  # venue time minus ours
        self._sync_lock = threading.Lock()
        self._synced_at = float("-inf")  # when the last measure's request was sent (monotonic)

    @abc.abstractmethod
    def _query(self, params: Mapping[str, Any]) -> str:
        """Parameters as the venue wants them on the wire, unsigned."""

    @abc.abstractmethod
    def _signed_query(self, secret: str, params: Mapping[str, Any]) -> str:
        """Parameters on the wire with `signature` appended."""

    @abc.abstractmethod
    def _unwrap(self, reply: HttpReply) -> Any:
        """The answer's payload, or the venue's refusal as a TvbridgeError."""

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    def sync_time(self) -> int:
        """Measure venue time minus ours, taking the midpoint of the round trip."""
        with self._sync_lock:
            return self._measure()

    def _measure(self) -> int:
        started = time.monotonic()
        sent = time.time() * 1000
        data = self.public("GET", self.server_time_path)
        received = time.time() * 1000
        self.offset_ms = int(int(data["serverTime"]) - (sent + received) / 2)
        self._synced_at = started
        return self.offset_ms

    def _resync(self, refused_sent_at: float) -> None:
        """Learn the venue's time after a refusal for our clock, unless a measure sent since
        the refused request left has taught it already: the lanes a burst had refused at once
        share one read, rather than each waiting its turn for its own."""
        with self._sync_lock:
            if self._synced_at < refused_sent_at:
                self._measure()

    def public(self, method: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._unwrap(self.http.request(method, path, query=self._query(params or {})))

    def keyed_reply(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
    ) -> HttpReply:
        """A call that carries the API key header and no signature (a listen key's), unread."""
        return self.http.request(
            method,
            path,
            query=self._query(params or {}),
            headers={self.api_key_header: self._api_key},
            timeout_s=timeout_s,
        )

    def keyed(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
    ) -> Any:
        return self._unwrap(self.keyed_reply(method, path, params, timeout_s=timeout_s))

    def signed(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
    ) -> Any:
        sent_at = time.monotonic()
        try:
            return self._signed_once(method, path, params, timeout_s)
        except TvbridgeError as exc:
            if exc.error_class is not ErrorClass.TIMESTAMP:
                raise
            # Refused unread for its timestamp: learn the venue's time and try once more.
            self._resync(sent_at)
            return self._signed_once(method, path, params, timeout_s)

    def _signed_once(
        self, method: str, path: str, params: Mapping[str, Any] | None, timeout_s: float | None
    ) -> Any:
        full: dict[str, Any] = dict(params or {})
        full["recvWindow"] = self.recv_window_ms
        full["timestamp"] = self.now_ms()
        reply = self.http.request(
            method,
            path,
            query=self._signed_query(self._secret_key, full),
            headers={self.api_key_header: self._api_key},
            timeout_s=timeout_s,
        )
        return self._unwrap(reply)
