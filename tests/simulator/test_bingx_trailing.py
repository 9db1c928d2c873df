"""BingX's TRAILING_STOP_MARKET on the simulator, over real HTTP and the user stream: activation,
following the best price through every step of a walk, firing on the callback (a rate or a
distance), the order's rows and events, and the venue's limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.simulator.price_walks import START, closes_within_a_step, walk
from tests.simulator.user_streams import Bingx
from tests.support.inproc import RunningSimulator

ORDER = "/openApi/swap/v2/trade/order"
UP, DOWN = START * Decimal("1.05"), START * Decimal("0.95")


@pytest.fixture
def venue(simulator: RunningSimulator) -> Bingx:
    return Bingx(simulator)


def _open(venue: Bingx, direction: str, *, hedge: bool = False) -> dict[str, str]:
    """Open 0.01 BTC; the trailing order's side, position side and reduce-only flag to close it."""
    position_side = ("LONG" if direction == "long" else "SHORT") if hedge else "BOTH"
    if hedge:
        venue.call("POST", "/openApi/swap/v1/positionSide/dual", dualSidePosition="true")
    side, close = ("BUY", "SELL") if direction == "long" else ("SELL", "BUY")
    venue.order(side=side, type="MARKET", quantity="0.01", positionSide=position_side)
    return {"side": close, "positionSide": position_side, **({} if hedge else {"reduceOnly": "true"})}


def _trail(venue: Bingx, closing: dict[str, str], **params: str) -> dict[str, Any]:
    order: dict[str, Any] = venue.order(type="TRAILING_STOP_MARKET", quantity="0.01", **closing, **params)
    return order


def _refusal(venue: Bingx, closing: dict[str, str], **params: str) -> tuple[int, str]:
    answer = venue.signed(
        "POST", ORDER, symbol="BTC-USDT", type="TRAILING_STOP_MARKET", quantity="0.01", **closing, **params
    ).json()
    return answer["code"], answer["msg"]


def _position(venue: Bingx) -> str:
    rows = venue.call("GET", "/openApi/swap/v2/user/positions", symbol="BTC-USDT")
    return str(rows[0]["positionAmt"]) if rows else "0"


@pytest.mark.parametrize(
    ("direction", "hedge", "activate"),
    [("long", False, True), ("short", False, True), ("long", True, False), ("short", True, False)],
)
def test_the_trail_closes_within_a_step_of_the_best_price_less_the_callback(
    venue: Bingx, direction: str, hedge: bool, activate: bool
) -> None:
    closing = _open(venue, direction, hedge=hedge)
    far, activation = (
        (UP, START * Decimal("1.02")) if direction == "long" else (DOWN, START * Decimal("0.98"))
    )
    extra = {"activationPrice": str(activation)} if activate else {}
    trail = _trail(venue, closing, priceRate="0.01", **extra)
    walk(venue.price, START, far)
    assert _position(venue) == "0.01"
    walk(venue.price, far, START)
    assert _position(venue) == "0"
    done = venue.call("GET", ORDER, symbol="BTC-USDT", orderId=trail["orderId"])["order"]
    assert (done["status"], done["type"], done["executedQty"]) == ("FILLED", "TRAILING_STOP_MARKET", "0.01")
    assert closes_within_a_step(direction, far, Decimal("0.01"), Decimal(done["avgPrice"]))


def test_a_trail_by_distance_fires_that_far_from_the_best_price(venue: Bingx) -> None:
    closing = _open(venue, "long")
    trail = _trail(venue, closing, price="600")  # 1 % of the start, as a price distance
    walk(venue.price, START, UP)
    walk(venue.price, UP, START)
    done = venue.call("GET", ORDER, symbol="BTC-USDT", orderId=trail["orderId"])["order"]
    assert done["avgPrice"] == "62400.0000"  # the first step at or below 63000 - 600
    assert (done["priceRate"], done["trailingStopDistance"]) == ("", 600.0)


def test_a_trail_whose_activation_price_is_never_reached_never_fires(venue: Bingx) -> None:
    closing = _open(venue, "short")
    trail = _trail(venue, closing, priceRate="0.01", activationPrice=str(START * Decimal("0.94")))
    walk(venue.price, START, DOWN)
    walk(venue.price, DOWN, START)
    [row] = venue.call("GET", "/openApi/swap/v2/trade/openOrders", symbol="BTC-USDT")["orders"]
    assert (row["orderId"], row["status"], row["type"]) == (trail["orderId"], "NEW", "TRAILING_STOP_MARKET")
    assert (row["priceRate"], row["actPrice"], row["trailingStopRate"], row["trailingStopDistance"]) == (
        "0.01",
        "56400",
        0.01,
        0,
    )
    assert _position(venue) == "0.01"


