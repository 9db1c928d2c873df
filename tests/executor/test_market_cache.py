"""Cached prices and balances: a signal pays only for the reads no fresh answer covers."""

from __future__ import annotations

from decimal import Decimal

import requests

from executor.core.engine import ExecutionEngine
from executor.core.model import Outcome, SizeKind, Venue
from executor.venues.bingx.adapter import BingxAdapter
from tests.conftest import make_signal
from tests.support.inproc import API_KEY, RunningSimulator

PRICE = "GET /openApi/swap/v1/ticker/price"
BALANCE = "GET /openApi/swap/v3/user/balance"
ORDER = "POST /openApi/swap/v2/trade/order"


def seen(sim: RunningSimulator) -> dict[str, int]:
    counts: dict[str, int] = requests.get(f"{sim.url}/_sim/requests", timeout=5).json()
    requests.post(f"{sim.url}/_sim/requests/reset", timeout=5)
    return counts


def test_balance_pct_costs_two_requests_once_the_symbol_is_warm(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    engine.execute(make_signal(signal_id="warm", size=(SizeKind.BALANCE_PCT, "1")))
    seen(simulator)
    result = engine.execute(make_signal(signal_id="s2", size=(SizeKind.BALANCE_PCT, "1")))
    assert result.outcome is Outcome.EXECUTED
    # The balance is read afresh (our own order moved it); the price is the last fill's.
    assert seen(simulator) == {BALANCE: 1, ORDER: 1}


def test_a_balance_is_never_reused_after_an_order_moved_it(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    first = engine.execute(make_signal(signal_id="a", size=(SizeKind.BALANCE_PCT, "10")))
    second = engine.execute(make_signal(signal_id="b", size=(SizeKind.BALANCE_PCT, "10")))
    assert first.sizing is not None and second.sizing is not None
    # 10 % of what was left after the first order's margin: a smaller order.
    assert second.sizing.quantity < first.sizing.quantity
    wallet = simulator.sim.exchanges["bingx"].accounts[API_KEY]
    assert wallet.positions[("BTC-USDT", "BOTH")].qty == first.sizing.quantity + second.sizing.quantity


def test_a_cached_price_expires(bingx: BingxAdapter, simulator: RunningSimulator) -> None:
    bingx.price_ttl_s = 60
    assert bingx.price("BTC-USDT") == Decimal("60000.0")
    simulator.sim.exchanges["bingx"].set_price("BTC-USDT", Decimal("61000"))
    assert bingx.price("BTC-USDT") == Decimal("60000.0")  # within its time
    bingx.price_ttl_s = 0
    assert bingx.price("BTC-USDT") == Decimal("61000.0")
    assert seen(simulator)[PRICE] == 2


def test_a_balance_read_serves_the_next_signal_within_its_time(
    bingx: BingxAdapter, simulator: RunningSimulator
) -> None:
    bingx.balance_ttl_s = 60
    engine = ExecutionEngine({(Venue.BINGX, "default"): bingx})
    tested = [
        engine.execute(make_signal(signal_id=f"t{n}", size=(SizeKind.BALANCE_PCT, "1"), test=True))
        for n in range(3)
    ]
    assert all(r.outcome is Outcome.EXECUTED for r in tested)
    assert seen(simulator).get(BALANCE) == 1  # test signals place nothing, so the balance stands
