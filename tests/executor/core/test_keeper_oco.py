"""One-cancels-other through the keeper's one handler, fed as a stream would feed it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from common.errors import ErrorClass
from common.trading import NewsKind
from executor.core.events import AccountConfig, OrderKind, OrderUpdate
from executor.core.model import OrderStatus, PositionSide, Side, Venue
from tests.executor.core.keeper_support import Rig
from tests.support.fake_venue import refused
from tests.support.fake_watch import fill, order, position

TP = order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL)
SL = order("sl", OrderKind.STOP_MARKET, Side.SELL)


def opened_long(rig: Rig) -> None:
    """A long of 0.01 with its take-profit and stop resting, as the stream tells it."""
    rig.venue.rest(TP, SL)
    for event in (position("0.01"), TP, SL):
        rig.keeper.handle(event)


def filled(o: OrderUpdate) -> OrderUpdate:
    """The stream's frame of a trigger that fired and filled whole."""
    return replace(o, status=OrderStatus.FILLED, filled=o.quantity, time_ms=2_000)


def test_a_take_profit_fill_flattens_the_side_and_cancels_its_stop() -> None:
    rig = Rig()
    opened_long(rig)
    rig.keeper.handle(filled(TP))
    rig.keeper.handle(fill("t1", "tp", Side.SELL))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert rig.venue.cancelled == ["sl"]
    assert rig.kinds() == [NewsKind.TAKE_PROFIT_HIT]
    assert rig.stats.drain_sibling_cancel_seconds() == [0.0]
    assert rig.stats.cancelled == 1


def test_a_stop_fill_cancels_the_take_profit() -> None:
    rig = Rig()
    opened_long(rig)
    rig.keeper.handle(filled(SL))
    rig.keeper.handle(fill("t1", "sl", Side.SELL))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert rig.venue.cancelled == ["tp"]
    assert rig.kinds() == [NewsKind.STOP_HIT]


def test_a_liquidation_cancels_both_and_is_told() -> None:
    rig = Rig()
    opened_long(rig)
    rig.keeper.handle(fill("t1", "liq", Side.SELL, client_order_id="autoclose-1", liquidation=True))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert sorted(rig.venue.cancelled) == ["sl", "tp"]
    assert rig.kinds() == [NewsKind.LIQUIDATION]


def test_a_close_in_the_exchanges_app_is_news_closed_outside() -> None:
    rig = Rig()
    opened_long(rig)
    rig.keeper.handle(fill("t1", "m1", Side.SELL, client_order_id="web_8f2c"))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert sorted(rig.venue.cancelled) == ["sl", "tp"]
    assert rig.kinds() == [NewsKind.CLOSED_OUTSIDE]
    assert rig.told[0].quantity == Decimal("0.01")


def test_our_own_close_cancels_the_levels_without_news() -> None:
    rig = Rig()
    opened_long(rig)
    rig.keeper.handle(fill("t1", "c1", Side.SELL))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert sorted(rig.venue.cancelled) == ["sl", "tp"]
    assert rig.told == []


def test_a_flat_reported_before_its_fill_learns_the_cause_from_the_late_fill() -> None:
    rig = Rig()
    opened_long(rig)
    rig.keeper.handle(position("0", time_ms=2_000))
    assert sorted(rig.venue.cancelled) == ["sl", "tp"]
    assert rig.told == []
    rig.keeper.handle(fill("t1", "m1", Side.SELL, client_order_id="web_1"))
    assert rig.kinds() == [NewsKind.CLOSED_OUTSIDE]


def test_a_fill_seen_twice_is_handled_once() -> None:
    rig = Rig()
    opened_long(rig)
    rig.keeper.handle(fill("t1", "m1", Side.SELL, client_order_id="web_1"))
    rig.keeper.handle(fill("t1", "m1", Side.SELL, client_order_id="web_1"))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert rig.stats.duplicate_fills == 1
    assert [r.item for r in rig.keeper.replay.since(0)].count(
        fill("t1", "m1", Side.SELL, client_order_id="web_1")
    ) == 1


def test_an_older_order_update_does_not_roll_a_finished_order_back() -> None:
    rig = Rig()
    opened_long(rig)
    done = order(
        "tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL, status=OrderStatus.FILLED, filled="0.01", time_ms=3_000
    )
    rig.keeper.handle(done)
    rig.keeper.handle(TP)  # the NEW frame, late
    rig.keeper.handle(
        order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL, status=OrderStatus.CANCELED, time_ms=4_000)
    )
    rig.keeper.handle(position("0", time_ms=3_000))
    assert rig.venue.cancelled == ["sl"]  # the take-profit is not thought open again
    assert rig.stats.stale_updates == 2


