"""The account's fills by REST, with the trade ids the user-data stream carries (`td`), so a
client can reconcile what it missed.

`GET /openApi/swap/v2/trade/fillHistory` is the one with trade ids: oldest first; `startTs <
filled <= endTs`; only `endTs` means the 7 days before it; only `startTs` returns nothing, as
documented; neither means the last 7 days; `lastFillId` lists the trades after that id;
`orderId` narrows to one order; pages of `pageSize` (default 50, at most 1000) from
`pageIndex` 1. `GET /openApi/swap/v2/trade/allFillOrders` is the older list, without trade ids.
A fill of an order a conditional order placed is listed under the conditional order's id.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from common.decimals import plain
from simulator.bingx import codes
from simulator.bingx.conditional import ConditionalBook
from simulator.bingx.orders import as_int
from simulator.exchange import Exchange
from simulator.records import Account, Fill
from simulator.routes import Routes
from simulator.venue import Clock

WEEK_MS = 7 * 24 * 3600 * 1000
DEFAULT_PAGE = 50
MAX_PAGE = 1000
# The venue writes `filledTime` in its own zone, UTC+8.
VENUE_ZONE = timezone(timedelta(hours=8))


def register(route: Routes, exchange: Exchange, book: ConditionalBook, clock: Clock) -> None:
    def order_id_of(fill: Fill) -> int:
        conditional = book.fired_by(fill.order_id)
        return conditional.order_id if conditional is not None else fill.order_id

    def matching(account: Account, params: dict[str, str]) -> list[Fill]:
        fills = list(account.fills)
        if params.get("symbol"):
            fills = [f for f in fills if f.symbol == params["symbol"]]
        if params.get("orderId"):
            wanted = as_int(params, "orderId")
            fills = [f for f in fills if order_id_of(f) == wanted]
        return fills

    @route("GET", "/openApi/swap/v2/trade/fillHistory", signed=True)
    async def fill_history(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        size = as_int(params, "pageSize") if params.get("pageSize") else DEFAULT_PAGE
        index = as_int(params, "pageIndex") if params.get("pageIndex") else 1
        if not 1 <= size <= MAX_PAGE or index < 1:
            raise codes.invalid("Invalid parameters,pageSize: 1-1000, pageIndex: from 1.")
        with exchange.lock:
            fills = _in_window(matching(account, params), params, clock())
            if params.get("lastFillId"):
                after = as_int(params, "lastFillId")
                fills = [f for f in fills if f.trade_id > after]
            page = fills[(index - 1) * size : index * size]
            return {
                "fill_history_orders": [_history_row(f, order_id_of(f)) for f in page],
                "total": len(fills),
            }

    @route("GET", "/openApi/swap/v2/trade/allFillOrders", signed=True)
    async def all_fill_orders(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        for name in ("tradingUnit", "startTs", "endTs"):
            if not params.get(name):
                raise codes.required(name)
        with exchange.lock:
            fills = _in_window(matching(account, params), params, clock())
            return {"fill_orders": [_fill_order_row(f, order_id_of(f)) for f in fills]}


def _in_window(fills: list[Fill], params: dict[str, str], now_ms: int) -> list[Fill]:
    start = as_int(params, "startTs") if params.get("startTs") else None
    end = as_int(params, "endTs") if params.get("endTs") else None
    if end is None:
        if start is not None:
            return []  # as documented: a start alone returns nothing
        end = now_ms
    if start is None:
        start = end - WEEK_MS
    return [f for f in fills if start < f.time_ms <= end]


def _times(fill: Fill) -> tuple[str, str]:
    moment = datetime.fromtimestamp(fill.time_ms / 1000, UTC)
    venue_time = moment.astimezone(VENUE_ZONE)
    return (
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        venue_time.strftime("%Y-%m-%dT%H:%M:%S.") + f"{fill.time_ms % 1000:03d}" + venue_time.strftime("%z"),
    )


def _history_row(fill: Fill, order_id: int) -> dict[str, Any]:
    filled_tm, filled_time = _times(fill)
    return {
        "filledTm": filled_tm,
        "volume": plain(fill.qty),
        "price": plain(fill.price),
        "qty": plain(fill.qty),
        "quoteQty": plain(fill.qty * fill.price),
        "commission": plain(-fill.fee),
        "commissionAsset": fill.fee_asset,
        "orderId": str(order_id),
        "tradeId": str(fill.trade_id),
        "filledTime": filled_time,
        "symbol": fill.symbol,
        "role": "maker" if fill.maker else "taker",
        "side": fill.side.lower(),
        "positionSide": fill.position_side.lower(),
    }


def _fill_order_row(fill: Fill, order_id: int) -> dict[str, Any]:
    filled_tm, filled_time = _times(fill)
    return {
        "filledTm": filled_tm,
        "volume": plain(fill.qty),
        "price": plain(fill.price),
        "amount": plain(fill.qty * fill.price),
        "commission": plain(-fill.fee),
        "currency": fill.fee_asset,
        "orderId": str(order_id),
        "liquidatedPrice": "",
        "liquidatedMarginRatio": "",
        "filledTime": filled_time,
        "clientOrderId": fill.client_order_id,
        "symbol": fill.symbol,
    }
