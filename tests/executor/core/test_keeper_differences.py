"""What reconciliation found that the stream had not told, and how the account is watched."""

from __future__ import annotations

from executor.core.events import OrderKind, StreamStatus
from executor.core.keeper.news import Difference
from executor.core.model import OrderStatus, Side, Venue
from tests.executor.core.keeper_support import RECONCILE_S, Rig
from tests.support.fake_watch import fill, order, position, stream_state

TP = order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL)
SL = order("sl", OrderKind.STOP_MARKET, Side.SELL)


def long_with_levels() -> Rig:
    """A long with its two levels, learned by the first reconciliation (the baseline)."""
    rig = Rig()
    rig.venue.hold("0.01")
    rig.venue.rest(TP, SL)
    assert rig.reconcile()
    return rig


def differences(rig: Rig) -> dict[str, int]:
    return {d.value: rig.stats.reconcile_differences[d.value] for d in Difference}


def test_the_first_reconciliation_is_the_baseline_not_a_difference() -> None:
    rig = Rig()
    rig.venue.trade(fill("t0", "m0", Side.BUY, time_ms=5_000), flat=False)  # the entry, before start
    rig.venue.hold("0.01")
    rig.venue.rest(TP, SL)
    assert rig.reconcile()
    assert differences(rig) == {"fill": 0, "order": 0, "position": 0}
    assert rig.stats.events["Fill"] == 1  # the entry's fill was read, and taken as known


def test_a_fill_missed_by_the_stream_and_found_by_rest_counts_once() -> None:
    rig = long_with_levels()
    rig.clock.now += RECONCILE_S
    rig.venue.trade(fill("t1", "tp", Side.SELL, time_ms=38_000))  # the stream says nothing
    assert rig.reconcile()
    # The take-profit's fill, its order gone from the book, the side now flat.
    assert differences(rig) == {"fill": 1, "order": 1, "position": 1}
    rig.clock.now += RECONCILE_S
    assert rig.reconcile()  # read again (the fill is within the overlap): nothing new
    assert differences(rig) == {"fill": 1, "order": 1, "position": 1}


def test_a_fill_seen_on_the_stream_and_then_by_rest_counts_nothing() -> None:
    rig = long_with_levels()
    closing = fill("t1", "tp", Side.SELL, time_ms=20_000)
    rig.keeper.handle(closing)
    rig.keeper.handle(
        order(
            "tp",
            OrderKind.TAKE_PROFIT_MARKET,
            Side.SELL,
            status=OrderStatus.FILLED,
            filled="0.01",
            time_ms=20_000,
        )
    )
    rig.keeper.handle(position("0", time_ms=20_000))
    rig.venue.trade(closing)
    rig.clock.now += RECONCILE_S
    assert rig.reconcile()
    assert rig.stats.duplicate_fills == 1
    assert differences(rig) == {"fill": 0, "order": 0, "position": 0}
    assert rig.venue.cancelled == ["sl"]  # cancelled on the stream's word, not found later


def test_a_position_changed_outside_the_stream_is_a_position_difference() -> None:
    rig = long_with_levels()
    rig.venue.hold("0.02")  # added to, and the stream missed it (its fill is older than the window)
    rig.clock.now += RECONCILE_S
    assert rig.reconcile()
    assert differences(rig) == {"fill": 0, "order": 0, "position": 1}


def test_rest_repeating_an_order_the_stream_told_is_no_difference() -> None:
    rig = long_with_levels()
    stop = order("sl2", OrderKind.STOP_MARKET, Side.SELL, time_ms=30_000)
    rig.keeper.handle(stop)
    rig.venue.rest(stop)
    rig.clock.now += RECONCILE_S
    assert rig.reconcile()
    assert differences(rig)["order"] == 0
    rig.venue.rest(order("sl3", OrderKind.STOP_MARKET, Side.SELL, time_ms=31_000))  # placed by hand
    rig.clock.now += RECONCILE_S
    assert rig.reconcile()
    assert differences(rig)["order"] == 1


def test_the_stream_down_time_and_the_rest_watch_that_stands_in() -> None:
    rig = Rig()
    rig.clock.now += 3
    assert rig.keeper.health(Venue.BINANCE, "default").down_s == 3.0  # never connected: down from start
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    health = rig.keeper.health(Venue.BINANCE, "default")
    assert (health.down_s, health.rest_only) == (0.0, False)
    rig.keeper.handle(stream_state(StreamStatus.DISCONNECTED))
    rig.clock.now += 5
    health = rig.keeper.health(Venue.BINANCE, "default")
    assert (health.down_s, health.rest_only) == (5.0, False)  # no read since it went down
    assert rig.reconcile()
    rig.clock.now += 1
    health = rig.keeper.health(Venue.BINANCE, "default")
    assert (health.down_s, health.rest_only) == (6.0, True)
    rig.clock.now += 2 * RECONCILE_S  # reads stopped working: REST is not keeping watch either
    assert not rig.keeper.health(Venue.BINANCE, "default").rest_only
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    health = rig.keeper.health(Venue.BINANCE, "default")
    assert (health.down_s, health.rest_only) == (0.0, False)
