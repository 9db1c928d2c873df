"""Heartbeats, the last-signal time per strategy, and where a signal's time goes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from pydantic import SecretStr

from executor.server import RunningExecutor
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.journal.store import Journal
from tools.processes import wait_until

PASSPHRASE = "observe-passphrase-55"


@pytest.fixture
def client(executor: RunningExecutor) -> Iterator[TestClient]:
    config = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor.port}",
        strategies="ema-cross, Breakout",
    )
    with TestClient(create_app(config)) as c:
        yield c


def sample(name: str, **labels: str) -> float:
    value = REGISTRY.get_sample_value(name, labels)
    return value if value is not None else 0.0


def test_a_heartbeat_is_timed_per_strategy_and_never_traded(client: TestClient) -> None:
    before = sample("tvbridge_gateway_heartbeats_total", strategy="ema-cross")
    resp = client.post(
        "/webhook", json={"action": "heartbeat", "strategy": "EMA-Cross", "passphrase": PASSPHRASE}
    )
    assert resp.status_code == 200 and resp.json() == {"status": "heartbeat", "strategy": "ema-cross"}
    assert sample("tvbridge_gateway_heartbeats_total", strategy="ema-cross") == before + 1
    seen = sample("tvbridge_gateway_strategy_last_signal_timestamp_seconds", strategy="ema-cross")
    assert abs(seen - time.time()) < 5
    assert Journal(os.environ["DATABASE_URL"]).statuses() == {}  # nothing journalled, nothing traded
    # A name nobody configured cannot mint a new series.
    client.post("/webhook", json={"action": "ping", "strategy": "made-up-123", "passphrase": PASSPHRASE})
    assert (
        REGISTRY.get_sample_value(
            "tvbridge_gateway_strategy_last_signal_timestamp_seconds", {"strategy": "made-up-123"}
        )
        is None
    )
    assert sample("tvbridge_gateway_strategy_last_signal_timestamp_seconds", strategy="other") > 0


def test_each_stage_of_a_signal_is_timed(client: TestClient) -> None:
    stages = ("fired_to_received", "received_to_journalled", "journalled_to_decided", "executor", "venue")
    before = {s: sample("tvbridge_gateway_signal_stage_seconds_count", stage=s) for s in stages}
    waited_before = sample("tvbridge_gateway_signal_stage_seconds_sum", stage="fired_to_received")
    fired = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    body = {"action": "buy", "ticker": "BTCUSDT", "quantity": 0.001, "time": fired, "passphrase": PASSPHRASE}
    assert client.post("/webhook", json=body).json()["status"] == "executed"
    after = {s: sample("tvbridge_gateway_signal_stage_seconds_count", stage=s) for s in stages}
    assert {s: after[s] - before[s] for s in stages} == dict.fromkeys(stages, 1.0)
    # Fired a second ago, to the second: between one and two seconds on the way here.
    waited = sample("tvbridge_gateway_signal_stage_seconds_sum", stage="fired_to_received") - waited_before
    assert 1.0 <= waited < 2.5


def test_refusals_are_counted_by_their_class(client: TestClient) -> None:
    invalid = sample("tvbridge_gateway_rejections_total", error_class="invalid_signal")
    nothing = sample("tvbridge_gateway_rejections_total", error_class="no_position")
    client.post("/webhook", json={"action": "buy", "ticker": "BTCUSDT", "passphrase": PASSPHRASE})
    client.post("/webhook", json={"action": "close", "ticker": "ETHUSDT", "passphrase": PASSPHRASE})
    assert sample("tvbridge_gateway_rejections_total", error_class="invalid_signal") == invalid + 1
    # Counted once the outcome is written, which happens just after the answer goes out.
    assert wait_until(
        lambda: sample("tvbridge_gateway_rejections_total", error_class="no_position") == nothing + 1, 5
    )
