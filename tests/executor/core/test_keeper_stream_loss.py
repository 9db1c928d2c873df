"""A stream lost in the middle of a position: what it never said, the next reconciliation finds."""

from __future__ import annotations

from common.trading import NewsKind
from executor.core.events import OrderKind, StreamStatus
from executor.core.model import Side
from tests.executor.core.keeper_support import RECONCILE_S, Rig
from tests.support.fake_watch import fill, order, position, stream_state

TP = order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL)
SL = order("sl", OrderKind.STOP_MARKET, Side.SELL)


def test_a_take_profit_filled_while_the_stream_was_down_cancels_the_stop_at_the_next_period() -> None:
    rig = Rig()
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    rig.keeper.reconcile_due()  # the connect's reconciliation: nothing held yet
    # The long and its levels, as the stream tells them.
    rig.venue.hold("0.01")
    rig.venue.rest(TP, SL)
    for event in (position("0.01"), TP, SL):
        rig.keeper.handle(event)
    rig.keeper.handle(stream_state(StreamStatus.DISCONNECTED))
    # While it is down, the take-profit fills: the stream says nothing of it.
    rig.venue.trade(fill("t1", "tp", Side.SELL, time_ms=20_000))
    rig.clock.now += RECONCILE_S - 1
    rig.keeper.reconcile_due()
    assert rig.venue.cancelled == []  # not due yet: the stream had been up at the last run
    rig.clock.now += 1
    rig.keeper.reconcile_due()
    assert rig.venue.cancelled == ["sl"]
    assert rig.kinds() == [NewsKind.TAKE_PROFIT_HIT, NewsKind.FELL_BACK_TO_REST]
    assert rig.stats.cancelled == 1
    # The stream back: its reconciliation finds nothing more to do, and the fill is not told twice.
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    rig.keeper.reconcile_due()
    assert rig.venue.cancelled == ["sl"]
    assert [r.item for r in rig.keeper.replay.since(0)].count(
        fill("t1", "tp", Side.SELL, time_ms=20_000)
    ) == 1