@pytest.mark.parametrize(
    ("params", "code", "msg"),
    [
        ({"priceRate": "0.0009"}, 110415, "Must be greater than the minimum callback rate of 0.1%"),
        ({"priceRate": "0.91"}, 110416, "Must be lower than the maximum callback rate of 90%"),
        ({"price": "54000.1"}, 110418, "Must be less than the maximum trailing distance of 54000"),
        (
            {"priceRate": "0.01", "price": "600"},
            109400,
            "Invalid parameters,priceRate and price cannot both be sent.",
        ),
        ({}, 109400, "Invalid parameters,priceRate: This field is required."),
    ],
)
def test_a_callback_outside_the_venues_limits_is_refused(
    venue: Bingx, params: dict[str, str], code: int, msg: str
) -> None:
    closing = _open(venue, "long")
    assert _refusal(venue, closing, **params) == (code, msg)
    assert venue.call("GET", "/openApi/swap/v2/trade/openOrders", symbol="BTC-USDT")["orders"] == []


@pytest.mark.parametrize("rate", ["0.001", "0.9"])
def test_the_limits_themselves_are_accepted(venue: Bingx, rate: str) -> None:
    closing = _open(venue, "long")
    assert _trail(venue, closing, priceRate=rate)["status"] == "NEW"


@pytest.mark.parametrize(
    ("direction", "activation", "code"), [("long", "60000", 110419), ("short", "60000.1", 110420)]
)
def test_an_activation_price_already_reached_is_refused(
    venue: Bingx, direction: str, activation: str, code: int
) -> None:
    closing = _open(venue, direction)
    assert _refusal(venue, closing, priceRate="0.01", activationPrice=activation)[0] == code


def test_the_trail_is_one_order_on_the_stream(venue: Bingx) -> None:
    closing = _open(venue, "long")
    with venue.stream() as stream:
        trail = _trail(venue, closing, priceRate="0.01", activationPrice="60300")
        placed = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (placed["i"], placed["o"], placed["X"], placed["q"]) == (
            trail["orderId"],
            "TRAILING_STOP_MARKET",
            "NEW",
            "0.01000000",
        )
        for price in ("60300", "60600", "60000"):  # starts, peaks at 60600; 60000 is above 59994
            venue.price(price)
        venue.price("59990")
        filled = stream.next("ORDER_TRADE_UPDATE")["o"]  # the order it placed, under its own name
        assert (filled["i"], filled["o"], filled["x"], filled["X"], filled["ap"]) == (
            trail["orderId"],
            "TRAILING_STOP_MARKET",
            "TRADE",
            "FILLED",
            "59990.00000000",
        )
        assert stream.next("TRADE_UPDATE")["o"]["i"] == trail["orderId"]
        assert stream.next("ACCOUNT_UPDATE")["a"]["P"][0]["pa"] == "0.00000000"


def test_the_test_endpoint_checks_a_trail_and_keeps_nothing(venue: Bingx) -> None:
    closing = _open(venue, "long")
    params = dict(symbol="BTC-USDT", type="TRAILING_STOP_MARKET", quantity="0.01", **closing)
    assert venue.signed("POST", f"{ORDER}/test", **params, priceRate="0.01").json()["code"] == 0
    assert venue.signed("POST", f"{ORDER}/test", **params, priceRate="0.95").json()["code"] == 110416
    assert venue.call("GET", "/openApi/swap/v2/trade/openOrders", symbol="BTC-USDT")["orders"] == []


@pytest.mark.parametrize(("hedge", "status", "left"), [(False, "FILLED", "0"), (True, "CANCELLED", "0.004")])
def test_a_trail_for_more_than_the_side_holds_closes_it_one_way_and_is_cancelled_hedged(
    venue: Bingx, hedge: bool, status: str, left: str
) -> None:
    # One-way, reduce-only never opens the other way: the close is trimmed to what is held.
    # Hedge mode: a close for more than the side holds is refused (110203, docs/venues/bingx.md
    # 6), and a conditional order whose order is refused as it fires is cancelled (a guess).
    closing = _open(venue, "long", hedge=hedge)
    trail = _trail(venue, closing, priceRate="0.01")
    venue.order(type="MARKET", quantity="0.006", **closing)
    if hedge:
        too_much = venue.signed("POST", ORDER, symbol="BTC-USDT", type="MARKET", quantity="0.005", **closing)
        assert too_much.json()["code"] == 110203
    walk(venue.price, START, UP)
    walk(venue.price, UP, START)
    done = venue.call("GET", ORDER, symbol="BTC-USDT", orderId=trail["orderId"])["order"]
    assert done["status"] == status
    assert _position(venue) == left
