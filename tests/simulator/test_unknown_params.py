"""A parameter the endpoint does not read is answered the way its venue answers it: Binance
refuses the request (-1104, a repeated name -1101) before acting; BingX lets it pass unread. The
simulator counts every such parameter at `/_sim/unknown_params` either way.

These tests send unknown parameters on purpose, so they run their own simulator rather than the
`simulator` fixture, which fails a test whose client sent any."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from executor.venues.binance import signing as binance_signing
from executor.venues.bingx import signing as bingx_signing
from tests.support.inproc import (
    API_KEY,
    BINANCE_API_KEY,
    BINANCE_SECRET_KEY,
    SECRET_KEY,
    RunningSimulator,
    running_simulator,
)

Params = dict[str, binance_signing.Param]


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with running_simulator() as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_counts(sim: RunningSimulator) -> None:
    requests.delete(f"{sim.url}/_sim/unknown_params", timeout=5)
    requests.post(f"{sim.url}/_sim/reset", timeout=5)


def now_ms() -> int:
    return int(time.time() * 1000)


def binance(sim: RunningSimulator, method: str, path: str, query: str, body: str = "") -> tuple[int, Any]:
    """`query` and `body` as sent; the signature over both (totalParams) goes last in the body,
    or in the query when there is no body."""
    signature = binance_signing.signature(BINANCE_SECRET_KEY, query + body)
    if body:
        body += f"&signature={signature}"
    else:
        query += f"&signature={signature}"
    resp = requests.request(
        method,
        f"{sim.url}{path}?{query}",
        data=body or None,
        headers={"X-MBX-APIKEY": BINANCE_API_KEY, "Content-Type": "application/x-www-form-urlencoded"},
        timeout=5,
    )
    return resp.status_code, resp.json()


def bingx(sim: RunningSimulator, method: str, path: str, params: Params) -> Any:
    query = bingx_signing.signed_query(SECRET_KEY, {**params, "timestamp": now_ms()})
    resp = requests.request(method, f"{sim.url}{path}?{query}", headers={"X-BX-APIKEY": API_KEY}, timeout=5)
    assert resp.status_code == 200
    return resp.json()


def unknown(sim: RunningSimulator, venue: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = requests.get(
        f"{sim.url}/_sim/unknown_params", params={"venue_name": venue}, timeout=5
    ).json()
    return rows


def orders(sim: RunningSimulator, venue: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = requests.get(
        f"{sim.url}/_sim/orders", params={"venue_name": venue}, timeout=5
    ).json()
    return rows


def test_binance_refuses_an_order_with_a_parameter_it_does_not_read_and_places_nothing(
    sim: RunningSimulator,
) -> None:
    query = f"symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&leverage=5&timestamp={now_ms()}"
    assert binance(sim, "POST", "/fapi/v1/order", query) == (
        400,
        {"code": -1104, "msg": "Not all sent parameters were read; read '6' parameter(s) but was sent '7'."},
    )
    assert orders(sim, "binance") == []
    assert unknown(sim, "binance") == [
        {"method": "POST", "path": "/fapi/v1/order", "param": "leverage", "requests": 1}
    ]


def test_binance_counts_the_query_and_the_body_together(sim: RunningSimulator) -> None:
    query = "symbol=BTCUSDT&recvWindow=5000"
    body = f"fromId=1&colour=blue&timestamp={now_ms()}"
    status, answer = binance(sim, "GET", "/fapi/v2/positionRisk", query + "&" + body)
    assert (status, answer["code"]) == (400, -1104)
    assert answer["msg"].endswith("read '4' parameter(s) but was sent '6'.")
    # A public endpoint reads what its page lists and nothing else.
    resp = requests.get(f"{sim.url}/fapi/v1/time?symbol=BTCUSDT", timeout=5)
    assert (resp.status_code, resp.json()["code"]) == (400, -1104)


def test_binance_reads_each_documented_parameter_of_an_order(sim: RunningSimulator) -> None:
    query = (
        "symbol=BTCUSDT&side=BUY&positionSide=BOTH&type=LIMIT&timeInForce=GTC&quantity=0.01"
        "&price=59000&reduceOnly=false&newClientOrderId=doc-1&newOrderRespType=RESULT"
        f"&selfTradePreventionMode=NONE&recvWindow=5000&timestamp={now_ms()}"
    )
    status, placed = binance(sim, "POST", "/fapi/v1/order", query)
    assert (status, placed["clientOrderId"], placed["status"]) == (200, "doc-1", "NEW")
    assert unknown(sim, "binance") == []


def test_binance_refuses_a_name_sent_twice_in_one_part_but_not_once_in_each(
    sim: RunningSimulator,
) -> None:
    twice = f"symbol=BTCUSDT&symbol=ETHUSDT&timestamp={now_ms()}"
    assert binance(sim, "GET", "/fapi/v2/positionRisk", twice) == (
        400,
        {"code": -1101, "msg": "Duplicate values for a parameter detected."},
    )
    # In the query string and in the body: documented, the query string's value is the one used.
    status, answer = binance(
        sim, "POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=5", f"leverage=7&timestamp={now_ms()}"
    )
    assert (status, answer["leverage"]) == (200, 5)


def test_binance_refuses_time_in_force_on_a_market_order(sim: RunningSimulator) -> None:
    query = f"symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&timeInForce=GTC&timestamp={now_ms()}"
    assert binance(sim, "POST", "/fapi/v1/order", query) == (
        400,
        {"code": -1106, "msg": "Parameter 'timeInForce' sent when not required."},
    )


def test_binance_listen_key_reads_the_key_and_nothing_else(sim: RunningSimulator) -> None:
    headers = {"X-MBX-APIKEY": BINANCE_API_KEY}
    key = requests.post(f"{sim.url}/fapi/v1/listenKey", headers=headers, timeout=5).json()["listenKey"]
    kept = requests.put(f"{sim.url}/fapi/v1/listenKey", data={"listenKey": key}, headers=headers, timeout=5)
    assert (kept.status_code, kept.json()) == (200, {"listenKey": key})
    odd = requests.put(f"{sim.url}/fapi/v1/listenKey?listenKey={key}&ttl=60", headers=headers, timeout=5)
    assert (odd.status_code, odd.json()["code"]) == (400, -1104)


def test_bingx_lets_a_parameter_it_does_not_read_pass_and_the_simulator_counts_it(
    sim: RunningSimulator,
) -> None:
    placed = bingx(
        sim,
        "POST",
        "/openApi/swap/v2/trade/order",
        {
            "symbol": "BTC-USDT",
            "side": "BUY",
            "positionSide": "BOTH",
            "type": "MARKET",
            "quantity": "0.01",
            "clientOrderID": "Caps-1",  # the other documented spelling: read, not counted
            "triggerPrice": "70000",  # not a swap order parameter: passes unread
        },
    )
    assert (placed["code"], placed["data"]["order"]["clientOrderId"]) == (0, "caps-1")
    assert [o["client_order_id"] for o in orders(sim, "bingx")] == ["caps-1"]
    assert unknown(sim, "bingx") == [
        {"method": "POST", "path": "/openApi/swap/v2/trade/order", "param": "triggerPrice", "requests": 1}
    ]
    requests.post(f"{sim.url}/_sim/requests/reset", timeout=5)  # request counts only
    assert len(unknown(sim, "bingx")) == 1
    requests.delete(f"{sim.url}/_sim/unknown_params", timeout=5)
    assert unknown(sim, "bingx") == []


def test_bingx_public_endpoints_read_the_common_parameters(sim: RunningSimulator) -> None:
    # As ccxt sends them: a timestamp on every call, public ones included.
    answer = requests.get(
        f"{sim.url}/openApi/swap/v2/quote/contracts?symbol=BTC-USDT&timestamp={now_ms()}", timeout=5
    ).json()
    assert (answer["code"], [c["symbol"] for c in answer["data"]]) == (0, ["BTC-USDT"])
    assert unknown(sim, "bingx") == []
