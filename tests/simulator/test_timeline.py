"""The simulator's timeline: when each stream frame left and each venue request arrived, as
`/_sim/timeline` shows them, on one clock, for timing a client's reaction (bench/oco.py)."""

from __future__ import annotations

from typing import Any

import requests

from simulator.streams.timeline import REQUEST, SENT, Timeline
from tests.simulator.user_streams import Binance, Bingx
from tests.support.inproc import RunningSimulator


def _marks(sim: RunningSimulator, venue: str, after_ms: float = 0.0) -> list[dict[str, Any]]:
    query: dict[str, str | float] = {"venue_name": venue, "after_ms": after_ms}
    reply = requests.get(f"{sim.url}/_sim/timeline", params=query, timeout=5)
    reply.raise_for_status()
    marks: list[dict[str, Any]] = reply.json()["marks"]
    return marks


def test_a_fill_sent_and_the_cancel_that_answers_it_are_both_marked_in_order(
    simulator: RunningSimulator,
) -> None:
    venue = Bingx(simulator)
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    with venue.stream() as stream:
        tp = venue.order(side="SELL", type="TAKE_PROFIT_MARKET", stopPrice="61000", quantity="0.01")
        sl = venue.order(side="SELL", type="STOP_MARKET", stopPrice="59000", quantity="0.01")
        stream.next("ORDER_TRADE_UPDATE", lambda e: e["o"]["i"] == sl["orderId"])
        requests.delete(f"{simulator.url}/_sim/timeline", timeout=5).raise_for_status()
        venue.price("61100")
        stream.next("ACCOUNT_UPDATE")
        venue.call("DELETE", "/openApi/swap/v2/trade/order", symbol="BTC-USDT", orderId=sl["orderId"])

    marks = _marks(simulator, "bingx")
    fill = next(m for m in marks if m["kind"] == SENT and m["execution"] == "TRADE")
    assert (fill["name"], fill["symbol"], fill["order_id"], fill["order_type"], fill["status"]) == (
        "ORDER_TRADE_UPDATE",
        "BTC-USDT",
        str(tp["orderId"]),
        "TAKE_PROFIT_MARKET",
        "FILLED",
    )
    position = next(m for m in marks if m["name"] == "ACCOUNT_UPDATE")
    assert position["symbol"] == "BTC-USDT"
    cancel = next(m for m in marks if m["kind"] == REQUEST and m["name"].startswith("DELETE "))
    assert (cancel["name"], cancel["symbol"], cancel["order_id"]) == (
        "DELETE /openApi/swap/v2/trade/order",
        "BTC-USDT",
        str(sl["orderId"]),
    )
    assert fill["at_ms"] <= position["at_ms"] < cancel["at_ms"]
    assert _marks(simulator, "bingx", after_ms=position["at_ms"])[0]["at_ms"] > position["at_ms"]
    assert _marks(simulator, "binance") == []  # each venue its own


def test_a_binance_algo_order_is_marked_by_its_algo_id() -> None:
    timeline = Timeline(clock=lambda: 1.5)
    timeline.sent("ALGO_UPDATE", {"e": "ALGO_UPDATE", "o": {"aid": 77, "s": "BTCUSDT", "o": "STOP_MARKET"}})
    timeline.request("DELETE", "/fapi/v1/algoOrder", {"algoId": "77", "timestamp": "1"})
    timeline.sent("Ping", "Ping")
    sent, cancel, ping = timeline.marks()
    assert (sent.at_ms, sent.order_id, sent.symbol) == (1500.0, "77", "BTCUSDT")
    assert sent.order_type == "STOP_MARKET"
    assert (cancel.name, cancel.order_id, cancel.symbol) == ("DELETE /fapi/v1/algoOrder", "77", "")
    assert (ping.name, ping.symbol) == ("Ping", "")


def test_the_oldest_marks_go_first_and_clear_empties_it() -> None:
    timeline = Timeline(capacity=2)
    for n in range(3):
        timeline.request("GET", f"/p{n}", {})
    assert [m.name for m in timeline.marks()] == ["GET /p1", "GET /p2"]
    timeline.clear()
    assert timeline.marks() == []


def test_binance_frames_are_marked_as_they_leave(simulator: RunningSimulator) -> None:
    venue = Binance(simulator)
    with venue.stream() as stream:
        placed = venue.order(side="BUY", type="MARKET", quantity="0.01")
        stream.next("ACCOUNT_UPDATE")
    sent = [m for m in _marks(simulator, "binance") if m["kind"] == SENT]
    trade = next(m for m in sent if m["execution"] == "TRADE")
    assert (trade["symbol"], trade["order_id"]) == ("BTCUSDT", str(placed["orderId"]))
