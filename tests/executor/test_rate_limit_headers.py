"""Waits read from venue headers: BingX's window expiry as a duration or an epoch, Retry-After,
each capped at a minute; and Binance's used weight, which holds requests before a 429."""

from __future__ import annotations

import pytest

from executor.venues.rate_limits import (
    MAX_HEADER_WAIT_S,
    WeightPacer,
    bingx_expire_s,
    capped,
    retry_after_s,
)

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
