"""Reconciliation: REST alone is enough; what the stream already said is not said twice."""

from __future__ import annotations

from common.errors import ErrorClass
from common.trading import NewsKind
from executor.core.events import OrderKind, StreamStatus
from executor.core.model import PositionSide, Side
from tests.executor.core.keeper_support import RECONCILE_S, Rig
from tests.support.fake_venue import refused, unreachable
from tests.support.fake_watch import fill, order, position, stream_state

TP = order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL)
SL = order("sl", OrderKind.STOP_MARKET, Side.SELL)


def venue_long(rig: Rig) -> None:
    rig.venue.hold("0.01")
    rig.venue.rest(TP, SL)


def test_with_the_stream_down_the_whole_time_reconciliation_cancels_the_sibling() -> None:
    rig = Rig()
    venue_long(rig)
    assert rig.keeper.reconcile_due() == RECONCILE_S  # at start: learns the long and its levels
    assert rig.venue.cancelled == []
    rig.venue.trade(fill("t1", "tp", Side.SELL, time_ms=20_000))
    rig.clock.now += RECONCILE_S
    rig.keeper.reconcile_due()
    assert rig.venue.cancelled == ["sl"]
    assert rig.kinds() == [NewsKind.TAKE_PROFIT_HIT, NewsKind.FELL_BACK_TO_REST]


def test_a_fill_seen_on_the_stream_and_again_by_reconciliation_counts_once() -> None:
    rig = Rig()
    venue_long(rig)
    rig.reconcile()
    closing = fill("t1", "m1", Side.SELL, client_order_id="web_1", time_ms=20_000)
    rig.keeper.handle(closing)
    rig.venue.trade(closing)
    rig.clock.now += RECONCILE_S
    rig.reconcile()
    assert rig.stats.duplicate_fills == 1
    assert [r.item for r in rig.keeper.replay.since(0)].count(closing) == 1
    assert rig.kinds().count(NewsKind.CLOSED_OUTSIDE) == 1


def test_a_stale_stop_on_a_flat_side_found_at_reconciliation_is_cancelled() -> None:
    rig = Rig()
    rig.venue.rest(SL)  # resting, its position long gone
    rig.reconcile()
    assert rig.venue.cancelled == ["sl"]
    assert rig.venue.open == {}


def test_a_stop_on_an_open_side_found_at_reconciliation_stays() -> None:
    rig = Rig()
    venue_long(rig)
    rig.reconcile()
    assert rig.venue.cancelled == []


def test_an_order_no_longer_listed_is_treated_as_gone() -> None:
    rig = Rig()
    venue_long(rig)
    rig.reconcile()
    del rig.venue.open["tp"]  # cancelled by hand, unheard of
    rig.venue.hold("0")
    rig.clock.now += 1
    rig.reconcile()
    assert rig.venue.cancelled == ["sl"]  # the take-profit is not cancelled again


def test_an_order_heard_of_after_the_reads_began_is_not_taken_for_gone() -> None:
    rig = Rig()
    venue_long(rig)
    rig.reconcile()
    # The stream tells of a stop placed after the next read's list was taken.
    rig.keeper.handle(order("sl2", OrderKind.STOP_MARKET, Side.SELL, time_ms=60_000))
    rig.clock.now += 1
    rig.reconcile()
    rig.keeper.handle(position("0", time_ms=70_000))  # still known open: cancelled on the flat
    assert sorted(rig.venue.cancelled) == ["sl", "sl2", "tp"]


def test_every_stream_connect_asks_for_a_reconciliation() -> None:
    rig = Rig()
    rig.keeper.reconcile_due()
    reads = rig.venue.calls["positions"]
    rig.keeper.reconcile_due()
    assert rig.venue.calls["positions"] == reads  # not due yet
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    rig.keeper.reconcile_due()
    assert rig.venue.calls["positions"] == reads + 1


def test_a_failed_read_applies_nothing_and_is_retried_within_a_second() -> None:
    rig = Rig()
    venue_long(rig)
    rig.venue.fail_next("open_orders", unreachable())
    assert rig.keeper.reconcile_due() == 1.0
    assert rig.stats.reconcile_failures == 1
    assert rig.reconcile()
    assert rig.stats.reconciles == 1


def test_a_stream_down_past_a_minute_is_told_once_and_a_connect_clears_it() -> None:
    rig = Rig()
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    rig.keeper.handle(stream_state(StreamStatus.DISCONNECTED))
    rig.clock.now += 61
    rig.keeper.reconcile_due()
    rig.keeper.reconcile_due()
    assert rig.kinds().count(NewsKind.STREAM_DOWN) == 1
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    rig.clock.now += 61
    rig.keeper.reconcile_due()
    assert rig.kinds().count(NewsKind.STREAM_DOWN) == 1


def test_hedge_sides_reported_flat_by_rest_cancel_their_levels() -> None:
    rig = Rig()
    rig.venue.hold("0.01", PositionSide.LONG)
    short_sl = order(
        "ssl", OrderKind.STOP_MARKET, Side.BUY, position_side=PositionSide.SHORT, reduce_only=False
    )
    long_sl = order(
        "lsl", OrderKind.STOP_MARKET, Side.SELL, position_side=PositionSide.LONG, reduce_only=False
    )
    rig.venue.rest(short_sl, long_sl)
    rig.reconcile()
    assert rig.venue.cancelled == ["ssl"]


def test_an_unknown_order_answer_to_a_cancel_is_success() -> None:
    rig = Rig()
    rig.venue.rest(SL)
    rig.venue.fail_next("cancel_order", refused(ErrorClass.UNKNOWN_ORDER, "Order does not exist", "80018"))
    rig.reconcile()
    assert (rig.stats.cancelled, rig.stats.cancel_failures) == (1, 0)


def test_every_reconciliation_forgets_the_cached_settings_before_it_reads() -> None:
    # Without the stream nothing else tells a leverage or margin mode changed in the app.
    rig = Rig()
    rig.reconcile()
    rig.clock.now += RECONCILE_S
    rig.reconcile()
    assert rig.venue.calls["forget_settings"] == 2
    rig.venue.fail_next("open_orders", unreachable())
    rig.clock.now += RECONCILE_S
    rig.reconcile()  # a failed read still forgot first: the next signal reads them afresh
    assert rig.venue.calls["forget_settings"] == 3
