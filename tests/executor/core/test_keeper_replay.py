"""What the keeper hands the gateway: the numbered replay log of one run, the signal a fill
belongs to, the stream coming back, and the view of positions with their guards."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

from common.trading import NewsKind, Position
from executor.core.events import OrderKind, StreamStatus
from executor.core.keeper.keeper import STREAM_DOWN_S
from executor.core.keeper.news import Owner, ReplayLog
from executor.core.keeper.view import kept_positions
from executor.core.model import OrderPurpose, PositionSide, Side, Venue
from executor.core.ports import ProtectionKind, ProtectionRequest
from tests.executor.core.keeper_support import Rig
from tests.support.fake_watch import WHERE, fill, order, position, stream_state


def test_the_log_replays_after_a_number_and_numbers_each_run_apart() -> None:
    log = ReplayLog(capacity=3)
    seqs = [log.append(fill(f"t{n}", "o1", Side.BUY)) for n in range(5)]
    assert seqs == [1, 2, 3, 4, 5]
    # Only the newest three are kept; asking from before them gives what is left.
    assert [r.seq for r in log.since(0)] == [3, 4, 5]
    assert [r.seq for r in log.since(3)] == [4, 5]
    assert log.since(5) == []
    assert ReplayLog().epoch != log.epoch


def test_a_reader_waiting_for_the_next_record_gets_it_when_it_comes() -> None:
    log = ReplayLog()
    got: list[int] = []

    def read() -> None:
        got.extend(r.seq for r in log.wait_since(0, 5.0))

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.05)
    log.append(fill("t1", "o1", Side.BUY))
    reader.join(2.0)
    assert got == [1]
    started = time.monotonic()
    assert log.wait_since(1, 0.05) == []  # nothing new: back after the timeout
    assert time.monotonic() - started < 1.0


def test_a_fill_carries_the_signal_of_an_order_this_run_placed() -> None:
    log = ReplayLog()
    log.attribution.add("tvbstop", Owner("sig-1", OrderPurpose.STOP_LOSS))
    log.append(fill("t1", "o1", Side.SELL, client_order_id="tvbstop"))
    log.append(fill("t2", "o2", Side.SELL, client_order_id="handmade"))
    first, second = log.since(0)
    assert first.owner == Owner("sig-1", OrderPurpose.STOP_LOSS)
    assert second.owner is None


def test_a_stop_the_engine_reported_is_attributed_to_its_signal() -> None:
    rig = Rig()
    stop = order("sl", OrderKind.STOP_MARKET, Side.SELL, client_order_id="tvbengine")
    request = ProtectionRequest(
        WHERE.venue_symbol,
        ProtectionKind.STOP_LOSS,
        Side.SELL,
        PositionSide.BOTH,
        Decimal("0.01"),
        Decimal("59000"),
        "tvbengine",
    )
    rig.keeper.guarded(WHERE, PositionSide.BOTH, request, "sig-9")
    rig.keeper.handle(position("0.01"))
    rig.keeper.handle(stop)
    rig.keeper.handle(fill("t1", "sl", Side.SELL, client_order_id="tvbengine"))
    [record] = rig.keeper.replay.since(0)
    assert record.owner == Owner("sig-9", OrderPurpose.STOP_LOSS)


def test_a_stream_back_after_it_was_reported_down_is_news() -> None:
    rig = Rig()
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    rig.keeper.handle(stream_state(StreamStatus.DISCONNECTED))
    rig.clock.now += STREAM_DOWN_S + 1
    rig.keeper.reconcile_due()
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    assert rig.kinds()[0] == NewsKind.STREAM_DOWN
    assert NewsKind.STREAM_RESTORED in rig.kinds()
    # A short blip that was never reported down is not news when it ends.
    rig.told.clear()
    rig.keeper.handle(stream_state(StreamStatus.DISCONNECTED))
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    assert NewsKind.STREAM_RESTORED not in rig.kinds()


def _long(quantity: str, side: PositionSide = PositionSide.BOTH) -> Position:
    return Position(
        symbol=WHERE.symbol,
        venue_symbol=WHERE.venue_symbol,
        position_side=side,
        quantity=Decimal(quantity),
        entry_price=Decimal("60000"),
        mark_price=Decimal("60100"),
        unrealized_pnl=Decimal("1"),
        leverage=10,
        margin_mode=None,
    )


def test_the_view_puts_each_guard_with_the_position_it_closes() -> None:
    rig = Rig()
    tp = order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL)
    sl = order("sl", OrderKind.STOP_MARKET, Side.SELL)
    opener = order("buy-stop", OrderKind.STOP_MARKET, Side.BUY, reduce_only=False)  # opens: no guard
    for event in (position("0.01"), tp, sl, opener):
        rig.keeper.handle(event)
    view = rig.keeper.view(Venue.BINANCE, "default")
    [kept] = kept_positions([_long("0.01")], view)
    assert [o.order_id for o in kept.protective] == ["tp", "sl"]
    assert not kept.unprotected
    # One-way mode: a SELL guards a long, never a short.
    [short] = kept_positions([_long("-0.01")], view)
    assert short.protective == ()
    assert kept_positions([_long("0")], view) == []
