"""Waits the venues ask for in their headers, read safely, and pacing by Binance's used weight.

A header is the venue's word on how long to wait, but a wrong reading (an epoch taken for a
duration, seconds taken for milliseconds) must not silence an account for hours: every wait
derived from a header is capped at `MAX_HEADER_WAIT_S`. A longer ban simply answers again after
the cap, with a fresh header.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

MAX_HEADER_WAIT_S = 60.0

# BingX, docs-v3 "Basic Information" > "Rate limit" (swap): "X-RateLimit-Requests-Remain"
# (requests left) and "X-RateLimit-Requests-Expire" ("window expiration time"), unit unstated.
# Live answers have carried a duration in milliseconds ("10000" for a 10 s window), and clients
# in the wild read it as an epoch in milliseconds; so it is read by magnitude against now:
# - within a day of now in epoch milliseconds: the instant the window reopens;
# - within a day of now in epoch seconds: the same, in seconds;
# - otherwise a duration: above 60 it is milliseconds (as seconds it would equal the cap
#   anyway), at most 60 it is seconds. A window ending in under 61 ms is thus over-read as up
#   to a minute; the venue answers a closed window's overrun with a 5-minute restriction, so
#   waiting too long is the cheaper mistake.
_DAY_MS = 86_400_000
_DAY_S = 86_400
_SECONDS_AT_MOST = 60.0

# Binance USD-M, "General Info" > "LIMITS" > "IP Limits": every answer carries
# X-MBX-USED-WEIGHT-(intervalNum)(intervalLetter), the IP's weight used in the interval;
# GET /fapi/v1/exchangeInfo `rateLimits` lists REQUEST_WEIGHT 2400 per 1 MINUTE by default.
# Past the limit the venue answers 429, and an IP that keeps sending gets 418 (a ban).
BINANCE_WEIGHT_HEADER = "x-mbx-used-weight-1m"
BINANCE_DEFAULT_WEIGHT_LIMIT = 2400
# The next request's weight is unknown (up to 30 for position mode) and other threads may be
# sending: stop this far below the limit.
WEIGHT_HEADROOM = 0.05


def capped(seconds: float) -> float:
    """A header-derived wait, never negative and never above the cap."""
    if math.isnan(seconds):
        return MAX_HEADER_WAIT_S
    return min(max(0.0, seconds), MAX_HEADER_WAIT_S)


def header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def retry_after_s(value: str | None) -> float | None:
    """Retry-After in seconds (RFC 9110 also allows a date; neither venue sends one), capped."""
    if value is None:
        return None
    try:
        return capped(float(value))
    except ValueError:
        return None


def bingx_expire_s(value: str | None, now_ms: int) -> float | None:
    """Seconds until the BingX window reopens, from X-RateLimit-Requests-Expire, capped."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if math.isnan(number) or number < 0:
        return None
    if abs(number - now_ms) <= _DAY_MS:
        return capped((number - now_ms) / 1000)
    if abs(number - now_ms / 1000) <= _DAY_S:
        return capped(number - now_ms / 1000)
    if number <= _SECONDS_AT_MOST:
        return capped(number)
    return capped(number / 1000)


class Pacer(Protocol):
    """What a transport asks before sending, and tells after every answer."""

    def observe(self, headers: Mapping[str, str]) -> None: ...

    def hold_s(self) -> float:
        """Seconds to hold a new request; 0 to send it now."""
        ...


class WeightPacer:
    """Binance's used weight per minute: near the limit, nothing is sent until the minute turns.

    The minute is the venue's (its clock, through `now_ms`), as its counter resets on it."""

    def __init__(self, now_ms: Callable[[], int], limit: int = BINANCE_DEFAULT_WEIGHT_LIMIT) -> None:
        self.now_ms = now_ms
        self.limit = limit
        self._lock = threading.Lock()
        self._minute = -1
        self._used = 0

    @property
    def threshold(self) -> int:
        return int(self.limit * (1 - WEIGHT_HEADROOM))

    def learn_limits(self, rate_limits: Iterable[Mapping[str, Any]] | None) -> None:
        """Take the account's REQUEST_WEIGHT per 1 MINUTE from exchangeInfo's `rateLimits`."""
        for entry in rate_limits or ():
            if (
                entry.get("rateLimitType") == "REQUEST_WEIGHT"
                and entry.get("interval") == "MINUTE"
                and int(entry.get("intervalNum", 0)) == 1
            ):
                self.limit = int(entry["limit"])

    def observe(self, headers: Mapping[str, str]) -> None:
        value = header(headers, BINANCE_WEIGHT_HEADER)
        if value is None:
            return
        try:
            used = int(value)
        except ValueError:
            return
        minute = self.now_ms() // 60_000
        with self._lock:
            # Answers of one minute may arrive out of order: the highest count is the latest.
            if minute != self._minute:
                self._minute, self._used = minute, used
            else:
                self._used = max(self._used, used)

    def hold_s(self) -> float:
        now = self.now_ms()
        with self._lock:
            if now // 60_000 != self._minute or self._used < self.threshold:
                return 0.0
        return capped(((self._minute + 1) * 60_000 - now) / 1000)
