"""What `GetPositions` carries of a kept position: its exit plan and a trailing stop's callback
and activation, from the keeper's view to protobuf (`executor/convert_keeper.py`) and on through
the gateway's edge to the JSON of `GET /api/positions`."""

from __future__ import annotations

from decimal import Decimal

from common.trading import MarginMode, Position
from executor.convert_keeper import account_positions_to_pb
from executor.core.events import OrderKind, OrderUpdate, Where
from executor.core.keeper.view import AccountView, KeptPosition, LevelView, PlanView
from executor.core.model import OrderStatus, PositionSide, Side, Venue
from gateway.executor import convert as gateway_convert
from tvbridge.executor.v1 import executor_pb2 as pb

WHERE = Where(Venue.BINANCE, "main", "BTC-USDT", "BTCUSDT")


def _long() -> Position:
    return Position(
        symbol="BTC-USDT",
        venue_symbol="BTCUSDT",
        position_side=PositionSide.LONG,
        quantity=Decimal("0.05"),
        entry_price=Decimal("60000.0"),
        mark_price=Decimal("61500"),
        unrealized_pnl=Decimal("75"),
        leverage=10,
        margin_mode=MarginMode.ISOLATED,
    )


def _order(kind: OrderKind, order_id: str, **extra: Decimal | None) -> OrderUpdate:
    return OrderUpdate(
        where=WHERE,
        order_id=order_id,
        client_order_id="tvb" + order_id,
        kind=kind,
        side=Side.SELL,
        position_side=PositionSide.LONG,
        status=OrderStatus.NEW,
        quantity=Decimal("0.05"),
        filled=Decimal("0.01"),
        avg_price=None,
        trigger_price=extra.pop("trigger_price", None),
        reduce_only=True,
        close_position=False,
        time_ms=1_700_000_000_000,
        **extra,  # type: ignore[arg-type]
    )


TRAIL = _order(
    OrderKind.TRAILING_STOP_MARKET, "91", activation_price=Decimal("61200.00"), callback_pct=Decimal("1.0")
)
STOP = _order(OrderKind.STOP_MARKET, "92", trigger_price=Decimal("60000"))

PLAN = PlanView(
    signal_id="ladder-1",
    entry_price=Decimal("60000.0"),
    take_profits=(
        LevelView(1, Decimal("61000"), Decimal("0.03"), Decimal("0.03"), True, "501"),
        LevelView(3, Decimal("63000"), Decimal("0.02"), Decimal("0.005"), False, "503"),
        LevelView(4, Decimal("64000"), Decimal("0.01"), Decimal("0"), False, ""),
    ),
    stop_price=Decimal("60000"),
    stop_quantity=Decimal("0.05"),
    at_breakeven=True,
    breakeven_after=1,
    trail_after=3,
    trailing_pct=Decimal("1.5"),
    trail_placed=False,
)
BARE = PlanView(
    signal_id="ladder-2",
    entry_price=Decimal("59000"),
    take_profits=(),
    stop_price=None,
    stop_quantity=Decimal("0"),
    at_breakeven=False,
    breakeven_after=None,
    trail_after=None,
    trailing_pct=None,
    trail_placed=False,
)


def _account(*kept: KeptPosition) -> pb.AccountPositions:
    seen = AccountView(Venue.BINANCE, "main", True, None, 1_700_000_000.0, (), frozenset())
    return account_positions_to_pb(seen, list(kept))


def test_a_plan_and_a_trail_reach_protobuf() -> None:
    [kept] = _account(KeptPosition(_long(), (STOP, TRAIL), False, PLAN)).positions
    assert kept.HasField("plan")
    assert kept.plan == pb.ExitPlan(
        signal_id="ladder-1",
        entry_price="60000",
        take_profits=[
            pb.ExitLevel(
                number=1, trigger_price="61000", quantity="0.03", filled="0.03", done=True, order_id="501"
            ),
            pb.ExitLevel(
                number=3, trigger_price="63000", quantity="0.02", filled="0.005", done=False, order_id="503"
            ),
            pb.ExitLevel(
                number=4, trigger_price="64000", quantity="0.01", filled="0", done=False, order_id=""
            ),
        ],
        stop_price="60000",
        stop_quantity="0.05",
        at_breakeven=True,
        breakeven_after=1,
        trail_after=3,
        trailing_pct="1.5",
        trail_placed=False,
    )
    stop, trail = kept.protective
    assert (trail.order_type, trail.activation_price, trail.callback_pct, trail.trigger_price) == (
        "TRAILING_STOP_MARKET",
        "61200",
        "1",
        "",
    )
    assert (trail.purpose, trail.quantity) == (pb.ORDER_PURPOSE_STOP_LOSS, "0.04")
    assert (stop.activation_price, stop.callback_pct, stop.trigger_price) == ("", "", "60000")


def test_what_a_plan_lacks_travels_as_the_wires_none() -> None:
    kept, plain = _account(
        KeptPosition(_long(), (), False, BARE), KeptPosition(_long(), (STOP,), False)
    ).positions
    assert (kept.plan.stop_price, kept.plan.trailing_pct, kept.plan.stop_quantity) == ("", "", "0")
    assert (kept.plan.breakeven_after, kept.plan.trail_after, list(kept.plan.take_profits)) == (0, 0, [])
    assert not plain.HasField("plan")


def test_the_gateway_reads_back_what_the_executor_wrote() -> None:
    reply = pb.GetPositionsResponse(
        accounts=[
            _account(
                KeptPosition(_long(), (STOP, TRAIL), False, PLAN),
                KeptPosition(_long(), (), False, BARE),
                KeptPosition(_long(), (STOP,), True),
            )
        ]
    )
    [account] = gateway_convert.positions_from_pb(reply)
    laddered, bare, unplanned = (p.view() for p in account.positions)
    assert laddered["plan"] == {
        "signal_id": "ladder-1",
        "entry_price": "60000",
        "take_profits": [
            {
                "number": 1,
                "trigger_price": "61000",
                "quantity": "0.03",
                "filled": "0.03",
                "done": True,
                "order_id": "501",
            },
            {
                "number": 3,
                "trigger_price": "63000",
                "quantity": "0.02",
                "filled": "0.005",
                "done": False,
                "order_id": "503",
            },
            {
                "number": 4,
                "trigger_price": "64000",
                "quantity": "0.01",
                "filled": "0",
                "done": False,
                "order_id": None,
            },
        ],
        "stop_price": "60000",
        "stop_quantity": "0.05",
        "at_breakeven": True,
        "breakeven_after": 1,
        "trail_after": 3,
        "trailing_pct": "1.5",
        "trail_placed": False,
    }
    stop, trail = laddered["protective"]
    assert (trail["activation_price"], trail["callback_pct"], trail["trigger_price"]) == ("61200", "1", None)
    assert (stop["activation_price"], stop["callback_pct"]) == (None, None)
    assert bare["plan"] == {
        "signal_id": "ladder-2",
        "entry_price": "59000",
        "take_profits": [],
        "stop_price": None,
        "stop_quantity": "0",
        "at_breakeven": False,
        "breakeven_after": None,
        "trail_after": None,
        "trailing_pct": None,
        "trail_placed": False,
    }
    assert unplanned["plan"] is None and unplanned["unprotected"] is True
