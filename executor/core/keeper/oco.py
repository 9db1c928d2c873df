"""One-cancels-other: the protective orders a position side no longer has, and cancelling them.

A take-profit or stop guards one position side. Once that side is flat (its take-profit or stop
filled, a liquidation, a close signal, a manual close) the orders still resting for it would
open or flip a later position if they fired, so they go at once: a new entry never inherits an
old position's stop. In one-way mode the side is BOTH for longs and shorts alike, and the order's
closing side tells which direction it guarded (a SELL stop guards a long).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from common.errors import ErrorClass, TvbridgeError
from executor.core.events import OrderUpdate, VenueWatch
from executor.core.keeper.state import Book, SideState, finished
from executor.core.model import PositionSide, Side

log = logging.getLogger("executor.keeper.oco")

# The closing side of each hedge-mode position side: such an order can only shrink it, even
# where the venue reports no reduce-only flag (Binance refuses the flag in hedge mode).
_CLOSING = {PositionSide.LONG: Side.SELL, PositionSide.SHORT: Side.BUY}


def guards_position(order: OrderUpdate) -> bool:
    """A trigger order that can only close (part of) its position side."""
    if not order.kind.protective:
        return False
    return order.reduce_only or order.close_position or _CLOSING.get(order.position_side) is order.side


def unsure(order: OrderUpdate) -> bool:
    """A resting protective order not known to only close: its report did not say (BingX's order
    events carry no reduce-only flag; its REST rows do), or it may open a position (a stop entry)."""
    return order.kind.protective and not finished(order.status) and not guards_position(order)


def guards_open_side(order: OrderUpdate, side: SideState) -> bool:
    """Whether the position it guards is still there: its side open, and in one-way mode open
    in the direction the order closes."""
    if side.quantity == 0:
        return False
    if order.position_side is not PositionSide.BOTH:
        return True
    guarding_long = order.side is Side.SELL
    return (side.quantity > 0) == guarding_long


def stale(book: Book) -> list[OrderUpdate]:
    """Protective orders resting for a side known to be flat (or, one-way, turned around)."""
    out = []
    for order in book.open_orders.values():
        side = book.sides.get(order.position_side)
        if side is None or not side.known or not guards_position(order):
            continue  # a side never heard of is unknown, not flat: nothing to judge yet
        if order.time_ms > side.time_ms:
            # The side's state predates the order: it may have opened since, unheard of yet
            # (an entry's stop is placed after its fill). A later position update judges it.
            continue
        if not guards_open_side(order, side):
            out.append(order)
    return out


def left_behind(book: Book, position_side: PositionSide) -> list[OrderUpdate]:
    """Trigger orders resting for `position_side` that no longer guard an open position, flags
    or not: a flat side's siblings, counting those a stream reports without their reduce-only
    flag (BingX), which `stale` can only judge once REST tells it."""
    side = book.sides.get(position_side)
    if side is None:
        return []
    return [
        o
        for o in book.open_orders.values()
        if o.position_side is position_side and o.kind.protective and not guards_open_side(o, side)
    ]


@dataclass(frozen=True)
class Cancelled:
    done: list[OrderUpdate]
    failed: list[tuple[OrderUpdate, str]]


def cancel(watch: VenueWatch, orders: list[OrderUpdate]) -> Cancelled:
    """Cancel each order; one already gone counts as cancelled. A failure is reported, not
    raised, so the other siblings still go; the next reconciliation tries again."""
    done: list[OrderUpdate] = []
    failed: list[tuple[OrderUpdate, str]] = []
    for order in orders:
        try:
            watch.cancel_order(order.where.venue_symbol, order)
        except TvbridgeError as exc:
            if exc.error_class is ErrorClass.UNKNOWN_ORDER:
                done.append(order)  # the venue no longer holds it: what we wanted
                continue
            log.warning(
                "protective order not cancelled",
                extra={"order_id": order.order_id, "symbol": order.where.venue_symbol, "reason": exc.message},
            )
            failed.append((order, exc.message))
            continue
        done.append(order)
    return Cancelled(done, failed)
