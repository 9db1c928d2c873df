"""Fill event -> siblings cancelled (bench/oco.py): which of the simulator's marks it times, and
how a run is summed up. The measure itself runs end to end, one position a venue, in
test_run.py's small run (a stack of its own would cost this file ten seconds more)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bench import oco


def mark(at_ms: float, kind: str, name: str, symbol: str = "BTC-USDT", **about: str) -> dict[str, Any]:
    return {
        "at_ms": at_ms,
        "kind": kind,
        "name": name,
        "symbol": symbol,
        "order_id": about.get("order_id", ""),
        "order_type": about.get("order_type", ""),
        "execution": about.get("execution", ""),
        "status": about.get("status", ""),
    }


MARKS = [
    mark(1.0, "sent", "ORDER_TRADE_UPDATE", order_id="1", order_type="MARKET", execution="TRADE"),
    mark(2.0, "sent", "ORDER_TRADE_UPDATE", order_id="2", order_type="TAKE_PROFIT_MARKET", status="NEW"),
    mark(3.0, "sent", "ORDER_TRADE_UPDATE", order_id="3", order_type="STOP_MARKET", status="NEW"),
    mark(4.0, "sent", "ORDER_TRADE_UPDATE", "ETH-USDT", order_id="9", execution="TRADE"),  # another symbol
    mark(
        10.0, "sent", "ORDER_TRADE_UPDATE", order_id="2", order_type="TAKE_PROFIT_MARKET", execution="TRADE"
    ),
    mark(10.5, "sent", "ACCOUNT_UPDATE", "ETH-USDT,BTC-USDT"),
    mark(20.0, "request", "GET /openApi/swap/v2/trade/openOrders", ""),
    mark(30.0, "request", "DELETE /openApi/swap/v2/trade/order", order_id="2"),  # not the stop
    mark(41.0, "request", "DELETE /openApi/swap/v2/trade/order", order_id="3"),
]


def test_the_stop_is_the_new_stop_order_told_on_the_stream() -> None:
    assert oco.stop_told("BTC-USDT")(MARKS) == (2, "3")
    assert oco.stop_told("SOL-USDT")(MARKS) is None


def test_timed_from_the_first_fill_or_position_frame_after_the_stop_to_the_stops_cancel() -> None:
    # The entry's own fill (1.0) came before the stop; another symbol's (4.0) is not this one's.
    assert oco.cancelled("BTC-USDT", "3", after=2)(MARKS) == (10.0, 41.0, 2)
    position_first = [MARKS[2], mark(9.0, "sent", "ACCOUNT_UPDATE", "BTC-USDT"), MARKS[-1]]
    assert oco.cancelled("BTC-USDT", "3", after=0)(position_first) == (9.0, 41.0, 0)
    assert oco.cancelled("BTC-USDT", "3", after=2)(MARKS[:-1]) is None  # not cancelled yet


def test_a_round_not_cancelled_is_counted_and_misses_the_goal() -> None:
    rounds = [oco.Round("BTCUSDT", 20.0, 0), oco.Round("ETHUSDT", None, 0)]
    result = oco.summary(rounds, round_trip_ms=25.0)
    assert (result["positions"], result["missed"], result["p50"], result["met"]) == (2, 1, 20.0, False)
    assert result["rounds"][1] == {"symbol": "ETHUSDT", "latency_ms": None, "requests_between": 0}
    assert oco.summary([oco.Round("BTCUSDT", 30.0, 2)], round_trip_ms=25.0)["met"] is True
    assert oco.summary([oco.Round("BTCUSDT", 30.1, 2)], round_trip_ms=25.0)["met"] is False
    assert oco.summary([oco.Round("BTCUSDT", None, 0)], round_trip_ms=25.0)["met"] is False


def test_prices_keep_the_tick_of_the_price_they_come_from() -> None:
    assert (
        oco.venue_symbol("bingx", "XRPUSDT") == "XRP-USDT"
        and oco.venue_symbol("binance", "XRPUSDT") == "XRPUSDT"
    )
    base = Decimal(oco.PRICES["XRPUSDT"])
    assert str(oco.tick(base * oco.TAKE_PROFIT, base)) == "0.6060"
