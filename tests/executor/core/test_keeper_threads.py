"""The keeper's threads, its replay log and its bounded memory."""

from __future__ import annotations

import threading
import time

from common.trading import NewsKind
from executor.core.events import Fill, OrderKind, StreamStatus
from executor.core.keeper import Keeper, News, ReplayLog
from executor.core.model import Side, Venue
from tests.executor.core.keeper_support import Rig
from tests.support.fake_watch import FakeWatch, fill, order, position, stream_state

SL = order("sl", OrderKind.STOP_MARKET, Side.SELL)


def test_the_stream_thread_feeds_the_handler_and_stop_returns_promptly() -> None:
    venue = FakeWatch()
    venue.rest(SL)  # REST, read by the timer meanwhile, agrees: the side is flat
    venue.script = [stream_state(StreamStatus.CONNECTED), position("0.01"), SL, position("0", time_ms=2_000)]
    keeper = Keeper([venue], reconcile_s=3_600.0)
    keeper.start()
    try:
        assert venue.emitted.wait(5)
        assert venue.cancelled == ["sl"]
    finally:
        began = time.monotonic()
        keeper.stop()
    assert time.monotonic() - began < 1.0


def test_a_stream_that_raises_leaves_reconciliation_running() -> None:
    read = threading.Event()

    class Broken(FakeWatch):
        def user_stream(self) -> Broken:
            return self

        def run(self, sink: object, stop: object) -> None:
            raise RuntimeError("the socket library broke")

        def fills(self, venue_symbol: str, since_ms: int) -> list[Fill]:
            read.set()
            return super().fills(venue_symbol, since_ms)

    venue = Broken()
    venue.rest(SL)
    keeper = Keeper([venue], reconcile_s=3_600.0)
    keeper.start()
    try:
        assert read.wait(5)
    finally:
        keeper.stop()
    assert venue.cancelled == ["sl"]


def test_the_replay_log_gives_what_came_after_a_sequence_number() -> None:
    rig = Rig()
    rig.keeper.handle(position("0.01"))
    rig.keeper.handle(fill("t1", "m1", Side.SELL, client_order_id="web_1"))
    rig.keeper.handle(position("0", time_ms=2_000))
    records = rig.keeper.replay.since(0)
    assert [r.seq for r in records] == [1, 2]
    assert isinstance(records[1].item, News) and records[1].item.kind is NewsKind.CLOSED_OUTSIDE
    assert rig.keeper.replay.since(1) == records[1:]
    assert rig.keeper.replay.since(2) == []


def test_the_replay_log_is_bounded() -> None:
    log = ReplayLog(capacity=2)
    for i in range(3):
        log.append(News(NewsKind.STREAM_DOWN, Venue.BINANCE, f"a{i}"))
    assert [r.seq for r in log.since(0)] == [2, 3]
    assert log.last_seq == 3


def test_the_memory_of_fills_is_bounded_per_account() -> None:
    rig = Rig(memory=2)
    for trade in ("t1", "t2", "t3", "t1"):
        rig.keeper.handle(fill(trade, "m1", Side.BUY))
    assert rig.stats.duplicate_fills == 0  # t1 was forgotten to make room
    rig.keeper.handle(fill("t3", "m1", Side.BUY))
    assert rig.stats.duplicate_fills == 1


def test_a_failing_news_callback_does_not_stop_the_handler() -> None:
    def broken(news: News) -> None:
        raise RuntimeError("notifier down")

    venue = FakeWatch()
    keeper = Keeper([venue], reconcile_s=30.0, on_news=broken)
    keeper.handle(position("0.01"))
    keeper.handle(fill("t1", "m1", Side.SELL, client_order_id="web_1"))
    keeper.handle(position("0", time_ms=2_000))
    assert keeper.replay.last_seq == 2


def test_an_event_for_an_unwatched_account_is_ignored() -> None:
    keeper = Keeper([FakeWatch(account="other")], reconcile_s=30.0)
    keeper.handle(position("0.01"))
    assert keeper.stats(Venue.BINANCE, "other").events.total() == 0
