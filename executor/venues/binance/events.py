"""Binance's words for what happened to orders and positions, in the keeper's events: REST rows
(open orders, open algo orders, user trades; docs/venues/binance.md 5.8, 5.9, 9.5) and
user-data stream frames (section 9.4)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from executor.core.events import (
    AccountConfig,
    Fill,
    OrderKind,
    OrderUpdate,
    PositionUpdate,
    VenueEvent,
    Where,
)
from executor.core.model import MarginMode, Venue
from executor.venues.base import order_status
from executor.venues.binance.statuses import ALGO_STATUSES, ORDER_STATUSES
from executor.venues.event_fields import (
    FILL_EXECUTIONS,
    LIQUIDATION_EXECUTION,
    decimal,
    flag,
    millis,
    order_kind,
    position_side,
    price_or_none,
    side,
)

Locate = Callable[[str], Where]  # venue symbol -> which account and symbol

ORDER_TRADE_UPDATE = "ORDER_TRADE_UPDATE"
ALGO_UPDATE = "ALGO_UPDATE"
ACCOUNT_UPDATE = "ACCOUNT_UPDATE"
ACCOUNT_CONFIG_UPDATE = "ACCOUNT_CONFIG_UPDATE"
LISTEN_KEY_EXPIRED = "listenKeyExpired"
# What the stream is asked for (`events=` on /private/ws, section 9.1); listenKeyExpired is
# named too, as the docs leave open whether the filter applies to it.
STREAM_EVENTS = (ORDER_TRADE_UPDATE, ALGO_UPDATE, ACCOUNT_UPDATE, ACCOUNT_CONFIG_UPDATE, LISTEN_KEY_EXPIRED)
MARGIN_TYPE_CHANGE = "MARGIN_TYPE_CHANGE"
# Client ids the venue gives the orders it places itself when it liquidates (section 9.4).
LIQUIDATION_CLIENT_IDS = ("autoclose-", "adl_autoclose", "settlement_autoclose-")


def is_liquidation(kind: OrderKind, client_order_id: str) -> bool:
    return kind is OrderKind.LIQUIDATION or client_order_id.startswith(LIQUIDATION_CLIENT_IDS)


# -- REST rows ------------------------------------------------------------------------------


def order_row(row: Mapping[str, Any], where: Where) -> OrderUpdate:
    """An open order of `/fapi/v1/openOrders` (the order object of section 5.8)."""
    return OrderUpdate(
        where=where,
        order_id=str(row["orderId"]),
        client_order_id=str(row.get("clientOrderId") or ""),
        kind=order_kind(row.get("origType") or row.get("type")),
        side=side(row["side"]),
        position_side=position_side(row.get("positionSide")),
        status=order_status(row.get("status"), ORDER_STATUSES),
        quantity=decimal(row.get("origQty")),
        filled=decimal(row.get("executedQty")),
        avg_price=price_or_none(row.get("avgPrice")),
        trigger_price=price_or_none(row.get("stopPrice")),
        reduce_only=flag(row.get("reduceOnly")),
        close_position=flag(row.get("closePosition")),
        time_ms=millis(row.get("updateTime") or row.get("time") or 0),
    )


def algo_row(row: Mapping[str, Any], where: Where) -> OrderUpdate:
    """A conditional order of `/fapi/v1/openAlgoOrders`, `/fapi/v1/allAlgoOrders` or
    `/fapi/v1/algoOrder` (section 5.9): its id is the algoId."""
    return OrderUpdate(
        where=where,
        order_id=str(row["algoId"]),
        client_order_id=str(row.get("clientAlgoId") or ""),
        kind=order_kind(row.get("orderType")),
        side=side(row["side"]),
        position_side=position_side(row.get("positionSide")),
        status=order_status(row.get("algoStatus"), ALGO_STATUSES),
        quantity=decimal(row.get("quantity")),
        filled=decimal(row.get("actualQty")),
        avg_price=price_or_none(row.get("actualPrice")),
        trigger_price=price_or_none(row.get("triggerPrice")),
        reduce_only=flag(row.get("reduceOnly")),
        close_position=flag(row.get("closePosition")),
        time_ms=millis(row.get("updateTime") or row.get("createTime") or 0),
        # The order it placed in the matching engine once triggered, "" before ("Query Algo
        # Order", "Query All Algo Orders": `actualOrderId`; section 5.9).
        actual_order_id=str(row.get("actualOrderId") or ""),
        # A trailing stop's (section 5.9): `activatePrice`, and `callbackRate` in percent; both ""
        # on any other algo order.
        activation_price=price_or_none(row.get("activatePrice")),
        callback_pct=decimal(row["callbackRate"]) if row.get("callbackRate") else None,
    )


def trade_row(row: Mapping[str, Any], where: Where, client_order_id: str, liquidation: bool) -> Fill:
    """A row of `/fapi/v1/userTrades` (section 9.5); its `id` is the stream's `t`. The row names
    no client id and no liquidation: the caller read them from the order."""
    return Fill(
        where=where,
        trade_id=str(row["id"]),
        order_id=str(row["orderId"]),
        client_order_id=client_order_id,
        side=side(row["side"]),
        position_side=position_side(row.get("positionSide")),
        quantity=decimal(row.get("qty")),
        price=decimal(row.get("price")),
        fee=decimal(row.get("commission")),
        fee_asset=str(row.get("commissionAsset") or ""),
        realized_pnl=decimal(row.get("realizedPnl")),
        liquidation=liquidation,
        time_ms=millis(row.get("time")),
    )


# -- stream frames --------------------------------------------------------------------------


def stream_events(frame: Mapping[str, Any], locate: Locate, venue: Venue, account: str) -> list[VenueEvent]:
    """The keeper's events in one frame (none for an event it does not read)."""
    name = frame.get("e")
    if name == ORDER_TRADE_UPDATE:
        return _order_trade_update(frame, locate)
    if name == ALGO_UPDATE:
        return [_algo_update(frame, locate)]
    if name == ACCOUNT_UPDATE:
        return _account_update(frame, locate, venue, account)
    if name == ACCOUNT_CONFIG_UPDATE:
        return _account_config_update(frame, venue, account)
    return []


