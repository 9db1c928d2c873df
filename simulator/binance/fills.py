"""`GET /fapi/v1/userTrades`: the account's fills on one symbol, with the trade ids the user-data
stream carries, so a client can reconcile what it missed.

As documented: `symbol` is required; `orderId` narrows to one order; `fromId` lists from that
trade id up and cannot be combined with a time range; without either the last 7 days are
searched and a range may span 7 days at most; `limit` defaults to 500, at most 1000, and the
most recent trades of the range are kept. Rows are oldest first.
"""

from __future__ import annotations

from typing import Any

from common.decimals import plain
from simulator.binance import codes, render
from simulator.binance.codes import BinanceError
from simulator.binance.instruments import venue_symbol
from simulator.binance.orders import instrument_for
from simulator.exchange import Exchange
from simulator.records import Account, Fill, Instrument
from simulator.routes import Routes
from simulator.venue import Clock

WEEK_MS = 7 * 24 * 3600 * 1000
DEFAULT_LIMIT = 500
MAX_LIMIT = 1000


def register(route: Routes, exchange: Exchange, clock: Clock) -> None:
    @route("GET", "/fapi/v1/userTrades", signed=True, weight=5)
    async def user_trades(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        inst = instrument_for(exchange, params)
        limit = _number(params, "limit") or DEFAULT_LIMIT
        if not 1 <= limit <= MAX_LIMIT:
            raise codes.illegal("limit", f"1-{MAX_LIMIT}")
        with exchange.lock:
            fills = [f for f in account.fills if f.symbol == inst.symbol]
            order_id = _number(params, "orderId")
            if order_id is not None:
                fills = [f for f in fills if f.order_id == order_id]
            return [_row(inst, f) for f in _window(fills, params, limit, clock())]


def _window(fills: list[Fill], params: dict[str, str], limit: int, now_ms: int) -> list[Fill]:
    from_id = _number(params, "fromId")
    start, end = _number(params, "startTime"), _number(params, "endTime")
    if from_id is not None:
        if start is not None or end is not None:
            raise BinanceError(codes.BAD_PARAM_COMBO)
        return [f for f in fills if f.trade_id >= from_id][:limit]
    if end is None:
        end = start + WEEK_MS if start is not None else now_ms
    if start is None:
        start = end - WEEK_MS
    if end - start > WEEK_MS:
        raise BinanceError(codes.LOOKUP_INTERVAL)
    return [f for f in fills if start <= f.time_ms <= end][-limit:]


def _number(params: dict[str, str], name: str) -> int | None:
    text = params.get(name)
    if not text:
        return None
    if not text.isdigit():
        raise codes.illegal(name, "^[0-9]{1,20}$")
    return int(text)


def _row(inst: Instrument, fill: Fill) -> dict[str, Any]:
    return {
        "buyer": fill.side == "BUY",
        "commission": render.money(fill.fee),
        "commissionAsset": fill.fee_asset,
        "id": fill.trade_id,
        "maker": fill.maker,
        "orderId": fill.order_id,
        "price": render.price(inst, fill.price),
        "qty": render.qty(inst, fill.qty),
        "quoteQty": plain(fill.qty * fill.price),
        "realizedPnl": render.money(fill.realized_pnl),
        "side": fill.side,
        "positionSide": fill.position_side,
        "symbol": venue_symbol(fill.symbol),
        "time": fill.time_ms,
    }
