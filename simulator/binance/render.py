"""The venue's JSON shapes: decimals as strings at the contract's precision, ids and times as integers."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from common.decimals import plain
from simulator.binance.brackets import max_notional
from simulator.binance.instruments import Filters, market_rules, venue_symbol
from simulator.day_stats import DayStats
from simulator.exchange import Exchange
from simulator.positions import direction, pnl
from simulator.records import Account, Instrument, Order, Position

# The venue spells a cancelled order with one L.
STATUS = {"NEW": "NEW", "FILLED": "FILLED", "CANCELLED": "CANCELED", "EXPIRED": "EXPIRED"}
_MONEY = Decimal("1e-8")
ASSET = "USDT"


def money(value: Decimal) -> str:
    return f"{value.quantize(_MONEY, rounding=ROUND_DOWN):f}"


def qty(inst: Instrument, value: Decimal) -> str:
    return f"{value:.{inst.qty_precision}f}"


def price(inst: Instrument, value: Decimal) -> str:
    return f"{value:.{inst.price_precision}f}"


def exchange_info(exchange: Exchange, filters: dict[str, Filters], now_ms: int) -> dict[str, Any]:
    return {
        "timezone": "UTC",
        "serverTime": now_ms,
        "futuresType": "U_MARGINED",
        "rateLimits": [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 2400},
            {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 300},
        ],
        "exchangeFilters": [],
        "assets": [{"asset": ASSET, "marginAvailable": True, "autoAssetExchange": "-10000"}],
        "symbols": [_symbol(inst, filters[inst.symbol]) for inst in exchange.instruments.values()],
    }


def day_ticker(inst: Instrument, day: DayStats) -> dict[str, Any]:
    """The 24-hour ticker; with no fill in the window, the trade ids are -1 and the count 0."""
    return {
        "symbol": venue_symbol(inst.symbol),
        "priceChange": price(inst, day.change),
        "priceChangePercent": f"{day.change_percent:.3f}",
        "weightedAvgPrice": price(inst, day.weighted_average),
        "lastPrice": price(inst, day.last),
        "lastQty": qty(inst, day.last_qty),
        "openPrice": price(inst, day.open),
        "highPrice": price(inst, day.high),
        "lowPrice": price(inst, day.low),
        "volume": qty(inst, day.volume),
        "quoteVolume": money(day.quote_volume),
        "openTime": day.open_ms,
        "closeTime": day.close_ms,
        "firstId": -1 if day.first_trade_id is None else day.first_trade_id,
        "lastId": -1 if day.last_trade_id is None else day.last_trade_id,
        "count": day.count,
    }


def _symbol(inst: Instrument, f: Filters) -> dict[str, Any]:
    market_step, market_min = market_rules(inst, f)
    return {
        "symbol": venue_symbol(inst.symbol),
        "pair": venue_symbol(inst.symbol),
        "contractType": "PERPETUAL",
        "deliveryDate": 4133404800000,
        "onboardDate": 1569398400000,
        "status": "TRADING",
        "maintMarginPercent": "2.5000",
        "requiredMarginPercent": "5.0000",
        "baseAsset": inst.base,
        "quoteAsset": inst.quote,
        "marginAsset": inst.quote,
        "pricePrecision": inst.price_precision,
        "quantityPrecision": inst.qty_precision,
        "baseAssetPrecision": 8,
        "quotePrecision": 8,
        "underlyingType": "COIN",
        "underlyingSubType": [],
        "settlePlan": 0,
        "triggerProtect": "0.0500",
        "liquidationFee": "0.012500",
        "marketTakeBound": "0.05",
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": plain(f.min_price),
                "maxPrice": plain(f.max_price),
                "tickSize": plain(inst.price_tick),
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": plain(inst.min_qty),
                "maxQty": plain(f.max_qty),
                "stepSize": plain(inst.qty_step),
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": plain(market_min),
                "maxQty": plain(f.market_max_qty),
                "stepSize": plain(market_step),
            },
            {"filterType": "MAX_NUM_ORDERS", "limit": f.max_open_orders},
            {"filterType": "MIN_NOTIONAL", "notional": plain(inst.min_notional)},
            {
                "filterType": "PERCENT_PRICE",
                "multiplierUp": "1.0500",
                "multiplierDown": "0.9500",
                "multiplierDecimal": "4",
            },
        ],
        "orderTypes": [
            "LIMIT",
            "MARKET",
            "STOP",
            "STOP_MARKET",
            "TAKE_PROFIT",
            "TAKE_PROFIT_MARKET",
            "TRAILING_STOP_MARKET",
        ],
        "timeInForce": ["GTC", "IOC", "FOK", "GTX", "GTD"],
    }


def order_json(
    inst: Instrument, order: Order, time_in_force: str, *, as_accepted: bool = False
) -> dict[str, Any]:
    """`as_accepted`: the ACK answer, which reports the order as it entered, before any fill."""
    executed = Decimal(0) if as_accepted else order.executed_qty
    avg = Decimal(0) if as_accepted else order.avg_price
    return {
        "orderId": order.order_id,
        "symbol": venue_symbol(order.symbol),
        "status": "NEW" if as_accepted else STATUS.get(order.status, order.status),
        "clientOrderId": order.client_order_id,
        "price": price(inst, order.price) if order.price is not None else "0",
        "avgPrice": price(inst, avg),
        "origQty": qty(inst, order.qty),
        "executedQty": qty(inst, executed),
        "cumQty": qty(inst, executed),
        "cumQuote": money(executed * avg),
        "timeInForce": time_in_force,
        "type": order.type,
        "origType": order.type,
        "reduceOnly": order.reduce_only,
        "closePosition": False,
        "side": order.side,
        "positionSide": order.position_side,
        "stopPrice": "0",
        "workingType": "CONTRACT_PRICE",
        "priceProtect": False,
        "priceMatch": "NONE",
        "selfTradePreventionMode": "NONE",
        "goodTillDate": 0,
        "time": order.time_ms,
        "updateTime": order.update_ms,
    }


def balance_rows(exchange: Exchange, account: Account, now_ms: int) -> list[dict[str, Any]]:
    unrealized = exchange.unrealized(account)
    available = exchange.available(account)
    usdt = {
        "accountAlias": _alias(account),
        "asset": ASSET,
        "balance": money(account.wallet),
        "crossWalletBalance": money(account.wallet),
        "crossUnPnl": money(unrealized),
        "availableBalance": money(available),
        "maxWithdrawAmount": money(max(available, Decimal(0))),
        "marginAvailable": True,
        "updateTime": now_ms,
    }
    # Other margin assets are listed too, empty: a reader must pick its asset, not the first row.
    empty = {
        **usdt,
        "asset": "USDC",
        "balance": money(Decimal(0)),
        "crossWalletBalance": money(Decimal(0)),
        "crossUnPnl": money(Decimal(0)),
        "availableBalance": money(Decimal(0)),
        "maxWithdrawAmount": money(Decimal(0)),
    }
    return [empty, usdt]


def _alias(account: Account) -> str:
    return "".join(c for c in account.api_key if c.isalpha())[:4] or "SgsR"


def sides(account: Account) -> tuple[str, ...]:
    return ("LONG", "SHORT") if account.hedge_mode else ("BOTH",)


def position_of(account: Account, symbol: str, side: str) -> Position:
    return account.positions.get((symbol, side)) or Position(symbol, side)


def signed_amount(pos: Position) -> Decimal:
    """The venue signs every amount: a SHORT row in hedge mode is negative too."""
    return -pos.qty if pos.side == "SHORT" else pos.qty


def _valuation(inst: Instrument, pos: Position) -> dict[str, Any]:
    """Amount, prices and profit: the fields every version of position risk lists in this order."""
    return {
        "positionAmt": qty(inst, signed_amount(pos)),
        "entryPrice": price(inst, pos.entry),
        "breakEvenPrice": price(inst, pos.entry),
        "markPrice": price(inst, inst.price),
        "unRealizedProfit": money(pnl(pos, inst.price)),
        "liquidationPrice": "0",
    }


def _isolated(exchange: Exchange, account: Account, inst: Instrument, pos: Position) -> dict[str, str]:
    """An isolated position's wallet (the margin it holds, as the stream's `iw`) and margin (that
    plus its profit); both zero in cross margin, where the venue reports no isolated wallet."""
    if not account.isolated.get(inst.symbol) or not pos.qty:
        return {"isolatedMargin": money(Decimal(0)), "isolatedWallet": "0"}
    wallet = abs(pos.qty) * pos.entry / exchange.leverage(account, inst.symbol, direction(pos))
    return {"isolatedMargin": money(wallet + pnl(pos, inst.price)), "isolatedWallet": money(wallet)}


def position_risk_v2(
    exchange: Exchange, account: Account, inst: Instrument, side: str, now_ms: int
) -> dict[str, Any]:
    pos = position_of(account, inst.symbol, side)
    amount = signed_amount(pos)
    isolated = _isolated(exchange, account, inst, pos)
    return {
        "symbol": venue_symbol(inst.symbol),
        **_valuation(inst, pos),
        "leverage": str(exchange.leverage(account, inst.symbol, "LONG")),
        "maxNotionalValue": str(max_notional(inst, exchange.leverage(account, inst.symbol, "LONG"))),
        "marginType": "isolated" if account.isolated.get(inst.symbol) else "cross",
        "isolatedMargin": isolated["isolatedMargin"],
        "isAutoAddMargin": "false",
        "positionSide": side,
        "notional": money(amount * inst.price),
        "isolatedWallet": isolated["isolatedWallet"],
        "updateTime": now_ms if pos.qty else 0,
    }


def position_risk_v3(
    exchange: Exchange, account: Account, inst: Instrument, side: str, now_ms: int
) -> dict[str, Any]:
    pos = position_of(account, inst.symbol, side)
    amount = signed_amount(pos)
    isolated = _isolated(exchange, account, inst, pos)
    leverage = exchange.leverage(account, inst.symbol, "LONG")
    margin = abs(amount) * inst.price / leverage
    return {
        "symbol": venue_symbol(inst.symbol),
        "positionSide": side,
        **_valuation(inst, pos),
        "isolatedMargin": isolated["isolatedMargin"],
        "notional": money(amount * inst.price),
        "marginAsset": inst.quote,
        "isolatedWallet": isolated["isolatedWallet"],
        "initialMargin": money(margin),
        "maintMargin": money(margin / 10),
        "positionInitialMargin": money(margin),
        "openOrderInitialMargin": "0",
        "adl": 0,
        "bidNotional": "0",
        "askNotional": "0",
        "updateTime": now_ms,
    }


def account_json(exchange: Exchange, account: Account, now_ms: int, *, version: int) -> dict[str, Any]:
    wallet = account.wallet
    unrealized = exchange.unrealized(account)
    used = exchange.used_margin(account)
    available = exchange.available(account)
    totals = {
        "totalInitialMargin": money(used),
        "totalMaintMargin": money(used / 10),
        "totalWalletBalance": money(wallet),
        "totalUnrealizedProfit": money(unrealized),
        "totalMarginBalance": money(wallet + unrealized),
        "totalPositionInitialMargin": money(used),
        "totalOpenOrderInitialMargin": "0.00000000",
        "totalCrossWalletBalance": money(wallet),
        "totalCrossUnPnl": money(unrealized),
        "availableBalance": money(available),
        "maxWithdrawAmount": money(max(available, Decimal(0))),
    }
    asset = {
        "asset": ASSET,
        "walletBalance": money(wallet),
        "unrealizedProfit": money(unrealized),
        "marginBalance": money(wallet + unrealized),
        "maintMargin": money(used / 10),
        "initialMargin": money(used),
        "positionInitialMargin": money(used),
        "openOrderInitialMargin": "0.00000000",
        "crossWalletBalance": money(wallet),
        "crossUnPnl": money(unrealized),
        "availableBalance": money(available),
        "maxWithdrawAmount": money(max(available, Decimal(0))),
        "updateTime": now_ms,
    }
    if version == 3:
        rows = [
            _v3_account_position(position_risk_v3(exchange, account, inst, side, now_ms))
            for inst in exchange.instruments.values()
            for side in sides(account)
            if position_of(account, inst.symbol, side).qty
        ]
        return {**totals, "assets": [asset], "positions": rows}
    positions = []
    for inst in exchange.instruments.values():
        for side in sides(account):
            risk = position_risk_v2(exchange, account, inst, side, now_ms)
            positions.append(
                {
                    "symbol": risk["symbol"],
                    "initialMargin": "0",
                    "maintMargin": "0",
                    "unrealizedProfit": risk["unRealizedProfit"],
                    "positionInitialMargin": "0",
                    "openOrderInitialMargin": "0",
                    "leverage": risk["leverage"],
                    "isolated": risk["marginType"] == "isolated",
                    "entryPrice": risk["entryPrice"],
                    "maxNotional": risk["maxNotionalValue"],
                    "bidNotional": "0",
                    "askNotional": "0",
                    "positionSide": side,
                    "positionAmt": risk["positionAmt"],
                    "updateTime": risk["updateTime"],
                }
            )
    return {
        "feeTier": 0,
        "feeBurn": False,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "updateTime": 0,
        "multiAssetsMargin": False,
        "tradeGroupId": -1,
        **totals,
        "assets": [{**asset, "marginAvailable": True}],
        "positions": positions,
    }


def _v3_account_position(risk: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "symbol",
        "positionSide",
        "positionAmt",
        "isolatedMargin",
        "notional",
        "isolatedWallet",
        "initialMargin",
        "maintMargin",
        "updateTime",
    )
    return {**{k: risk[k] for k in keep}, "unrealizedProfit": risk["unRealizedProfit"]}
