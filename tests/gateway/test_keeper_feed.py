"""The keeper feed in process, over a fake executor stream and a real journal: it resumes from
its stored cursor, follows a restarted executor's new epoch, reconnects after a break, writes
each fill once, tells each piece of news once, and holds a fill's trades.csv line until its
signal is known."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from common.trading import NewsKind
from gateway import metrics
from gateway.core.keeper import KeeperRecord
from gateway.core.keeper_feed import KeeperFeed
from gateway.journal.aio import AsyncJournal
from gateway.journal.ledger_aio import AsyncLedger
from gateway.journal.records import NewSignal, OrderLink, Outcome, now_ms
from gateway.journal.store import Journal
from gateway.notify.events import Event
from tests.gateway.ledger_support import OURS, FakeExecutor, fill, news


class Gateway:
    """What one gateway runs of the feed: its journal, the events it told, the csv lines."""

    def __init__(self, url: str, executor: FakeExecutor, **options: Any) -> None:
        store = Journal(url)
        store.migrate()
        self.journal = AsyncJournal(store)
        self.ledger = AsyncLedger(self.journal)
        self.events: list[Event] = []
        self.lines: list[dict[str, Any]] = []
        self.feed = KeeperFeed(
            self.ledger,
            executor,
            publish=self.events.append,
            on_fill=self.lines.append,
            backoff_min_s=0.01,
            backoff_max_s=0.05,
            **options,
        )


@asynccontextmanager
async def running(url: str, executor: FakeExecutor, **options: Any) -> AsyncIterator[Gateway]:
    gateway = Gateway(url, executor, **options)
    gateway.feed.start()
    try:
        yield gateway
    finally:
        await gateway.feed.stop()
        gateway.journal.close()


async def until(check: Callable[[], bool | Awaitable[bool]], timeout_s: float = 5.0) -> None:
    async def poll() -> None:
        while True:
            done = check()
            if done if isinstance(done, bool) else await done:
                return
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout_s)


async def cursor_is(gateway: Gateway, expected: tuple[str, int]) -> bool:
    return await gateway.ledger.cursor("executor") == expected


def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'j.db'}"


def outside(trade_id: str) -> Any:
    return fill(trade_id, order_id="o-" + trade_id, client_order_id="app-" + trade_id)


def test_a_restarted_gateway_resumes_from_its_cursor(tmp_path: Path) -> None:
    executor = FakeExecutor("e1", [outside("1"), news(), outside("2")])

    async def scenario() -> None:
        async with running(url(tmp_path), executor) as first:
            await until(lambda: cursor_is(first, ("e1", 3)))
            await until(lambda: len(first.lines) == 2)
            assert [line["trade_id"] for line in first.lines] == ["1", "2"]
            assert [e.kind for e in first.events] == ["take_profit_hit"]
        executor.log.append(KeeperRecord("e1", 4, outside("3")))
        async with running(url(tmp_path), executor) as second:
            await until(lambda: cursor_is(second, ("e1", 4)))
            await until(lambda: len(second.lines) == 1)
            assert [line["trade_id"] for line in second.lines] == ["3"]
            assert second.events == []  # told by the first run already
            rows = await second.ledger.fills()
            assert [r["trade_id"] for r in rows] == ["3", "2", "1"]

    asyncio.run(scenario())
    assert executor.asked == [("", 0), ("e1", 3)]


def test_a_new_epoch_is_read_from_its_start_and_repeats_change_nothing(tmp_path: Path) -> None:
    executor = FakeExecutor("e1", [outside("1"), news()])
    before = metrics.FILLS_DUPLICATE._value.get()

    async def scenario() -> None:
        async with running(url(tmp_path), executor) as gateway:
            await until(lambda: cursor_is(gateway, ("e1", 2)))
            # The executor restarts: a new epoch whose REST reconciliation finds fill 1 again.
            executor.restart("e2", [outside("1"), news(NewsKind.STOP_HIT), outside("2")])
            executor.breaks_after = 0  # the old stream breaks
            await until(lambda: len(executor.asked) >= 2)
            executor.breaks_after = None
            await until(lambda: cursor_is(gateway, ("e2", 3)))
            await until(lambda: len(gateway.lines) == 2)
            assert [line["trade_id"] for line in gateway.lines] == ["1", "2"]
            assert [e.kind for e in gateway.events] == ["take_profit_hit", "stop_hit"]
            assert len(await gateway.ledger.fills()) == 2

    asyncio.run(scenario())
    assert executor.asked[:2] == [("", 0), ("e1", 2)]
    assert metrics.FILLS_DUPLICATE._value.get() == before + 1


def test_a_broken_stream_is_read_again_and_never_takes_the_gateway_down(tmp_path: Path) -> None:
    executor = FakeExecutor("e1", [outside(str(n)) for n in range(1, 7)] + [news()])
    executor.fail_first = 2  # unreachable at first
    executor.breaks_after = 2  # then each connection breaks after two records
    recorded = metrics.FILLS_RECORDED._value.get()

    async def scenario() -> None:
        async with running(url(tmp_path), executor) as gateway:
            await until(lambda: cursor_is(gateway, ("e1", 7)))
            await until(lambda: len(gateway.lines) == 6)
            assert [line["trade_id"] for line in gateway.lines] == ["1", "2", "3", "4", "5", "6"]
            assert len(gateway.events) == 1
            # Between breaks the gauge says whether the feed is read.
            executor.breaks_after = None
            await until(lambda: metrics.KEEPER_FEED_CONNECTED._value.get() == 1)
        assert metrics.KEEPER_FEED_CONNECTED._value.get() == 0

    asyncio.run(scenario())
    # Each reconnect resumed after the last record written, never from the start.
    assert executor.asked == [("", 0), ("", 0), ("", 0), ("e1", 2), ("e1", 4), ("e1", 6)]
    assert metrics.FILLS_RECORDED._value.get() == recorded + 6


def test_news_is_told_once_by_two_gateways_sharing_the_journal(tmp_path: Path) -> None:
    executor = FakeExecutor("e1", [news(), outside("1"), news(NewsKind.UNPROTECTED)])

    async def scenario() -> None:
        async with running(url(tmp_path), executor) as one, running(url(tmp_path), executor) as two:
            await until(lambda: cursor_is(one, ("e1", 3)))
            await until(lambda: len(executor.asked) == 2)
            await asyncio.sleep(0.2)
            told = sorted(e.kind for e in one.events + two.events)
            assert told == ["take_profit_hit", "unprotected"]
            assert len(one.lines + two.lines) == 1

    asyncio.run(scenario())


def test_a_fill_of_ours_waits_in_trades_csv_for_its_signal(tmp_path: Path) -> None:
    executor = FakeExecutor("e1", [fill("t-entry", order_id="o-entry", client_order_id=OURS), outside("x")])

    async def scenario() -> None:
        async with running(url(tmp_path), executor, hold_s=30.0) as gateway:
            await until(lambda: cursor_is(gateway, ("e1", 2)))
            await until(lambda: len(gateway.lines) == 1)
            # The outside trade is written at once; ours waits for the executor's answer.
            assert [line["trade_id"] for line in gateway.lines] == ["x"]
            store = gateway.journal.journal
            store.admit(NewSignal("sig-1", "pending", "{}", now_ms(), strategy="ema"))
            link = OrderLink("bingx", "default", "o-entry", OURS, "entry")
            store.finish("sig-1", Outcome("executed", {"status": "executed"}, links=[link]))
            gateway.feed.outcome_recorded()
            await until(lambda: len(gateway.lines) == 2)
            entry = gateway.lines[1]
            assert (entry["trade_id"], entry["signal_id"], entry["strategy"]) == ("t-entry", "sig-1", "ema")

    asyncio.run(scenario())


def test_a_fill_whose_signal_never_comes_is_written_after_the_hold(tmp_path: Path) -> None:
    executor = FakeExecutor("e1", [])

    async def scenario() -> None:
        async with running(url(tmp_path), executor, hold_s=0.5) as gateway:
            # e.g. a flatten's order: ours, in no signal's outcome.
            executor.log.append(
                KeeperRecord("e1", 1, fill("t-flat", order_id="o-flat", client_order_id=OURS))
            )
            await until(lambda: cursor_is(gateway, ("e1", 1)))
            assert gateway.lines == []
            await until(lambda: len(gateway.lines) == 1, 3.0)
            assert gateway.lines[0]["signal_id"] == ""

    asyncio.run(scenario())


def test_records_that_arrive_together_are_written_together(tmp_path: Path) -> None:
    """A burst's fills come faster than one commit each: the feed reads ahead and writes what
    arrived meanwhile in one transaction, each fill still once and in order."""
    executor = FakeExecutor("e1", [outside(str(n)) for n in range(1, 301)])
    commits: list[int] = []

    async def scenario() -> None:
        gateway = Gateway(url(tmp_path), executor)
        sa.event.listen(gateway.journal.journal.engine, "commit", lambda _conn: commits.append(1))
        gateway.feed.start()
        try:
            await until(lambda: cursor_is(gateway, ("e1", 300)))
            await until(lambda: len(gateway.lines) == 300)
        finally:
            await gateway.feed.stop()
            gateway.journal.close()
        assert [line["trade_id"] for line in gateway.lines] == [str(n) for n in range(1, 301)]

    asyncio.run(scenario())
    assert len(commits) <= 10, len(commits)
