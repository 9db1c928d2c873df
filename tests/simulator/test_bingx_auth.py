"""The simulator checks BingX requests the way the venue does."""

from __future__ import annotations

import time

import requests

from executor.venues.bingx import signing
from tests.support.inproc import API_KEY, SECRET_KEY, RunningSimulator

BALANCE = "/openApi/swap/v2/user/balance"
TEST_ORDER = "/openApi/swap/v2/trade/order/test"


def _get(sim: RunningSimulator, query: str, key: str = API_KEY) -> dict[str, object]:
    resp = requests.get(f"{sim.url}{BALANCE}?{query}", headers={"X-BX-APIKEY": key}, timeout=5)
    assert resp.status_code == 200  # BingX answers refusals in the envelope, not the status
    body: dict[str, object] = resp.json()
    assert set(body) >= {"code", "msg"}
    return body


def _params(**extra: object) -> dict[str, signing.Param]:
    return {"timestamp": int(time.time() * 1000), "recvWindow": 5000, **extra}  # type: ignore[dict-item]


def test_correctly_signed_request_is_served(simulator: RunningSimulator) -> None:
    body = _get(simulator, signing.signed_query(SECRET_KEY, _params()))
    assert body["code"] == 0
    assert body["data"]["balance"]["asset"] == "USDT"  # type: ignore[index]


def test_wrong_secret_is_refused(simulator: RunningSimulator) -> None:
    body = _get(simulator, signing.signed_query("not-the-secret", _params()))
    assert body["code"] == 100001


def test_tampered_parameter_is_refused(simulator: RunningSimulator) -> None:
    query = signing.signed_query(SECRET_KEY, _params(symbol="BTC-USDT"))
    body = _get(simulator, query.replace("BTC-USDT", "ETH-USDT"))
    assert body["code"] == 100001


def test_unknown_api_key_is_refused(simulator: RunningSimulator) -> None:
    body = _get(simulator, signing.signed_query(SECRET_KEY, _params()), key="someone-else")
    assert body["code"] == 100413


def test_timestamp_outside_recv_window_is_refused(simulator: RunningSimulator) -> None:
    stale: dict[str, signing.Param] = {"timestamp": int(time.time() * 1000) - 10_000, "recvWindow": 5000}
    body = _get(simulator, signing.signed_query(SECRET_KEY, stale))
    assert body["code"] == 100421


def test_json_valued_parameter_is_signed_raw_and_sent_encoded(simulator: RunningSimulator) -> None:
    params = _params(
        symbol="BTC-USDT",
        side="BUY",
        positionSide="BOTH",
        type="MARKET",
        quantity="0.01",
        takeProfit={"type": "TAKE_PROFIT_MARKET", "stopPrice": 70000},
    )
    query = signing.signed_query(SECRET_KEY, params)
    assert "%7B" in query and "{" not in query  # encoded on the wire
    # and the venue checks the decoded text
    resp = requests.post(f"{simulator.url}{TEST_ORDER}?{query}", headers={"X-BX-APIKEY": API_KEY}, timeout=5)
    assert resp.json()["code"] == 0
