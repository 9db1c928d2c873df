"""What both venues' user-data stream clients share: the run loop over a listen key and a
websocket, keep-alive scheduling, reconnects with exponential backoff and full jitter, a
timeout on every outbound call, and the stream's own news as `StreamState`s.

Each venue says only its words (`UserStreamClient`'s abstract methods): how a listen key is
made, kept alive and what its URL is, and what a frame means.
"""

from __future__ import annotations

import abc
import logging
import random
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from common import jsonlog
from common.errors import TvbridgeError
from executor.core.events import Sink, StreamState, StreamStatus, VenueEvent
from executor.core.model import Venue

log = logging.getLogger("executor.venues.stream")


def websocket_url(base_url: str) -> str:
    """The websocket form of an HTTP(S) base URL (the simulator's streams share its port)."""
    if base_url.startswith("https://"):
        return "wss://" + base_url.removeprefix("https://")
    if base_url.startswith("http://"):
        return "ws://" + base_url.removeprefix("http://")
    return base_url


def tls_context(ws_url: str, verify: bool | str) -> ssl.SSLContext | None:
    """The TLS the REST calls use (VENUE_CA_BUNDLE, VENUE_VERIFY_TLS) for a wss:// stream; None
    for the library's default (the system's CAs) or a plain ws:// one."""
    if not ws_url.startswith("wss://") or verify is True:
        return None
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class StreamObserver(Protocol):
    """Where a stream reports for metrics (wired to Prometheus in `executor/metrics.py`)."""

    def connected(self, up: bool) -> None: ...

    def event(self, name: str) -> None: ...

    def reconnect(self) -> None: ...


@dataclass(frozen=True)
class StreamTiming:
    keepalive_s: float = 30 * 60.0  # both venues' keys last 60 min from the last keep-alive
    # Binance ends a connection at 24 h (docs/venues/binance.md 9.3): we reconnect before.
    max_connection_s: float = 23.5 * 3600
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0
    call_timeout_s: float = 5.0  # listen-key calls, websocket handshake and close
    poll_s: float = 0.25  # longest wait for a frame before looking at `stop` and the clocks


@dataclass
class Backoff:
    """Exponential backoff with full jitter: a wait drawn uniformly from [0, min(max, initial·2ⁿ)]."""

    initial_s: float
    max_s: float
    attempts: int = 0
    draw: random.Random = field(default_factory=random.Random)

    def next_s(self) -> float:
        ceiling = min(self.max_s, self.initial_s * (2**self.attempts))
        self.attempts = min(self.attempts + 1, 32)
        return self.draw.uniform(0, ceiling)

    def reset(self) -> None:
        self.attempts = 0


@dataclass(frozen=True)
class Reading:
    """What one frame says: events, a reply the venue expects, whether the key has lapsed."""

    events: list[VenueEvent] = field(default_factory=list)
    reply: str | None = None
    expired: bool = False
    name: str = ""  # the venue's event name, for the metrics


class KeyLapsed(Exception):
    """The venue says the listen key no longer exists."""


