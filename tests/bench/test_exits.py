"""The exit plans' measures (bench/exits.py, bench/update.py, bench/watch.py): which of the
simulator's marks they time, what counts as bare, and how a run is summed up and written. The
measures themselves run end to end in test_run.py's small run."""

from __future__ import annotations

import time
from typing import Any

from bench import exit_tables, exits, oco, update, watch
from tests.bench.test_oco import mark
from tests.simulator.user_streams import Bingx
from tests.support.inproc import RunningSimulator

# A BingX take-profit fill and the stop swapped in one cancelReplace, as the simulator marks them.
BINGX = [
    mark(
        10.5, "sent", "ORDER_TRADE_UPDATE", order_id="57", order_type="TAKE_PROFIT_MARKET", execution="TRADE"
    ),
    mark(10.8, "sent", "ACCOUNT_UPDATE"),
    mark(44.9, "request", "POST /openApi/swap/v1/trade/cancelReplace"),
    mark(48.6, "sent", "ORDER_TRADE_UPDATE", order_id="56", order_type="STOP_MARKET", status="CANCELED"),
    mark(48.9, "sent", "ORDER_TRADE_UPDATE", order_id="61", order_type="STOP_MARKET", status="NEW"),
]
# Binance: the new algo stop placed, then the old one cancelled by its algoId (no symbol).
BINANCE = [
    mark(14.8, "sent", "ALGO_UPDATE", "BTCUSDT", order_id="2001", order_type="TAKE_PROFIT_MARKET"),
    mark(
        15.2, "sent", "ORDER_TRADE_UPDATE", "BTCUSDT", order_id="77", order_type="MARKET", execution="TRADE"
    ),
    mark(50.7, "request", "POST /fapi/v1/algoOrder", "BTCUSDT"),
    mark(54.5, "sent", "ALGO_UPDATE", "BTCUSDT", order_id="2004", order_type="STOP_MARKET", status="NEW"),
    mark(86.5, "request", "DELETE /fapi/v1/algoOrder", "", order_id="2000"),
]


def test_bingx_a_move_is_held_and_the_old_stop_gone_with_one_request() -> None:
    found = exits.moved("bingx", "BTC-USDT", "56")(BINGX)
    assert found == exits.Moved(10.5, 44.9, 44.9, 48.9, "61")
    assert exits.moved("bingx", "BTC-USDT", "56")(BINGX[:3]) is None  # not told yet: wait
    assert exits.moved("bingx", "ETH-USDT", "56")(BINGX) is None


def test_binance_the_old_stop_is_gone_when_its_own_cancel_arrives() -> None:
    found = exits.moved("binance", "BTCUSDT", "2000")(BINANCE)
    # From the fill's trade, not the algo order's first word about firing.
    assert found == exits.Moved(15.2, 50.7, 86.5, 54.5, "2004")
    assert exits.moved("binance", "BTCUSDT", "2000")(BINANCE[:-1]) is None
    assert exits.moved("binance", "BTCUSDT", "1999")(BINANCE) is None  # another stop's cancel


def test_an_update_is_timed_to_the_new_stops_request_with_the_reads_before_it() -> None:
    marks = [
        mark(26.4, "request", "GET /fapi/v2/positionRisk", "BTCUSDT"),
        mark(60.7, "request", "GET /fapi/v1/openAlgoOrders", "BTCUSDT"),
        mark(95.5, "request", "POST /fapi/v1/algoOrder", "ETHUSDT"),  # another symbol's
        mark(97.1, "request", "POST /fapi/v1/algoOrder", "BTCUSDT"),
    ]
    assert update.placed("binance", "BTCUSDT")(marks) == (97.1, 3)
    assert update.placed("binance", "BTCUSDT")(marks[:3]) is None


def seen(positions: list[tuple[str, str]], stops: list[tuple[str, str | None]]) -> dict[str, Any]:
    return {
        "price": "60000",
        "positions": [{"api_key_suffix": "abcd", "side": side, "quantity": q} for side, q in positions],
        "stops": [
            {"api_key_suffix": "abcd", "side": "SELL", "position_side": s, "quantity": q} for s, q in stops
        ],
    }


def test_a_position_is_bare_without_a_stop_on_its_side() -> None:
    assert watch.bare(seen([("BOTH", "0.01")], []))
    assert not watch.bare(seen([("BOTH", "0.01")], [("BOTH", "0.02")]))  # too big still guards
    assert not watch.bare(seen([], [("BOTH", "0.01")]))  # flat, a stop left: not bare
    assert watch.bare(seen([("LONG", "0.01"), ("SHORT", "0.01")], [("LONG", "0.01")]))
    other = seen([("BOTH", "0.01")], [("BOTH", "0.01")])
    other["stops"][0]["api_key_suffix"] = "wxyz"  # another account's stop guards nothing here
    assert watch.bare(other)


