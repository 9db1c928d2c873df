"""Cached prices and balances, on both venues: a signal pays only for the reads no fresh answer
covers."""

from __future__ import annotations

from decimal import Decimal

from executor.core.model import Outcome, SizeKind
from tests.executor.conftest import VenueRig


def seen(rig: VenueRig) -> dict[str, int]:
    """The requests since the last call, and a fresh count from here."""
    counts = rig.seen()
    rig.reset_requests()
    return counts


def test_balance_pct_costs_two_requests_once_the_symbol_is_warm(rig: VenueRig) -> None:
    rig.engine.execute(rig.signal(signal_id="warm", size=(SizeKind.BALANCE_PCT, "1")))
    seen(rig)
    result = rig.engine.execute(rig.signal(signal_id="s2", size=(SizeKind.BALANCE_PCT, "1")))
    assert result.outcome is Outcome.EXECUTED
    # The balance is read afresh (our own order moved it); the price is the last fill's.
    assert seen(rig) == {f"GET {rig.profile.paths.BALANCE}": 1, f"POST {rig.profile.paths.ORDER}": 1}


def test_a_balance_is_never_reused_after_an_order_moved_it(rig: VenueRig) -> None:
    first = rig.engine.execute(rig.signal(signal_id="a", size=(SizeKind.BALANCE_PCT, "10")))
    second = rig.engine.execute(rig.signal(signal_id="b", size=(SizeKind.BALANCE_PCT, "10")))
    assert first.sizing is not None and second.sizing is not None
    # 10 % of what was left after the first order's margin: a smaller order.
    assert second.sizing.quantity < first.sizing.quantity
    held = rig.account.positions[("BTC-USDT", "BOTH")].qty
    assert held == first.sizing.quantity + second.sizing.quantity


def test_a_cached_price_expires(rig: VenueRig) -> None:
    rig.adapter.price_ttl_s = 60
    assert rig.adapter.price(rig.profile.btc) == Decimal("60000.0")
    rig.exchange.set_price("BTC-USDT", Decimal("61000"))
    assert rig.adapter.price(rig.profile.btc) == Decimal("60000.0")  # within its time
    rig.adapter.price_ttl_s = 0
    assert rig.adapter.price(rig.profile.btc) == Decimal("61000.0")
    assert seen(rig)[f"GET {rig.profile.paths.PRICE}"] == 2


def test_a_balance_read_serves_the_next_signal_within_its_time(rig: VenueRig) -> None:
    rig.adapter.balance_ttl_s = 60
    engine = rig.engine_on()
    tested = [
        engine.execute(rig.signal(signal_id=f"t{n}", size=(SizeKind.BALANCE_PCT, "1"), test=True))
        for n in range(3)
    ]
    assert all(r.outcome is Outcome.EXECUTED for r in tested)
    assert seen(rig).get(f"GET {rig.profile.paths.BALANCE}") == 1  # test signals place nothing
