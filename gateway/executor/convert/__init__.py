"""Protobuf messages <-> the gateway's domain types. With client.py, the only place that knows
the executor's wire format (executor/convert.py is the other side's).

What the executor left unspecified stays None; a decimal that is not a number breaks the
contract and is refused as an internal error rather than passed on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.timestamp_pb2 import Timestamp

from common.decimals import parse_decimal, plain, plain_or_empty
from common.errors import ErrorClass, TvbridgeError
from common.trading import Balance, Position
from gateway.core.accounts import Account, ConnectionCheck
from gateway.core.controls import TradingStatus
from gateway.core.execution import (
    Decision,
    Execution,
    ExecutionError,
    Order,
    OrderPurpose,
    OrderStatus,
    PositionSide,
    Side,
    Sizing,
)
from gateway.core.flatten import CancelledOrder, ClosedPosition, FlattenedAccount, FlattenFailure
from gateway.core.signal import Action, MarginMode, MarketPosition, OrderType, Signal, Venue
from tvbridge.executor.v1 import executor_pb2 as pb

E = TypeVar("E", bound=StrEnum)


def _by_name(prefix: str, members: Iterable[E], wire: EnumTypeWrapper) -> dict[E, str]:
    """Each domain member's proto enum name (message constructors take names). A member the
    proto lacks fails here, at import, never later as a silent fallback."""
    names = {m: f"{prefix}{m.name}" for m in members}
    for name in names.values():
        wire.Value(name)
    return names


VENUE_TO_PB = _by_name("VENUE_", Venue, pb.Venue)
ACTION_TO_PB = _by_name("ACTION_", Action, pb.Action)
MARKET_POSITION_TO_PB = _by_name("MARKET_POSITION_", MarketPosition, pb.MarketPosition)
MARGIN_MODE_TO_PB = _by_name("MARGIN_MODE_", MarginMode, pb.MarginMode)
ORDER_TYPE_TO_PB = _by_name("ORDER_TYPE_", OrderType, pb.OrderType)
ERROR_CLASS_TO_PB = _by_name("ERROR_CLASS_", ErrorClass, pb.ErrorClass)
DECISION_TO_PB = _by_name("OUTCOME_", Decision, pb.Outcome)
SIDE_TO_PB = _by_name("SIDE_", Side, pb.Side)
POSITION_SIDE_TO_PB = _by_name("POSITION_SIDE_", PositionSide, pb.PositionSide)
ORDER_STATUS_TO_PB = _by_name("ORDER_STATUS_", OrderStatus, pb.OrderStatus)
ORDER_PURPOSE_TO_PB = _by_name("ORDER_PURPOSE_", OrderPurpose, pb.OrderPurpose)


def _by_number(table: Mapping[E, str], wire: EnumTypeWrapper) -> dict[int, E]:
    """What a number read off the wire means; UNSPECIFIED (0) is in no table."""
    return {wire.Value(name): member for member, name in table.items()}


VENUE_FROM_PB = _by_number(VENUE_TO_PB, pb.Venue)
MARGIN_MODE_FROM_PB = _by_number(MARGIN_MODE_TO_PB, pb.MarginMode)
ORDER_TYPE_FROM_PB = _by_number(ORDER_TYPE_TO_PB, pb.OrderType)
ERROR_CLASS_FROM_PB = _by_number(ERROR_CLASS_TO_PB, pb.ErrorClass)
DECISION_FROM_PB = _by_number(DECISION_TO_PB, pb.Outcome)
SIDE_FROM_PB = _by_number(SIDE_TO_PB, pb.Side)
POSITION_SIDE_FROM_PB = _by_number(POSITION_SIDE_TO_PB, pb.PositionSide)
ORDER_STATUS_FROM_PB = _by_number(ORDER_STATUS_TO_PB, pb.OrderStatus)
ORDER_PURPOSE_FROM_PB = _by_number(ORDER_PURPOSE_TO_PB, pb.OrderPurpose)


# -- to the executor ---------------------------------------------------------------------


def _timestamp(value: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def signal_to_pb(signal: Signal) -> pb.Signal:
    msg = pb.Signal(
        signal_id=signal.signal_id,
        venue=VENUE_TO_PB[signal.venue],
        account=signal.account,
        symbol=signal.symbol,
        action=ACTION_TO_PB[signal.action],
        market_position=(
            MARKET_POSITION_TO_PB[signal.market_position]
            if signal.market_position is not None
            else "MARKET_POSITION_UNSPECIFIED"
        ),
        margin_mode=(
            MARGIN_MODE_TO_PB[signal.margin_mode]
            if signal.margin_mode is not None
            else pb.MARGIN_MODE_UNSPECIFIED
        ),
        order_type=ORDER_TYPE_TO_PB[signal.order_type],
        price=plain_or_empty(signal.price),
        take_profit=plain_or_empty(signal.take_profit),
        stop_loss=plain_or_empty(signal.stop_loss),
        tp_pct=plain_or_empty(signal.tp_pct),
        sl_pct=plain_or_empty(signal.sl_pct),
        trailing_pct=plain_or_empty(signal.trailing_pct),
        trailing_activation=plain_or_empty(signal.trailing_activation),
        trailing_activation_pct=plain_or_empty(signal.trailing_activation_pct),
        take_profits=[
            pb.TakeProfitLevel(
                price=plain_or_empty(level.price),
                pct=plain_or_empty(level.pct),
                size_pct=plain(level.size_pct),
            )
            for level in signal.take_profits
        ],
        breakeven_offset_pct=plain_or_empty(signal.breakeven_offset_pct),
        reduce_only=signal.reduce_only,
        test=signal.test,
        strategy=signal.strategy,
    )
    if signal.size_kind is not None and signal.size is not None:
        setattr(msg, signal.size_kind.value, plain(signal.size))
    if signal.leverage is not None:
        msg.leverage = signal.leverage
    if signal.breakeven_after is not None:
        msg.breakeven_after = signal.breakeven_after
    if signal.trail_after is not None:
        msg.trail_after = signal.trail_after
    if signal.fired_at is not None:
        msg.fired_at.CopyFrom(_timestamp(signal.fired_at))
    if signal.received_at is not None:
        msg.received_at.CopyFrom(_timestamp(signal.received_at))
    return msg


def order_to_pb(order: Order) -> pb.Order:
    """An order of a journalled answer, handed back to the executor (ResumeExits)."""
    return pb.Order(
        venue=VENUE_TO_PB[order.venue] if order.venue else "VENUE_UNSPECIFIED",
        venue_symbol=order.venue_symbol,
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        side=SIDE_TO_PB[order.side] if order.side else "SIDE_UNSPECIFIED",
        position_side=(
            POSITION_SIDE_TO_PB[order.position_side] if order.position_side else "POSITION_SIDE_UNSPECIFIED"
        ),
        order_type=ORDER_TYPE_TO_PB[order.order_type] if order.order_type else "ORDER_TYPE_UNSPECIFIED",
        quantity=plain_or_empty(order.quantity),
        price=plain_or_empty(order.price),
        avg_price=plain_or_empty(order.avg_price),
        status=ORDER_STATUS_TO_PB[order.status] if order.status else "ORDER_STATUS_UNSPECIFIED",
        reduce_only=order.reduce_only,
        purpose=ORDER_PURPOSE_TO_PB[order.purpose] if order.purpose else "ORDER_PURPOSE_UNSPECIFIED",
        trigger_price=plain_or_empty(order.trigger_price),
    )


def exit_sources_to_pb(sources: list[tuple[Signal, list[Order]]]) -> pb.ResumeExitsRequest:
    return pb.ResumeExitsRequest(
        sources=[
            pb.ExitSource(signal=signal_to_pb(signal), orders=[order_to_pb(o) for o in orders])
            for signal, orders in sources
        ]
    )


def resumed_from_pb(reply: pb.ResumeExitsResponse) -> list[tuple[str, bool, str]]:
    return [(r.signal_id, r.resumed, r.note) for r in reply.results]


# -- from the executor -------------------------------------------------------------------


def _decimal(text: str, what: str) -> Decimal | None:
    """A decimal string from the wire; empty is "not given"."""
    if not text:
        return None
    try:
        return parse_decimal(text)
    except ValueError:
        raise TvbridgeError(
            ErrorClass.INTERNAL, f"the executor's answer holds {what} {text!r}, which is not a number"
        ) from None


def _required(text: str, what: str) -> Decimal:
    value = _decimal(text, what)
    if value is None:
        raise TvbridgeError(ErrorClass.INTERNAL, f"the executor's answer holds no {what}")
    return value


def error_from_pb(error: pb.Error) -> ExecutionError:
    return ExecutionError(
        error_class=ERROR_CLASS_FROM_PB.get(error.error_class),
        message=error.message,
        venue_code=error.venue_code,
        venue_message=error.venue_message,
    )


def _order(o: pb.Order) -> Order:
    return Order(
        venue=VENUE_FROM_PB.get(o.venue),
        venue_symbol=o.venue_symbol,
        order_id=o.order_id,
        client_order_id=o.client_order_id,
        side=SIDE_FROM_PB.get(o.side),
        position_side=POSITION_SIDE_FROM_PB.get(o.position_side),
        order_type=ORDER_TYPE_FROM_PB.get(o.order_type),
        quantity=_decimal(o.quantity, "an order quantity"),
        status=ORDER_STATUS_FROM_PB.get(o.status),
        purpose=ORDER_PURPOSE_FROM_PB.get(o.purpose),
        price=_decimal(o.price, "an order price"),
        avg_price=_decimal(o.avg_price, "an average price"),
        trigger_price=_decimal(o.trigger_price, "a trigger price"),
        reduce_only=o.reduce_only,
    )


def _sizing(s: pb.Sizing) -> Sizing:
    return Sizing(
        quantity=_decimal(s.quantity, "a sized quantity"),
        price=_decimal(s.price, "a sizing price"),
        notional=_decimal(s.notional, "a notional"),
        leverage=s.leverage or None,
        margin=_decimal(s.margin, "a margin"),
        risk_stop=_decimal(s.risk_stop, "a risk stop"),
        fee_rate=_decimal(s.fee_rate, "a fee rate"),
        risk=_decimal(s.risk, "a risk amount"),
    )


def execution_from_pb(reply: pb.ExecuteSignalResponse) -> Execution:
    return Execution(
        signal_id=reply.signal_id,
        # An outcome the executor did not name is no success.
        decision=DECISION_FROM_PB.get(reply.outcome, Decision.FAILED),
        test=reply.test,
        error=error_from_pb(reply.error) if reply.HasField("error") else None,
        sizing=_sizing(reply.sizing) if reply.HasField("sizing") else None,
        orders=[_order(o) for o in reply.orders],
        note=reply.note,
        # Tenths of a millisecond when the executor sends microseconds; whole ones from an older one.
        executor_ms=round(reply.executor_us / 1000, 1) if reply.executor_us else reply.executor_ms,
        venue_ms=round(reply.venue_us / 1000, 1) if reply.venue_us else reply.venue_ms,
        venue_answered_ms=(
            reply.venue_answered_at.ToNanoseconds() / 1e6 if reply.HasField("venue_answered_at") else None
        ),
    )


def trading_status_from_pb(status: pb.TradingStatus) -> TradingStatus:
    changed = status.changed_at.ToDatetime(tzinfo=UTC) if status.HasField("changed_at") else None
    return TradingStatus(
        enabled=status.enabled,
        changed_at=changed,
        actor=status.actor,
        reason=status.reason,
        awaiting_gateway=status.awaiting_gateway,
    )


def set_trading_to_pb(
    enabled: bool, actor: str, reason: str, changed_at: datetime | None
) -> pb.SetTradingEnabledRequest:
    request = pb.SetTradingEnabledRequest(enabled=enabled, actor=actor, reason=reason)
    if changed_at is not None:
        request.changed_at.FromDatetime(changed_at)
    return request


def flatten_to_pb(venue: Venue | None, account: str) -> pb.FlattenRequest:
    return pb.FlattenRequest(
        venue=VENUE_TO_PB[venue] if venue is not None else "VENUE_UNSPECIFIED", account=account
    )


def flatten_from_pb(reply: pb.FlattenResponse) -> list[FlattenedAccount]:
    return [
        FlattenedAccount(
            venue=VENUE_FROM_PB.get(a.venue),
            account=a.account,
            cancelled=[CancelledOrder(c.symbol, c.order_id, c.client_order_id) for c in a.cancelled],
            closed=[
                ClosedPosition(
                    symbol=c.symbol,
                    position_side=POSITION_SIDE_FROM_PB.get(c.position_side),
                    quantity=_required(c.quantity, "a closed quantity"),
                    order_id=c.order_id,
                    client_order_id=c.client_order_id,
                    status=ORDER_STATUS_FROM_PB.get(c.status),
                )
                for c in a.closed
            ],
            failures=[FlattenFailure(f.symbol, f.step, error_from_pb(f.error)) for f in a.failures],
        )
        for a in reply.accounts
    ]


def checks_from_pb(reply: pb.TestConnectionResponse) -> list[ConnectionCheck]:
    return [
        ConnectionCheck(
            venue=VENUE_FROM_PB.get(c.venue),
            account=c.account,
            base_url=c.base_url,
            ok=c.ok,
            latency_ms=c.latency_ms,
            clock_offset_ms=c.clock_offset_ms,
            can_read=c.can_read,
            can_trade=c.can_trade,
            error=error_from_pb(c.error) if c.HasField("error") else None,
        )
        for c in reply.checks
    ]


def account_from_pb(reply: pb.GetAccountResponse) -> Account:
    return Account(
        hedge_mode=reply.hedge_mode,
        balances=[
            Balance(
                asset=b.asset,
                wallet=_required(b.wallet, "a wallet balance"),
                available=_required(b.available, "an available balance"),
                equity=_required(b.equity, "an equity"),
                unrealized_pnl=_required(b.unrealized_pnl, "an unrealised PnL"),
            )
            for b in reply.balances
        ],
        positions=[_position(p) for p in reply.positions],
    )


def _position(p: pb.Position) -> Position:
    return Position(
        symbol=p.symbol,
        venue_symbol=p.venue_symbol,
        position_side=POSITION_SIDE_FROM_PB.get(p.position_side),
        quantity=_required(p.quantity, "a position quantity"),
        entry_price=_required(p.entry_price, "an entry price"),
        mark_price=_required(p.mark_price, "a mark price"),
        unrealized_pnl=_required(p.unrealized_pnl, "an unrealised PnL"),
        leverage=p.leverage,
        margin_mode=MARGIN_MODE_FROM_PB.get(p.margin_mode),
    )


# The keeper's records and positions (convert/keeper.py), at the end: it reads the helpers above.
from gateway.executor.convert.keeper import (  # noqa: E402
    keeper_record_from_pb,
    positions_from_pb,
    positions_to_pb,
    watch_keeper_to_pb,
)

__all__ = ["keeper_record_from_pb", "positions_from_pb", "positions_to_pb", "watch_keeper_to_pb"]
