"""The `venue_error` fault: any answer code of the venue's own, with a chosen message, on a chosen
endpoint, for the next N requests, in the form the venue sends a refusal, acting on nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from simulator.app import build
from simulator.config import SimulatorSettings

BINGX_PRICE = "/openApi/swap/v1/ticker/price?symbol=BTC-USDT"
BINANCE_PRICE = "/fapi/v1/ticker/price?symbol=BTCUSDT"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(build(SimulatorSettings(_env_file=None)).app) as test_client:  # type: ignore[call-arg]
        yield test_client


def _faults(client: TestClient, *rules: dict[str, Any]) -> Any:
    return client.put("/_sim/faults", json={"rules": list(rules)})


def test_bingx_answers_the_chosen_code_in_its_200_envelope_for_the_next_n_requests(
    client: TestClient,
) -> None:
    rule = {"kind": "venue_error", "venue": "bingx", "method": "GET", "path": "/openApi/swap/v1/ticker"}
    assert (
        _faults(client, {**rule, "code": 80012, "msg": "margin is not enough", "count": 2}).status_code == 200
    )
    for _ in range(2):
        resp = client.get(BINGX_PRICE)
        assert resp.status_code == 200
        assert (resp.json()["code"], resp.json()["msg"]) == (80012, "margin is not enough")
    assert client.get(BINGX_PRICE).json()["code"] == 0  # spent
    assert client.get(BINANCE_PRICE).status_code == 200  # another venue: untouched
    assert client.get("/_sim/faults").json()["fired"]["venue_error"] == 2


def test_binance_answers_400_with_the_pages_wording_unless_told_otherwise(client: TestClient) -> None:
    _faults(
        client,
        {"kind": "venue_error", "venue": "binance", "path": "/fapi/v1/ticker", "code": -2019, "count": 1},
    )
    resp = client.get(BINANCE_PRICE)
    assert resp.status_code == 400
    assert resp.json() == {"code": -2019, "msg": "Margin is insufficient."}
    _faults(client, {"kind": "venue_error", "code": -1001, "msg": "Internal error", "answer_status": 503})
    resp = client.get(BINANCE_PRICE)
    assert (resp.status_code, resp.json()) == (503, {"code": -1001, "msg": "Internal error"})


def test_a_venue_error_rule_must_name_a_code(client: TestClient) -> None:
    assert _faults(client, {"kind": "venue_error", "msg": "no code"}).status_code == 422


def test_a_rule_naming_query_parameters_strikes_only_requests_that_carry_them(client: TestClient) -> None:
    # The venue's stops and its entries share one path; only the query tells them apart.
    rule = {"kind": "venue_error", "venue": "bingx", "code": 80012, "query": {"symbol": "ETH-USDT"}}
    _faults(client, rule)
    assert client.get(BINGX_PRICE).json()["code"] == 0
    assert client.get("/openApi/swap/v1/ticker/price?symbol=ETH-USDT").json()["code"] == 80012
