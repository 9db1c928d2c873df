"""The seed's path through real processes: gateway -> gRPC -> executor -> simulator."""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests.e2e.conftest import API_KEY, PASSPHRASE, SECRET_KEY
from tools.processes import wait_until
from tools.stack import LocalStack as Stack

pytestmark = pytest.mark.e2e

SEED = {"accion": "BUY", "ticker": "BTCUSDT", "balance": 100, "passphrase": PASSPHRASE}


def post_seed(stack: Stack) -> requests.Response:
    return requests.post(
        f"{stack.gateway_url}/webhook",
        data=json.dumps(SEED),
        headers={"Content-Type": "text/plain"},
        timeout=10,
    )


def test_seed_payload_becomes_a_signed_filled_bingx_order(stack: Stack) -> None:
    resp = post_seed(stack)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "executed"
    [order] = body["orders"]
    venue_orders = requests.get(f"{stack.simulator_url}/_sim/orders", timeout=5).json()
    # The simulator only books orders whose signature, key and timestamp it verified.
    assert [(o["order_id"], o["symbol"], o["side"], o["quantity"], o["status"]) for o in venue_orders] == [
        (order["order_id"], "BTC-USDT", "BUY", "0.0166", "FILLED")
    ]
    assert venue_orders[0]["client_order_id"] == order["client_order_id"]


def test_a_signal_sent_while_the_executor_is_dead_is_kept_and_delivered(stack: Stack) -> None:
    stack.executor.kill9()
    assert wait_until(lambda: not stack.ready(), timeout_s=10)
    assert requests.get(f"{stack.gateway_url}/readyz", timeout=5).status_code == 503

    started = time.monotonic()
    resp = post_seed(stack)
    elapsed = time.monotonic() - started
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "pending"
    assert elapsed < 3.0, f"took {elapsed:.2f}s: TradingView would have given up"
    assert requests.get(f"{stack.simulator_url}/_sim/orders", timeout=5).json() == []
    signal_id = resp.json()["signal_id"]

    # Back up again: the gateway reconnects by itself and delivers what it kept.
    stack.start_executor()
    auth = {"Authorization": f"Bearer {PASSPHRASE}"}

    def status() -> str:
        answer = requests.get(f"{stack.gateway_url}/signals/{signal_id}", headers=auth, timeout=5).json()
        return str(answer["status"])

    assert wait_until(lambda: status() == "executed", timeout_s=20)
    assert len(requests.get(f"{stack.simulator_url}/_sim/orders", timeout=5).json()) == 1
    # TradingView's resend of the same alert is the same signal: its outcome, no new order.
    again = post_seed(stack)
    assert (again.status_code, again.json()["status"], again.json()["duplicate"]) == (200, "executed", True)
    assert len(requests.get(f"{stack.simulator_url}/_sim/orders", timeout=5).json()) == 1


def test_every_service_stops_cleanly_on_sigterm(stack: Stack) -> None:
    assert post_seed(stack).status_code == 200
    codes = {p.module: p.terminate() for p in (stack.gateway, stack.executor, stack.simulator)}
    assert codes == {"gateway": 0, "executor": 0, "simulator": 0}, stack.all_logs()


def test_logs_are_json_carry_the_signal_id_and_no_secret(stack: Stack) -> None:
    signal_id = post_seed(stack).json()["signal_id"]
    for proc in (stack.gateway, stack.executor, stack.simulator):
        proc.terminate()
    logs = stack.all_logs()
    for secret in (API_KEY, SECRET_KEY, PASSPHRASE):
        assert secret not in logs
    lines = [json.loads(line) for line in logs.splitlines() if line.strip()]
    journey = [line for line in lines if line.get("signal_id") == signal_id]
    assert {line["service"] for line in journey} == {"gateway", "executor"}
