"""The Binance façade's order rules and algo orders, spoken to over HTTP as a client would."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from executor.venues.binance import signing
from tests.support.inproc import BINANCE_API_KEY, BINANCE_SECRET_KEY, RunningSimulator


class Venue:
    def __init__(self, sim: RunningSimulator) -> None:
        self.sim = sim

    def call(self, method: str, path: str, **params: signing.Param) -> tuple[int, Any]:
        query = signing.signed_query(BINANCE_SECRET_KEY, {**params, "timestamp": int(time.time() * 1000)})
        resp = requests.request(
            method, f"{self.sim.url}{path}?{query}", headers={"X-MBX-APIKEY": BINANCE_API_KEY}, timeout=5
        )
        return resp.status_code, resp.json()

    def order(self, **params: signing.Param) -> tuple[int, Any]:
        return self.call("POST", "/fapi/v1/order", **{"symbol": "BTCUSDT", "side": "BUY", **params})

    def price(self, symbol: str, price: str) -> None:
        requests.post(
            f"{self.sim.url}/_sim/price",
            json={"venue": "binance", "symbol": symbol, "price": price},
            timeout=5,
        )

    def hedge(self) -> None:
        assert self.call("POST", "/fapi/v1/positionSide/dual", dualSidePosition="true") == (
            200,
            {"code": 200, "msg": "success"},
        )


@pytest.fixture
def venue(simulator: RunningSimulator) -> Venue:
    return Venue(simulator)


def code(answer: tuple[int, Any]) -> tuple[int, int]:
    return answer[0], answer[1]["code"]


def test_exchange_info_lists_the_filters(venue: Venue) -> None:
    info = requests.get(f"{venue.sim.url}/fapi/v1/exchangeInfo", timeout=5).json()
    btc = next(s for s in info["symbols"] if s["symbol"] == "BTCUSDT")
    filters = {f["filterType"]: f for f in btc["filters"]}
    assert (btc["baseAsset"], btc["quoteAsset"], btc["contractType"], btc["status"]) == (
        "BTC",
        "USDT",
        "PERPETUAL",
        "TRADING",
    )
    assert (btc["quantityPrecision"], btc["pricePrecision"]) == (3, 1)
    assert filters["PRICE_FILTER"]["tickSize"] == "0.1"
    assert (filters["LOT_SIZE"]["stepSize"], filters["LOT_SIZE"]["minQty"]) == ("0.001", "0.001")
    assert filters["MARKET_LOT_SIZE"]["maxQty"] == "120"
    assert filters["MIN_NOTIONAL"]["notional"] == "100"


def test_market_order_ack_reports_it_as_accepted_result_as_filled(venue: Venue) -> None:
    status, ack = venue.order(type="MARKET", quantity="0.01", newClientOrderId="ack-1")
    assert (status, ack["status"], ack["executedQty"], ack["clientOrderId"]) == (200, "NEW", "0.000", "ack-1")
    _, result = venue.order(type="MARKET", quantity="0.01", newOrderRespType="RESULT")
    assert (result["status"], result["executedQty"], result["avgPrice"]) == ("FILLED", "0.010", "60000.0")
    assert len(result["clientOrderId"]) == 22  # filled in by the venue when none is sent
    _, queried = venue.call("GET", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="ack-1")
    assert (queried["orderId"], queried["status"]) == (ack["orderId"], "FILLED")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "MARKET", "quantity": "0.0105"}, -1111),  # more decimals than quantityPrecision
        ({"type": "MARKET", "quantity": "0"}, -4003),
        ({"type": "MARKET", "quantity": "121"}, -4005),  # MARKET_LOT_SIZE.maxQty 120
        ({"type": "MARKET", "quantity": "0.001"}, -4164),  # 60 USDT < 100
        ({"type": "MARKET", "quantity": "2"}, -2019),
        ({"type": "LIMIT", "quantity": "0.01", "price": "59000.05", "timeInForce": "GTC"}, -1111),
        ({"type": "LIMIT", "quantity": "0.01", "price": "59000"}, -1102),  # no timeInForce
        ({"type": "LIMIT", "quantity": "0.01", "price": "63001", "timeInForce": "GTC"}, -4016),
        ({"type": "LIMIT", "quantity": "0.01", "price": "61000", "timeInForce": "GTX"}, -5022),
        ({"type": "STOP_MARKET", "quantity": "0.01"}, -4120),
        ({"type": "TAKE_PROFIT", "quantity": "0.01"}, -4120),
        ({"type": "MARKET", "quantity": "0.01", "positionSide": "LONG"}, -4061),
        ({"type": "MARKET", "quantity": "0.01", "reduceOnly": "true"}, -2022),  # nothing to reduce
        ({"type": "MARKET", "quantity": "0.01", "newClientOrderId": "x" * 37}, -4015),
        ({"type": "MARKET", "quantity": "0.01", "newClientOrderId": "bad id!"}, -1100),
        ({"type": "MARKET", "quantity": "0.01", "symbol": "BTC-USDT"}, -1121),
    ],
)
def test_order_refusals(venue: Venue, params: dict[str, str], expected: int) -> None:
    assert code(venue.order(**params)) == (400, expected)


def test_hedge_mode_needs_a_position_side_and_no_reduce_only(venue: Venue) -> None:
    venue.hedge()
    assert code(venue.order(type="MARKET", quantity="0.01")) == (400, -4061)
    refused = venue.order(type="MARKET", quantity="0.01", positionSide="LONG", reduceOnly="false")
    assert refused == (400, {"code": -1106, "msg": "Parameter 'reduceOnly' sent when not required."})
    assert venue.order(type="MARKET", quantity="0.01", positionSide="LONG")[0] == 200
    _, rows = venue.call("GET", "/fapi/v2/positionRisk", symbol="BTCUSDT")
    assert [(r["positionSide"], r["positionAmt"]) for r in rows] == [("LONG", "0.010"), ("SHORT", "0.000")]
    assert venue.order(side="SELL", type="MARKET", quantity="0.02", positionSide="SHORT")[0] == 200
    _, rows = venue.call("GET", "/fapi/v3/positionRisk", symbol="BTCUSDT")
    # both sides held at once; the short's amount is negative
    assert [(r["positionSide"], r["positionAmt"]) for r in rows] == [("LONG", "0.010"), ("SHORT", "-0.020")]
    # a mode change with a position open is refused
    assert code(venue.call("POST", "/fapi/v1/positionSide/dual", dualSidePosition="false")) == (400, -4068)


def test_client_id_is_unique_among_open_orders_only(venue: Venue) -> None:
    resting = {"type": "LIMIT", "quantity": "0.01", "price": "59000", "timeInForce": "GTC"}
    assert venue.order(**resting, newClientOrderId="same")[0] == 200
    assert venue.order(**resting, newClientOrderId="same") == (
        400,
        {"code": -4116, "msg": "clientOrderId is duplicated"},
    )
    _, cancelled = venue.call("DELETE", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="same")
    assert cancelled["status"] == "CANCELED"
    assert code(venue.call("DELETE", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="same")) == (
        400,
        -2011,
    )
    # once the first has left the book, the id may be used again; a query finds the newest
    _, again = venue.order(**resting, newClientOrderId="same")
    _, found = venue.call("GET", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="same")
    assert (found["orderId"], found["status"]) == (again["orderId"], "NEW")


def test_unknown_order_query(venue: Venue) -> None:
    assert venue.call("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId=1) == (
        400,
        {"code": -2013, "msg": "Order does not exist."},
    )
    assert code(venue.call("GET", "/fapi/v1/order", symbol="BTCUSDT")) == (400, -1102)


def test_ioc_limit_that_cannot_fill_expires(venue: Venue) -> None:
    _, order = venue.order(
        type="LIMIT", quantity="0.01", price="59000", timeInForce="IOC", newOrderRespType="RESULT"
    )
    assert order["status"] == "EXPIRED"


def test_settings_answers(venue: Venue) -> None:
    assert venue.call("POST", "/fapi/v1/leverage", symbol="BTCUSDT", leverage=21) == (
        200,
        {"leverage": 21, "maxNotionalValue": "70000000", "symbol": "BTCUSDT"},
    )
    assert code(venue.call("POST", "/fapi/v1/leverage", symbol="BTCUSDT", leverage=126)) == (400, -4028)
    assert venue.call("POST", "/fapi/v1/marginType", symbol="BTCUSDT", marginType="ISOLATED")[1] == {
        "code": 200,
        "msg": "success",
    }
    assert code(venue.call("POST", "/fapi/v1/marginType", symbol="BTCUSDT", marginType="ISOLATED")) == (
        400,
        -4046,
    )
    assert code(venue.call("POST", "/fapi/v1/positionSide/dual", dualSidePosition="false")) == (400, -4059)
    assert venue.call("GET", "/fapi/v1/positionSide/dual")[1] == {"dualSidePosition": False}
    _, [row] = venue.call("GET", "/fapi/v2/positionRisk", symbol="BTCUSDT")
    assert (row["leverage"], row["marginType"], row["isAutoAddMargin"]) == ("21", "isolated", "false")


def test_stop_market_close_position_triggers_on_the_price(venue: Venue) -> None:
    venue.order(type="MARKET", quantity="0.02")
    algo = {"algoType": "CONDITIONAL", "symbol": "BTCUSDT", "side": "SELL", "type": "STOP_MARKET"}
    status, placed = venue.call(
        "POST", "/fapi/v1/algoOrder", **algo, triggerPrice="59000", closePosition="true", clientAlgoId="sl-1"
    )
    assert (status, placed["algoStatus"], placed["workingType"]) == (200, "NEW", "CONTRACT_PRICE")
    # a stop that is already through the market would trigger at once
    assert code(venue.call("POST", "/fapi/v1/algoOrder", **algo, triggerPrice="61000", quantity="0.01")) == (
        400,
        -2021,
    )
    venue.price("BTC-USDT", "59500")
    assert venue.call("GET", "/fapi/v1/algoOrder", clientAlgoId="sl-1")[1]["algoStatus"] == "NEW"
    venue.price("BTC-USDT", "58990")
    _, done = venue.call("GET", "/fapi/v1/algoOrder", algoId=placed["algoId"])
    assert done["algoStatus"] == "FINISHED" and done["actualOrderId"]
    _, order = venue.call("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId=int(done["actualOrderId"]))
    assert (order["side"], order["executedQty"], order["reduceOnly"]) == ("SELL", "0.020", True)
    assert venue.call("GET", "/fapi/v3/positionRisk")[1] == []
    # By REST alone the trade names only the order the algo order placed; the history of algo
    # orders names that order too, which is how the trade is known as the stop's.
    _, trades = venue.call("GET", "/fapi/v1/userTrades", symbol="BTCUSDT")
    [listed] = venue.call("GET", "/fapi/v1/allAlgoOrders", symbol="BTCUSDT")[1]
    assert (listed["algoId"], listed["clientAlgoId"], listed["algoStatus"]) == (
        placed["algoId"],
        "sl-1",
        "FINISHED",
    )
    assert str(trades[-1]["orderId"]) == listed["actualOrderId"] == done["actualOrderId"]


def test_take_profit_limit_places_a_limit_order(venue: Venue) -> None:
    venue.order(type="MARKET", quantity="0.01")
    _, placed = venue.call(
        "POST",
        "/fapi/v1/algoOrder",
        algoType="CONDITIONAL",
        symbol="BTCUSDT",
        side="SELL",
        type="TAKE_PROFIT",
        quantity="0.01",
        price="62000",
        triggerPrice="61500",
        reduceOnly="true",
    )
    venue.price("BTC-USDT", "61600")
    _, triggered = venue.call("GET", "/fapi/v1/algoOrder", algoId=placed["algoId"])
    assert (triggered["algoStatus"], triggered["actualType"]) == ("TRIGGERED", "LIMIT")
    venue.price("BTC-USDT", "62000")
    assert venue.call("GET", "/fapi/v1/algoOrder", algoId=placed["algoId"])[1]["algoStatus"] == "FINISHED"


def test_trailing_stop_follows_the_high(venue: Venue) -> None:
    venue.order(type="MARKET", quantity="0.01")
    _, placed = venue.call(
        "POST",
        "/fapi/v1/algoOrder",
        algoType="CONDITIONAL",
        symbol="BTCUSDT",
        side="SELL",
        type="TRAILING_STOP_MARKET",
        quantity="0.01",
        callbackRate="1",
        reduceOnly="true",
    )
    venue.price("BTC-USDT", "62000")  # new high; trigger now at 61380
    venue.price("BTC-USDT", "61500")
    assert venue.call("GET", "/fapi/v1/algoOrder", algoId=placed["algoId"])[1]["algoStatus"] == "NEW"
    venue.price("BTC-USDT", "61300")
    assert venue.call("GET", "/fapi/v1/algoOrder", algoId=placed["algoId"])[1]["algoStatus"] == "FINISHED"


def test_algo_orders_list_and_cancel(venue: Venue) -> None:
    algo = {"algoType": "CONDITIONAL", "symbol": "BTCUSDT", "side": "BUY", "quantity": "0.01"}
    _, one = venue.call("POST", "/fapi/v1/algoOrder", **algo, type="STOP_MARKET", triggerPrice="65000")
    venue.call("POST", "/fapi/v1/algoOrder", **algo, type="TAKE_PROFIT_MARKET", triggerPrice="55000")
    _, listed = venue.call("GET", "/fapi/v1/openAlgoOrders", symbol="BTCUSDT")
    assert [a["orderType"] for a in listed] == ["STOP_MARKET", "TAKE_PROFIT_MARKET"]
    assert venue.call("DELETE", "/fapi/v1/algoOrder", algoId=one["algoId"])[1] == {
        "algoId": one["algoId"],
        "clientAlgoId": one["clientAlgoId"],
        "code": "200",
        "msg": "success",
    }
    assert code(venue.call("DELETE", "/fapi/v1/algoOrder", algoId=one["algoId"])) == (400, -2011)
    assert venue.call("DELETE", "/fapi/v1/algoOpenOrders", symbol="BTCUSDT")[1]["code"] == 200
    assert venue.call("GET", "/fapi/v1/openAlgoOrders")[1] == []
    assert len(venue.call("GET", "/fapi/v1/allAlgoOrders", symbol="BTCUSDT")[1]) == 2


def test_rate_limit_and_server_error_bodies_are_binances(venue: Venue) -> None:
    rules = [
        {"kind": "rate_limit", "venue": "binance", "path": "/fapi/v1/time", "retry_after_s": 3, "count": 1},
        {"kind": "http_error", "venue": "binance", "path": "/fapi/v1/ping", "status": 503, "count": 1},
    ]
    requests.put(f"{venue.sim.url}/_sim/faults", json={"rules": rules}, timeout=5)
    limited = requests.get(f"{venue.sim.url}/fapi/v1/time", timeout=5)
    assert (limited.status_code, limited.headers["Retry-After"], limited.json()["code"]) == (429, "3", -1003)
    down = requests.get(f"{venue.sim.url}/fapi/v1/ping", timeout=5)
    assert (down.status_code, down.json()["code"]) == (503, -1001)
