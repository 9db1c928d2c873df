"""The dispatcher over an in-memory venue: lanes in order, and redelivery that never doubles."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from common.trading import OrderStatus
from executor.core.engine import ExecutionEngine
from executor.core.model import PositionSide
from executor.core.model import Venue as ExecutorVenue
from gateway.core.dispatcher import Dispatcher, links_of
from gateway.core.execution import Decision, Execution, Order
from gateway.core.signal import Action, Signal, SizeKind, Venue
from gateway.journal import signal_json
from gateway.journal.aio import AsyncJournal
from gateway.journal.records import NewSignal, now_ms
from gateway.journal.store import Journal
from tests.support.engine_executor import EngineExecutor
from tests.support.fake_venue import FakeVenue, lost_answer, unreachable


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[AsyncJournal]:
    store = Journal(f"sqlite:///{tmp_path / 'j.db'}")
    store.migrate()
    yield AsyncJournal(store)
    store.close()


def signal(signal_id: str, action: Action = Action.BUY, size: str | None = "0.01") -> Signal:
    return Signal(
        signal_id=signal_id,
        venue=Venue.BINANCE,
        account="default",
        symbol="BTC-USDT",
        action=action,
        size_kind=SizeKind.QUANTITY if size else None,
        size=Decimal(size) if size else None,
        received_at=datetime.now(UTC),
    )


async def admit(journal: AsyncJournal, *signals: Signal) -> None:
    for s in signals:
        await journal.admit(
            NewSignal(
                signal_id=s.signal_id,
                status="pending",
                body="{}",
                received_ms=now_ms(),
                venue=s.venue.value,
                account=s.account,
                symbol=s.symbol,
                action=s.action.value,
                normalized=signal_json.dumps(s),
            )
        )


async def deliver(
    journal: AsyncJournal, venue: FakeVenue, *signals: Signal
) -> tuple[list[Any], EngineExecutor]:
    executor = EngineExecutor(ExecutionEngine({(ExecutorVenue.BINANCE, "default"): venue}))
    dispatcher = Dispatcher(journal, executor, max_age_ms=60_000, backoff_min_s=0.01, backoff_max_s=0.05)
    await admit(journal, *signals)
    await dispatcher.resume()
    answers = await asyncio.wait_for(
        asyncio.gather(*(dispatcher.outcome(s.signal_id) for s in signals)), timeout=10
    )
    await dispatcher.stop(1.0)
    return list(answers), executor


def test_an_order_whose_answer_was_lost_is_found_on_redelivery_not_placed_again(
    journal: AsyncJournal,
) -> None:
    venue = FakeVenue()
    venue.fail_next("place_order", lost_answer())
    venue.fail_next("find_order", unreachable())  # and asking right away fails too
    [answer], executor = asyncio.run(deliver(journal, venue, signal("lost")))
    assert answer["status"] == "executed"
    assert executor.attempts == [("lost", 1), ("lost", 2)]
    assert (
        len(venue.placed) == 1
        and answer["orders"][0]["order_id"] == venue.orders[venue.placed[0].client_order_id].order_id
    )
    row = asyncio.run(journal.get("lost"))
    assert row is not None and (row["status"], row["attempts"]) == ("executed", 2)


def test_a_request_that_never_left_is_sent_again(journal: AsyncJournal) -> None:
    venue = FakeVenue()
    venue.fail_next("place_order", unreachable())
    [answer], executor = asyncio.run(deliver(journal, venue, signal("again")))
    assert answer["status"] == "executed"
    assert [n for _, n in executor.attempts] == [1, 2] and len(venue.placed) == 1


def test_a_lane_delivers_in_arrival_order(journal: AsyncJournal) -> None:
    venue = FakeVenue()
    venue.fail_next("place_order", unreachable())  # the open is held up; the close must wait for it
    answers, executor = asyncio.run(
        deliver(journal, venue, signal("open"), signal("close", Action.CLOSE, size=None))
    )
    assert [a["status"] for a in answers] == ["executed", "executed"]
    assert [sid for sid, _ in executor.attempts] == ["open", "open", "close"]
    assert [r.reduce_only for r in venue.placed] == [False, True]
    assert venue.held[PositionSide.BOTH] == 0


def test_a_test_signals_planned_orders_are_linked_to_nothing() -> None:
    # Never sent, so no fill on the venue can be theirs; the orders an executed signal placed are.
    def order(status: OrderStatus, order_id: str) -> Order:
        return Order(
            Venue.BINGX, "BTC-USDT", order_id, f"tvb{order_id}", None, None, None, None, status, None
        )

    planned = Execution("sig-t", Decision.EXECUTED, test=True, orders=[order(OrderStatus.PLANNED, "")])
    placed = Execution("sig-p", Decision.EXECUTED, orders=[order(OrderStatus.NEW, "42")])
    assert links_of(planned, signal("sig-t")) == []
    assert [link.order_id for link in links_of(placed, signal("sig-p"))] == ["42"]
