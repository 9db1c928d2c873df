"""BingX's cancelReplace on the simulator, over HTTP: one request cancels an order and places
another under the exchange's lock, each half reported in the answer (docs/venues/bingx.md 5.10a)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from executor.venues.bingx import signing
from tests.support.inproc import API_KEY, SECRET_KEY, RunningSimulator

ORDER = "/openApi/swap/v2/trade/order"
REPLACE = "/openApi/swap/v1/trade/cancelReplace"


class Venue:
    def __init__(self, sim: RunningSimulator) -> None:
        self.sim = sim

    def call(self, method: str, path: str, **params: signing.Param) -> dict[str, Any]:
        query = signing.signed_query(SECRET_KEY, {**params, "timestamp": int(time.time() * 1000)})
        resp = requests.request(
            method, f"{self.sim.url}{path}?{query}", headers={"X-BX-APIKEY": API_KEY}, timeout=5
        )
        assert resp.status_code == 200
        answer: dict[str, Any] = resp.json()
        return answer

    def order(self, **params: signing.Param) -> dict[str, Any]:
        return self.call("POST", ORDER, **{"symbol": "BTC-USDT", "positionSide": "BOTH", **params})

    def stop(self, quantity: str, stop_price: str) -> int:
        placed = self.order(
            side="SELL", type="STOP_MARKET", quantity=quantity, stopPrice=stop_price, reduceOnly="true"
        )
        assert placed["code"] == 0, placed
        order_id: int = placed["data"]["order"]["orderId"]
        return order_id

    def replace(self, **params: signing.Param) -> dict[str, Any]:
        base: dict[str, signing.Param] = {
            "symbol": "BTC-USDT",
            "positionSide": "BOTH",
            "side": "SELL",
            "type": "STOP_MARKET",
            "reduceOnly": "true",
            "cancelReplaceMode": "STOP_ON_FAILURE",
        }
        return self.call("POST", REPLACE, **{**base, **params})

    def resting(self) -> list[tuple[str, str, str]]:
        """(type, quantity, trigger) of every open order."""
        rows = self.call("GET", "/openApi/swap/v2/trade/openOrders", symbol="BTC-USDT")["data"]["orders"]
        return [(o["type"], o["origQty"], o["stopPrice"]) for o in rows]


@pytest.fixture
def venue(simulator: RunningSimulator) -> Venue:
    venue = Venue(simulator)
    assert venue.order(side="BUY", type="MARKET", quantity="0.01")["code"] == 0
    return venue


def test_a_full_size_stop_replaces_a_full_size_stop(venue: Venue) -> None:
    old = venue.stop("0.01", "59000")
    answer = venue.replace(cancelOrderId=old, quantity="0.01", stopPrice="59500")
    assert answer["code"] == 0, answer
    data = answer["data"]
    # The stops may not total more than the position: judged after the cancel, the new one fits.
    assert (data["cancelResult"], data["replaceResult"], data["cancelMsg"], data["replaceMsg"]) == (
        "true",
        "true",
        "",
        "",
    )
    assert (data["cancelResponse"]["cancelOrderId"], data["cancelResponse"]["orderId"]) == (old, old)
    new = data["newOrderResponse"]
    assert isinstance(new["orderId"], int) and new["orderId"] > 2**53 and new["orderId"] != old
    assert (new["type"], new["quantity"], new["stopPrice"]) == ("STOP_MARKET", 0.01, 59500)
    assert venue.resting() == [("STOP_MARKET", "0.01", "59500")]


def test_a_stop_that_would_pass_the_position_is_refused_after_the_cancel(venue: Venue) -> None:
    old = venue.stop("0.006", "59000")
    venue.stop("0.004", "58000")  # with the old one gone, 0.006 of room is left
    answer = venue.replace(cancelOrderId=old, quantity="0.007", stopPrice="59500")["data"]
    assert (answer["cancelResult"], answer["replaceResult"]) == ("true", "false")
    assert answer["replaceMsg"] == "The total quantity of stop loss orders exceeds the position quantity"
    assert answer["newOrderResponse"] is None
    assert venue.resting() == [("STOP_MARKET", "0.004", "58000")]  # the cancel stands


def test_a_new_order_refused_after_the_cancel_is_reported_in_the_answer(venue: Venue) -> None:
    old = venue.stop("0.01", "59000")
    answer = venue.replace(cancelOrderId=old, quantity="0.01", stopPrice="61000")  # above the price
    assert answer["code"] == 0
    data = answer["data"]
    assert (data["cancelResult"], data["replaceResult"]) == ("true", "false")
    assert data["replaceMsg"] == "Stop Loss price should be lower than the current price"
    assert venue.resting() == []


def test_stop_on_failure_places_nothing_when_the_cancel_fails(venue: Venue) -> None:
    venue.stop("0.005", "59000")
    answer = venue.replace(cancelOrderId=1, quantity="0.005", stopPrice="59500")["data"]
    assert (answer["cancelResult"], answer["cancelMsg"], answer["replaceResult"]) == (
        "false",
        "order does not exist",
        "false",
    )
    assert (answer["cancelResponse"], answer["newOrderResponse"]) == ({}, None)
    assert venue.resting() == [("STOP_MARKET", "0.005", "59000")]


def test_allow_failure_places_the_new_order_whatever_the_cancel_did(venue: Venue) -> None:
    answer = venue.replace(
        cancelOrderId=1, cancelReplaceMode="ALLOW_FAILURE", quantity="0.005", stopPrice="59500"
    )["data"]
    assert (answer["cancelResult"], answer["replaceResult"]) == ("false", "true")
    assert venue.resting() == [("STOP_MARKET", "0.005", "59500")]


def test_cancel_restrictions_name_the_status_the_cancel_needs(venue: Venue) -> None:
    limit = venue.order(side="BUY", type="LIMIT", quantity="0.01", price="55000")["data"]["order"]["orderId"]
    answer = venue.replace(
        cancelOrderId=limit,
        cancelRestrictions="ONLY_NEW",  # a resting limit reads PENDING
        side="BUY",
        type="LIMIT",
        quantity="0.01",
        price="56000",
        reduceOnly="false",
    )["data"]
    assert (answer["cancelResult"], answer["cancelMsg"]) == ("false", "the order status is PENDING, not NEW")
    answer = venue.replace(
        cancelOrderId=limit,
        cancelRestrictions="ONLY_PENDING",
        side="BUY",
        type="LIMIT",
        quantity="0.01",
        price="56000",
        reduceOnly="false",
    )["data"]
    assert (answer["cancelResult"], answer["replaceResult"]) == ("true", "true")
    assert answer["cancelResponse"]["status"] == "PENDING"  # as it stood, the docs' example shows
    assert venue.resting() == [("LIMIT", "0.01", "")]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"cancelReplaceMode": ""}, "cancelReplaceMode"),
        ({"cancelReplaceMode": "SOMETIMES"}, "cancelReplaceMode"),
        ({"cancelOrderId": ""}, "cancelOrderId or cancelClientOrderId"),
        ({"positionSide": "LONG"}, "One-way mode"),
        ({"cancelRestrictions": "ONLY_OLD"}, "cancelRestrictions"),
    ],
)
def test_a_malformed_request_is_refused_before_anything_is_cancelled(
    venue: Venue, params: dict[str, str], words: str
) -> None:
    old = venue.stop("0.01", "59000")
    sent: dict[str, signing.Param] = {
        "cancelOrderId": old,
        "quantity": "0.01",
        "stopPrice": "59500",
        **params,
    }
    answer = venue.replace(**sent)
    assert answer["code"] == 109400 and words in answer["msg"], answer
    assert venue.resting() == [("STOP_MARKET", "0.01", "59000")]