def test_a_repeated_or_older_position_update_is_ignored() -> None:
    rig = Rig()
    opened_long(rig)
    rig.keeper.handle(position("0", time_ms=500))  # older than the open
    assert rig.venue.cancelled == []
    assert rig.stats.stale_updates == 1


def test_a_partly_filled_order_moves_on_by_its_filled_quantity() -> None:
    rig = Rig()
    part = order(
        "l1",
        OrderKind.LIMIT,
        Side.BUY,
        status=OrderStatus.PARTIALLY_FILLED,
        filled="0.004",
        reduce_only=False,
    )
    more = order(
        "l1",
        OrderKind.LIMIT,
        Side.BUY,
        status=OrderStatus.PARTIALLY_FILLED,
        filled="0.007",
        reduce_only=False,
    )
    rig.keeper.handle(more)
    rig.keeper.handle(part)
    rig.keeper.handle(more)
    assert rig.stats.stale_updates == 2


def test_in_hedge_mode_only_the_flat_sides_levels_go() -> None:
    rig = Rig()
    long_sl = order(
        "lsl", OrderKind.STOP_MARKET, Side.SELL, position_side=PositionSide.LONG, reduce_only=False
    )
    short_sl = order(
        "ssl", OrderKind.STOP_MARKET, Side.BUY, position_side=PositionSide.SHORT, reduce_only=False
    )
    rig.venue.rest(long_sl, short_sl)
    for event in (
        position("0.01", position_side=PositionSide.LONG),
        position("-0.01", position_side=PositionSide.SHORT),
    ):
        rig.keeper.handle(event)
    rig.keeper.handle(long_sl)
    rig.keeper.handle(short_sl)
    rig.keeper.handle(position("0", position_side=PositionSide.SHORT, time_ms=2_000))
    assert rig.venue.cancelled == ["ssl"]


def test_a_one_way_position_turned_around_loses_the_old_directions_stop() -> None:
    rig = Rig()
    opened_long(rig)
    rig.keeper.handle(position("-0.02", time_ms=2_000))
    assert sorted(rig.venue.cancelled) == ["sl", "tp"]


def test_a_new_entrys_stop_newer_than_the_known_flat_is_kept() -> None:
    rig = Rig()
    rig.keeper.handle(position("0", time_ms=1_000))
    # The entry filled at 1.5 s but its position frame is still on its way; its stop arrives first.
    rig.keeper.handle(order("sl2", OrderKind.STOP_MARKET, Side.SELL, time_ms=1_600))
    assert rig.venue.cancelled == []


def test_a_stop_seen_on_a_side_known_flat_since_is_cancelled() -> None:
    rig = Rig()
    rig.keeper.handle(position("0", time_ms=5_000))
    rig.keeper.handle(order("old", OrderKind.STOP_MARKET, Side.SELL, time_ms=1_000))
    assert rig.venue.cancelled == ["old"]


def test_cancelling_an_order_already_gone_is_success() -> None:
    rig = Rig()
    opened_long(rig)
    rig.venue.open.clear()  # the venue dropped them already
    rig.venue.fail_next("cancel_order", refused(ErrorClass.UNKNOWN_ORDER, "Unknown order sent.", "-2011"))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert sorted(rig.venue.cancelled) == ["sl", "tp"]
    assert (rig.stats.cancelled, rig.stats.cancel_failures) == (2, 0)


def test_a_failed_cancel_is_counted_and_tried_again_on_the_next_event() -> None:
    rig = Rig()
    opened_long(rig)
    rig.venue.fail_next("cancel_order", refused(ErrorClass.VENUE_UNAVAILABLE, "busy"))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert rig.stats.cancel_failures == 1
    assert rig.stats.drain_sibling_cancel_seconds() == []
    rig.keeper.handle(position("0", time_ms=3_000))
    assert sorted(rig.venue.cancelled) == ["sl", "sl", "tp"] or sorted(rig.venue.cancelled) == [
        "sl",
        "tp",
        "tp",
    ]
    assert rig.stats.cancelled == 2


def test_account_settings_reach_the_adapter() -> None:
    rig = Rig()
    config = AccountConfig(Venue.BINANCE, "default", "BTCUSDT", leverage=20, hedge_mode=True)
    rig.keeper.handle(config)
    assert rig.venue.settings == [config]
    assert (rig.venue.lev, rig.venue.hedge) == (20, True)
