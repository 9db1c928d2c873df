"""Protective orders already resting on a position side, as the venue lists them: finding the
one an attempt sent although its answer was lost, and the room a venue's cumulative rule leaves
for another.

Finding. Where the venue keeps our client id on a trigger order, that id finds it. BingX takes a
`clientOrderId` only on LIMIT and MARKET orders (docs/venues/bingx.md 5.8), so there a trigger
order of ours is found by its shape instead: the same type, side, position side, trigger price
and quantity, among the orders that were not resting before it was sent. An identical order of
another signal may be taken for ours when nothing says which was resting first (a redelivery in
a new process); it guards the same quantity at the same price, and the keeper's watch completes
the side if it then falls short.

Room. BingX refuses stop-loss orders (STOP, STOP_MARKET) of a position side whose quantities
would total more than the position, and, counted apart, take-profit orders (TAKE_PROFIT,
TAKE_PROFIT_MARKET) (docs/venues/bingx.md 5.8, "Cumulative quantity"). What may still be placed
of one kind is the position less what already rests of it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal

from executor.core.events import OrderUpdate
from executor.core.model import OrderStatus, PositionSide, Side
from executor.core.ports import (
    KIND_TYPES,
    OpenProtection,
    ProtectionKind,
    ProtectionRequest,
    VenueAdapter,
    VenueOrder,
    VenuePosition,
)

ZERO = Decimal(0)

# The venue types each kind's cumulative rule counts: trailing stops are in neither total (the
# rule names STOP/STOP_MARKET and TAKE_PROFIT/TAKE_PROFIT_MARKET only), so they count for nothing.
COUNTED: dict[ProtectionKind, frozenset[str]] = {**KIND_TYPES, ProtectionKind.TRAILING_STOP: frozenset()}


def of_update(order: OrderUpdate) -> OpenProtection:
    """A resting trigger order as the venue's order list reports it, in the terms of this rule."""
    return OpenProtection(
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        side=order.side,
        position_side=order.position_side,
        order_type=order.kind.value,
        quantity=ZERO if order.close_position else order.quantity - order.filled,
        trigger_price=order.trigger_price,
        close_position=order.close_position,
        activation_price=order.activation_price,
        callback_pct=order.callback_pct,
    )


def same_shape(order: OpenProtection, request: ProtectionRequest) -> bool:
    """The same type, side, position side and quantity, and the same trigger: for a trailing
    stop its callback, and its activation price when one was sent (without one the venue shows
    the price at placement, which no request knows)."""
    if request.kind is ProtectionKind.TRAILING_STOP:
        trigger = order.callback_pct == request.callback_pct and (
            request.trigger_price is None or order.activation_price == request.trigger_price
        )
    else:
        trigger = order.trigger_price == request.trigger_price
    return (
        order.order_type == request.venue_type
        and order.side is request.side
        and order.position_side is request.position_side
        and trigger
        and order.quantity == request.quantity
        and not order.close_position
    )


def sent_one(
    resting: Iterable[OpenProtection], request: ProtectionRequest, before: Collection[str] = ()
) -> OpenProtection | None:
    """The resting order that is `request`: by its client id if the venue kept it, else by its
    shape among those not resting `before` (order ids) it was sent."""
    candidates = [o for o in resting if o.order_id not in before]
    by_id = next((o for o in candidates if o.client_order_id == request.client_order_id), None)
    return by_id or next((o for o in candidates if same_shape(o, request)), None)


def as_found(order: OpenProtection, request: ProtectionRequest) -> VenueOrder:
    return VenueOrder(
        order_id=order.order_id,
        client_order_id=order.client_order_id or request.client_order_id,
        status=OrderStatus.NEW,
        avg_price=None,
        executed_qty=ZERO,
    )


def find_sent(
    adapter: VenueAdapter, request: ProtectionRequest, before: Collection[str] = ()
) -> VenueOrder | None:
    """The trigger order `request` placed, as the venue holds it, or None when it holds none.
    `before`: the ids of the symbol's trigger orders resting before it was sent, when known."""
    if adapter.trigger_client_ids:
        return adapter.find_protection(request.venue_symbol, request.client_order_id)
    found = sent_one(adapter.open_protections(request.venue_symbol), request, before)
    return as_found(found, request) if found is not None else None


def resting_total(
    resting: Iterable[OpenProtection], kind: ProtectionKind, position_side: PositionSide, side: Side
) -> Decimal:
    """What rests of `kind` closing `position_side` with `side`, as the cumulative rule counts it."""
    types = COUNTED[kind]
    return sum(
        (
            o.quantity
            for o in resting
            if o.order_type in types and o.position_side is position_side and o.side is side
        ),
        ZERO,
    )


def held(positions: Iterable[VenuePosition], position_side: PositionSide, side: Side) -> Decimal:
    """The quantity an order on `side` closes: a SELL closes what is long, a BUY what is short."""
    return sum(
        (
            abs(p.quantity)
            for p in positions
            if p.position_side in (position_side, None) and (p.quantity > 0) == (side is Side.SELL)
        ),
        ZERO,
    )
