"""`/_sim/stops`: a symbol's positions and the stops waiting for them, in one read, as the
benchmark's watch polls it to see whether a position was ever left without a stop."""

from __future__ import annotations

from typing import Any

import requests

from tests.simulator.user_streams import Binance, Bingx
from tests.support.inproc import RunningSimulator


def stops(sim: RunningSimulator, venue: str, symbol: str = "BTC-USDT") -> dict[str, Any]:
    reply = requests.get(f"{sim.url}/_sim/stops", params={"venue_name": venue, "symbol": symbol}, timeout=5)
    reply.raise_for_status()
    seen: dict[str, Any] = reply.json()
    return seen


def test_bingx_a_position_its_stop_and_the_stop_swapped_in_one_request(simulator: RunningSimulator) -> None:
    venue = Bingx(simulator)
    assert stops(simulator, "bingx") == {"price": "60000", "positions": [], "stops": []}
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    stop = venue.order(side="SELL", type="STOP_MARKET", quantity="0.01", stopPrice="59000", reduceOnly="true")
    venue.order(side="SELL", type="TAKE_PROFIT_MARKET", quantity="0.01", stopPrice="61000", reduceOnly="true")
    seen = stops(simulator, "bingx")
    [position] = seen["positions"]
    assert (position["side"], position["quantity"]) == ("BOTH", "0.01")
    # The take-profit is no stop; the stop is the account's.
    assert [(s["side"], s["position_side"], s["quantity"]) for s in seen["stops"]] == [
        ("SELL", "BOTH", "0.01")
    ]
    assert seen["stops"][0]["api_key_suffix"] == position["api_key_suffix"]
    venue.call(
        "POST",
        "/openApi/swap/v1/trade/cancelReplace",
        symbol="BTC-USDT",
        positionSide="BOTH",
        side="SELL",
        type="STOP_MARKET",
        quantity="0.006",
        stopPrice="59500",
        reduceOnly="true",
        cancelOrderId=stop["orderId"],
        cancelReplaceMode="STOP_ON_FAILURE",
    )
    assert [s["quantity"] for s in stops(simulator, "bingx")["stops"]] == ["0.006"]
    assert stops(simulator, "bingx", "ETH-USDT")["stops"] == []  # one symbol's


def test_binance_an_algo_stop_closing_the_whole_position_has_no_quantity(simulator: RunningSimulator) -> None:
    venue = Binance(simulator)
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    algo = {"algoType": "CONDITIONAL", "symbol": "BTCUSDT", "side": "SELL", "type": "STOP_MARKET"}
    placed = venue.call("POST", "/fapi/v1/algoOrder", **algo, triggerPrice="59000", closePosition="true")
    seen = stops(simulator, "binance")
    assert [p["quantity"] for p in seen["positions"]] == ["0.01"]
    assert [s["quantity"] for s in seen["stops"]] == [None]
    venue.call("DELETE", "/fapi/v1/algoOrder", algoId=placed["algoId"])
    assert stops(simulator, "binance")["stops"] == []
    assert stops(simulator, "bingx")["positions"] == []  # each venue its own
