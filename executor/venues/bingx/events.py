"""BingX's words for what happened to orders and positions, in the keeper's events: REST rows
(open orders, fill history; docs/venues/bingx.md 5.9, 9.5) and user-data stream frames (9.4).

The stream's order event carries no trade id; the fill is read from a frame that has one
(`td`, on `TRADE_UPDATE`), so a trade gives one `Fill` per frame and the keeper recognises a
repeat by its id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
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
from executor.core.model import PositionSide, Venue
from executor.venues.base import order_status
from executor.venues.bingx.margin import margin_mode as wire_margin_mode
from executor.venues.bingx.statuses import STATUSES
from executor.venues.event_fields import (
    FILL_EXECUTIONS,
    LIQUIDATION_EXECUTION,
    OrderOrigin,
    decimal,
    flag,
    millis,
    order_kind,
    position_side,
    price_or_none,
    side,
)

Locate = Callable[[str], Where]

ORDER_TRADE_UPDATE = "ORDER_TRADE_UPDATE"
TRADE_UPDATE = "TRADE_UPDATE"
ACCOUNT_UPDATE = "ACCOUNT_UPDATE"
ACCOUNT_CONFIG_UPDATE = "ACCOUNT_CONFIG_UPDATE"
LISTEN_KEY_EXPIRED = "listenKeyExpired"
PING = "Ping"
PONG = "Pong"

# BingX writes a trailing callback as a fraction (0.01 is 1 %); ours is in percent.
HUNDRED = Decimal(100)


# -- REST rows ------------------------------------------------------------------------------


def order_row(row: Mapping[str, Any], where: Where) -> OrderUpdate:
    """An order of `/openApi/swap/v2/trade/openOrders` (section 5.9); conditional ones too."""
    return OrderUpdate(
        where=where,
        order_id=str(row["orderId"]),
        client_order_id=str(row.get("clientOrderId") or ""),
        kind=order_kind(row.get("type")),
        side=side(row["side"]),
        position_side=position_side(row.get("positionSide")),
        status=order_status(row.get("status"), STATUSES),
        quantity=decimal(row.get("origQty")),
        filled=decimal(row.get("executedQty")),
        avg_price=price_or_none(row.get("avgPrice")),
        trigger_price=price_or_none(row.get("stopPrice")),
        reduce_only=flag(row.get("reduceOnly")),
        close_position=flag(row.get("closePosition")),
        time_ms=millis(row.get("updateTime") or row.get("time") or 0),
        # A trailing stop's row (docs-v3 "Current All Open Orders", section 5.9): `actPrice` the
        # activation price, `priceRate` its callback as a fraction ("" when sent as a distance).
        activation_price=price_or_none(row.get("actPrice")),
        callback_pct=decimal(row["priceRate"]) * HUNDRED if row.get("priceRate") else None,
    )


def origin_of(order: Mapping[str, Any]) -> OrderOrigin:
    """From a queried order: its client id, whether it was a liquidation, its profit."""
    client_order_id = str(order.get("clientOrderId") or "")
    return OrderOrigin(
        client_order_id,
        order_kind(order.get("type")) is OrderKind.LIQUIDATION,
        realized_pnl=decimal(order.get("profit")),
        executed=decimal(order.get("executedQty")),
    )


def fill_row(row: Mapping[str, Any], where: Where, origin: OrderOrigin) -> Fill:
    """A row of `fillHistory` (section 9.5): `tradeId` is the stream's `td`; `commission` is
    negative when paid. The row carries no profit: the order's, shared by quantity."""
    quantity = decimal(row.get("qty"))
    pnl = origin.realized_pnl * quantity / origin.executed if origin.executed else origin.realized_pnl
    return Fill(
        where=where,
        trade_id=str(row["tradeId"]),
        order_id=str(row["orderId"]),
        client_order_id=origin.client_order_id,
        side=side(row["side"]),
        position_side=position_side(row.get("positionSide")),
        quantity=quantity,
        price=decimal(row.get("price")),
        fee=-decimal(row.get("commission")),
        fee_asset=str(row.get("commissionAsset") or ""),
        realized_pnl=pnl,
        liquidation=origin.liquidation,
        time_ms=_filled_ms(row),
    )


def _filled_ms(row: Mapping[str, Any]) -> int:
    """`filledTime` in the venue's zone with milliseconds, else `filledTm` in UTC seconds."""
    for name, form in (("filledTime", "%Y-%m-%dT%H:%M:%S.%f%z"), ("filledTm", "%Y-%m-%dT%H:%M:%S%z")):
        text = str(row.get(name) or "").replace("Z", "+0000")
        try:
            return int(datetime.strptime(text, form).timestamp() * 1000)
        except ValueError:
            continue
    return 0


