"""What only BingX does under faults: its rate-limit code inside a 200 answer. The faults every
venue meets (timeouts, 5xx, 429, latency, clock skew) are in test_engine_venues.py."""

from __future__ import annotations

import pytest
import requests

from common.errors import ErrorClass, TvbridgeError
from executor.venues.bingx.adapter import BingxAdapter
from executor.venues.http import HttpReply, VenueHttp
from tests.support.inproc import API_KEY, SECRET_KEY, RunningSimulator


def set_faults(sim: RunningSimulator, *rules: dict[str, object]) -> None:
    resp = requests.put(f"{sim.url}/_sim/faults", json={"rules": list(rules)}, timeout=5)
    assert resp.status_code == 200, resp.text


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
