"""Target mode: a signal says where the position should be; only the difference is traded."""

from __future__ import annotations

from typing import Any

import requests

from executor.core.engine import ExecutionEngine
from executor.core.model import Action, MarketPosition, Outcome, SizeKind
from tests.conftest import make_signal
from tests.support.inproc import API_KEY, RunningSimulator

LONG, SHORT, FLAT = MarketPosition.LONG, MarketPosition.SHORT, MarketPosition.FLAT


def target(engine: ExecutionEngine, n: int, want: MarketPosition, qty: str | None) -> Any:
    size = (SizeKind.QUANTITY, qty) if qty else None
    action = {LONG: Action.BUY, SHORT: Action.SELL, FLAT: Action.CLOSE}[want]
    result = engine.execute(make_signal(action, signal_id=f"t{n}", size=size, market_position=want))
    assert result.outcome is Outcome.EXECUTED, result.error
    return result


def orders(sim: RunningSimulator) -> list[tuple[str, str, str, bool]]:
    got = requests.get(f"{sim.url}/_sim/orders", timeout=5).json()
    return [(o["side"], o["position_side"], o["quantity"], o["reduce_only"]) for o in got]


def position(sim: RunningSimulator) -> list[tuple[str, str]]:
    got = requests.get(f"{sim.url}/_sim/positions", timeout=5).json()
    return sorted((p["side"], p["quantity"]) for p in got)


def test_one_way_life_of_a_strategy(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    target(engine, 1, LONG, "0.02")  # flat -> long
    dup = target(engine, 2, LONG, "0.02")  # the same alert again: nothing to do
    assert dup.orders == () and "already at the target" in dup.note
    target(engine, 3, LONG, "0.01")  # scale out: reduce-only
    target(engine, 4, SHORT, "0.01")  # flip through zero in one order
    target(engine, 5, FLAT, None)  # out, reduce-only
    assert orders(simulator) == [
        ("BUY", "BOTH", "0.02", False),
        ("SELL", "BOTH", "0.01", True),
        ("SELL", "BOTH", "0.02", False),
        ("BUY", "BOTH", "0.01", True),
    ]
    assert position(simulator) == []


def test_a_missed_alert_is_caught_up(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    # The strategy went long 0.01 then added 0.02; the first alert never arrived.
    target(engine, 1, LONG, "0.03")
    assert position(simulator) == [("BOTH", "0.03")]
    flat = target(engine, 2, FLAT, None)
    assert [str(o.quantity) for o in flat.orders] == ["0.0300"]  # at the venue step
    assert target(engine, 3, FLAT, None).orders == ()  # flat again: nothing


def test_differences_below_the_venue_minimum_are_already_in_step(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    target(engine, 1, LONG, "0.0200")
    near = target(engine, 2, LONG, "0.02004")  # 0.00004 BTC: below step and minimum
    assert near.orders == ()


def test_hedge_mode_moves_each_side_separately(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    simulator.sim.exchanges["bingx"].accounts[API_KEY].hedge_mode = True
    target(engine, 1, LONG, "0.02")
    target(engine, 2, SHORT, "0.01")
    assert orders(simulator) == [
        ("BUY", "LONG", "0.02", False),
        ("SELL", "LONG", "0.02", False),  # hedge mode closes by position side, not reduceOnly
        ("SELL", "SHORT", "0.01", False),
    ]
    assert position(simulator) == [("SHORT", "0.01")]


def test_target_redelivery_finds_its_orders(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    first = target(engine, 1, LONG, "0.02")
    restarted = ExecutionEngine(engine.adapters)
    again = restarted.execute(
        make_signal(Action.BUY, signal_id="t1", size=(SizeKind.QUANTITY, "0.02"), market_position=LONG),
        attempt=2,
    )
    assert [o.order_id for o in again.orders] == [o.order_id for o in first.orders]
    assert len(orders(simulator)) == 1


def test_margin_sized_target(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    # 100 USDT margin x 10 / 60000 = 0.0166 BTC target
    result = engine.execute(
        make_signal(Action.BUY, signal_id="m", size=(SizeKind.BALANCE, "100"), market_position=LONG)
    )
    assert result.sizing is not None and str(result.sizing.quantity) == "0.0166"
    assert position(simulator) == [("BOTH", "0.0166")]