# -- stream frames --------------------------------------------------------------------------


def stream_events(
    frame: Mapping[str, Any], locate: Locate, venue: Venue, account: str, hedge: bool
) -> list[VenueEvent]:
    name = frame.get("e")
    if name == ORDER_TRADE_UPDATE:
        update = _order_update(frame, locate)
        fill = _fill(frame, update)
        return [update, fill] if fill is not None else [update]
    if name == TRADE_UPDATE:
        fill = _fill(frame, _order_update(frame, locate))
        return [fill] if fill is not None else []
    if name == ACCOUNT_UPDATE:
        return _positions(frame, locate, hedge)
    if name == ACCOUNT_CONFIG_UPDATE:
        return _config(frame, venue, account)
    return []


def _order_update(frame: Mapping[str, Any], locate: Locate) -> OrderUpdate:
    o: Mapping[str, Any] = frame["o"]
    return OrderUpdate(
        where=locate(str(o["s"])),
        order_id=str(o["i"]),  # an integer in the docs, a string in a real frame
        client_order_id=str(o.get("c") or ""),
        kind=order_kind(o.get("o")),
        side=side(o["S"]),
        position_side=position_side(o.get("ps")),
        status=order_status(o.get("X"), STATUSES),
        quantity=decimal(o.get("q")),
        filled=decimal(o.get("z")),
        avg_price=price_or_none(o.get("ap")),
        trigger_price=price_or_none(o.get("sp")),
        reduce_only=flag(o.get("ro")),
        close_position=False,
        time_ms=millis(o.get("T") or frame.get("E")),
    )


def _fill(frame: Mapping[str, Any], update: OrderUpdate) -> Fill | None:
    """The frame's trade, when it names one by its trade id."""
    o: Mapping[str, Any] = frame["o"]
    execution = str(o.get("x") or "")
    if execution not in FILL_EXECUTIONS or not millis(o.get("td") or 0):
        return None
    return Fill(
        where=update.where,
        trade_id=str(o["td"]),
        order_id=update.order_id,
        client_order_id=update.client_order_id,
        side=update.side,
        position_side=update.position_side,
        quantity=decimal(o.get("l")),
        price=decimal(o.get("L")),
        fee=-decimal(o.get("n")),  # the venue writes a paid fee negative
        fee_asset=str(o.get("N") or ""),
        realized_pnl=decimal(o.get("rp")),
        liquidation=execution == LIQUIDATION_EXECUTION or update.kind is OrderKind.LIQUIDATION,
        time_ms=millis(o.get("T") or frame.get("E")),
    )


def signed_quantity(side: PositionSide, amount: Decimal) -> Decimal:
    """A position's amount, negative for a short.

    LONG and SHORT come with a positive amount and the direction in the side; a one-way
    position may come back as BOTH with the direction in the amount's sign instead (negative
    for a short), so its sign is kept as sent (docs/venues/bingx.md 5.5: the REST docs say
    LONG/SHORT, the stream's field table LONG/SHORT/BOTH)."""
    if side is PositionSide.BOTH:
        return amount
    return -abs(amount) if side is PositionSide.SHORT else abs(amount)


def _positions(frame: Mapping[str, Any], locate: Locate, hedge: bool) -> list[VenueEvent]:
    """`ps` LONG/SHORT with a positive `pa`, or BOTH with a signed `pa`; one-way mode's
    position is our BOTH."""
    time_ms = millis(frame.get("E"))
    events: list[VenueEvent] = []
    for p in (frame.get("a") or {}).get("P") or []:
        direction = position_side(p.get("ps"))
        events.append(
            PositionUpdate(
                where=locate(str(p["s"])),
                position_side=direction if hedge else PositionSide.BOTH,
                quantity=signed_quantity(direction, decimal(p.get("pa"))),
                entry_price=decimal(p.get("ep")),
                time_ms=time_ms,
            )
        )
    return events


def _config(frame: Mapping[str, Any], venue: Venue, account: str) -> list[VenueEvent]:
    """`l` long and `S` short leverage, `mt` margin mode: one leverage when the two agree."""
    ac: Mapping[str, Any] | None = frame.get("ac")
    if not ac:
        return []
    long_leverage, short_leverage = ac.get("l"), ac.get("S", ac.get("l"))
    leverage = int(long_leverage) if long_leverage is not None and long_leverage == short_leverage else None
    return [
        AccountConfig(
            venue,
            account,
            str(ac["s"]),
            leverage=leverage,
            margin_mode=wire_margin_mode(ac.get("mt")),
            time_ms=millis(frame.get("E")),
        )
    ]
