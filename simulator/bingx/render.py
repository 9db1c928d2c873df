"""The venue's JSON shapes: quantities and prices as plain decimal strings, money at four places,
symbols spelled `BTC-USDT`, and order ids as bare integers above 2**53, as the venue sends them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from common.decimals import plain
from simulator.bingx import spelling
from simulator.day_stats import DayStats
from simulator.exchange import Exchange
from simulator.positions import direction, pnl
from simulator.records import Account, Instrument, Order, Position

# Swap REST spells resting orders PENDING and cancelled ones with two Ls.
STATUS = {"NEW": "PENDING", "FILLED": "FILLED", "CANCELLED": "CANCELLED"}


def fixed4(value: Decimal) -> str:
    return f"{value:.4f}"


def price(inst: Instrument) -> str:
    return f"{inst.price:.{inst.price_precision}f}"


def contract(exchange: Exchange, n: int, inst: Instrument) -> dict[str, Any]:
    return {
        "contractId": str(100 + n),
        "symbol": inst.symbol,
        "size": "0",
        "quantityPrecision": inst.qty_precision,
        "pricePrecision": inst.price_precision,
        "feeRate": float(exchange.taker_fee),
        "makerFeeRate": float(exchange.maker_fee),
        "takerFeeRate": float(exchange.taker_fee),
        "tradeMinLimit": 0,
        "tradeMinQuantity": float(inst.min_qty),
        "tradeMinUSDT": float(inst.min_notional),
        "maxLongLeverage": inst.max_leverage,
        "maxShortLeverage": inst.max_leverage,
        "currency": inst.quote,
        "asset": inst.base,
        "status": 1,
        "apiStateOpen": "true",
        "apiStateClose": "true",
        "brokerState": "true",
        "launchTime": 1586275200000,
        "maintainTime": 0,
        "offTime": 0,
    }


def ticker(inst: Instrument, day: DayStats) -> dict[str, Any]:
    """The 24-hour ticker. The simulator keeps no book: its one price is both best bid and best
    ask, with no resting quantity quoted."""
    at = f"{{:.{inst.price_precision}f}}".format
    return {
        "symbol": inst.symbol,
        "priceChange": at(day.change),
        "priceChangePercent": f"{day.change_percent:.2f}",
        "lastPrice": at(day.last),
        "lastQty": plain(day.last_qty),
        "highPrice": at(day.high),
        "lowPrice": at(day.low),
        "volume": plain(day.volume),
        "quoteVolume": fixed4(day.quote_volume),
        "openPrice": at(day.open),
        "openTime": day.open_ms,
        "closeTime": day.close_ms,
        "bidPrice": at(day.last),
        "bidQty": "0",
        "askPrice": at(day.last),
        "askQty": "0",
    }


def balance(exchange: Exchange, account: Account) -> dict[str, str]:
    unrealized = exchange.unrealized(account)
    return {
        "userId": str(abs(hash(account.api_key)) % 10**9),
        "asset": exchange.margin_asset,
        "balance": fixed4(account.wallet),
        "equity": fixed4(account.wallet + unrealized),
        "unrealizedProfit": fixed4(unrealized),
        "realisedProfit": "0.0000",
        "availableMargin": fixed4(exchange.available(account)),
        "usedMargin": fixed4(exchange.used_margin(account)),
        "freezedMargin": "0.0000",
    }


def position(exchange: Exchange, account: Account, pos: Position, now_ms: int) -> dict[str, Any]:
    inst = exchange.instrument(pos.symbol)
    side = direction(pos)
    leverage = exchange.leverage(account, pos.symbol, side)
    margin = abs(pos.qty) * pos.entry / leverage
    return {
        "positionId": str(abs(hash((account.api_key, pos.symbol, pos.side))) % 10**19),
        "symbol": pos.symbol,
        "currency": exchange.margin_asset,  # VST on a demo account
        # The amount is positive and the direction in positionSide, unless spelled BOTH.
        "positionAmt": plain(spelling.amount(exchange, pos.side, pos.qty)),
        "availableAmt": plain(abs(pos.qty)),
        "positionSide": spelling.position_side(exchange, pos.side, side),
        "isolated": account.isolated.get(pos.symbol, False),
        "avgPrice": plain(pos.entry),
        "initialMargin": fixed4(margin),
        "margin": fixed4(margin),
        "leverage": leverage,
        "unrealizedProfit": fixed4(pnl(pos, inst.price)),
        "realisedProfit": "0.0000",
        "markPrice": price(inst),
        "positionValue": fixed4(abs(pos.qty) * inst.price),
        "updateTime": now_ms,
    }


def order_json(order: Order) -> dict[str, Any]:
    return {
        "symbol": order.symbol,
        "orderId": order.order_id,  # a bare integer above 2**53, as the venue sends it
        "orderID": str(order.order_id),
        "side": order.side,
        "positionSide": order.position_side,
        "type": order.type,
        "origQty": plain(order.qty),
        "price": plain(order.price) if order.price is not None else "0",
        "executedQty": plain(order.executed_qty),
        "avgPrice": f"{order.avg_price:.4f}",
        "cumQuote": plain(order.executed_qty * order.avg_price),
        "stopPrice": "",
        "profit": fixed4(order.realized_pnl),
        "commission": f"{-order.fee:.6f}",
        "status": STATUS.get(order.status, order.status),
        "time": order.time_ms,
        "updateTime": order.update_ms,
        "clientOrderId": order.client_order_id,
        "reduceOnly": order.reduce_only,
        "workingType": "MARK_PRICE",
        "stopGuaranteed": False,
    }
