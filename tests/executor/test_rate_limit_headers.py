"""Waits read from venue headers: BingX's window expiry as a duration or an epoch, Retry-After,
each capped at a minute; and Binance's used weight, which holds requests before a 429."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests

from common.errors import ErrorClass, TvbridgeError
from executor.venues.binance import endpoints as binance_paths
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.binance.client import BinanceClient
from executor.venues.bingx.adapter import BingxAdapter
from executor.venues.http import VenueHttp
from executor.venues.rate_limits import (
    MAX_HEADER_WAIT_S,
    WeightPacer,
    bingx_expire_s,
    capped,
    retry_after_s,
)
from tests.support.inproc import API_KEY, BINANCE_API_KEY, BINANCE_SECRET_KEY, SECRET_KEY, RunningSimulator

WEIGHT = "X-MBX-USED-WEIGHT-1M"
NOW_MS = 1_790_000_000_000  # 2026-09-21, a plain instant in epoch milliseconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("10000", 10.0),  # a duration in milliseconds, as live answers carry it
        ("2500", 2.5),
        ("61", 0.061),  # above 60: milliseconds
        ("7", 7.0),  # at most 60: seconds
        ("60", 60.0),
        (str(NOW_MS + 4_000), 4.0),  # an epoch in milliseconds: the instant the window reopens
        (str(NOW_MS - 4_000), 0.0),  # already reopened
        (str(NOW_MS + 3_600_000), MAX_HEADER_WAIT_S),  # an hour away: capped
        (str(NOW_MS // 1000 + 9), 9.0),  # an epoch in seconds
        ("900000", MAX_HEADER_WAIT_S),  # a 15-minute duration: capped
    ],
)
def test_bingx_window_expiry_is_read_by_magnitude(value: str, seconds: float) -> None:
    assert bingx_expire_s(value, NOW_MS) == pytest.approx(seconds)


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "nan"])
def test_bingx_window_expiry_that_says_nothing_is_no_wait(value: str | None) -> None:
    assert bingx_expire_s(value, NOW_MS) is None


def test_retry_after_is_capped_at_a_minute() -> None:
    assert retry_after_s("3") == 3.0
    assert retry_after_s("86400") == MAX_HEADER_WAIT_S  # a 418 ban of a day is re-asked each minute
    assert retry_after_s("-1") == 0.0
    assert retry_after_s("Wed, 21 Oct 2026 07:28:00 GMT") is None
    assert retry_after_s(None) is None
    assert capped(float("nan")) == MAX_HEADER_WAIT_S


class VenueClock:
    """The venue's milliseconds, moved by hand."""

    def __init__(self, now_ms: int) -> None:
        self.now = now_ms

    def __call__(self) -> int:
        return self.now


def test_used_weight_near_the_limit_holds_until_the_minute_turns() -> None:
    minute = NOW_MS - NOW_MS % 60_000
    clock = VenueClock(minute + 45_000)
    pacer = WeightPacer(clock)
    pacer.observe({"X-MBX-USED-WEIGHT-1M": "2000"})
    assert pacer.hold_s() == 0.0  # 2000 of 2400: room left
    pacer.observe({"x-mbx-used-weight-1m": "2290"})  # past 95%: the next request may not fit
    assert pacer.hold_s() == pytest.approx(15.0)
    pacer.observe({"X-MBX-USED-WEIGHT-1M": "1990"})  # an earlier answer arriving late
    assert pacer.hold_s() == pytest.approx(15.0)
    clock.now = minute + 60_000  # the venue's counter starts again
    assert pacer.hold_s() == 0.0