def _order_trade_update(frame: Mapping[str, Any], locate: Locate) -> list[VenueEvent]:
    o: Mapping[str, Any] = frame["o"]
    where = locate(str(o["s"]))
    client_order_id = str(o.get("c") or "")
    kind = order_kind(o.get("o"))
    time_ms = millis(o.get("T") or frame.get("E"))
    update = OrderUpdate(
        where=where,
        order_id=str(o["i"]),
        client_order_id=client_order_id,
        kind=kind,
        side=side(o["S"]),
        position_side=position_side(o.get("ps")),
        status=order_status(o.get("X"), ORDER_STATUSES),
        quantity=decimal(o.get("q")),
        filled=decimal(o.get("z")),
        avg_price=price_or_none(o.get("ap")),
        trigger_price=price_or_none(o.get("sp")),
        reduce_only=flag(o.get("R")),
        close_position=flag(o.get("cp")),
        time_ms=time_ms,
    )
    events: list[VenueEvent] = [update]
    execution = str(o.get("x") or "")
    if execution in FILL_EXECUTIONS and millis(o.get("t")):
        events.append(
            Fill(
                where=where,
                trade_id=str(o["t"]),
                order_id=update.order_id,
                client_order_id=client_order_id,
                side=update.side,
                position_side=update.position_side,
                quantity=decimal(o.get("l")),
                price=decimal(o.get("L")),
                fee=decimal(o.get("n")),  # positive: charged
                fee_asset=str(o.get("N") or ""),
                realized_pnl=decimal(o.get("rp")),
                liquidation=execution == LIQUIDATION_EXECUTION or is_liquidation(kind, client_order_id),
                time_ms=time_ms,
            )
        )
    return events


def _algo_update(frame: Mapping[str, Any], locate: Locate) -> OrderUpdate:
    o: Mapping[str, Any] = frame["o"]
    return OrderUpdate(
        where=locate(str(o["s"])),
        order_id=str(o["aid"]),
        client_order_id=str(o.get("caid") or ""),
        kind=order_kind(o.get("o")),
        side=side(o["S"]),
        position_side=position_side(o.get("ps")),
        status=order_status(o.get("X"), ALGO_STATUSES),
        quantity=decimal(o.get("q")),
        filled=decimal(o.get("aq")),
        avg_price=price_or_none(o.get("ap")),
        trigger_price=price_or_none(o.get("tp")),
        reduce_only=flag(o.get("R")),
        close_position=flag(o.get("cp")),
        time_ms=millis(frame.get("E")),
        # "Event: Algo Order Update": `ai`, the id of the order placed in the matching engine
        # once TRIGGERED ("" before); that order's trades arrive as ORDER_TRADE_UPDATE under it.
        actual_order_id=str(o.get("ai") or ""),
    )


def _account_update(frame: Mapping[str, Any], locate: Locate, venue: Venue, account: str) -> list[VenueEvent]:
    body: Mapping[str, Any] = frame.get("a") or {}
    time_ms = millis(frame.get("E"))
    events: list[VenueEvent] = []
    for p in body.get("P") or []:
        venue_symbol = str(p["s"])
        events.append(
            PositionUpdate(
                where=locate(venue_symbol),
                position_side=position_side(p.get("ps")),
                quantity=decimal(p.get("pa")),  # signed in both modes
                entry_price=decimal(p.get("ep")),
                time_ms=time_ms,
            )
        )
        if body.get("m") == MARGIN_TYPE_CHANGE:
            mode = MarginMode.ISOLATED if str(p.get("mt")).lower() == "isolated" else MarginMode.CROSS
            events.append(AccountConfig(venue, account, venue_symbol, margin_mode=mode, time_ms=time_ms))
    return events


def _account_config_update(frame: Mapping[str, Any], venue: Venue, account: str) -> list[VenueEvent]:
    config: Mapping[str, Any] | None = frame.get("ac")
    if not config:
        return []  # a Multi-Assets mode change (`ai`): nothing the keeper holds
    leverage = config.get("l")
    return [
        AccountConfig(
            venue,
            account,
            str(config["s"]),
            leverage=int(leverage) if leverage is not None else None,
            time_ms=millis(frame.get("E")),
        )
    ]
