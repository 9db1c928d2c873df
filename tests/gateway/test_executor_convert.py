"""The gateway's protobuf boundary: what goes to the executor, and the answers users read from
what comes back, word for word as before the domain types stood between them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from common.errors import ErrorClass, TvbridgeError
from gateway.core.dispatcher import trades_of
from gateway.core.signal import Action, MarginMode, MarketPosition, OrderType, Signal, SizeKind, Venue
from gateway.executor import convert
from gateway.journal.records import Trade
from tvbridge.executor.v1 import executor_pb2 as pb


def _executed() -> pb.ExecuteSignalResponse:
    reply = pb.ExecuteSignalResponse(
        signal_id="s-1",
        outcome=pb.OUTCOME_EXECUTED,
        executor_ms=12,
        venue_ms=9,
        executor_us=12345,
        venue_us=9012,
        note="already near target",
        sizing=pb.Sizing(
            quantity="0.0166", price="60000.5", notional="996.0083", leverage=10, margin="99.60083"
        ),
        orders=[
            pb.Order(
                venue=pb.VENUE_BINGX,
                venue_symbol="BTC-USDT",
                order_id="1",
                client_order_id="tvb-1",
                side=pb.SIDE_BUY,
                position_side=pb.POSITION_SIDE_BOTH,
                order_type=pb.ORDER_TYPE_MARKET,
                quantity="0.0166",
                avg_price="60001",
                status=pb.ORDER_STATUS_FILLED,
                purpose=pb.ORDER_PURPOSE_ENTRY,
            ),
            pb.Order(
                venue=pb.VENUE_BINGX,
                venue_symbol="BTC-USDT",
                order_id="2",
                client_order_id="tvb-2",
                side=pb.SIDE_SELL,
                position_side=pb.POSITION_SIDE_LONG,
                order_type=pb.ORDER_TYPE_MARKET,
                quantity="0.0166",
                status=pb.ORDER_STATUS_ATTACHED,
                reduce_only=True,
                purpose=pb.ORDER_PURPOSE_TAKE_PROFIT,
                trigger_price="62000",
            ),
            pb.Order(
                venue=pb.VENUE_BINANCE,
                venue_symbol="BTCUSDT",
                order_id="3",
                client_order_id="c",
                side=pb.SIDE_SELL,
                position_side=pb.POSITION_SIDE_SHORT,
                order_type=pb.ORDER_TYPE_LIMIT,
                quantity="1.50",
                price="0.0000001",
                status=pb.ORDER_STATUS_PARTIALLY_FILLED,
                purpose=pb.ORDER_PURPOSE_CLOSE,
            ),
            pb.Order(order_id="4"),  # an executor that named nothing
        ],
    )
    reply.venue_answered_at.FromNanoseconds(1714564800123456789)
    return reply


def _order(**fields: Any) -> dict[str, Any]:
    blank = {"price": None, "avg_price": None, "reduce_only": False, "trigger_price": None}
    return {**blank, **fields}


EXECUTED_ANSWER = {
    "signal_id": "s-1",
    "status": "executed",
    "test": False,
    "sizing": {
        "quantity": "0.0166",
        "price": "60000.5",
        "notional": "996.0083",
        "leverage": 10,
        "margin": "99.60083",
    },
    "orders": [
        _order(
            venue="bingx",
            symbol="BTC-USDT",
            order_id="1",
            client_order_id="tvb-1",
            side="buy",
            position_side="BOTH",
            type="market",
            quantity="0.0166",
            avg_price="60001",
            status="FILLED",
            purpose="entry",
        ),
        _order(
            venue="bingx",
            symbol="BTC-USDT",
            order_id="2",
            client_order_id="tvb-2",
            side="sell",
            position_side="LONG",
            type="market",
            quantity="0.0166",
            status="ATTACHED",
            reduce_only=True,
            purpose="take_profit",
            trigger_price="62000",
        ),
        _order(
            venue="binance",
            symbol="BTCUSDT",
            order_id="3",
            client_order_id="c",
            side="sell",
            position_side="SHORT",
            type="limit",
            quantity="1.50",
            price="0.0000001",
            status="PARTIALLY_FILLED",
            purpose="close",
        ),
        _order(
            venue="unspecified",
            symbol="",
            order_id="4",
            client_order_id="",
            side="unspecified",
            position_side="UNSPECIFIED",
            type="unspecified",
            quantity="",
            status="UNSPECIFIED",
            purpose="unspecified",
        ),
    ],
    "note": "already near target",
    "timings_ms": {"executor": 12.3, "venue": 9.0},
    "venue_answered_ms": 1714564800123.4568,
}


def test_an_execution_answers_as_it_always_has() -> None:
    answer = convert.execution_from_pb(_executed()).answer()
    assert answer == EXECUTED_ANSWER
    assert [type(answer["timings_ms"][k]) for k in ("executor", "venue")] == [float, float]


def test_a_refusal_and_an_older_executors_whole_milliseconds() -> None:
    reply = pb.ExecuteSignalResponse(
        signal_id="s-2",
        outcome=pb.OUTCOME_REJECTED,
        test=True,
        executor_ms=3,
        error=pb.Error(
            error_class=pb.ERROR_CLASS_BELOW_MINIMUM,
            message="below min 0.001",
            venue_code="101400",
            venue_message="min qty",
        ),
    )
    assert convert.execution_from_pb(reply).answer() == {
        "signal_id": "s-2",
        "status": "rejected",
        "test": True,
        "reason": "below min 0.001",
        "error": {
            "code": "below_minimum",
            "message": "below min 0.001",
            "venue_code": "101400",
            "venue_message": "min qty",
        },
        "orders": [],
        "timings_ms": {"executor": 3, "venue": 0},
    }


def test_what_the_executor_leaves_unspecified_is_no_success() -> None:
    reply = pb.ExecuteSignalResponse(
        signal_id="s-4", error=pb.Error(message="x"), sizing=pb.Sizing(quantity="1")
    )
    assert convert.execution_from_pb(reply).answer() == {
        "signal_id": "s-4",
        "status": "failed",
        "test": False,
        "reason": "x",
        "error": {"code": "unspecified", "message": "x", "venue_code": None, "venue_message": None},
        "sizing": {"quantity": "1", "price": None, "notional": None, "leverage": None, "margin": None},
        "orders": [],
        "timings_ms": {"executor": 0, "venue": 0},
    }


def test_a_number_that_is_not_one_breaks_the_contract() -> None:
    reply = _executed()
    reply.orders[0].avg_price = "sixty thousand"
    with pytest.raises(TvbridgeError) as caught:
        convert.execution_from_pb(reply)
    assert caught.value.error_class is ErrorClass.INTERNAL and "sixty thousand" in caught.value.message


def test_only_filled_entries_and_closes_are_trades() -> None:
    assert trades_of(convert.execution_from_pb(_executed())) == [
        Trade("bingx", "BTC-USDT", "buy", "0.0166", "60001", "1", "entry"),
        Trade("binance", "BTCUSDT", "sell", "1.50", "0.0000001", "3", "close"),
    ]


def test_a_signal_reaches_the_executor_whole() -> None:
    signal = Signal(
        signal_id="tv-1",
        venue=Venue.BINANCE,
        account="main",
        symbol="ETH-USDT",
        action=Action.SELL,
        size_kind=SizeKind.BALANCE_PCT,
        size=Decimal("12.50"),
        market_position=MarketPosition.SHORT,
        leverage=7,
        margin_mode=MarginMode.CROSS,
        order_type=OrderType.LIMIT,
        price=Decimal("3010.25"),
        take_profit=Decimal("2900"),
        sl_pct=Decimal("1.5"),
        reduce_only=True,
        fired_at=datetime(2024, 5, 1, 12, tzinfo=UTC),
        received_at=datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC),
        test=True,
        strategy="ema",
    )
    msg = convert.signal_to_pb(signal)
    assert (msg.venue, msg.action, msg.market_position, msg.margin_mode, msg.order_type) == (
        pb.VENUE_BINANCE,
        pb.ACTION_SELL,
        pb.MARKET_POSITION_SHORT,
        pb.MARGIN_MODE_CROSS,
        pb.ORDER_TYPE_LIMIT,
    )
    assert (msg.WhichOneof("size"), msg.balance_pct, msg.leverage) == ("balance_pct", "12.5", 7)
    assert (msg.price, msg.take_profit, msg.stop_loss, msg.tp_pct, msg.sl_pct) == (
        "3010.25",
        "2900",
        "",
        "",
        "1.5",
    )
    assert (msg.account, msg.symbol, msg.reduce_only, msg.test, msg.strategy) == (
        "main",
        "ETH-USDT",
        True,
        True,
        "ema",
    )
    assert (
        msg.fired_at.ToMilliseconds() == 1714564800000 and msg.received_at.ToMilliseconds() == 1714564800250
    )
    bare = convert.signal_to_pb(
        Signal(
            signal_id="tv-2",
            venue=Venue.BINGX,
            account="default",
            symbol="BTC-USDT",
            action=Action.CLOSE,
            size_kind=None,
            size=None,
        )
    )
    assert bare.WhichOneof("size") is None and not bare.HasField("leverage") and not bare.HasField("fired_at")
    assert (bare.market_position, bare.margin_mode, bare.order_type) == (0, 0, pb.ORDER_TYPE_MARKET)


@pytest.mark.parametrize(
    ("wire", "table"),
    [
        (pb.Venue, convert.VENUE_FROM_PB),
        (pb.Outcome, convert.DECISION_FROM_PB),
        (pb.ErrorClass, convert.ERROR_CLASS_FROM_PB),
        (pb.Side, convert.SIDE_FROM_PB),
        (pb.PositionSide, convert.POSITION_SIDE_FROM_PB),
        (pb.OrderType, convert.ORDER_TYPE_FROM_PB),
        (pb.OrderStatus, convert.ORDER_STATUS_FROM_PB),
        (pb.OrderPurpose, convert.ORDER_PURPOSE_FROM_PB),
        (pb.MarginMode, convert.MARGIN_MODE_FROM_PB),
    ],
)
def test_every_value_the_executor_may_send_has_a_meaning(
    wire: EnumTypeWrapper, table: dict[int, Any]
) -> None:
    assert set(table) == set(wire.values()) - {0}


def test_every_error_class_is_read_back_as_itself() -> None:
    for error_class in ErrorClass:
        wire = pb.Error(error_class=f"ERROR_CLASS_{error_class.name}")
        assert convert.error_from_pb(wire).error_class is error_class


def test_the_owner_views_answer_as_they_always_have() -> None:
    status = pb.TradingStatus(enabled=False, actor="dashboard", reason="news")
    status.changed_at.FromNanoseconds(1714564800123456000)
    assert convert.trading_status_from_pb(status).view() == {
        "enabled": False,
        "changed_at": "2024-05-01T12:00:00.123456Z",
        "actor": "dashboard",
        "reason": "news",
    }
    assert convert.trading_status_from_pb(pb.TradingStatus(enabled=True)).view() == {
        "enabled": True,
        "changed_at": None,
        "actor": "",
        "reason": "",
    }
    checks = pb.TestConnectionResponse(
        checks=[
            pb.ConnectionCheck(
                venue=pb.VENUE_BINANCE,
                account="main",
                base_url="http://y",
                ok=False,
                clock_offset_ms=-40,
                error=pb.Error(error_class=pb.ERROR_CLASS_AUTH, message="bad key"),
            )
        ]
    )
    assert [c.view() for c in convert.checks_from_pb(checks)] == [
        {
            "venue": "binance",
            "account": "main",
            "base_url": "http://y",
            "ok": False,
            "latency_ms": 0,
            "clock_offset_ms": -40,
            "can_read": False,
            "can_trade": False,
            "error": {"code": "auth", "message": "bad key"},
        }
    ]
    account = pb.GetAccountResponse(
        hedge_mode=True,
        balances=[
            pb.Balance(
                asset="USDT", wallet="1000", available="950.5", equity="1001.25", unrealized_pnl="-0.75"
            )
        ],
        positions=[
            pb.Position(
                symbol="ETH-USDT",
                venue_symbol="ETH-USDT",
                position_side=pb.POSITION_SIDE_BOTH,
                quantity="-2",
                entry_price="3000",
                mark_price="3001",
                unrealized_pnl="-2",
                leverage=5,
            )
        ],
    )
    assert convert.account_from_pb(account).view() == {
        "hedge_mode": True,
        "balances": [
            {
                "asset": "USDT",
                "wallet": "1000",
                "available": "950.5",
                "equity": "1001.25",
                "unrealized_pnl": "-0.75",
            }
        ],
        "positions": [
            {
                "symbol": "ETH-USDT",
                "venue_symbol": "ETH-USDT",
                "position_side": "BOTH",
                "quantity": "-2",
                "entry_price": "3000",
                "mark_price": "3001",
                "unrealized_pnl": "-2",
                "leverage": 5,
                "margin_mode": "unspecified",
            }
        ],
    }


def test_a_risk_size_travels_and_its_sizing_is_answered() -> None:
    signal = Signal(
        signal_id="s-risk",
        venue=Venue.BINANCE,
        account="default",
        symbol="BTC-USDT",
        action=Action.BUY,
        size_kind=SizeKind.RISK_PCT,
        size=Decimal("1"),
        sl_pct=Decimal("2"),
    )
    assert convert.signal_to_pb(signal).risk_pct == "1"
    reply = pb.ExecuteSignalResponse(
        signal_id="s-risk",
        outcome=pb.OUTCOME_EXECUTED,
        sizing=pb.Sizing(quantity="0.095", risk_stop="58800", fee_rate="0.0005", risk="119.643"),
    )
    answer = convert.execution_from_pb(reply).answer()
    assert answer["sizing"]["risk"] == {"stop": "58800", "fee_rate": "0.0005", "loss_at_stop": "119.643"}


def _planned(plan: pb.ExitPlan) -> pb.GetPositionsResponse:
    position = pb.Position(
        symbol="BTC-USDT",
        venue_symbol="BTCUSDT",
        quantity="0.05",
        entry_price="60000",
        mark_price="60100",
        unrealized_pnl="5",
    )
    kept = pb.KeptPosition(position=position, plan=plan)
    return pb.GetPositionsResponse(accounts=[pb.AccountPositions(venue=pb.VENUE_BINGX, positions=[kept])])


def test_an_exit_plan_is_read_with_its_nones_and_its_numbers_checked() -> None:
    level = pb.ExitLevel(number=2, trigger_price="61000.50", quantity="0.02", filled="0.01")
    [account] = convert.positions_from_pb(
        _planned(pb.ExitPlan(signal_id="s-9", entry_price="60000", stop_quantity="0", take_profits=[level]))
    )
    [position] = account.positions
    assert position.view()["plan"] == {
        "signal_id": "s-9",
        "entry_price": "60000",
        "take_profits": [
            {
                "number": 2,
                "trigger_price": "61000.50",
                "quantity": "0.02",
                "filled": "0.01",
                "done": False,
                "order_id": None,
            }
        ],
        "stop_price": None,
        "stop_quantity": "0",
        "at_breakeven": False,
        "breakeven_after": None,
        "trail_after": None,
        "trailing_pct": None,
        "trail_placed": False,
    }
    for broken in (
        pb.ExitPlan(signal_id="s-9", entry_price="60000", stop_quantity="0", trailing_pct="one"),
        pb.ExitPlan(signal_id="s-9", stop_quantity="0"),  # a plan always has its entry
        pb.ExitPlan(signal_id="s-9", entry_price="60000", stop_quantity="0", take_profits=[pb.ExitLevel()]),
    ):
        with pytest.raises(TvbridgeError) as caught:
            convert.positions_from_pb(_planned(broken))
        assert caught.value.error_class is ErrorClass.INTERNAL, broken