class _Lost(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UserStreamClient(abc.ABC):
    """One account's user-data stream (the core's `UserStream` port)."""

    def __init__(
        self,
        venue: Venue,
        account: str,
        ws_url: str,
        timing: StreamTiming | None = None,
        observer: StreamObserver | None = None,
        verify_tls: bool | str = True,
    ) -> None:
        self.venue = venue
        self.account = account
        self.ws_url = ws_url.rstrip("/")
        self.verify_tls = verify_tls  # as the venue's REST calls verify: True, False or a CA file
        self.timing = timing or StreamTiming()
        self.observer = observer
        self._last_status: StreamStatus | None = None

    # -- the venue's words --------------------------------------------------------------

    @abc.abstractmethod
    def new_key(self) -> str:
        """A listen key from the venue's REST API."""

    @abc.abstractmethod
    def keep_alive(self, key: str) -> None:
        """Extend the key's term; raises KeyLapsed when the venue no longer knows it."""

    @abc.abstractmethod
    def stream_path(self, key: str) -> str:
        """The path and query on the stream host for this key."""

    @abc.abstractmethod
    def read(self, message: str | bytes) -> Reading:
        """One frame in the keeper's events."""

    # -- the loop ------------------------------------------------------------------------

    def run(self, sink: Sink, stop: threading.Event) -> None:
        backoff = Backoff(self.timing.backoff_initial_s, self.timing.backoff_max_s)
        key: str | None = None
        while not stop.is_set():
            try:
                if key is None:
                    key = self.new_key()
                    jsonlog.register_secret(key)  # a credential: never in a log line
                self._session(key, sink, stop, backoff)
            except KeyLapsed:
                key = None
                self._report(sink, StreamStatus.EXPIRED, "listen key expired")
                continue  # a new key at once: the venue is answering
            except _Lost as lost:
                self._report(sink, StreamStatus.DISCONNECTED, lost.reason)
            except InvalidStatus as exc:
                key = None  # a refused handshake may mean a dead key: the next attempt makes a new one
                self._report(
                    sink, StreamStatus.DISCONNECTED, f"handshake refused: HTTP {exc.response.status_code}"
                )
            except (TvbridgeError, WebSocketException, OSError, TimeoutError) as exc:
                self._report(sink, StreamStatus.DISCONNECTED, _reason(exc))
            except Exception as exc:  # never raise: the keeper falls back to REST meanwhile
                log.exception(
                    "user stream failed", extra={"venue": self.venue.value, "account": self.account}
                )
                self._report(sink, StreamStatus.DISCONNECTED, _reason(exc))
            if stop.is_set():
                break
            if self.observer is not None:
                self.observer.reconnect()
            stop.wait(backoff.next_s())
        self._report(sink, StreamStatus.DISCONNECTED, "stopped")

    def _session(self, key: str, sink: Sink, stop: threading.Event, backoff: Backoff) -> None:
        """One connection, until `stop` (returns), a lapsed key (KeyLapsed) or a loss (_Lost)."""
        timing = self.timing
        with connect(
            self.ws_url + self.stream_path(key),
            ssl=tls_context(self.ws_url, self.verify_tls),
            open_timeout=timing.call_timeout_s,
            close_timeout=timing.call_timeout_s,
            ping_timeout=timing.call_timeout_s * 4,
            # BingX pushes every contract's settings at once, on connect and every 5 s (docs/venues/
            # bingx.md 9.4): more frames than the library's default 16 left unread when `stop`
            # comes would hold its reader, and the close handshake would wait out close_timeout.
            # Bounded still: a stalled keeper holds at most this many frames, not all that come.
            max_queue=4096,
        ) as ws:
            opened = time.monotonic()
            next_keepalive = opened + timing.keepalive_s
            backoff.reset()
            self._report(sink, StreamStatus.CONNECTED)
            while not stop.is_set():
                now = time.monotonic()
                if now - opened >= timing.max_connection_s:
                    raise _Lost("connection lifetime reached")
                if now >= next_keepalive:
                    self.keep_alive(key)
                    next_keepalive = now + timing.keepalive_s
                self._receive(ws, sink)

    def _receive(self, ws: ClientConnection, sink: Sink) -> None:
        try:
            message = ws.recv(timeout=self.timing.poll_s)
        except TimeoutError:
            return
        except WebSocketException as exc:
            raise _Lost(_reason(exc)) from exc
        reading = self.read(message)
        if reading.reply is not None:
            ws.send(reading.reply)
        if reading.name and self.observer is not None:
            self.observer.event(reading.name)
        for event in reading.events:
            self._deliver(sink, event)
        if reading.expired:
            raise KeyLapsed

    def _report(self, sink: Sink, status: StreamStatus, reason: str = "") -> None:
        """Every connect, every expiry; a loss once (not again for each failed attempt after it)."""
        if status is StreamStatus.DISCONNECTED and self._last_status is StreamStatus.DISCONNECTED:
            return
        self._last_status = status
        if self.observer is not None:
            self.observer.connected(status is StreamStatus.CONNECTED)
        log.info(
            "user stream %s",
            status.value,
            extra={"venue": self.venue.value, "account": self.account, "reason": reason},
        )
        self._deliver(sink, StreamState(self.venue, self.account, status, reason))

    def _deliver(self, sink: Sink, event: VenueEvent) -> None:
        try:
            sink(event)
        except Exception:  # the keeper's fault must not end the stream
            log.exception(
                "user stream sink failed", extra={"venue": self.venue.value, "account": self.account}
            )


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]
