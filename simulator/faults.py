"""Faults tests can switch on: latency, 5xx, timeouts after accepting, 429, any answer code of the
venue's own, headers of our choosing on an answer, clock skew, and on the user-data streams:
late, doubled or swapped events and refused connections.

Rules match by venue, method, path prefix and query parameters, fire with a probability, and
may be limited to a number of firings, so a test can say "the next order
times out after the venue accepted it" or "20% of orders fail with 503".
Stream rules match by venue only and fire per event (or per connection attempt).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator


class FaultKind(StrEnum):
    LATENCY = "latency"  # delay the answer by latency_ms
    HTTP_ERROR = "http_error"  # answer `status` without acting on the request
    TIMEOUT_AFTER_ACCEPT = "timeout_after_accept"  # act on it, then hold the answer for hold_s
    RATE_LIMIT = "rate_limit"  # answer 429 with Retry-After: retry_after_s, without acting
    VENUE_ERROR = "venue_error"  # answer `code` and `msg` in the venue's own refusal, without acting
    SKEW = "skew"  # the venue's clock runs skew_ms ahead of ours (negative: behind)
    HEADERS = "headers"  # set `headers` on the answer (e.g. a used weight or a window's expiry)
    STREAM_DELAY = "stream_delay"  # hold a user-stream event (and those behind it) latency_ms
    STREAM_DUPLICATE = "stream_duplicate"  # send a user-stream event twice
    STREAM_REORDER = "stream_reorder"  # hold an event back until the next one has gone
    STREAM_REFUSE = "stream_refuse"  # refuse a user-stream connection at the handshake


# Drawn for user-stream events and connections, never for a request.
STREAM_KINDS = frozenset(
    {FaultKind.STREAM_DELAY, FaultKind.STREAM_DUPLICATE, FaultKind.STREAM_REORDER, FaultKind.STREAM_REFUSE}
)


class FaultRule(BaseModel):
    kind: FaultKind
    venue: str | None = None
    method: str | None = None
    path: str | None = None  # prefix
    # Fires only on a request whose query string carries each of these parameters with this
    # value (e.g. {"type": "STOP_MARKET"}: a venue's stop orders, not its entries on the same path).
    query: dict[str, str] = Field(default_factory=dict)
    probability: float = Field(1.0, ge=0, le=1)
    count: int | None = Field(None, ge=0)  # firings left; None = unlimited
    latency_ms: int = Field(0, ge=0, le=60_000)
    status: int = Field(503, ge=500, le=599)
    hold_s: float = Field(30.0, ge=0, le=600)
    retry_after_s: int = Field(1, ge=0, le=3600)
    skew_ms: int = 0
    code: int = 0  # venue_error: the venue's answer code
    msg: str = ""  # venue_error: its message
    # venue_error: the HTTP status it travels with; absent, the venue's usual one for a refusal.
    answer_status: int | None = Field(None, ge=200, le=599)
    headers: dict[str, str] = Field(default_factory=dict)  # headers: set on the answer, replacing

    @model_validator(mode="after")
    def _venue_error_names_a_code(self) -> FaultRule:
        if self.kind is FaultKind.VENUE_ERROR and self.code == 0:
            raise ValueError("a venue_error rule needs the venue's answer `code` (0 is success)")
        return self


@dataclass
class Fired:
    kind: FaultKind
    rule: FaultRule


class Faults:
    def __init__(self, seed: int | None = None) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)  # noqa: S311 - fault dice, not cryptography
        self.fired: dict[FaultKind, int] = dict.fromkeys(FaultKind, 0)

    def set(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self._rules = list(rules)
            self.fired = dict.fromkeys(FaultKind, 0)

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def skew_ms(self, venue: str) -> int:
        with self._lock:
            return sum(
                r.skew_ms for r in self._rules if r.kind is FaultKind.SKEW and r.venue in (None, venue)
            )

    def draw(self, venue: str, method: str, path: str, query: Mapping[str, str] | None = None) -> list[Fired]:
        """The request-shaping faults that fire for this request (skew is read separately)."""
        fired: list[Fired] = []
        sent = query or {}
        with self._lock:
            for rule in self._rules:
                if rule.kind is FaultKind.SKEW or rule.kind in STREAM_KINDS:
                    continue
                if rule.method not in (None, method.upper()):
                    continue
                if rule.path is not None and not path.startswith(rule.path):
                    continue
                if any(sent.get(name) != value for name, value in rule.query.items()):
                    continue
                self._fire(rule, venue, fired)
        return fired

    def draw_stream(self, venue: str, kinds: frozenset[FaultKind]) -> list[Fired]:
        """The stream faults of these kinds that fire for one event or connection attempt."""
        fired: list[Fired] = []
        with self._lock:
            for rule in self._rules:
                if rule.kind in kinds:
                    self._fire(rule, venue, fired)
        return fired

    def _fire(self, rule: FaultRule, venue: str, fired: list[Fired]) -> None:
        """Add the rule to `fired` if it is for this venue, has firings left and its dice say so."""
        if rule.count == 0 or rule.venue not in (None, venue):
            return
        if self._random.random() >= rule.probability:
            return
        if rule.count is not None:
            rule.count -= 1
        self.fired[rule.kind] += 1
        fired.append(Fired(rule.kind, rule))
