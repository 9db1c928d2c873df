"""The BingX façade's stop and take-profit orders, standalone and attached, over HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from executor.venues.bingx import signing
from tests.support.inproc import API_KEY, SECRET_KEY, RunningSimulator, running_simulator

ORDER = "/openApi/swap/v2/trade/order"


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

    def price(self, price: str) -> None:
        requests.post(
            f"{self.sim.url}/_sim/price",
            json={"venue": "bingx", "symbol": "BTC-USDT", "price": price},
            timeout=5,
        ).raise_for_status()

    def position(self) -> str:
        rows = self.call("GET", "/openApi/swap/v2/user/positions", symbol="BTC-USDT")["data"]
        return rows[0]["positionAmt"] if rows else "0"

    def open_orders(self) -> list[dict[str, Any]]:
        orders: list[dict[str, Any]] = self.call(
            "GET", "/openApi/swap/v2/trade/openOrders", symbol="BTC-USDT"
        )["data"]["orders"]
        return orders


@pytest.fixture
def venue(simulator: RunningSimulator) -> Venue:
    return Venue(simulator)


@pytest.fixture
def keeping() -> Iterator[Venue]:
    """A venue that keeps a conditional order's client id, as BingX's docs say it does not."""
    with running_simulator(simulator_bingx_trigger_client_ids=True) as sim:
        yield Venue(sim)


def test_a_standalone_stop_market_waits_then_closes_at_its_trigger(keeping: Venue) -> None:
    venue = keeping
    assert venue.order(side="BUY", type="MARKET", quantity="0.01")["code"] == 0
    placed = venue.order(
        side="SELL",
        type="STOP_MARKET",
        quantity="0.01",
        stopPrice="59000",
        reduceOnly="true",
        clientOrderId="sl-1",
    )
    assert placed["code"] == 0
    order = placed["data"]["order"]
    assert (order["type"], order["stopPrice"], order["status"], order["clientOrderId"]) == (
        "STOP_MARKET",
        "59000",
        "NEW",
        "sl-1",
    )
    assert [o["clientOrderId"] for o in venue.open_orders()] == ["sl-1"]
    venue.price("59500")
    assert venue.position() == "0.01"
    venue.price("58990")
    assert venue.position() == "0"
    done = venue.call("GET", ORDER, symbol="BTC-USDT", clientOrderId="sl-1")["data"]["order"]
    assert (done["status"], done["executedQty"], done["avgPrice"]) == ("FILLED", "0.01", "58990.0000")
    assert venue.open_orders() == []


@pytest.mark.parametrize(
    ("side", "order_type", "stop_price", "code"),
    [
        ("SELL", "STOP_MARKET", "61000", 110411),  # a long's stop above the price
        ("BUY", "STOP_MARKET", "59000", 110412),  # a short's stop below the price
        ("SELL", "TAKE_PROFIT_MARKET", "59000", 110413),  # a long's target below the price
        ("BUY", "TAKE_PROFIT_MARKET", "61000", 110414),  # a short's target above the price
    ],
)
def test_a_trigger_on_the_wrong_side_of_the_price_is_refused(
    venue: Venue, side: str, order_type: str, stop_price: str, code: int
) -> None:
    answer = venue.order(side=side, type=order_type, quantity="0.01", stopPrice=stop_price)
    assert answer["code"] == code
    assert venue.open_orders() == []


def test_attached_take_profit_and_stop_loss_arm_for_the_filled_quantity(venue: Venue) -> None:
    placed = venue.order(
        side="BUY",
        type="MARKET",
        quantity="0.02",
        takeProfit={"type": "TAKE_PROFIT_MARKET", "stopPrice": 63000, "workingType": "MARK_PRICE"},
        stopLoss={"type": "STOP_MARKET", "stopPrice": 58000, "workingType": "MARK_PRICE"},
    )
    assert placed["code"] == 0, placed
    armed = {o["type"]: o for o in venue.open_orders()}
    assert set(armed) == {"TAKE_PROFIT_MARKET", "STOP_MARKET"}
    assert {(o["side"], o["origQty"], o["stopPrice"], o["reduceOnly"]) for o in armed.values()} == {
        ("SELL", "0.02", "63000", True),
        ("SELL", "0.02", "58000", True),
    }
    venue.price("63100")
    assert venue.position() == "0"
    # The stop stays until cancelled; with nothing left to reduce it cannot open a position.
    venue.price("57000")
    assert venue.position() == "0"


def test_an_attached_stop_on_the_wrong_side_refuses_the_entry_too(venue: Venue) -> None:
    answer = venue.order(
        side="BUY", type="MARKET", quantity="0.01", stopLoss={"type": "STOP_MARKET", "stopPrice": 61000}
    )
    assert answer["code"] == 110411
    assert venue.position() == "0"


def test_attachments_on_a_resting_limit_arm_only_when_it_fills(venue: Venue) -> None:
    placed = venue.order(
        side="BUY",
        type="LIMIT",
        quantity="0.01",
        price="59000",
        takeProfit={"type": "TAKE_PROFIT_MARKET", "stopPrice": 62000},
    )
    assert placed["code"] == 0
    assert [o["type"] for o in venue.open_orders()] == ["LIMIT"]
    venue.price("58900")
    assert [o["type"] for o in venue.open_orders()] == ["TAKE_PROFIT_MARKET"]


def test_a_conditional_order_is_cancelled_by_client_id(keeping: Venue) -> None:
    venue = keeping
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    venue.order(
        side="SELL", type="TAKE_PROFIT_MARKET", quantity="0.01", stopPrice="65000", clientOrderId="tp-1"
    )
    cancelled = venue.call("DELETE", ORDER, symbol="BTC-USDT", clientOrderId="tp-1")["data"]["order"]
    assert cancelled["status"] == "CANCELLED"
    assert venue.call("DELETE", ORDER, symbol="BTC-USDT", clientOrderId="tp-1")["code"] == 80016
    venue.price("66000")
    assert venue.position() == "0.01"


def test_close_position_stop_takes_whatever_is_open(venue: Venue) -> None:
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    assert venue.order(side="SELL", type="STOP_MARKET", stopPrice="59000", closePosition="true")["code"] == 0
    venue.order(side="BUY", type="MARKET", quantity="0.02")
    venue.price("58000")
    assert venue.position() == "0"


def test_a_client_id_held_by_a_conditional_order_cannot_be_reused(keeping: Venue) -> None:
    venue = keeping
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    venue.order(side="SELL", type="STOP_MARKET", quantity="0.01", stopPrice="59000", clientOrderId="x-1")
    assert venue.order(side="BUY", type="MARKET", quantity="0.01", clientOrderId="x-1")["code"] == 101481


# -- as the venue documents it: a clientOrderId only on LIMIT and MARKET orders ----------------


def test_a_conditional_orders_client_id_is_accepted_and_not_kept(venue: Venue) -> None:
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    placed = venue.order(
        side="SELL",
        type="STOP_MARKET",
        quantity="0.01",
        stopPrice="59000",
        reduceOnly="true",
        clientOrderId="sl-1",
    )
    assert (placed["code"], placed["data"]["order"]["clientOrderId"]) == (0, "")
    assert [(o["type"], o["clientOrderId"]) for o in venue.open_orders()] == [("STOP_MARKET", "")]
    assert venue.call("GET", ORDER, symbol="BTC-USDT", clientOrderId="sl-1")["code"] == 80016
    # Nothing holds the id, so an order that does keep one may take it.
    assert venue.order(side="BUY", type="MARKET", quantity="0.01", clientOrderId="sl-1")["code"] == 0


# -- the cumulative rule: stops, and apart take-profits, may not total more than the position --


def stop(venue: Venue, quantity: str, price: str = "59000", **more: signing.Param) -> dict[str, Any]:
    return venue.order(
        side="SELL", type="STOP_MARKET", quantity=quantity, stopPrice=price, reduceOnly="true", **more
    )


def test_stops_totalling_more_than_the_position_are_refused(venue: Venue) -> None:
    venue.order(side="BUY", type="MARKET", quantity="0.02")
    assert stop(venue, "0.01")["code"] == 0
    assert stop(venue, "0.01", "58000")["code"] == 0  # 0.02 of 0.02: at the position, not past it
    refused = stop(venue, "0.0001", "57000")
    assert (refused["code"], refused["msg"]) == (
        101400,
        "The total quantity of stop loss orders exceeds the position quantity",
    )
    # Take-profits are counted apart, and a whole-position stop counts for nothing.
    target = venue.order(
        side="SELL", type="TAKE_PROFIT_MARKET", quantity="0.02", stopPrice="63000", reduceOnly="true"
    )
    assert target["code"] == 0
    assert venue.order(side="SELL", type="STOP_MARKET", stopPrice="56000", closePosition="true")["code"] == 0
    assert len(venue.open_orders()) == 4


def test_a_stop_for_a_smaller_position_is_refused_and_nothing_rests(venue: Venue) -> None:
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    assert stop(venue, "0.02")["code"] == 101400
    over = venue.order(
        side="SELL", type="TAKE_PROFIT_MARKET", quantity="0.02", stopPrice="63000", reduceOnly="true"
    )
    assert (over["code"], over["msg"]) == (
        101400,
        "The total quantity of take profit orders exceeds the position quantity",
    )
    assert venue.open_orders() == []


def test_a_stop_with_no_position_to_close_is_refused(venue: Venue) -> None:
    refused = stop(venue, "0.01")
    assert (refused["code"], refused["msg"]) == (80017, "position not exist")


def test_hedge_sides_are_counted_apart(venue: Venue) -> None:
    venue.call("POST", "/openApi/swap/v1/positionSide/dual", dualSidePosition="true")
    venue.order(side="BUY", type="MARKET", quantity="0.01", positionSide="LONG")
    venue.order(side="SELL", type="MARKET", quantity="0.01", positionSide="SHORT")
    long_stop = dict(side="SELL", type="STOP_MARKET", quantity="0.01", stopPrice="59000", positionSide="LONG")
    short_stop = dict(
        side="BUY", type="STOP_MARKET", quantity="0.01", stopPrice="61000", positionSide="SHORT"
    )
    assert venue.order(**long_stop)["code"] == 0
    assert venue.order(**short_stop)["code"] == 0
    assert venue.order(**long_stop)["code"] == 101400


def test_an_attached_stop_past_the_position_is_not_armed(venue: Venue) -> None:
    venue.order(
        side="BUY", type="MARKET", quantity="0.02", stopLoss={"type": "STOP_MARKET", "stopPrice": 58000}
    )
    venue.order(side="SELL", type="MARKET", quantity="0.01", reduceOnly="true")  # a partial close
    # 0.02 resting on 0.01 held: arming 0.01 more for the new 0.01 would total 0.03 on 0.02.
    entry = venue.order(
        side="BUY", type="MARKET", quantity="0.01", stopLoss={"type": "STOP_MARKET", "stopPrice": 57000}
    )
    assert entry["code"] == 0
    assert [(o["origQty"], o["stopPrice"]) for o in venue.open_orders()] == [("0.02", "58000")]
    assert venue.position() == "0.02"


def test_a_trailing_stop_keeps_no_client_id_and_counts_in_neither_total(venue: Venue) -> None:
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    assert stop(venue, "0.01")["code"] == 0
    trailing = venue.order(
        side="SELL",
        type="TRAILING_STOP_MARKET",
        quantity="0.01",
        priceRate="0.01",
        reduceOnly="true",
        clientOrderId="ts-1",
    )
    assert (trailing["code"], trailing["data"]["order"]["clientOrderId"]) == (0, "")
    target = venue.order(
        side="SELL", type="TAKE_PROFIT_MARKET", quantity="0.01", stopPrice="63000", reduceOnly="true"
    )
    assert target["code"] == 0
