"""POST /webhook, /healthz and /readyz through the real app, executor and simulator."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from executor.config import ExecutorSettings
from executor.core.model import Venue
from executor.server import RunningExecutor, start
from executor.venues.bingx.adapter import BingxAdapter
from gateway.app import create_app
from gateway.config import GatewaySettings
from tests.support.inproc import RunningSimulator
from tools.processes import free_port, wait_until

PASSPHRASE = "route-test-passphrase-91"
SEED = b'{"accion": "BUY", "ticker": "BTCUSDT", "balance": 100, "passphrase": "' + PASSPHRASE.encode() + b'"}'


def gateway_settings(executor_port: int) -> GatewaySettings:
    return GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor_port}",
        executor_timeout_s=2.0,
    )


@pytest.fixture
def client(executor: RunningExecutor) -> Iterator[TestClient]:
    with TestClient(create_app(gateway_settings(executor.port))) as c:
        yield c


def test_seed_payload_as_text_plain_fills_an_order(client: TestClient, simulator: RunningSimulator) -> None:
    resp = client.post("/webhook", content=SEED, headers={"Content-Type": "text/plain"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "executed"
    assert body["sizing"]["quantity"] == "0.0166"
    [order] = body["orders"]
    assert (order["venue"], order["symbol"], order["side"], order["status"]) == (
        "bingx",
        "BTC-USDT",
        "buy",
        "FILLED",
    )
    placed = simulator.sim.exchanges["bingx"].accounts
    assert sum(len(a.orders) for a in placed.values()) == 1


def test_wrong_and_missing_passphrase_get_the_same_answer(
    client: TestClient, simulator: RunningSimulator
) -> None:
    wrong = client.post("/webhook", content=SEED.replace(PASSPHRASE.encode(), b"route-test-passphrase-92"))
    missing = client.post("/webhook", json={"accion": "BUY", "ticker": "BTCUSDT", "balance": 100})
    assert wrong.status_code == missing.status_code == 401
    assert (
        wrong.json()
        == missing.json()
        == {"error": {"code": "unauthorized", "message": "passphrase missing or wrong"}}
    )
    assert not any(a.orders for a in simulator.sim.exchanges["bingx"].accounts.values())


def test_invalid_signal_is_422_naming_the_field(client: TestClient) -> None:
    resp = client.post("/webhook", json={"action": "buy", "ticker": "BTCUSDT", "passphrase": PASSPHRASE})
    assert resp.status_code == 422
    assert resp.json()["error"]["field"] == "quantity"
    assert resp.json()["error"]["code"] == "invalid_signal"


def test_unparseable_body_is_422(client: TestClient) -> None:
    resp = client.post("/webhook", content=b"BUY BTCUSDT now", headers={"Content-Type": "text/plain"})
    assert resp.status_code == 422
    assert resp.json()["error"]["field"] == "body"


def test_executor_rejection_is_answered_with_its_reason(client: TestClient) -> None:
    resp = client.post("/webhook", json={"action": "close", "ticker": "ETHUSDT", "passphrase": PASSPHRASE})
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "rejected"
    assert body["error"]["code"] == "no_position"
    assert "ETH-USDT" in body["reason"]


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["executor"] == "serving"


def test_metrics_count_webhooks_by_outcome(client: TestClient) -> None:
    client.post("/webhook", content=SEED)
    text = client.get("/metrics").text
    assert 'tvbridge_gateway_webhooks_total{outcome="executed"}' in text
    assert "tvbridge_gateway_executor_rpc_duration_seconds_bucket" in text


def test_executor_down_answers_202_fast_then_delivers_when_it_returns(
    bingx: BingxAdapter, simulator: RunningSimulator
) -> None:
    port = free_port()
    with TestClient(create_app(gateway_settings(port))) as client:
        assert client.get("/readyz").status_code == 503
        started = time.monotonic()
        resp = client.post("/webhook", content=SEED)
        assert time.monotonic() - started < 3  # inside TradingView's timeout
        assert resp.status_code == 202
        assert resp.json()["status"] == "pending"
        signal_id = resp.json()["signal_id"]
        running = start(
            ExecutorSettings(_env_file=None, executor_port=port, executor_grace_s=1),  # type: ignore[call-arg]
            {(Venue.BINGX, "default"): bingx},
        )
        try:
            auth = {"Authorization": f"Bearer {PASSPHRASE}"}
            assert wait_until(
                lambda: client.get(f"/signals/{signal_id}", headers=auth).json()["status"] == "executed",
                timeout_s=15,
            )
        finally:
            running.stop()
    placed = simulator.sim.exchanges["bingx"].accounts
    assert sum(len(a.orders) for a in placed.values()) == 1


def test_unknown_route_is_json_404(client: TestClient) -> None:
    resp = client.get("/admin")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "http_404"
