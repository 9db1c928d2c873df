"""Binance's TRAILING_STOP_MARKET algo orders on the simulator, over real HTTP and the user stream:
activation, following the best price through every step of a walk, firing on the callback,
and the venue's limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.simulator.price_walks import START, closes_within_a_step, walk
from tests.simulator.user_streams import Binance
from tests.support.inproc import RunningSimulator

ALGO = "/fapi/v1/algoOrder"
UP, DOWN = START * Decimal("1.05"), START * Decimal("0.95")


@pytest.fixture
def venue(simulator: RunningSimulator) -> Binance:
    return Binance(simulator)


def _open(venue: Binance, direction: str, *, hedge: bool) -> dict[str, Any]:
    """Open 0.010 BTC; the trailing order's side, position side and reduce-only flag to close it."""
    if hedge:
        venue.call("POST", "/fapi/v1/positionSide/dual", dualSidePosition="true")
    side, close = ("BUY", "SELL") if direction == "long" else ("SELL", "BUY")
    where: dict[str, Any] = {"positionSide": "LONG" if direction == "long" else "SHORT"} if hedge else {}
    venue.order(side=side, type="MARKET", quantity="0.010", **where)
    return {"side": close, **(where or {"reduceOnly": "true"})}


def _trail(venue: Binance, closing: dict[str, Any], **params: str) -> dict[str, Any]:
    algo: dict[str, Any] = venue.call(
        "POST",
        ALGO,
        algoType="CONDITIONAL",
        symbol="BTCUSDT",
        type="TRAILING_STOP_MARKET",
        quantity="0.010",
        **closing,
        **params,
    )
    return algo


def _open_positions(venue: Binance) -> list[Any]:
    rows: list[Any] = venue.call("GET", "/fapi/v3/positionRisk", symbol="BTCUSDT")
    return rows


@pytest.mark.parametrize(
    ("direction", "hedge", "activate"),
    [("long", False, True), ("short", False, True), ("long", True, False), ("short", True, False)],
)
def test_the_trail_closes_within_a_step_of_the_best_price_less_the_callback(
    venue: Binance, direction: str, hedge: bool, activate: bool
) -> None:
    closing = _open(venue, direction, hedge=hedge)
    far, activation = (
        (UP, START * Decimal("1.02")) if direction == "long" else (DOWN, START * Decimal("0.98"))
    )
    extra = {"activatePrice": str(activation)} if activate else {}
    algo = _trail(venue, closing, callbackRate="1", **extra)
    walk(venue.price, START, far)
    assert _open_positions(venue) != []
    walk(venue.price, far, START)
    assert _open_positions(venue) == []
    done = venue.call("GET", ALGO, algoId=algo["algoId"])
    assert done["algoStatus"] == "FINISHED"
    assert closes_within_a_step(direction, far, Decimal("0.01"), Decimal(done["actualPrice"]))
    last = venue.call("GET", "/fapi/v1/userTrades", symbol="BTCUSDT")[-1]
    assert (str(last["orderId"]), last["price"]) == (done["actualOrderId"], done["actualPrice"])


def test_a_trail_whose_activation_price_is_never_reached_never_fires(venue: Binance) -> None:
    closing = _open(venue, "long", hedge=False)
    algo = _trail(venue, closing, callbackRate="1", activatePrice=str(START * Decimal("1.06")))
    walk(venue.price, START, UP)
    walk(venue.price, UP, START)
    row = venue.call("GET", ALGO, algoId=algo["algoId"])
    assert (row["algoStatus"], row["activatePrice"], row["callbackRate"]) == ("NEW", "63600.0", "1")
    assert _open_positions(venue) != []


def test_a_trail_without_an_activation_price_starts_from_the_price_at_placement(venue: Binance) -> None:
    closing = _open(venue, "short", hedge=False)
    algo = _trail(venue, closing, callbackRate="2")
    [row] = venue.call("GET", "/fapi/v1/openAlgoOrders", symbol="BTCUSDT")
    assert (row["algoId"], row["orderType"], row["activatePrice"], row["callbackRate"]) == (
        algo["algoId"],
        "TRAILING_STOP_MARKET",
        "60000.0",
        "2",
    )
    venue.price("61150")  # under 60000 x 1.02 = 61200
    assert venue.call("GET", ALGO, algoId=algo["algoId"])["algoStatus"] == "NEW"
    venue.price("61200")
    assert venue.call("GET", ALGO, algoId=algo["algoId"])["algoStatus"] == "FINISHED"


