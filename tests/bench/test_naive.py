"""The naive reference bot really trades on the simulator, with four venue calls per order."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from bench.naive.app import NaiveConfig, create_app
from tests.support.inproc import API_KEY, SECRET_KEY, RunningSimulator
from tools.processes import free_port
from tools.stack import VenueTls

pytestmark = pytest.mark.e2e

PASSPHRASE = "naive-test-passphrase-7f3a"
FOUR_CALLS = {
    "GET /openApi/swap/v2/user/balance": 1,
    "GET /openApi/swap/v2/quote/price": 1,
    "POST /openApi/swap/v2/trade/leverage": 1,
    "POST /openApi/swap/v2/trade/order": 1,
}


@contextmanager
def naive_bot(venue_url: str, ca_bundle: str | None = None) -> Iterator[str]:
    config = NaiveConfig(API_KEY, SECRET_KEY, PASSPHRASE, base_url=venue_url, ca_bundle=ca_bundle)
    port = free_port()
    server = make_server("127.0.0.1", port, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def naive(simulator: RunningSimulator) -> Iterator[str]:
    with naive_bot(simulator.url) as url:
        yield url


def post(bot: str, body: dict[str, object]) -> requests.Response:
    # As TradingView and the benchmark send it: a JSON body without a JSON content type.
    return requests.post(f"{bot}/webhook", data=json.dumps(body), timeout=10)


@pytest.mark.parametrize(
    ("body", "side", "quantity"),
    [
        # 100 USDT x 10 / 60000 = 0.016666.. BTC, cut to the contract's 4 decimals
        ({"accion": "BUY", "ticker": "BTCUSDT", "balance": 100}, "BUY", "0.0166"),
        ({"action": "buy", "ticker": "BTCUSDT", "quantity": "0.001"}, "BUY", "0.001"),
        ({"action": "sell", "ticker": "BTCUSDT", "quantity": "0.002"}, "SELL", "0.002"),
    ],
)
def test_an_order_costs_four_venue_calls(
    simulator: RunningSimulator, naive: str, body: dict[str, object], side: str, quantity: str
) -> None:
    requests.post(f"{simulator.url}/_sim/requests/reset", timeout=5).raise_for_status()
    reply = post(naive, {**body, "passphrase": PASSPHRASE})
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["status"] == "executed"
    assert answer["venue_ms"] > 0
    orders = requests.get(f"{simulator.url}/_sim/orders", timeout=5).json()
    assert [
        (o["order_id"], o["symbol"], o["side"], o["type"], o["quantity"], o["status"]) for o in orders
    ] == [(answer["order_id"], "BTC-USDT", side, "MARKET", quantity, "FILLED")]
    assert requests.get(f"{simulator.url}/_sim/requests", timeout=5).json() == FOUR_CALLS


def test_every_order_pays_all_four_again(simulator: RunningSimulator, naive: str) -> None:
    requests.post(f"{simulator.url}/_sim/requests/reset", timeout=5).raise_for_status()
    for n in range(3):
        body = {"action": "buy" if n % 2 == 0 else "sell", "ticker": "BTCUSDT", "quantity": "0.001"}
        assert post(naive, {**body, "passphrase": PASSPHRASE}).json()["status"] == "executed"
    seen = requests.get(f"{simulator.url}/_sim/requests", timeout=5).json()
    assert seen == {path: 3 for path in FOUR_CALLS}


def test_a_wrong_passphrase_places_nothing(simulator: RunningSimulator, naive: str) -> None:
    requests.post(f"{simulator.url}/_sim/requests/reset", timeout=5).raise_for_status()
    reply = post(naive, {"accion": "BUY", "ticker": "BTCUSDT", "balance": 100, "passphrase": "guess"})
    assert reply.status_code == 401
    assert reply.json()["status"] == "error"
    assert requests.get(f"{simulator.url}/_sim/orders", timeout=5).json() == []
    assert requests.get(f"{simulator.url}/_sim/requests", timeout=5).json() == {}


def test_a_venue_refusal_is_an_error(simulator: RunningSimulator, naive: str) -> None:
    reply = post(naive, {"action": "buy", "ticker": "NOPEUSDT", "quantity": "1", "passphrase": PASSPHRASE})
    assert reply.status_code == 502
    assert reply.json()["status"] == "error"
    assert requests.get(f"{simulator.url}/_sim/orders", timeout=5).json() == []


def test_an_https_venue_with_a_private_ca(tls_simulator: RunningSimulator, venue_tls: VenueTls) -> None:
    tls_venue = tls_simulator.url
    assert Path(venue_tls.ca).read_text().startswith("-----BEGIN CERTIFICATE-----")
    body = {"accion": "SELL", "ticker": "BTCUSDT", "balance": 100, "passphrase": PASSPHRASE}
    with naive_bot(tls_venue, ca_bundle=venue_tls.ca) as bot:
        answer = post(bot, body).json()
    assert answer["status"] == "executed", answer
    orders = requests.get(f"{tls_venue}/_sim/orders", timeout=5, verify=venue_tls.ca).json()
    assert [(o["order_id"], o["side"], o["quantity"]) for o in orders] == [
        (answer["order_id"], "SELL", "0.0166")
    ]
    seen = requests.get(f"{tls_venue}/_sim/requests", timeout=5, verify=venue_tls.ca).json()
    assert seen == FOUR_CALLS


def test_an_https_venue_without_its_ca_is_refused(
    tls_simulator: RunningSimulator, venue_tls: VenueTls
) -> None:
    tls_venue = tls_simulator.url
    body = {"accion": "BUY", "ticker": "BTCUSDT", "balance": 100, "passphrase": PASSPHRASE}
    with naive_bot(tls_venue) as bot:  # the system's CAs only
        reply = post(bot, body)
    assert reply.status_code == 502
    assert "certificate verify failed" in reply.json()["message"].lower()
    assert requests.get(f"{tls_venue}/_sim/orders", timeout=5, verify=venue_tls.ca).json() == []
