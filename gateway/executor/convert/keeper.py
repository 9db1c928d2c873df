"""Protobuf <-> the gateway's words for what the executor's position keeper reports: its
numbered fills and news (`WatchKeeper`) and the positions it watches (`GetPositions`). Part of
the one convert module of the gateway's edge to the executor."""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp

from common.errors import ErrorClass, TvbridgeError
from common.trading import NewsKind
from gateway.core.keeper import (
    AccountPositions,
    ExitLevel,
    ExitPlan,
    KeeperFill,
    KeeperNews,
    KeeperRecord,
    KeptPosition,
    ProtectiveOrder,
)
from gateway.core.signal import Venue
from gateway.executor.convert import (
    ORDER_PURPOSE_FROM_PB,
    ORDER_STATUS_FROM_PB,
    POSITION_SIDE_FROM_PB,
    SIDE_FROM_PB,
    VENUE_FROM_PB,
    VENUE_TO_PB,
    _by_name,
    _by_number,
    _decimal,
    _position,
    _required,
    error_from_pb,
)
from tvbridge.executor.v1 import executor_pb2 as pb

NEWS_KIND_TO_PB = _by_name("KEEPER_NEWS_KIND_", NewsKind, pb.KeeperNewsKind)
NEWS_KIND_FROM_PB = _by_number(NEWS_KIND_TO_PB, pb.KeeperNewsKind)


def _ms(ts: Timestamp) -> int:
    return int(ts.ToMilliseconds())


def _venue(value: int) -> Venue:
    venue = VENUE_FROM_PB.get(value)
    if venue is None:
        raise TvbridgeError(ErrorClass.INTERNAL, "the executor sent a keeper record for no venue")
    return venue


def _keeper_fill(f: pb.KeeperFill) -> KeeperFill:
    side = SIDE_FROM_PB.get(f.side)
    if side is None:
        raise TvbridgeError(ErrorClass.INTERNAL, f"the executor sent fill {f.trade_id} without a side")
    return KeeperFill(
        venue=_venue(f.venue),
        account=f.account,
        symbol=f.symbol,
        venue_symbol=f.venue_symbol,
        trade_id=f.trade_id,
        order_id=f.order_id,
        client_order_id=f.client_order_id,
        side=side,
        position_side=POSITION_SIDE_FROM_PB.get(f.position_side),
        quantity=_required(f.quantity, "a fill quantity"),
        price=_required(f.price, "a fill price"),
        fee=_required(f.fee, "a fee"),
        fee_asset=f.fee_asset,
        realized_pnl=_required(f.realized_pnl, "a realised PnL"),
        liquidation=f.liquidation,
        time_ms=_ms(f.time),
        signal_id=f.signal_id,
        purpose=ORDER_PURPOSE_FROM_PB.get(f.purpose),
    )


def _keeper_news(n: pb.KeeperNews) -> KeeperNews | None:
    kind = NEWS_KIND_FROM_PB.get(n.kind)
    if kind is None:
        return None  # a kind this gateway does not know yet (a newer executor): not news here
    return KeeperNews(
        kind=kind,
        venue=_venue(n.venue),
        account=n.account,
        symbol=n.symbol,
        position_side=POSITION_SIDE_FROM_PB.get(n.position_side),
        quantity=_decimal(n.quantity, "a news quantity"),
        price=_decimal(n.price, "a news price"),
        detail=n.detail,
        time_ms=_ms(n.time),
        strategy=n.strategy,
        limit=n.limit,
        until_ms=_ms(n.until) if n.HasField("until") else 0,
    )


def keeper_record_from_pb(record: pb.KeeperRecord) -> KeeperRecord | None:
    """The record, or None for one this gateway cannot read (skipped, its number still kept)."""
    which = record.WhichOneof("item")
    if which == "fill":
        return KeeperRecord(record.epoch, record.seq, _keeper_fill(record.fill))
    if which == "news":
        news = _keeper_news(record.news)
        return None if news is None else KeeperRecord(record.epoch, record.seq, news)
    return None


def watch_keeper_to_pb(epoch: str, after_seq: int) -> pb.WatchKeeperRequest:
    return pb.WatchKeeperRequest(epoch=epoch, after_seq=after_seq)


def positions_to_pb(venue: Venue | None, account: str) -> pb.GetPositionsRequest:
    return pb.GetPositionsRequest(
        venue=VENUE_TO_PB[venue] if venue is not None else "VENUE_UNSPECIFIED", account=account
    )


def _protective(o: pb.ProtectiveOrder) -> ProtectiveOrder:
    return ProtectiveOrder(
        order_id=o.order_id,
        client_order_id=o.client_order_id,
        purpose=ORDER_PURPOSE_FROM_PB.get(o.purpose),
        side=SIDE_FROM_PB.get(o.side),
        quantity=_decimal(o.quantity, "a protective order's quantity"),
        trigger_price=_decimal(o.trigger_price, "a trigger price"),
        close_position=o.close_position,
        status=ORDER_STATUS_FROM_PB.get(o.status),
        order_type=o.order_type,
        activation_price=_decimal(o.activation_price, "a trail's activation price"),
        callback_pct=_decimal(o.callback_pct, "a trail's callback"),
    )


def _level(level: pb.ExitLevel) -> ExitLevel:
    return ExitLevel(
        number=level.number,
        trigger_price=_required(level.trigger_price, "a take-profit level's price"),
        quantity=_required(level.quantity, "a take-profit level's quantity"),
        filled=_required(level.filled, "a take-profit level's filled quantity"),
        done=level.done,
        order_id=level.order_id,
    )


def _plan(p: pb.ExitPlan) -> ExitPlan:
    return ExitPlan(
        signal_id=p.signal_id,
        entry_price=_required(p.entry_price, "an exit plan's entry price"),
        take_profits=[_level(level) for level in p.take_profits],
        stop_price=_decimal(p.stop_price, "an exit plan's stop price"),
        stop_quantity=_required(p.stop_quantity, "an exit plan's stop quantity"),
        at_breakeven=p.at_breakeven,
        # 0 is the wire's "none": take-profits are numbered from 1.
        breakeven_after=p.breakeven_after or None,
        trail_after=p.trail_after or None,
        trailing_pct=_decimal(p.trailing_pct, "an exit plan's trailing callback"),
        trail_placed=p.trail_placed,
    )


def _kept(k: pb.KeptPosition) -> KeptPosition:
    return KeptPosition(
        _position(k.position),
        [_protective(o) for o in k.protective],
        k.unprotected,
        _plan(k.plan) if k.HasField("plan") else None,
    )


def positions_from_pb(reply: pb.GetPositionsResponse) -> list[AccountPositions]:
    return [
        AccountPositions(
            venue=VENUE_FROM_PB.get(a.venue),
            account=a.account,
            positions=[_kept(k) for k in a.positions],
            stream_connected=a.stream_connected,
            stream_down_since_ms=_ms(a.stream_down_since) if a.HasField("stream_down_since") else None,
            last_reconcile_ms=_ms(a.last_reconcile) if a.HasField("last_reconcile") else None,
            error=error_from_pb(a.error) if a.HasField("error") else None,
        )
        for a in reply.accounts
    ]
