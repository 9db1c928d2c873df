"""The engine and the BingX adapter against the simulator, over real HTTP."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests

from common.errors import ErrorClass, TvbridgeError
from executor.core.engine import ExecutionEngine
from executor.core.model import Action, OrderType, Outcome, SizeKind, Venue
from executor.venues.bingx.adapter import BingxAdapter
from tests.conftest import make_signal
from tests.support.inproc import API_KEY, SECRET_KEY, RunningSimulator
from tools.processes import free_port


def sim_orders(sim: RunningSimulator) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = requests.get(f"{sim.url}/_sim/orders", timeout=5).json()
    return result


def sim_requests(sim: RunningSimulator) -> int:
    return sum(requests.get(f"{sim.url}/_sim/requests", timeout=5).json().values())


def reset_requests(sim: RunningSimulator) -> None:
    requests.post(f"{sim.url}/_sim/requests/reset", timeout=5)


def test_seed_balance_sizing_rounds_down_to_the_step(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    # 100 USDT margin x 10 leverage / 60000 = 0.016666.. BTC -> 0.0166 at BingX's 4 decimals
    result = engine.execute(make_signal(size=(SizeKind.BALANCE, "100")))
    assert result.outcome is Outcome.EXECUTED, result.error
    assert result.sizing is not None
    assert result.sizing.quantity == Decimal("0.0166")
    assert result.sizing.price == Decimal("60000.0")
    assert result.sizing.leverage == 10
    assert result.sizing.notional == Decimal("996.00000")
    [order] = sim_orders(simulator)
    assert order["quantity"] == "0.0166"
    assert order["side"] == "BUY"
    assert order["position_side"] == "BOTH"
    assert order["type"] == "MARKET"
    assert order["status"] == "FILLED"
    assert order["client_order_id"] == result.orders[0].client_order_id


def test_fixed_quantity_market_order_costs_one_venue_request(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    reset_requests(simulator)
    result = engine.execute(make_signal(size=(SizeKind.QUANTITY, "0.01")))
    assert result.outcome is Outcome.EXECUTED
    # hedge-mode probe is cached after the first signal; a second signal pays only the order
    reset_requests(simulator)
    engine.execute(make_signal(signal_id="sig-2", size=(SizeKind.QUANTITY, "0.01")))
    assert sim_requests(simulator) == 1


def test_signal_leverage_is_set_once_then_cached(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    engine.execute(make_signal(size=(SizeKind.BALANCE, "100"), leverage=5))
    lev = simulator.sim.exchanges["bingx"].accounts[API_KEY].leverage
    assert lev[("BTC-USDT", "LONG")] == 5
    reset_requests(simulator)
    result = engine.execute(make_signal(signal_id="sig-2", size=(SizeKind.BALANCE, "100"), leverage=5))
    assert result.sizing is not None and result.sizing.leverage == 5
    seen = requests.get(f"{simulator.url}/_sim/requests", timeout=5).json()
    assert "POST /openApi/swap/v2/trade/leverage" not in seen
    # Neither leverage nor price is asked again: the first order's fill is a fresh price.
    assert seen == {"POST /openApi/swap/v2/trade/order": 1}


def test_close_sells_the_whole_long_reduce_only(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    engine.execute(make_signal(size=(SizeKind.QUANTITY, "0.05")))
    result = engine.execute(make_signal(Action.CLOSE, signal_id="close-1", size=None))
    assert result.outcome is Outcome.EXECUTED, result.error
    close = sim_orders(simulator)[-1]
    assert (close["side"], close["quantity"], close["reduce_only"]) == ("SELL", "0.05", True)
    assert requests.get(f"{simulator.url}/_sim/positions", timeout=5).json() == []


def test_close_when_flat_is_rejected_not_traded(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    result = engine.execute(make_signal(Action.CLOSE_LONG, size=None))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.NO_POSITION
    assert sim_orders(simulator) == []


def test_quantity_below_minimum_names_the_venue_rule(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    result = engine.execute(make_signal(size=(SizeKind.QUANTITY, "0.00009"), test=True))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    assert result.error.error_class is ErrorClass.BELOW_MINIMUM
    assert "tradeMinQuantity" in result.error.message


def test_notional_below_minimum_names_the_venue_rule(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    # 0.5 USDT margin x 10 / 0.6 = 8.33 XRP -> 8 XRP = 4.8 USDT, below tradeMinUSDT = 5
    result = engine.execute(make_signal(symbol="XRP-USDT", size=(SizeKind.BALANCE, "0.5")))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and "tradeMinUSDT" in result.error.message
    assert sim_orders(simulator) == []


def test_venue_side_minimum_is_mapped_when_no_price_was_read(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    # Fixed quantities skip the price read; the venue's own refusal must still classify.
    result = engine.execute(make_signal(symbol="DOGE-USDT", size=(SizeKind.QUANTITY, "10")))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    assert result.error.error_class is ErrorClass.BELOW_MINIMUM
    assert result.error.venue_code == "101400"


def test_unknown_symbol_is_rejected(engine: ExecutionEngine) -> None:
    result = engine.execute(make_signal(symbol="NOPE-USDT"))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.UNKNOWN_SYMBOL


def test_same_signal_twice_places_one_order(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    first = engine.execute(make_signal())
    second = engine.execute(make_signal())
    assert second == first
    assert len(sim_orders(simulator)) == 1


def test_redelivery_after_a_restart_finds_the_order_instead_of_doubling(
    bingx: BingxAdapter, simulator: RunningSimulator
) -> None:
    first = ExecutionEngine({(Venue.BINGX, "default"): bingx}).execute(make_signal())
    restarted = ExecutionEngine({(Venue.BINGX, "default"): bingx})  # no memory of the first run
    again = restarted.execute(make_signal(), attempt=2)
    assert again.outcome is Outcome.EXECUTED
    assert again.orders[0].order_id == first.orders[0].order_id
    assert len(sim_orders(simulator)) == 1


def test_kill_switch_rejects(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    engine.switch.set(False, "test", "maintenance")
    result = engine.execute(make_signal())
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.TRADING_DISABLED
    assert sim_orders(simulator) == []


def test_test_mode_sizes_and_places_nothing(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    result = engine.execute(make_signal(size=(SizeKind.BALANCE, "50"), test=True))
    assert (result.outcome, result.test, result.orders) == (Outcome.EXECUTED, True, ())
    assert result.sizing is not None and result.sizing.quantity == Decimal("0.0083")
    assert sim_orders(simulator) == []


def test_stale_signal_expires(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    old = datetime.now(UTC) - timedelta(minutes=2)
    result = engine.execute(make_signal(fired_at=old), max_age_ms=60_000)
    assert result.outcome is Outcome.EXPIRED
    assert sim_orders(simulator) == []


def test_limit_order_rests_until_the_price_comes(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    result = engine.execute(make_signal(order_type=OrderType.LIMIT, price=Decimal("59000.07")))
    assert result.outcome is Outcome.EXECUTED
    [order] = sim_orders(simulator)
    assert (order["type"], order["price"], order["status"]) == ("LIMIT", "59000", "NEW")
    requests.post(f"{simulator.url}/_sim/price", json={"symbol": "BTC-USDT", "price": "58900"}, timeout=5)
    assert sim_orders(simulator)[0]["status"] == "FILLED"


def test_hedge_mode_opens_and_closes_by_position_side(
    bingx: BingxAdapter, engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    simulator.sim.exchanges["bingx"].accounts[API_KEY].hedge_mode = True
    engine.execute(make_signal(Action.SELL, signal_id="s1"))
    engine.execute(make_signal(Action.CLOSE_SHORT, signal_id="s2", size=None))
    opened, closed = sim_orders(simulator)
    assert (opened["side"], opened["position_side"]) == ("SELL", "SHORT")
    assert (closed["side"], closed["position_side"], closed["quantity"]) == ("BUY", "SHORT", "0.01")


def test_skewed_host_clock_is_corrected_from_server_time(
    bingx: BingxAdapter, simulator: RunningSimulator
) -> None:
    bingx.client.offset_ms = -30_000  # as if our clock ran 30 s ahead
    balances = bingx.balances()  # refused once for its timestamp, then resynced and served
    assert balances[0].asset == "USDT"
    assert abs(bingx.client.offset_ms) < 1_000


def test_unreachable_venue_is_retryable_not_a_decision() -> None:
    adapter = BingxAdapter("default", f"http://127.0.0.1:{free_port()}", API_KEY, SECRET_KEY)
    engine = ExecutionEngine({(Venue.BINGX, "default"): adapter})
    with pytest.raises(TvbridgeError) as caught:
        engine.execute(make_signal())
    assert caught.value.error_class is ErrorClass.VENUE_UNAVAILABLE
    assert caught.value.retryable


def test_unconfigured_venue_is_rejected(engine: ExecutionEngine) -> None:
    result = engine.execute(replace(make_signal(), venue=Venue.BINANCE))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.UNKNOWN_ACCOUNT


def test_a_late_redelivery_reports_the_order_that_exists_not_expired(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    fired = datetime.now(UTC) - timedelta(seconds=30)
    first = engine.execute(make_signal(signal_id="late", fired_at=fired), max_age_ms=60_000)
    assert first.outcome is Outcome.EXECUTED
    # A fresh executor (no memory) gets the redelivery after the signal's max age.
    again = ExecutionEngine(dict(engine.adapters)).execute(
        make_signal(signal_id="late", fired_at=fired), max_age_ms=10_000, attempt=2
    )
    assert (again.outcome, again.orders[0].order_id) == (Outcome.EXECUTED, first.orders[0].order_id)
    never = ExecutionEngine(dict(engine.adapters)).execute(
        make_signal(signal_id="never-sent", fired_at=fired), max_age_ms=10_000, attempt=2
    )
    assert never.outcome is Outcome.EXPIRED
    assert len(sim_orders(simulator)) == 1
