"""Position arithmetic: which way a position or order points, what an order may close, what a
fill does to the position and the wallet, and what a position is worth at a price.

One-way positions (BOTH) carry a signed quantity; hedge-mode LONG and SHORT positions carry a
non-negative one each.
"""

from __future__ import annotations

import time
from decimal import Decimal

from simulator.records import Account, Order, Position


def closes(position_side: str, side: str) -> bool:
    """In hedge mode, selling LONG or buying SHORT closes."""
    return (position_side == "LONG" and side == "SELL") or (position_side == "SHORT" and side == "BUY")


def direction(pos: Position) -> str:
    if pos.side == "BOTH":
        return "LONG" if pos.qty > 0 else "SHORT"
    return pos.side


def order_direction(order: Order) -> str:
    if order.position_side in ("LONG", "SHORT"):
        return order.position_side
    return "LONG" if order.side == "BUY" else "SHORT"


def pnl(pos: Position, price: Decimal) -> Decimal:
    if pos.qty == 0:
        return Decimal(0)
    signed = pos.qty if pos.side == "BOTH" else (pos.qty if pos.side == "LONG" else -pos.qty)
    return (price - pos.entry) * signed


def closable(account: Account, symbol: str, position_side: str, side: str) -> Decimal:
    """What an order on this side may take off the position (0 when it would not reduce it)."""
    pos = account.positions.get((symbol, position_side))
    if pos is None:
        return Decimal(0)
    if position_side == "BOTH":
        # Reduce-only in one-way mode only counts against the opposite side.
        if (side == "SELL" and pos.qty > 0) or (side == "BUY" and pos.qty < 0):
            return abs(pos.qty)
        return Decimal(0)
    return pos.qty


def fill(account: Account, order: Order, price: Decimal, fee_rate: Decimal) -> tuple[Decimal, Decimal]:
    """Fill the whole order at `price`: move its position, book realized profit less the fee.
    Returns (realized profit before the fee, fee)."""
    pos = account.positions.setdefault(
        (order.symbol, order.position_side), Position(order.symbol, order.position_side)
    )
    if order.position_side == "BOTH":
        realized = _fill_one_way(pos, order, price)
    else:
        realized = _fill_hedged(pos, order, price)
    fee = order.qty * price * fee_rate
    account.wallet += realized - fee
    pos.realized += realized
    pos.fees += fee
    order.status = "FILLED"
    order.avg_price = price
    order.executed_qty = order.qty
    order.realized_pnl = realized
    order.fee = fee
    order.update_ms = int(time.time() * 1000)
    return realized, fee


def _fill_one_way(pos: Position, order: Order, price: Decimal) -> Decimal:
    signed = order.qty if order.side == "BUY" else -order.qty
    if pos.qty == 0 or (pos.qty > 0) == (signed > 0):
        pos.entry = (abs(pos.qty) * pos.entry + order.qty * price) / (abs(pos.qty) + order.qty)
        pos.qty += signed
        return Decimal(0)
    closed = min(abs(pos.qty), order.qty)
    realized = (price - pos.entry) * closed * (1 if pos.qty > 0 else -1)
    pos.qty += signed
    if pos.qty != 0 and (pos.qty > 0) == (signed > 0):
        pos.entry = price  # flipped through zero: the rest opens at the fill
    elif pos.qty == 0:
        pos.entry = Decimal(0)
    return realized


def _fill_hedged(pos: Position, order: Order, price: Decimal) -> Decimal:
    opening = order_direction(order) == order.position_side and not closes(order.position_side, order.side)
    if opening:
        pos.entry = (pos.qty * pos.entry + order.qty * price) / (pos.qty + order.qty)
        pos.qty += order.qty
        return Decimal(0)
    closed = min(pos.qty, order.qty)
    realized = (price - pos.entry) * closed * (1 if order.position_side == "LONG" else -1)
    pos.qty -= closed
    if pos.qty == 0:
        pos.entry = Decimal(0)
    return realized
