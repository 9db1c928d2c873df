"""The exchange's events in BingX's swap user-data stream words (docs/venues/bingx.md, "User-data
stream"): ORDER_TRADE_UPDATE for every order change, TRADE_UPDATE beside it for every fill (the
one that carries the trade id), ACCOUNT_UPDATE, ACCOUNT_CONFIG_UPDATE and listenKeyExpired.
Decimals travel as strings with eight places, order ids as bare integers above 2**53.

A conditional order is one order to the venue: its placement and cancellation are its own
order events, and when it fires, the order it places is reported under its id, client id and
type (the venue keeps one order, as its REST answers do).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from common.decimals import plain
from simulator.bingx import spelling
from simulator.bingx.conditional import Conditional, ConditionalBook
from simulator.events import (
    AccountUpdate,
    ConfigUpdate,
    Event,
    Execution,
    OrderUpdate,
    PositionState,
    TriggerChange,
    TriggerUpdate,
)
from simulator.exchange import Exchange
from simulator.records import Account, Order
from simulator.streams.hub import Frame

EXECUTION = {
    Execution.NEW: "NEW",
    Execution.TRADE: "TRADE",
    Execution.CANCELED: "CANCELED",
    Execution.EXPIRED: "EXPIRED",
    Execution.LIQUIDATION: "CALCULATED",  # "order ADL or liquidation"
}
# The stream spells a cancelled order with one L, unlike the swap REST answers.
STATUS = {"NEW": "NEW", "FILLED": "FILLED", "CANCELLED": "CANCELED", "EXPIRED": "EXPIRED"}
ORDER_TRADE_UPDATE = "ORDER_TRADE_UPDATE"
TRADE_UPDATE = "TRADE_UPDATE"
ACCOUNT_UPDATE = "ACCOUNT_UPDATE"
ACCOUNT_CONFIG_UPDATE = "ACCOUNT_CONFIG_UPDATE"
LISTEN_KEY_EXPIRED = "listenKeyExpired"


def eight(value: Decimal) -> str:
    return f"{value:.8f}"


@dataclass(frozen=True)
class Identity:
    """The order as the venue names it: itself, or the conditional order that placed it."""

    order_id: int
    client_order_id: str
    type: str
    stop_price: Decimal


def identity(book: ConditionalBook, order: Order) -> Identity:
    conditional = book.fired_by(order.order_id)
    if conditional is None:
        return Identity(order.order_id, order.client_order_id, order.type, Decimal(0))
    return Identity(
        conditional.order_id, conditional.client_order_id, conditional.order_type, conditional.stop_price
    )


def frames(exchange: Exchange, book: ConditionalBook, event: Event) -> list[Frame]:
    if isinstance(event, OrderUpdate):
        return _order_frames(book, event, exchange.margin_asset)
    if isinstance(event, AccountUpdate):
        return [Frame(ACCOUNT_UPDATE, account_update(exchange, event))]
    if isinstance(event, ConfigUpdate):
        return [
            config_frame(
                exchange,
                event.symbol,
                event.long_leverage,
                event.short_leverage,
                event.isolated,
                event.time_ms,
            )
        ]
    if isinstance(event, TriggerUpdate) and isinstance(event.trigger, Conditional):
        return _conditional_frames(event, event.trigger, exchange.margin_asset)
    return []


def _order_frames(book: ConditionalBook, event: OrderUpdate, asset: str) -> list[Frame]:
    named = identity(book, event.order)
    if event.execution is Execution.NEW and named.order_id != event.order.order_id:
        return []  # the conditional order announced itself when it was placed
    body = order_fields(event, named, asset)
    out = [Frame(ORDER_TRADE_UPDATE, {"e": ORDER_TRADE_UPDATE, "E": event.time_ms, "o": body})]
    fill = event.fill
    if fill is not None:
        trade = {
            **body,
            "sg": "false",
            "ti": 0,
            "ro": event.order.reduce_only,
            "td": fill.trade_id,
            "tv": plain(fill.qty * fill.price),
        }
        out.append(
            Frame(TRADE_UPDATE, {"e": TRADE_UPDATE, "E": event.time_ms, "T": fill.time_ms, "o": trade})
        )
    return out


def order_fields(event: OrderUpdate, named: Identity, asset: str) -> dict[str, Any]:
    """`asset`: the fee's (`N`), the account's margin asset: VST on a demo account, as REST says."""
    order, fill = event.order, event.fill
    return {
        "s": order.symbol,
        "c": named.client_order_id,
        "i": named.order_id,
        "S": order.side,
        "o": named.type,
        "q": eight(order.qty),
        "p": eight(order.price if order.price is not None else Decimal(0)),
        "sp": eight(named.stop_price),
        "ap": eight(order.avg_price),
        "x": EXECUTION[event.execution],
        "X": STATUS.get(order.status, order.status),
        "N": asset,
        "n": eight(-fill.fee) if fill is not None else eight(Decimal(0)),
        "T": fill.time_ms if fill is not None else order.update_ms,
        "wt": "MARK_PRICE",
        "ps": order.position_side,
        "rp": eight(fill.realized_pnl) if fill is not None else eight(Decimal(0)),
        "z": eight(order.executed_qty),
        "l": eight(fill.qty) if fill is not None else eight(Decimal(0)),
        "L": eight(fill.price) if fill is not None else eight(Decimal(0)),
    }


def _conditional_frames(event: TriggerUpdate, conditional: Conditional, asset: str) -> list[Frame]:
    """Its own placement and end; firing is told by the order it places, under its name."""
    words = {
        TriggerChange.PLACED: ("NEW", "NEW"),
        TriggerChange.CANCELED: ("CANCELED", "CANCELED"),
        TriggerChange.REFUSED: ("CANCELED", "CANCELED"),  # the venue cancels what cannot fire
    }.get(event.change)
    if words is None:
        return []
    body = {
        "s": conditional.symbol,
        "c": conditional.client_order_id,
        "i": conditional.order_id,
        "S": conditional.side,
        "o": conditional.order_type,
        "q": eight(conditional.quantity or Decimal(0)),
        "p": eight(conditional.price or Decimal(0)),
        "sp": eight(conditional.stop_price),
        "ap": eight(Decimal(0)),
        "x": words[0],
        "X": words[1],
        "N": asset,
        "n": eight(Decimal(0)),
        "T": event.time_ms,
        "wt": conditional.working_type,
        "ps": conditional.position_side,
        "rp": eight(Decimal(0)),
        "z": eight(Decimal(0)),
        "l": eight(Decimal(0)),
        "L": eight(Decimal(0)),
    }
    return [Frame(ORDER_TRADE_UPDATE, {"e": ORDER_TRADE_UPDATE, "E": event.time_ms, "o": body})]


def account_update(exchange: Exchange, event: AccountUpdate) -> dict[str, Any]:
    return {
        "e": ACCOUNT_UPDATE,
        "E": event.time_ms,
        "T": event.time_ms,
        "a": {
            "m": "ORDER",
            "B": [{"a": event.asset, "wb": eight(event.wallet), "cw": eight(event.wallet), "bc": "0"}],
            "P": [_position(exchange, p) for p in event.positions],
        },
    }


def _position(exchange: Exchange, pos: PositionState) -> dict[str, Any]:
    return {
        "s": pos.symbol,
        # The amount is positive and the direction in ps, unless a one-way position is spelled BOTH.
        "pa": eight(spelling.amount(exchange, pos.side, pos.qty)),
        "ep": eight(pos.entry),
        "up": eight(pos.unrealized),
        "mt": spelling.stream_margin_word(exchange, pos.isolated),
        "iw": eight(pos.margin),
        "ps": spelling.position_side(exchange, pos.side, pos.direction),
        "cr": eight(pos.realized - pos.fees),  # the venue's example books the fee in it
    }


def config_frame(
    exchange: Exchange, symbol: str, long_leverage: int, short_leverage: int, isolated: bool, time_ms: int
) -> Frame:
    body = {
        "e": ACCOUNT_CONFIG_UPDATE,
        "E": time_ms,
        "ac": {
            "s": symbol,
            "l": long_leverage,
            "S": short_leverage,
            "mt": spelling.stream_margin_word(exchange, isolated),
        },
    }
    return Frame(ACCOUNT_CONFIG_UPDATE, body)


def settings_snapshot(exchange: Exchange, account: Account, time_ms: int) -> list[Frame]:
    """Every contract's settings, as the venue pushes them on connect and every 5 seconds."""
    return [
        config_frame(
            exchange,
            symbol,
            exchange.leverage(account, symbol, "LONG"),
            exchange.leverage(account, symbol, "SHORT"),
            account.isolated.get(symbol, False),
            time_ms,
        )
        for symbol in exchange.instruments
    ]


def listen_key_expired(listen_key: str, now_ms: int) -> Frame:
    return Frame(LISTEN_KEY_EXPIRED, {"e": LISTEN_KEY_EXPIRED, "E": now_ms, "listenKey": listen_key})
