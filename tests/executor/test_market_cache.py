"""Cached prices and balances, on both venues: a signal pays only for the reads no fresh answer
covers, counted at the simulator."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from common.errors import ErrorClass, TvbridgeError
from executor.config import ExecutorSettings
from executor.core.model import Outcome, SizeKind
from executor.venues.fresh import FreshReads
from executor.wiring import build_adapters
from tests.executor.conftest import VenueRig


def seen(rig: VenueRig) -> dict[str, int]:
    """The requests since the last call, and a fresh count from here."""
    counts = rig.seen()
    rig.reset_requests()
    return counts


def test_balance_pct_costs_two_requests_once_the_symbol_is_warm(rig: VenueRig) -> None:
    rig.adapter.prices.max_age_s = 60  # a loaded machine may take a second between the two
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
    rig.adapter.prices.max_age_s = 60
    assert rig.adapter.price(rig.profile.btc) == Decimal("60000.0")
    rig.exchange.set_price("BTC-USDT", Decimal("61000"))
    assert rig.adapter.price(rig.profile.btc) == Decimal("60000.0")  # within its time
    rig.adapter.prices.max_age_s = 0
    assert rig.adapter.price(rig.profile.btc) == Decimal("61000.0")
    assert seen(rig)[f"GET {rig.profile.paths.PRICE}"] == 2


def test_a_balance_read_serves_the_next_signal_within_its_time(rig: VenueRig) -> None:
    rig.adapter.balance_reads.max_age_s = 60
    engine = rig.engine_on()
    tested = [
        engine.execute(rig.signal(signal_id=f"t{n}", size=(SizeKind.BALANCE_PCT, "1"), test=True))
        for n in range(3)
    ]
    assert all(r.outcome is Outcome.EXECUTED for r in tested)
    assert seen(rig).get(f"GET {rig.profile.paths.BALANCE}") == 1  # test signals place nothing


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_test_signal_within_the_price_window_asks_nothing_and_one_after_it_reads_it(rig: VenueRig) -> None:
    clock = Clock()
    rig.adapter.prices = FreshReads(1.0, monotonic=clock)
    engine = rig.engine_on()
    first = engine.execute(rig.signal(signal_id="t1", test=True))
    assert first.outcome is Outcome.EXECUTED and first.sizing is not None
    assert first.sizing.price == Decimal("60000")
    seen(rig)
    clock.now += 0.9
    assert engine.execute(rig.signal(signal_id="t2", test=True)).outcome is Outcome.EXECUTED
    assert seen(rig) == {}  # not a single request: the price was 0.9 s old
    clock.now += 0.1
    assert engine.execute(rig.signal(signal_id="t3", test=True)).outcome is Outcome.EXECUTED
    assert seen(rig) == {f"GET {rig.profile.paths.PRICE}": 1}  # 1 s old is past the window


def test_an_order_sized_by_balance_takes_the_price_a_test_signal_read(rig: VenueRig) -> None:
    rig.adapter.prices = FreshReads(1.0, monotonic=Clock())
    engine = rig.engine_on()
    size = (SizeKind.BALANCE, "100")
    tested = engine.execute(rig.signal(signal_id="t", size=size, test=True))
    assert tested.outcome is Outcome.EXECUTED
    seen(rig)
    real = engine.execute(rig.signal(signal_id="r", size=size))
    assert real.outcome is Outcome.EXECUTED and real.sizing is not None
    assert real.sizing.quantity == rig.profile.qty_for_100_usdt
    assert seen(rig) == {f"POST {rig.profile.paths.ORDER}": 1}  # the order, and nothing else


def test_concurrent_price_reads_make_one_request_for_every_account_of_the_venue(rig: VenueRig) -> None:
    name = rig.profile.name
    named: dict[str, Any] = {
        f"{name}_api_key": SecretStr(rig.profile.api_key),
        f"{name}_secret_key": SecretStr(rig.profile.secret_key),
        f"{name}_accounts": SecretStr("scalp:scalp-key-5c4b3a29:scalp-secret-99887766554433221100"),
        f"{name}_base_url": rig.sim.url,
    }
    settings = ExecutorSettings(_env_file=None, **named)  # type: ignore[call-arg]
    built = build_adapters(settings)
    accounts = [built[(rig.venue, "default")], built[(rig.venue, "scalp")]]
    rig.set_faults({"kind": "latency", "method": "GET", "path": rig.profile.paths.PRICE, "latency_ms": 300})
    seen(rig)
    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            prices = list(pool.map(lambda n: accounts[n % 2].price(rig.profile.btc), range(10)))
    finally:
        for adapter in built.values():
            adapter.close()
    assert prices == [Decimal("60000")] * 10
    assert seen(rig) == {f"GET {rig.profile.paths.PRICE}": 1}


def test_a_failed_price_read_is_not_kept(rig: VenueRig) -> None:
    rig.adapter.prices = FreshReads(1.0)
    rig.set_faults({"kind": "http_error", "method": "GET", "path": rig.profile.paths.PRICE, "count": 1})
    seen(rig)
    with pytest.raises(TvbridgeError) as caught:
        rig.adapter.price(rig.profile.btc)
    assert caught.value.error_class is ErrorClass.VENUE_UNAVAILABLE
    assert rig.adapter.price(rig.profile.btc) == Decimal("60000")  # read again, not the failure
    assert seen(rig) == {f"GET {rig.profile.paths.PRICE}": 2}