def test_the_weight_limit_is_the_one_exchange_info_lists() -> None:
    minute = NOW_MS - NOW_MS % 60_000
    pacer = WeightPacer(VenueClock(minute + 1_000))
    pacer.learn_limits(
        [
            {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
        ]
    )
    assert pacer.limit == 6000
    pacer.observe({"X-MBX-USED-WEIGHT-1M": "2390"})
    assert pacer.hold_s() == 0.0
    pacer.observe({"X-MBX-USED-WEIGHT-1M": "5800"})
    assert pacer.hold_s() == pytest.approx(59.0)


# -- over HTTP, against the simulator -------------------------------------------------------


def set_faults(sim: RunningSimulator, *rules: dict[str, object]) -> None:
    resp = requests.put(f"{sim.url}/_sim/faults", json={"rules": list(rules)}, timeout=5)
    assert resp.status_code == 200, resp.text


def sent(sim: RunningSimulator, path: str) -> int:
    counts: dict[str, int] = requests.get(f"{sim.url}/_sim/requests", timeout=5).json()
    return counts.get(f"GET {path}", 0)


class FakeClock:
    """One hand-moved time for the transport's gate (monotonic) and the venue's minute (epoch)."""

    def __init__(self, epoch_ms: int) -> None:
        self.epoch_ms = epoch_ms
        self.elapsed_s = 0.0

    def monotonic(self) -> float:
        return self.elapsed_s

    def venue_ms(self) -> int:
        return self.epoch_ms + int(self.elapsed_s * 1000)

    def advance(self, seconds: float) -> None:
        self.elapsed_s += seconds


def test_binance_holds_the_next_request_when_the_used_weight_nears_the_limit(
    simulator: RunningSimulator,
) -> None:
    minute = NOW_MS - NOW_MS % 60_000
    clock = FakeClock(minute + 50_000)  # ten seconds before the venue's minute turns
    http = VenueHttp(simulator.url, monotonic=clock.monotonic)
    adapter = BinanceAdapter("default", simulator.url, BINANCE_API_KEY, BINANCE_SECRET_KEY, http=http)
    assert isinstance(adapter.client, BinanceClient)
    adapter.client.pacer.now_ms = clock.venue_ms
    set_faults(simulator, {"kind": "headers", "venue": "binance", "headers": {WEIGHT: "2000"}, "count": 1})
    adapter.last_price("BTCUSDT")
    adapter.last_price("BTCUSDT")  # 2000 of 2400 used: sent
    assert sent(simulator, binance_paths.PRICE) == 2

    set_faults(simulator, {"kind": "headers", "venue": "binance", "headers": {WEIGHT: "2350"}, "count": 1})
    adapter.last_price("BTCUSDT")
    with pytest.raises(TvbridgeError) as caught:
        adapter.last_price("BTCUSDT")
    assert caught.value.error_class is ErrorClass.RATE_LIMITED
    assert not caught.value.sent
    assert caught.value.retry_after_s == pytest.approx(10.0)
    clock.advance(9.0)
    with pytest.raises(TvbridgeError):
        adapter.last_price("BTCUSDT")  # still this minute: held
    assert sent(simulator, binance_paths.PRICE) == 3

    clock.advance(1.0)  # the minute turned: the venue's counter is back to nothing
    adapter.last_price("BTCUSDT")
    assert sent(simulator, binance_paths.PRICE) == 4


@pytest.mark.parametrize("venue", ["bingx", "binance"])
def test_a_429_asking_for_an_hour_closes_the_gate_for_a_minute(
    simulator: RunningSimulator, venue: str
) -> None:
    clock = FakeClock(NOW_MS)
    http = VenueHttp(simulator.url, monotonic=clock.monotonic)
    adapter: BingxAdapter | BinanceAdapter
    if venue == "bingx":
        adapter, symbol = BingxAdapter("default", simulator.url, API_KEY, SECRET_KEY, http=http), "BTC-USDT"
    else:
        adapter = BinanceAdapter("default", simulator.url, BINANCE_API_KEY, BINANCE_SECRET_KEY, http=http)
        symbol = "BTCUSDT"
    set_faults(simulator, {"kind": "rate_limit", "venue": venue, "retry_after_s": 3600, "count": 1})
    with pytest.raises(TvbridgeError) as caught:
        adapter.last_price(symbol)
    assert caught.value.retry_after_s == MAX_HEADER_WAIT_S
    clock.advance(MAX_HEADER_WAIT_S - 1)
    with pytest.raises(TvbridgeError) as held:
        adapter.last_price(symbol)
    assert not held.value.sent
    clock.advance(1)
    adapter.last_price(symbol)


@pytest.mark.parametrize(
    ("expire", "seconds"),
    [
        (lambda now_ms: "10000", 10.0),  # a duration in milliseconds
        (lambda now_ms: str(now_ms + 5_000), 5.0),  # an epoch in milliseconds
        (lambda now_ms: str(now_ms + 7_200_000), MAX_HEADER_WAIT_S),  # two hours away: capped
    ],
)
def test_bingx_rate_limit_code_waits_as_its_window_headers_say(
    simulator: RunningSimulator, expire: Callable[[int], str], seconds: float
) -> None:
    adapter = BingxAdapter("default", simulator.url, API_KEY, SECRET_KEY, http=VenueHttp(simulator.url))
    started = time.monotonic()
    window = {
        "X-RateLimit-Requests-Remain": "0",
        "X-RateLimit-Requests-Expire": expire(adapter.client.now_ms()),
    }
    set_faults(
        simulator,
        {"kind": "venue_error", "venue": "bingx", "code": 100410, "msg": "Rate limit exceeded", "count": 1},
        {"kind": "headers", "venue": "bingx", "headers": window, "count": 1},
    )
    with pytest.raises(TvbridgeError) as caught:
        adapter.last_price("BTC-USDT")
    assert caught.value.error_class is ErrorClass.RATE_LIMITED
    # An epoch comes nearer while the request travels, so a loaded machine sees less of it.
    travelled = time.monotonic() - started
    waited = caught.value.retry_after_s
    assert waited is not None and seconds - travelled - 0.5 <= waited <= seconds + 0.5