def test_a_stop_is_sized_when_it_covers_the_position_exactly() -> None:
    assert exits.sized(seen([("BOTH", "0.006")], [("BOTH", "0.0060")]))
    assert not exits.sized(seen([("BOTH", "0.006")], [("BOTH", "0.01")]))
    assert not exits.sized(seen([("BOTH", "0.006")], [("BOTH", "0.006"), ("BOTH", "0.006")]))
    assert not exits.sized(seen([("BOTH", "0.006")], [("BOTH", None)]))


def ladder(held: float | None, gone: float | None, bare: int = 0) -> exits.Ladder:
    moves = [exits.Move("BTCUSDT", 1, held, gone, 3.0 if held else None, held is not None)]
    return exits.Ladder("BTCUSDT", moves, watch.Watched(50, bare, 0, [5.0, 7.0]), closed=True)


def test_a_ladder_run_meets_its_goals_against_one_or_two_round_trips() -> None:
    bingx = exits.summary("bingx", [ladder(30.0, 30.0), ladder(35.0, 35.0)], round_trip_ms=30.0)
    assert (bingx["held_p50"], bingx["gone_p50"], bingx["goal_gone_ms"], bingx["met"]) == (
        30.0,
        30.0,
        35.0,
        True,
    )
    binance = exits.summary("binance", [ladder(34.0, 65.0)], round_trip_ms=30.0)
    assert (binance["goal_held_ms"], binance["goal_gone_ms"], binance["met"]) == (35.0, 65.0, True)
    assert exits.summary("binance", [ladder(34.0, 65.1)], round_trip_ms=30.0)["met"] is False
    assert exits.summary("bingx", [ladder(30.0, 30.0, bare=1)], round_trip_ms=30.0)["met"] is False
    missed = exits.summary("bingx", [ladder(30.0, 30.0), ladder(None, None)], round_trip_ms=30.0)
    assert (missed["moves"], missed["missed"], missed["met"]) == (2, 1, False)
    assert exits.summary("bingx", [ladder(None, None)], round_trip_ms=30.0)["met"] is False


def test_the_tables_and_goals_name_each_venue() -> None:
    ladders = {v: exits.summary(v, [ladder(30.0, 30.0)], round_trip_ms=30.0) for v in ("bingx", "binance")}
    quiet = watch.Watched(40, 0, 0, [6.0])
    done = [update.Update(95.0, 2), update.Update(None, 0)]
    updates = {v: update.summary(done, quiet, round_trip_ms=30.0) for v in ("bingx", "binance")}
    assert (updates["bingx"]["missed"], updates["bingx"]["floor_ms"], updates["bingx"]["met"]) == (
        1,
        75.0,
        False,
    )
    text = exit_tables.ladders_table(ladders) + exit_tables.updates_table(updates)
    assert (
        "| new stop held, p50 ms | 30.0 | 30.0 |" in text
        and "| updates (not placed) | 2 (1) | 2 (1) |" in text
    )
    names = [name for name, _, _ in exit_tables.goals({"ladders": ladders, "updates": updates})]
    assert (
        len(names) == 4 and names[1].startswith("binance: take-profit fill") and "2 round trips" in names[1]
    )


def test_the_watch_sees_a_stop_cancelled_before_its_replacement_and_not_an_atomic_swap(
    simulator: RunningSimulator,
) -> None:
    venue = Bingx(simulator)
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    stop = {"side": "SELL", "type": "STOP_MARKET", "reduceOnly": "true", "quantity": "0.01"}
    first = venue.order(**stop, stopPrice="59000")
    sim = oco.Sim(simulator.url, True)
    with watch.StopWatch(sim, "bingx", "BTCUSDT") as swapped:
        time.sleep(0.05)
        second = venue.call(
            "POST",
            "/openApi/swap/v1/trade/cancelReplace",
            **stop,
            symbol="BTC-USDT",
            positionSide="BOTH",
            stopPrice="59500",
            cancelOrderId=first["orderId"],
            cancelReplaceMode="STOP_ON_FAILURE",
        )
        time.sleep(0.05)
    assert swapped.watched.reads > 5 and swapped.watched.bare == 0, swapped.watched
    with watch.StopWatch(sim, "bingx", "BTCUSDT") as apart:
        time.sleep(0.05)
        order_id = second["newOrderResponse"]["orderId"]
        venue.call("DELETE", "/openApi/swap/v2/trade/order", symbol="BTC-USDT", orderId=order_id)
        time.sleep(0.05)  # the replacement a round trip later, as a cancel-then-place would send it
        venue.order(**stop, stopPrice="59600")
        time.sleep(0.05)
    assert apart.watched.bare >= 2, apart.watched
