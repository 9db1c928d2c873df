"""The BingX adapter and engine under every fault the simulator can inject, over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from common.errors import ErrorClass, TvbridgeError
from executor.core.engine import ExecutionEngine
from executor.core.model import Outcome, Venue
from executor.venues.bingx.adapter import BingxAdapter
from executor.venues.http import HttpReply, VenueHttp
from tests.conftest import make_signal
from tests.support.inproc import API_KEY, SECRET_KEY, RunningSimulator

ORDER_PATH = "/openApi/swap/v2/trade/order"


def set_faults(sim: RunningSimulator, *rules: dict[str, Any]) -> None:
    resp = requests.put(f"{sim.url}/_sim/faults", json={"rules": list(rules)}, timeout=5)
    assert resp.status_code == 200, resp.text


def venue_orders(sim: RunningSimulator) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = requests.get(f"{sim.url}/_sim/orders", timeout=5).json()
    return result


def order_posts(sim: RunningSimulator) -> int:
    seen: dict[str, int] = requests.get(f"{sim.url}/_sim/requests", timeout=5).json()
    return seen.get(f"POST {ORDER_PATH}", 0)


@pytest.fixture
def fast_engine(simulator: RunningSimulator) -> Iterator[ExecutionEngine]:
    """An adapter that gives up on a silent venue after 0.5 s."""
    http = VenueHttp(simulator.url, read_timeout_s=0.5)
    adapter = BingxAdapter("default", simulator.url, API_KEY, SECRET_KEY, http=http)
    adapter.warm()
    yield ExecutionEngine({(Venue.BINGX, "default"): adapter}, rate_limit_wait_s=1.5)
    adapter.close()


def test_timeout_after_accept_is_recovered_by_client_id(
    fast_engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    set_faults(
        simulator,
        {"kind": "timeout_after_accept", "method": "POST", "path": ORDER_PATH, "count": 1, "hold_s": 2},
    )
    result = fast_engine.execute(make_signal())
    assert result.outcome is Outcome.EXECUTED
    [order] = venue_orders(simulator)  # accepted once, found again, never re-sent
    assert result.orders[0].order_id == order["order_id"]
    assert order_posts(simulator) == 1


def test_5xx_on_the_order_is_retryable_and_a_redelivery_places_exactly_once(
    fast_engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    set_faults(
        simulator, {"kind": "http_error", "method": "POST", "path": ORDER_PATH, "count": 1, "status": 503}
    )
    with pytest.raises(TvbridgeError) as caught:
        fast_engine.execute(make_signal())
    assert caught.value.error_class is ErrorClass.VENUE_UNAVAILABLE and caught.value.retryable
    assert venue_orders(simulator) == []
    result = fast_engine.execute(make_signal(), attempt=2)
    assert result.outcome is Outcome.EXECUTED
    assert len(venue_orders(simulator)) == 1


def test_429_with_short_retry_after_waits_and_places_once(
    fast_engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    set_faults(simulator, {"kind": "rate_limit", "path": ORDER_PATH, "count": 1, "retry_after_s": 1})
    started = time.monotonic()
    result = fast_engine.execute(make_signal())
    waited = time.monotonic() - started
    assert result.outcome is Outcome.EXECUTED
    assert waited >= 1.0  # it honoured Retry-After
    assert len(venue_orders(simulator)) == 1
    assert order_posts(simulator) == 2  # the refused one and the one that filled


def test_429_with_long_retry_after_stops_sending_until_the_window_reopens(
    fast_engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    set_faults(simulator, {"kind": "rate_limit", "path": ORDER_PATH, "count": 1, "retry_after_s": 30})
    with pytest.raises(TvbridgeError) as caught:
        fast_engine.execute(make_signal())
    assert caught.value.error_class is ErrorClass.RATE_LIMITED and caught.value.retryable
    with pytest.raises(TvbridgeError) as again:
        fast_engine.execute(make_signal(signal_id="sig-2"))
    assert again.value.error_class is ErrorClass.RATE_LIMITED
    assert order_posts(simulator) == 1  # the second signal was held back, not sent
    assert venue_orders(simulator) == []


def test_venue_rate_limit_code_in_the_envelope_also_backs_off(simulator: RunningSimulator) -> None:
    http = VenueHttp(simulator.url)
    adapter = BingxAdapter("default", simulator.url, API_KEY, SECRET_KEY, http=http)
    # Code 100410 in a 200 answer, as the venue documents it, with its window headers.
    with pytest.raises(TvbridgeError) as caught:
        adapter.client._unwrap(
            HttpReply(
                200,
                '{"code":100410,"msg":"Rate limit exceeded"}',
                {"X-RateLimit-Requests-Remain": "0", "X-RateLimit-Requests-Expire": "2500"},
                0.0,
            )
        )
    assert caught.value.error_class is ErrorClass.RATE_LIMITED
    assert caught.value.retry_after_s == pytest.approx(2.5)
    with pytest.raises(TvbridgeError):
        adapter.last_price("BTC-USDT")  # gate closed: not sent
    assert requests.get(f"{simulator.url}/_sim/requests", timeout=5).json() == {}


def test_latency_is_paid_not_failed(fast_engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    set_faults(simulator, {"kind": "latency", "latency_ms": 200})
    started = time.monotonic()
    result = fast_engine.execute(make_signal())
    assert result.outcome is Outcome.EXECUTED
    assert time.monotonic() - started >= 0.2
    assert result.venue_ms >= 200


def test_venue_clock_skew_is_learned_and_applied(simulator: RunningSimulator) -> None:
    set_faults(simulator, {"kind": "skew", "skew_ms": 45_000})  # the venue runs 45 s ahead
    adapter = BingxAdapter("default", simulator.url, API_KEY, SECRET_KEY)
    adapter.warm()
    assert 44_000 < adapter.client.offset_ms < 46_000
    engine = ExecutionEngine({(Venue.BINGX, "default"): adapter})
    assert engine.execute(make_signal()).outcome is Outcome.EXECUTED


def test_skew_appearing_mid_run_is_resynced_once(bingx: BingxAdapter, simulator: RunningSimulator) -> None:
    set_faults(simulator, {"kind": "skew", "skew_ms": -20_000})
    engine = ExecutionEngine({(Venue.BINGX, "default"): bingx})
    assert engine.execute(make_signal()).outcome is Outcome.EXECUTED
    assert -21_000 < bingx.client.offset_ms < -19_000


def test_faults_fire_with_their_probability(simulator: RunningSimulator) -> None:
    set_faults(simulator, {"kind": "http_error", "path": "/openApi/swap/v1/ticker/price", "probability": 0.2})
    statuses = [
        requests.get(f"{simulator.url}/openApi/swap/v1/ticker/price?symbol=BTC-USDT", timeout=5).status_code
        for _ in range(300)
    ]
    failed = statuses.count(503)
    assert 30 <= failed <= 95  # 20% of 300 = 60; generous bounds keep this deterministic enough
    fired = requests.get(f"{simulator.url}/_sim/faults", timeout=5).json()["fired"]["http_error"]
    assert fired == failed
