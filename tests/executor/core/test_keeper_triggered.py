"""A conditional order that fires by placing an order of its own id (a Binance algo order): the
trade of that order is the take-profit's or stop's, whichever frame comes first, and by REST."""

from __future__ import annotations

from dataclasses import replace

from common.trading import NewsKind
from executor.core.events import Fill, OrderKind, OrderUpdate, VenueEvent
from executor.core.keeper.news import Owner
from executor.core.model import OrderPurpose, OrderStatus, Side
from tests.executor.core.keeper_support import RECONCILE_S, Rig
from tests.support.fake_watch import fill, order, position

TP_CLIENT = "tvb" + "1" * 32
SL_CLIENT = "tvb" + "2" * 32
VENUES_CLIENT = "x-7Qh2bWm1"  # what the venue names the order a trigger places
TP = order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL, client_order_id=TP_CLIENT)
SL = order("sl", OrderKind.STOP_MARKET, Side.SELL, client_order_id=SL_CLIENT)


def opened_long(rig: Rig) -> None:
    rig.venue.hold("0.01")
    rig.venue.rest(TP, SL)
    for event in (position("0.01"), TP, SL):
        rig.keeper.handle(event)
    rig.keeper.replay.attribution.add(TP_CLIENT, Owner("sig-1", OrderPurpose.TAKE_PROFIT))


def fired(trigger: OrderUpdate, actual: str, status: OrderStatus = OrderStatus.TRIGGERED) -> OrderUpdate:
    """The trigger's report that it fired and placed order `actual` (ALGO_UPDATE with `ai`)."""
    return replace(trigger, status=status, actual_order_id=actual, time_ms=2_000)


def placed(actual: str) -> OrderUpdate:
    """The order the trigger placed, filled, as its own order event reports it."""
    return order(
        actual,
        OrderKind.MARKET,
        Side.SELL,
        status=OrderStatus.FILLED,
        filled="0.01",
        client_order_id=VENUES_CLIENT,
    )


def its_trade(actual: str) -> Fill:
    return fill("t9", actual, Side.SELL, client_order_id=VENUES_CLIENT)


def logged_fills(rig: Rig) -> list[Fill]:
    return [r.item for r in rig.keeper.replay.since(0) if isinstance(r.item, Fill)]


def test_the_trigger_reported_first_makes_its_trade_a_take_profit_of_ours() -> None:
    rig = Rig()
    opened_long(rig)
    for event in (fired(TP, "m9"), placed("m9"), its_trade("m9"), position("0", time_ms=2_000)):
        rig.keeper.handle(event)
    assert rig.kinds() == [NewsKind.TAKE_PROFIT_HIT]
    assert "sl" in rig.venue.cancelled
    [trade] = logged_fills(rig)
    assert (trade.trade_id, trade.order_id, trade.client_order_id) == ("t9", "tp", TP_CLIENT)
    [record] = [r for r in rig.keeper.replay.since(0) if isinstance(r.item, Fill)]
    assert record.owner == Owner("sig-1", OrderPurpose.TAKE_PROFIT)


def test_the_trade_reported_first_is_still_a_take_profit_when_the_side_goes_flat() -> None:
    rig = Rig()
    opened_long(rig)
    for event in (placed("m9"), its_trade("m9"), fired(TP, "m9"), position("0", time_ms=2_000)):
        rig.keeper.handle(event)
    assert rig.kinds() == [NewsKind.TAKE_PROFIT_HIT]
    assert "sl" in rig.venue.cancelled


def test_a_trade_arriving_after_the_flat_is_told_by_its_trigger_in_either_order() -> None:
    for first in ("trigger", "flat"):
        rig = Rig()
        opened_long(rig)
        events: list[VenueEvent] = [fired(TP, "m9"), position("0", time_ms=2_000)]
        for event in events if first == "trigger" else events[::-1]:
            rig.keeper.handle(event)
        assert rig.told == []  # flat, and the trade that did it still on its way
        rig.keeper.handle(its_trade("m9"))
        assert rig.kinds() == [NewsKind.TAKE_PROFIT_HIT], first
        assert logged_fills(rig)[0].order_id == "tp"


def test_a_stop_fired_the_same_way_is_a_stop_hit() -> None:
    rig = Rig()
    opened_long(rig)
    for event in (fired(SL, "m8"), its_trade("m8"), position("0", time_ms=2_000)):
        rig.keeper.handle(event)
    assert rig.kinds() == [NewsKind.STOP_HIT]
    assert "tp" in rig.venue.cancelled
    assert logged_fills(rig)[0].client_order_id == SL_CLIENT


def test_a_trade_of_an_order_no_trigger_placed_is_still_a_close_outside() -> None:
    rig = Rig()
    opened_long(rig)
    rig.keeper.handle(fired(SL, "m8"))  # another order's link does not make every trade ours
    rig.keeper.handle(its_trade("m7"))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert rig.kinds() == [NewsKind.CLOSED_OUTSIDE]
    assert logged_fills(rig)[0].client_order_id == VENUES_CLIENT


def test_by_rest_alone_a_take_profit_never_seen_open_is_told_by_the_trigger_list() -> None:
    rig = Rig()
    rig.venue.hold("0.01")
    rig.venue.rest(SL)
    rig.reconcile()  # the long and its stop; the take-profit placed and fired between two reads
    trade = replace(its_trade("m9"), time_ms=36_000)
    rig.venue.fired.append(replace(fired(TP, "m9", OrderStatus.FILLED), time_ms=36_000))
    rig.venue.trade(trade)
    rig.clock.now += RECONCILE_S
    rig.reconcile()
    assert [n.kind for n in rig.told if n.symbol] == [NewsKind.TAKE_PROFIT_HIT]
    assert rig.venue.cancelled == ["sl"]
    [logged] = logged_fills(rig)
    assert (logged.order_id, logged.client_order_id) == ("tp", TP_CLIENT)
    # Read again on the next run (the reads overlap), the trade is still one trade.
    rig.reconcile()
    assert rig.stats.duplicate_fills == 1
    assert len(logged_fills(rig)) == 1
