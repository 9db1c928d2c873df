"""Protobuf for what the position keeper reports: its numbered fills and news (`WatchKeeper`)
and the positions it watches, with their protective orders and exit plans (`GetPositions`).
The enum tables and the shared messages are `convert.py`'s."""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp

from common.decimals import plain, plain_or_empty
from common.errors import TvbridgeError
from common.trading import NewsKind
from executor.convert import (
    ORDER_PURPOSE_TO_PB,
    ORDER_STATUS_TO_PB,
    POSITION_SIDE_TO_PB,
    SIDE_TO_PB,
    VENUE_TO_PB,
    _enum_names,
    error_to_pb,
    position_to_pb,
)
from executor.core.events import Fill, OrderUpdate
from executor.core.keeper import view
from executor.core.keeper.news import News, Owner, Record
from executor.core.keeper.view import AccountView, KeptPosition, LevelView, PlanView
from tvbridge.executor.v1 import executor_pb2 as pb

NEWS_KIND_TO_PB: dict[NewsKind, str] = _enum_names("KEEPER_NEWS_KIND_", NewsKind, pb.KeeperNewsKind)


def _timestamp_ms(ms: int) -> Timestamp:
    ts = Timestamp()
    ts.FromMilliseconds(ms)
    return ts


def _timestamp_s(seconds: float | None) -> Timestamp | None:
    if seconds is None:
        return None
    return _timestamp_ms(int(seconds * 1000))


def _fill_to_pb(fill: Fill, owner: Owner | None) -> pb.KeeperFill:
    where = fill.where
    return pb.KeeperFill(
        venue=VENUE_TO_PB[where.venue],
        account=where.account,
        symbol=where.symbol,
        venue_symbol=where.venue_symbol,
        trade_id=fill.trade_id,
        order_id=fill.order_id,
        client_order_id=fill.client_order_id,
        side=SIDE_TO_PB[fill.side],
        position_side=POSITION_SIDE_TO_PB[fill.position_side],
        quantity=plain(fill.quantity),
        price=plain(fill.price),
        fee=plain(fill.fee),
        fee_asset=fill.fee_asset,
        realized_pnl=plain(fill.realized_pnl),
        liquidation=fill.liquidation,
        time=_timestamp_ms(fill.time_ms),
        signal_id=owner.signal_id if owner else "",
        purpose=ORDER_PURPOSE_TO_PB[owner.purpose] if owner else "ORDER_PURPOSE_UNSPECIFIED",
    )


def _news_to_pb(news: News) -> pb.KeeperNews:
    return pb.KeeperNews(
        kind=NEWS_KIND_TO_PB[news.kind],
        venue=VENUE_TO_PB[news.venue],
        account=news.account,
        symbol=news.symbol,
        position_side=(
            POSITION_SIDE_TO_PB[news.position_side] if news.position_side else pb.POSITION_SIDE_UNSPECIFIED
        ),
        quantity=plain_or_empty(news.quantity),
        price=plain_or_empty(news.price),
        detail=news.detail,
        time=_timestamp_ms(news.time_ms),
        strategy=news.strategy,
        limit=news.limit,
        until=_timestamp_ms(news.until_ms) if news.until_ms else None,
    )


def record_to_pb(epoch: str, record: Record) -> pb.KeeperRecord:
    if isinstance(record.item, Fill):
        return pb.KeeperRecord(epoch=epoch, seq=record.seq, fill=_fill_to_pb(record.item, record.owner))
    return pb.KeeperRecord(epoch=epoch, seq=record.seq, news=_news_to_pb(record.item))


def _protective_to_pb(order: OrderUpdate) -> pb.ProtectiveOrder:
    return pb.ProtectiveOrder(
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        purpose=ORDER_PURPOSE_TO_PB[view.purpose(order)],
        side=SIDE_TO_PB[order.side],
        quantity=plain(order.quantity - order.filled),
        trigger_price=plain_or_empty(order.trigger_price),
        close_position=order.close_position,
        status=ORDER_STATUS_TO_PB[order.status],
        order_type=order.kind.value,
        activation_price=plain_or_empty(order.activation_price),
        callback_pct=plain_or_empty(order.callback_pct),
    )


def _level_to_pb(level: LevelView) -> pb.ExitLevel:
    return pb.ExitLevel(
        number=level.number,
        trigger_price=plain(level.trigger_price),
        quantity=plain(level.quantity),
        filled=plain(level.filled),
        done=level.done,
        order_id=level.order_id,
    )


def _plan_to_pb(plan: PlanView) -> pb.ExitPlan:
    return pb.ExitPlan(
        signal_id=plan.signal_id,
        entry_price=plain(plan.entry_price),
        take_profits=[_level_to_pb(level) for level in plan.take_profits],
        stop_price=plain_or_empty(plan.stop_price),
        stop_quantity=plain(plan.stop_quantity),
        at_breakeven=plan.at_breakeven,
        breakeven_after=plan.breakeven_after or 0,
        trail_after=plan.trail_after or 0,
        trailing_pct=plain_or_empty(plan.trailing_pct),
        trail_placed=plan.trail_placed,
    )


def _kept_to_pb(kept: KeptPosition) -> pb.KeptPosition:
    reply = pb.KeptPosition(
        position=position_to_pb(kept.position),
        protective=[_protective_to_pb(o) for o in kept.protective],
        unprotected=kept.unprotected,
    )
    if kept.plan is not None:
        reply.plan.CopyFrom(_plan_to_pb(kept.plan))
    return reply


def account_positions_to_pb(
    account: AccountView, positions: list[KeptPosition] | None, error: TvbridgeError | None = None
) -> pb.AccountPositions:
    reply = pb.AccountPositions(
        venue=VENUE_TO_PB[account.venue],
        account=account.account,
        stream_connected=account.connected,
        positions=[_kept_to_pb(kept) for kept in positions or []],
    )
    down_since = _timestamp_s(account.down_since)
    if down_since is not None:
        reply.stream_down_since.CopyFrom(down_since)
    last = _timestamp_s(account.last_reconcile)
    if last is not None:
        reply.last_reconcile.CopyFrom(last)
    if error is not None:
        reply.error.CopyFrom(error_to_pb(error))
    return reply
