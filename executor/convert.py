"""Protobuf messages <-> executor domain types: with `convert_keeper.py` (what the position
keeper reports), the only place both are known."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.timestamp_pb2 import Timestamp

from common.decimals import parse_decimal, plain, plain_or_empty
from common.errors import ErrorClass, TvbridgeError
from common.trading import TakeProfitLevel
from executor.core.flatten import AccountFlatten
from executor.core.model import (
    Action,
    ErrorInfo,
    ExecutionResult,
    MarginMode,
    MarketPosition,
    OrderPurpose,
    OrderReport,
    OrderStatus,
    OrderType,
    Outcome,
    PositionSide,
    Side,
    Size,
    SizeKind,
    TradeSignal,
    Venue,
)
from executor.core.ports import VenueBalance, VenuePosition
from executor.core.switch import SwitchState
from tvbridge.executor.v1 import executor_pb2 as pb

VENUE_FROM_PB = {pb.VENUE_BINGX: Venue.BINGX, pb.VENUE_BINANCE: Venue.BINANCE}
VENUE_TO_PB = {v: k for k, v in VENUE_FROM_PB.items()}
ACTION_FROM_PB = {
    pb.ACTION_BUY: Action.BUY,
    pb.ACTION_SELL: Action.SELL,
    pb.ACTION_CLOSE: Action.CLOSE,
    pb.ACTION_CLOSE_LONG: Action.CLOSE_LONG,
    pb.ACTION_CLOSE_SHORT: Action.CLOSE_SHORT,
    pb.ACTION_UPDATE: Action.UPDATE,
}
MARKET_POSITION_FROM_PB = {
    pb.MARKET_POSITION_LONG: MarketPosition.LONG,
    pb.MARKET_POSITION_SHORT: MarketPosition.SHORT,
    pb.MARKET_POSITION_FLAT: MarketPosition.FLAT,
}
MARGIN_FROM_PB = {pb.MARGIN_MODE_ISOLATED: MarginMode.ISOLATED, pb.MARGIN_MODE_CROSS: MarginMode.CROSS}
MARGIN_TO_PB = {v: k for k, v in MARGIN_FROM_PB.items()}
OUTCOME_TO_PB = {
    Outcome.EXECUTED: pb.OUTCOME_EXECUTED,
    Outcome.REJECTED: pb.OUTCOME_REJECTED,
    Outcome.FAILED: pb.OUTCOME_FAILED,
    Outcome.EXPIRED: pb.OUTCOME_EXPIRED,
}
SIDE_TO_PB = {Side.BUY: pb.SIDE_BUY, Side.SELL: pb.SIDE_SELL}
POSITION_SIDE_TO_PB = {
    PositionSide.BOTH: pb.POSITION_SIDE_BOTH,
    PositionSide.LONG: pb.POSITION_SIDE_LONG,
    PositionSide.SHORT: pb.POSITION_SIDE_SHORT,
}
ORDER_TYPE_TO_PB = {OrderType.MARKET: pb.ORDER_TYPE_MARKET, OrderType.LIMIT: pb.ORDER_TYPE_LIMIT}


def _enum_names(prefix: str, members: Iterable[StrEnum], wire: EnumTypeWrapper) -> dict[Any, str]:
    """Each domain member's proto enum name (message constructors take names). A member the
    proto lacks fails here, at import, never later as a silent fallback."""
    names = {m: f"{prefix}{m.name}" for m in members}
    for name in names.values():
        wire.Value(name)
    return names


ORDER_STATUS_TO_PB: dict[OrderStatus, str] = _enum_names("ORDER_STATUS_", OrderStatus, pb.OrderStatus)
ORDER_PURPOSE_TO_PB: dict[OrderPurpose, str] = _enum_names("ORDER_PURPOSE_", OrderPurpose, pb.OrderPurpose)
ERROR_CLASS_TO_PB: dict[ErrorClass, str] = _enum_names("ERROR_CLASS_", ErrorClass, pb.ErrorClass)
SIZE_FIELDS = {
    "quantity": SizeKind.QUANTITY,
    "balance": SizeKind.BALANCE,
    "balance_pct": SizeKind.BALANCE_PCT,
    "position_pct": SizeKind.POSITION_PCT,
    "risk_pct": SizeKind.RISK_PCT,
    "risk_usdt": SizeKind.RISK_USDT,
}


def error_to_pb(error: TvbridgeError | ErrorInfo) -> pb.Error:
    return pb.Error(
        error_class=ERROR_CLASS_TO_PB[error.error_class],
        message=error.message,
        retryable=error.retryable,
        venue_code=error.venue_code,
        venue_message=error.venue_message,
    )


def _invalid(message: str) -> TvbridgeError:
    return TvbridgeError(ErrorClass.INVALID_SIGNAL, message)


def _decimal(name: str, text: str, *, positive: bool = True) -> Decimal | None:
    if not text:
        return None
    try:
        value = parse_decimal(text)
    except ValueError as exc:
        raise _invalid(f"{name}: {exc}") from exc
    if positive and value <= 0:
        raise _invalid(f"{name} must be greater than zero, got {text}")
    return value


def _time(ts: Timestamp | None) -> datetime | None:
    if ts is None or (ts.seconds == 0 and ts.nanos == 0):
        return None
    return datetime.fromtimestamp(ts.seconds + ts.nanos / 1e9, tz=UTC)


def _level(number: int, msg: pb.TakeProfitLevel) -> TakeProfitLevel:
    name = f"take_profits[{number}]"
    size = _decimal(f"{name}.size_pct", msg.size_pct)
    if size is None:
        raise _invalid(f"{name}.size_pct is required")
    return TakeProfitLevel(size, _decimal(f"{name}.price", msg.price), _decimal(f"{name}.pct", msg.pct))


def signal_from_pb(msg: pb.Signal) -> TradeSignal:
    if not msg.signal_id:
        raise _invalid("signal_id is required")
    venue = VENUE_FROM_PB.get(msg.venue)
    if venue is None:
        raise _invalid("venue is required")
    action = ACTION_FROM_PB.get(msg.action)
    if action is None:
        raise _invalid("action is required")
    if not msg.symbol or "-" not in msg.symbol:
        raise _invalid("symbol must be canonical BASE-QUOTE, e.g. BTC-USDT")
    size = None
    size_field = msg.WhichOneof("size")
    if size_field:
        value = _decimal(size_field, getattr(msg, size_field))
        if value is not None:
            size = Size(SIZE_FIELDS[size_field], value)
    return TradeSignal(
        signal_id=msg.signal_id,
        venue=venue,
        account=msg.account or "default",
        symbol=msg.symbol.upper(),
        action=action,
        size=size,
        market_position=MARKET_POSITION_FROM_PB.get(msg.market_position),
        leverage=msg.leverage if msg.HasField("leverage") else None,
        margin_mode=MARGIN_FROM_PB.get(msg.margin_mode),
        order_type=OrderType.LIMIT if msg.order_type == pb.ORDER_TYPE_LIMIT else OrderType.MARKET,
        price=_decimal("price", msg.price),
        take_profit=_decimal("take_profit", msg.take_profit),
        stop_loss=_decimal("stop_loss", msg.stop_loss),
        tp_pct=_decimal("tp_pct", msg.tp_pct),
        sl_pct=_decimal("sl_pct", msg.sl_pct),
        trailing_pct=_decimal("trailing_pct", msg.trailing_pct),
        trailing_activation=_decimal("trailing_activation", msg.trailing_activation),
        trailing_activation_pct=_decimal("trailing_activation_pct", msg.trailing_activation_pct),
        take_profits=tuple(_level(i, level) for i, level in enumerate(msg.take_profits, 1)),
        breakeven_after=msg.breakeven_after if msg.HasField("breakeven_after") else None,
        breakeven_offset_pct=_decimal("breakeven_offset_pct", msg.breakeven_offset_pct, positive=False),
        trail_after=msg.trail_after if msg.HasField("trail_after") else None,
        reduce_only=msg.reduce_only,
        fired_at=_time(msg.fired_at if msg.HasField("fired_at") else None),
        received_at=_time(msg.received_at if msg.HasField("received_at") else None),
        test=msg.test,
        strategy=msg.strategy,
    )


def result_to_pb(result: ExecutionResult) -> pb.ExecuteSignalResponse:
    reply = pb.ExecuteSignalResponse(
        signal_id=result.signal_id,
        outcome=OUTCOME_TO_PB[result.outcome],
        test=result.test,
        executor_ms=result.executor_ms,
        venue_ms=result.venue_ms,
        executor_us=result.executor_us,
        venue_us=result.venue_us,
        note=result.note,
    )
    if result.venue_answered_ns:
        reply.venue_answered_at.FromNanoseconds(result.venue_answered_ns)
    if result.error is not None:
        reply.error.CopyFrom(error_to_pb(result.error))
    if result.sizing is not None:
        s = result.sizing
        reply.sizing.CopyFrom(
            pb.Sizing(
                quantity=plain(s.quantity),
                price=plain(s.price) if s.price else "",
                notional=plain(s.notional) if s.notional else "",
                leverage=s.leverage,
                margin=plain(s.margin) if s.margin else "",
                risk_stop=plain_or_empty(s.risk_stop),
                fee_rate=plain_or_empty(s.fee_rate),
                risk=plain_or_empty(s.risk),
            )
        )
    reply.orders.extend(order_to_pb(o) for o in result.orders)
    return reply


def order_to_pb(o: OrderReport) -> pb.Order:
    return pb.Order(
        venue=VENUE_TO_PB[o.venue],
        venue_symbol=o.venue_symbol,
        order_id=o.order_id,
        client_order_id=o.client_order_id,
        side=SIDE_TO_PB[o.side],
        position_side=POSITION_SIDE_TO_PB[o.position_side],
        order_type=ORDER_TYPE_TO_PB[o.order_type],
        quantity=plain(o.quantity),
        price=plain_or_empty(o.price),
        avg_price=plain_or_empty(o.avg_price),
        status=ORDER_STATUS_TO_PB[o.status],
        reduce_only=o.reduce_only,
        purpose=ORDER_PURPOSE_TO_PB[o.purpose],
        trigger_price=plain_or_empty(o.trigger_price),
    )


_POSITION_SIDE_FROM_PB = {v: k for k, v in POSITION_SIDE_TO_PB.items()}
_STATUS_FROM_PB = {pb.OrderStatus.Value(v): k for k, v in ORDER_STATUS_TO_PB.items()}
_PURPOSE_FROM_PB = {pb.OrderPurpose.Value(v): k for k, v in ORDER_PURPOSE_TO_PB.items()}


def order_from_pb(msg: pb.Order) -> OrderReport:
    """An order as an answer listed it, handed back by the gateway (ResumeExits)."""
    venue = VENUE_FROM_PB.get(msg.venue)
    if venue is None:
        raise _invalid("an order's venue is required")
    return OrderReport(
        venue=venue,
        venue_symbol=msg.venue_symbol,
        order_id=msg.order_id,
        client_order_id=msg.client_order_id,
        side=Side.SELL if msg.side == pb.SIDE_SELL else Side.BUY,
        position_side=_POSITION_SIDE_FROM_PB.get(msg.position_side, PositionSide.BOTH),
        order_type=OrderType.LIMIT if msg.order_type == pb.ORDER_TYPE_LIMIT else OrderType.MARKET,
        quantity=_decimal("quantity", msg.quantity, positive=False) or Decimal(0),
        price=_decimal("price", msg.price),
        avg_price=_decimal("avg_price", msg.avg_price),
        status=_STATUS_FROM_PB.get(msg.status, OrderStatus.NEW),
        reduce_only=msg.reduce_only,
        purpose=_PURPOSE_FROM_PB.get(msg.purpose, OrderPurpose.ENTRY),
        trigger_price=_decimal("trigger_price", msg.trigger_price),
    )


def balance_to_pb(b: VenueBalance) -> pb.Balance:
    return pb.Balance(
        asset=b.asset,
        wallet=plain(b.wallet),
        available=plain(b.available),
        equity=plain(b.equity),
        unrealized_pnl=plain(b.unrealized_pnl),
    )


def position_to_pb(p: VenuePosition) -> pb.Position:
    return pb.Position(
        symbol=p.symbol,
        venue_symbol=p.venue_symbol,
        position_side=(
            POSITION_SIDE_TO_PB[p.position_side] if p.position_side else pb.POSITION_SIDE_UNSPECIFIED
        ),
        quantity=plain(p.quantity),
        entry_price=plain(p.entry_price),
        mark_price=plain(p.mark_price),
        unrealized_pnl=plain(p.unrealized_pnl),
        leverage=p.leverage,
        margin_mode=MARGIN_TO_PB[p.margin_mode] if p.margin_mode else pb.MARGIN_MODE_UNSPECIFIED,
    )


def switch_changed_at(request: pb.SetTradingEnabledRequest) -> datetime | None:
    """When the journal recorded the state handed over; None: now."""
    return request.changed_at.ToDatetime(tzinfo=UTC) if request.HasField("changed_at") else None


def trading_status_to_pb(state: SwitchState) -> pb.TradingStatus:
    changed = Timestamp()
    changed.FromDatetime(state.changed_at)
    return pb.TradingStatus(
        enabled=state.enabled,
        changed_at=changed,
        actor=state.actor,
        reason=state.reason,
        awaiting_gateway=state.awaiting_gateway,
    )


def flatten_to_pb(reports: list[AccountFlatten]) -> pb.FlattenResponse:
    return pb.FlattenResponse(
        accounts=[
            pb.FlattenedAccount(
                venue=VENUE_TO_PB[r.venue],
                account=r.account,
                cancelled=[
                    pb.CancelledOrder(
                        symbol=c.venue_symbol, order_id=c.order_id, client_order_id=c.client_order_id
                    )
                    for c in r.cancelled
                ],
                closed=[
                    pb.ClosedPosition(
                        symbol=c.venue_symbol,
                        position_side=POSITION_SIDE_TO_PB[c.position_side],
                        quantity=plain(c.quantity),
                        order_id=c.order_id,
                        client_order_id=c.client_order_id,
                        status=ORDER_STATUS_TO_PB[c.status],
                    )
                    for c in r.closed
                ],
                failures=[
                    pb.FlattenFailure(symbol=f.venue_symbol, step=f.step, error=error_to_pb(f.error))
                    for f in r.failures
                ],
            )
            for r in reports
        ]
    )
