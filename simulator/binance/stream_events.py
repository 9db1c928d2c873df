"""The exchange's events in Binance's user-data stream words (docs/venues/binance.md, "User-data
stream"): ORDER_TRADE_UPDATE, ACCOUNT_UPDATE, ACCOUNT_CONFIG_UPDATE, ALGO_UPDATE and
listenKeyExpired. Decimals travel as strings at the contract's precision, ids and times as
integers, as on the venue.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.binance.algo import AlgoOrder
from simulator.binance.instruments import venue_symbol
from simulator.binance.render import STATUS, money, price, qty
from simulator.events import (
    AccountUpdate,
    ConfigChange,
    ConfigUpdate,
    Event,
    Execution,
    Expiry,
    OrderUpdate,
    PositionState,
    TriggerChange,
    TriggerUpdate,
)
from simulator.exchange import Exchange
from simulator.streams.hub import Frame

EXECUTION = {
    Execution.NEW: "NEW",
    Execution.TRADE: "TRADE",
    Execution.CANCELED: "CANCELED",
    Execution.EXPIRED: "EXPIRED",
    Execution.LIQUIDATION: "CALCULATED",  # "Liquidation Execution"
}
# The order event's `er`: why the venue expired it. FOK's 10 is COIN-M's documented number.
EXPIRY_REASON = {Expiry.NONE: "0", Expiry.IOC: "2", Expiry.LIQUIDATION: "5", Expiry.FOK: "10"}
ALGO_STATUS = {
    TriggerChange.PLACED: "NEW",
    TriggerChange.CANCELED: "CANCELED",
    TriggerChange.TRIGGERING: "TRIGGERING",
    TriggerChange.TRIGGERED: "TRIGGERED",
    TriggerChange.FINISHED: "FINISHED",
    TriggerChange.REFUSED: "REJECTED",
}
ORDER_TRADE_UPDATE = "ORDER_TRADE_UPDATE"
ACCOUNT_UPDATE = "ACCOUNT_UPDATE"
ACCOUNT_CONFIG_UPDATE = "ACCOUNT_CONFIG_UPDATE"
ALGO_UPDATE = "ALGO_UPDATE"
LISTEN_KEY_EXPIRED = "listenKeyExpired"


def frames(exchange: Exchange, event: Event) -> list[Frame]:
    if isinstance(event, OrderUpdate):
        return [Frame(ORDER_TRADE_UPDATE, order_trade_update(exchange, event))]
    if isinstance(event, AccountUpdate):
        body = _account(exchange, "ORDER", event.asset, event.wallet, event.positions, event.time_ms)
        return [Frame(ACCOUNT_UPDATE, body)]
    if isinstance(event, ConfigUpdate):
        return [_config(exchange, event)]
    if isinstance(event, TriggerUpdate) and isinstance(event.trigger, AlgoOrder):
        return [Frame(ALGO_UPDATE, algo_update(exchange, event, event.trigger))]
    return []


def order_trade_update(exchange: Exchange, event: OrderUpdate) -> dict[str, Any]:
    order, fill = event.order, event.fill
    inst = exchange.instrument(order.symbol)
    when = fill.time_ms if fill is not None else order.update_ms
    return {
        "e": ORDER_TRADE_UPDATE,
        "T": when,
        "E": event.time_ms,
        "o": {
            "s": venue_symbol(order.symbol),
            "c": order.client_order_id,
            "S": order.side,
            "o": order.type,
            "f": order.time_in_force,
            "q": qty(inst, order.qty),
            "p": price(inst, order.price) if order.price is not None else "0",
            "ap": price(inst, order.avg_price) if order.executed_qty else "0",
            "sp": "0",
            "x": EXECUTION[event.execution],
            "X": STATUS.get(order.status, order.status),
            "i": order.order_id,
            "l": qty(inst, fill.qty) if fill is not None else "0",
            "z": qty(inst, order.executed_qty) if order.executed_qty else "0",
            "L": price(inst, fill.price) if fill is not None else "0",
            "n": money(fill.fee) if fill is not None else "0",
            "N": inst.quote,
            "T": when,
            "t": fill.trade_id if fill is not None else 0,
            "b": "0",
            "a": "0",
            "m": fill.maker if fill is not None else False,
            "R": order.reduce_only,
            "wt": "CONTRACT_PRICE",
            "ot": order.type,
            "ps": order.position_side,
            "cp": False,
            "rp": money(fill.realized_pnl) if fill is not None else "0",
            "pP": False,
            "si": 0,
            "ss": 0,
            "V": "NONE",
            "pm": "NONE",
            "gtd": 0,
            "er": EXPIRY_REASON[event.expiry],
        },
    }


def _account(
    exchange: Exchange,
    reason: str,
    asset: str,
    wallet: Decimal,
    positions: tuple[PositionState, ...],
    when: int,
) -> dict[str, Any]:
    return {
        "e": ACCOUNT_UPDATE,
        "T": when,
        "E": when,
        "a": {
            "m": reason,
            "B": [{"a": asset, "wb": money(wallet), "cw": money(wallet), "bc": "0"}],
            "P": [_position(exchange, p) for p in positions],
        },
    }


def _position(exchange: Exchange, pos: PositionState) -> dict[str, Any]:
    inst = exchange.instrument(pos.symbol)
    amount = -pos.qty if pos.side == "SHORT" else pos.qty  # a SHORT row is negative too
    return {
        "s": venue_symbol(pos.symbol),
        "pa": qty(inst, amount),
        "ep": price(inst, pos.entry),
        "bep": price(inst, pos.entry),
        "cr": money(pos.realized),
        "up": money(pos.unrealized),
        "mt": "isolated" if pos.isolated else "cross",
        "iw": money(pos.margin) if pos.isolated else "0",
        "ps": pos.side,
    }


def _config(exchange: Exchange, event: ConfigUpdate) -> Frame:
    if event.change is ConfigChange.LEVERAGE:
        body = {
            "e": ACCOUNT_CONFIG_UPDATE,
            "E": event.time_ms,
            "T": event.time_ms,
            "ac": {"s": venue_symbol(event.symbol), "l": event.long_leverage},
        }
        return Frame(ACCOUNT_CONFIG_UPDATE, body)
    # A margin type change is an account update: the (flat) positions of that symbol, re-typed.
    account = exchange.accounts[event.api_key]
    sides = ("LONG", "SHORT") if account.hedge_mode else ("BOTH",)
    flat = tuple(
        PositionState(
            event.symbol, side, "LONG", Decimal(0), Decimal(0), Decimal(0), Decimal(0), event.isolated
        )
        for side in sides
    )
    return Frame(
        ACCOUNT_UPDATE,
        _account(exchange, "MARGIN_TYPE_CHANGE", event.asset, event.wallet, flat, event.time_ms),
    )


def algo_update(exchange: Exchange, event: TriggerUpdate, algo: AlgoOrder) -> dict[str, Any]:
    inst = exchange.instrument(algo.symbol)
    actual = algo.actual
    return {
        "e": ALGO_UPDATE,
        "T": event.time_ms,
        "E": event.time_ms,
        "o": {
            "caid": algo.client_algo_id,
            "aid": algo.algo_id,
            "at": "CONDITIONAL",
            "o": algo.order_type,
            "s": venue_symbol(algo.symbol),
            "S": algo.side,
            "ps": algo.position_side,
            "f": algo.time_in_force,
            "q": qty(inst, algo.quantity) if algo.quantity is not None else "0",
            "X": ALGO_STATUS[event.change],
            "ai": str(actual.order_id) if actual is not None else "",
            "ap": price(inst, actual.avg_price) if actual is not None else "0",
            "aq": qty(inst, actual.executed_qty) if actual is not None else "0",
            "act": actual.type if actual is not None else "0",
            "tp": price(inst, algo.trigger_price) if algo.trigger_price is not None else "0",
            "p": price(inst, algo.price) if algo.price is not None else "0",
            "V": "NONE",
            "wt": algo.working_type,
            "pm": "NONE",
            "cp": algo.close_position,
            "pP": algo.price_protect,
            "R": algo.reduce_only,
            "tt": algo.trigger_ms,
            "gtd": 0,
            "rm": event.reason,
        },
    }


def listen_key_expired(listen_key: str, now_ms: int) -> Frame:
    # The event time arrives as a string on USDⓈ-M, as observed (docs/venues/binance.md).
    return Frame(LISTEN_KEY_EXPIRED, {"e": LISTEN_KEY_EXPIRED, "E": str(now_ms), "listenKey": listen_key})
