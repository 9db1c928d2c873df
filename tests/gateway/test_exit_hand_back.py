"""Which journalled entries the gateway hands back to a reconnected executor, and in what form."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

from common.trading import OrderPurpose, OrderStatus, PositionSide, TakeProfitLevel
from gateway.core.execution import Order, Side
from gateway.core.exit_plans import RESUME_DAYS, ExitHandBack, has_exit_plan, sources
from gateway.core.signal import Action, OrderType, Signal, SizeKind, Venue
from gateway.executor import convert
from gateway.journal import signal_json

LADDER = (TakeProfitLevel(Decimal(50), pct=Decimal(1)), TakeProfitLevel(Decimal(30), pct=Decimal(2)))
ENTRY = Order(
    Venue.BINGX,
    "BTC-USDT",
    "11",
    "tvbentry",
    Side.BUY,
    PositionSide.LONG,
    OrderType.MARKET,
    Decimal("0.01"),
    OrderStatus.FILLED,
    OrderPurpose.ENTRY,
    avg_price=Decimal("60000"),
)


def signal(signal_id: str, **terms: Any) -> Signal:
    fields: dict[str, Any] = {
        "signal_id": signal_id,
        "venue": Venue.BINGX,
        "account": "default",
        "symbol": "BTC-USDT",
        "action": Action.BUY,
        "size_kind": SizeKind.QUANTITY,
        "size": Decimal("0.01"),
        **terms,
    }
    return Signal(**fields)


def row(s: Signal, orders: list[Order] = [ENTRY]) -> dict[str, Any]:  # noqa: B006 - never mutated
    return {
        "signal_id": s.signal_id,
        "normalized": signal_json.dumps(s),
        "result": json.dumps({"status": "executed", "orders": [o.answer() for o in orders]}),
    }


def test_only_entries_whose_plan_lives_in_the_executor_are_handed_back() -> None:
    assert has_exit_plan(signal("a", take_profits=LADDER))
    assert has_exit_plan(signal("b", stop_loss=Decimal(59000), breakeven_after=1, take_profit=Decimal(61000)))
    assert has_exit_plan(signal("c", order_type=OrderType.LIMIT, price=Decimal(59000), sl_pct=Decimal(1)))
    # One take-profit and one stop rest on the venue as they are: nothing to follow.
    assert not has_exit_plan(signal("d", take_profit=Decimal(61000), stop_loss=Decimal(59000)))


def test_the_newest_entry_per_symbol_and_direction_is_handed_back_oldest_first() -> None:
    rows = [
        row(signal("old-long", take_profits=LADDER)),
        row(signal("short", action=Action.SELL, take_profits=LADDER)),
        row(signal("plain", take_profit=Decimal(61000))),
        row(signal("new-long", take_profits=LADDER)),
        {"signal_id": "broken", "normalized": "{", "result": "{}"},
    ]
    found = sources(rows)
    assert [s.signal_id for s, _ in found] == ["short", "new-long"]
    [entry] = found[1][1]
    assert entry == ENTRY  # read back exactly as the answer wrote it


def test_an_order_travels_to_the_executor_as_the_answer_listed_it() -> None:
    msg = convert.order_to_pb(ENTRY)
    wire = (msg.order_id, msg.client_order_id, msg.quantity, msg.avg_price)
    assert wire == ("11", "tvbentry", "0.01", "60000")
    assert convert._order(msg) == ENTRY


class Journal:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.since: list[int] = []

    async def executed_since(self, since_ms: int) -> list[dict[str, Any]]:
        self.since.append(since_ms)
        return self.rows


class Executor:
    def __init__(self) -> None:
        self.sent: list[list[tuple[Signal, list[Order]]]] = []

    async def resume_exits(self, found: list[tuple[Signal, list[Order]]]) -> list[tuple[str, bool, str]]:
        self.sent.append(found)
        return [(s.signal_id, True, "kept") for s, _ in found]


def test_the_hand_back_reads_a_week_of_the_journal_and_asks_nothing_of_an_executor_when_none_is_due() -> None:
    journal, executor = Journal([row(signal("l", take_profits=LADDER))]), Executor()
    back = ExitHandBack(journal, executor, clock=lambda: 1_000_000.0)
    assert asyncio.run(back.hand_back()) == [("l", True, "kept")]
    assert journal.since == [int((1_000_000.0 - RESUME_DAYS * 86_400) * 1000)]
    quiet = ExitHandBack(Journal([row(signal("p", take_profit=Decimal(61000)))]), executor)
    assert asyncio.run(quiet.hand_back()) == [] and len(executor.sent) == 1