@pytest.mark.parametrize("rate", ["0.09", "20.1", "0"])
def test_a_callback_rate_outside_the_venues_limits_is_refused(venue: Binance, rate: str) -> None:
    closing = _open(venue, "long", hedge=False)
    params = dict(algoType="CONDITIONAL", symbol="BTCUSDT", type="TRAILING_STOP_MARKET", quantity="0.010")
    answer = venue.signed("POST", ALGO, **params, **closing, callbackRate=rate)
    assert (answer.status_code, answer.json()) == (400, {"code": -2007, "msg": "Invalid callBack rate."})


@pytest.mark.parametrize("rate", ["0.1", "20"])
def test_the_limits_themselves_are_accepted(venue: Binance, rate: str) -> None:
    closing = _open(venue, "long", hedge=False)
    assert _trail(venue, closing, callbackRate=rate)["algoStatus"] == "NEW"


@pytest.mark.parametrize(("direction", "activation"), [("long", "60000"), ("short", "60000.1")])
def test_an_activation_price_already_reached_would_trigger_at_once(
    venue: Binance, direction: str, activation: str
) -> None:
    closing = _open(venue, direction, hedge=False)
    params = dict(algoType="CONDITIONAL", symbol="BTCUSDT", type="TRAILING_STOP_MARKET", quantity="0.010")
    answer = venue.signed("POST", ALGO, **params, **closing, callbackRate="1", activatePrice=activation)
    assert (answer.status_code, answer.json()["code"]) == (400, -2021)


def test_the_trail_tells_its_life_on_the_stream_as_algo_orders_do(venue: Binance) -> None:
    closing = _open(venue, "long", hedge=False)
    with venue.stream() as stream:
        algo = _trail(venue, closing, callbackRate="1", activatePrice="60300")
        placed = stream.next("ALGO_UPDATE")["o"]
        assert (placed["aid"], placed["o"], placed["X"], placed["ai"]) == (
            algo["algoId"],
            "TRAILING_STOP_MARKET",
            "NEW",
            "",
        )
        for price in ("60300", "60600", "60000"):  # starts, peaks at 60600, 60000 <= 59994 is false
            venue.price(price)
        venue.price("59990")
        assert stream.next("ALGO_UPDATE")["o"]["X"] == "TRIGGERING"
        triggered = stream.next("ALGO_UPDATE")["o"]
        assert triggered["X"] == "TRIGGERED"
        fill = stream.next("ORDER_TRADE_UPDATE", lambda e: e["o"]["x"] == "TRADE")["o"]
        assert (fill["i"], fill["o"], fill["S"], fill["L"]) == (
            int(triggered["ai"]),
            "MARKET",
            "SELL",
            "59990.0",
        )
        finished = stream.next("ALGO_UPDATE")["o"]
        assert (finished["X"], finished["aq"], finished["ap"]) == ("FINISHED", "0.010", "59990.0")


@pytest.mark.parametrize(("hedge", "status", "left"), [(False, "FINISHED", "0"), (True, "REJECTED", "0.004")])
def test_a_trail_for_more_than_the_side_holds_closes_it_one_way_and_is_rejected_hedged(
    venue: Binance, hedge: bool, status: str, left: str
) -> None:
    # One-way, reduce-only never opens the other way: the venue trims the close to what is held.
    # Hedge mode: a close for more than the side holds is refused (-2022, ccxt/ccxt#8304), and an
    # algo order refused as it fires ends REJECTED (docs/venues/binance.md 5.9).
    closing = _open(venue, "long", hedge=hedge)
    algo = _trail(venue, closing, callbackRate="1")
    venue.order(type="MARKET", quantity="0.006", **closing)
    if hedge:
        too_much = venue.signed(
            "POST", "/fapi/v1/order", symbol="BTCUSDT", type="MARKET", quantity="0.005", **closing
        )
        assert (too_much.status_code, too_much.json()["code"]) == (400, -2022)
    walk(venue.price, START, UP)
    walk(venue.price, UP, START)
    assert venue.call("GET", ALGO, algoId=algo["algoId"])["algoStatus"] == status
    held = [row["positionAmt"] for row in _open_positions(venue) if Decimal(row["positionAmt"])]
    assert held == ([left] if hedge else [])
