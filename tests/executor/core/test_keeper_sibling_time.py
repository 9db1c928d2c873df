"""The time from the event that flattened a side to its siblings being cancelled, on every path
the cancel can take: the same event, a read that tells the flags the stream left out, a retry."""

from __future__ import annotations

from dataclasses import replace

from executor.core.events import OrderKind
from executor.core.model import OrderStatus, Side
from tests.executor.core.keeper_support import Rig
from tests.support.fake_venue import unreachable
from tests.support.fake_watch import fill, order, position

TP = order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL)
SL = order("sl", OrderKind.STOP_MARKET, Side.SELL)


def long_as_bingx_streams_it(rig: Rig) -> None:
    """BingX's order events carry no reduce-only flag; its REST rows do."""
    rig.venue.hold("0.01")
    rig.venue.rest(TP, SL)
    for event in (position("0.01"), replace(TP, reduce_only=False), replace(SL, reduce_only=False)):
        rig.keeper.handle(event)


def take_profit_hit(rig: Rig) -> None:
    filled = replace(TP, status=OrderStatus.FILLED, filled=TP.quantity, reduce_only=False, time_ms=2_000)
    closing = fill("t1", "tp", Side.SELL)
    rig.venue.trade(closing)
    for event in (filled, closing, position("0", time_ms=2_000)):
        rig.keeper.handle(event)


def test_siblings_cancelled_once_rest_tells_their_flags_are_timed_from_the_flat() -> None:
    rig = Rig()
    long_as_bingx_streams_it(rig)
    # The flat reads the symbol's open orders at once to learn their flags; that read fails.
    rig.venue.fail_next("open_orders", unreachable())
    take_profit_hit(rig)
    assert rig.venue.cancelled == []  # not known to be reduce-only yet
    rig.clock.now += 0.25
    assert rig.reconcile()
    assert rig.venue.cancelled == ["sl"]
    assert rig.stats.drain_sibling_cancel_seconds() == [0.25]


def test_a_retried_cancel_is_timed_from_the_flat_not_from_the_retry() -> None:
    rig = Rig()
    rig.venue.rest(TP, SL)
    for event in (position("0.01"), TP, SL):
        rig.keeper.handle(event)
    rig.venue.fail_next("cancel_order", unreachable())
    rig.keeper.handle(position("0", time_ms=2_000))
    assert rig.stats.drain_sibling_cancel_seconds() == []
    rig.clock.now += 1.5
    rig.keeper.handle(position("0", time_ms=3_000))
    assert rig.stats.drain_sibling_cancel_seconds() == [1.5]


def test_a_flat_with_nothing_left_behind_times_nothing_later() -> None:
    rig = Rig()
    rig.keeper.handle(position("0.01"))
    rig.keeper.handle(position("0", time_ms=2_000))
    rig.clock.now += 3600
    rig.keeper.handle(order("late", OrderKind.STOP_MARKET, Side.SELL, time_ms=1_000))  # stale from birth
    assert rig.venue.cancelled == ["late"]
    assert rig.stats.drain_sibling_cancel_seconds() == []


def test_siblings_that_went_some_other_way_end_the_clock() -> None:
    rig = Rig()
    long_as_bingx_streams_it(rig)
    rig.venue.fail_next("open_orders", unreachable())  # the flags stay unknown at the flat
    take_profit_hit(rig)
    rig.keeper.handle(replace(SL, status=OrderStatus.CANCELED, reduce_only=False, time_ms=2_500))  # by hand
    rig.clock.now += 3600
    rig.keeper.handle(order("late", OrderKind.STOP_MARKET, Side.SELL, time_ms=1_000))
    assert rig.venue.cancelled == ["late"]
    assert rig.stats.drain_sibling_cancel_seconds() == []


def test_a_flat_learns_the_flags_at_once_and_its_siblings_go_with_it() -> None:
    rig = Rig()
    long_as_bingx_streams_it(rig)
    take_profit_hit(rig)
    assert rig.venue.cancelled == ["sl"]
    assert rig.stats.drain_sibling_cancel_seconds() == [0.0]


def test_a_resting_stop_entry_does_not_hold_back_the_time_of_the_real_siblings() -> None:
    rig = Rig()
    entry = order("entry", OrderKind.STOP_MARKET, Side.SELL, reduce_only=False)  # opens a short if hit
    rig.venue.rest(TP, SL, entry)
    for event in (position("0.01"), TP, SL, entry):
        rig.keeper.handle(event)
    rig.clock.now += 0.5
    rig.keeper.handle(position("0", time_ms=2_000))
    assert sorted(rig.venue.cancelled) == ["sl", "tp"]
    assert rig.stats.drain_sibling_cancel_seconds() == [0.0]
