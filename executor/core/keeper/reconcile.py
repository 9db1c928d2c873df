"""Reconciliation: the venue's REST view of an account turned into the events its stream would
have sent, for the one handler to take.

Reads go open orders first, then positions: a stop is placed only after its entry filled, so a
stop in the list has a position that the later read shows (unless it has closed since, and
then the stop is stale indeed). The events go the conditional orders that fired first (so a
trade of the order one placed is known as that take-profit's or stop's), then fills (so a flat
knows what flattened it), then the orders no longer listed (so a flat does not cancel what is
gone), then positions (so a side's state is current before its resting orders are judged), then
the listed orders. What the keeper thinks open and REST no longer lists is synthesised away: a
side to zero, an order as gone. Everything synthesised carries the time the reads began, so a
stream event newer than the reads is never rolled back by them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from executor.core.events import Fill, OrderUpdate, PositionUpdate, VenueEvent, VenueWatch, Where
from executor.core.keeper.state import AccountState
from executor.core.model import OrderStatus, PositionSide
from executor.core.ports import VenuePosition

ZERO = Decimal(0)


@dataclass(frozen=True)
class Snapshot:
    as_of_ms: int  # when the reads began
    orders: list[OrderUpdate]
    positions: list[VenuePosition]
    fills: list[Fill]
    triggered: list[OrderUpdate]  # conditional orders that fired, naming the order each placed


def read(venue: VenueWatch, state: AccountState, since_ms: int, as_of_ms: int) -> Snapshot:
    """The account's open orders, positions and fills since `since_ms`; raises what the venue
    raises (nothing is half-applied: the caller applies a whole snapshot or none).

    The cached leverage and margin modes are forgotten first. A change made in the exchange's
    app reaches us by the stream's settings events when it is up, and by nothing else when it
    is not: the next signal would size at the old leverage, or skip a margin-mode switch the
    venue still needs. Forgotten, each is read again when a signal next needs it (one read per
    symbol and period, and none for a signal that needs neither), and the position read below
    fills in again what its rows carry (Binance lists every symbol's leverage and margin type)."""
    venue.forget_settings()
    orders = venue.open_orders(None)
    positions = venue.positions(None)
    with state.lock:
        symbols = set(state.books)
    symbols |= {o.where.venue_symbol for o in orders} | {p.venue_symbol for p in positions}
    fills = [f for s in sorted(symbols) for f in venue.fills(s, since_ms)]
    triggered = [o for s in sorted(symbols) for o in venue.triggered_orders(s, since_ms)]
    return Snapshot(as_of_ms, orders, positions, fills, triggered)


def events(snapshot: Snapshot, state: AccountState) -> list[VenueEvent]:
    """What the stream would have said, for the handler; call under the account's lock."""
    fills: list[Fill] = sorted(snapshot.fills, key=lambda f: f.time_ms)
    out: list[VenueEvent] = [*snapshot.triggered, *fills]
    out.extend(_gone_orders(snapshot, state))
    out.extend(_positions(snapshot, state))
    out.extend(snapshot.orders)
    return out


def _positions(snapshot: Snapshot, state: AccountState) -> list[PositionUpdate]:
    held: dict[tuple[str, PositionSide], Decimal] = {}
    wheres: dict[str, Where] = {}
    for p in snapshot.positions:
        side = p.position_side or PositionSide.BOTH  # a venue that does not say is one-way
        held[(p.venue_symbol, side)] = held.get((p.venue_symbol, side), ZERO) + p.quantity
        wheres[p.venue_symbol] = Where(state.venue, state.account, p.symbol, p.venue_symbol)
    # Every side the keeper knows of, or that a listed order guards, and REST does not list, is flat.
    sides: set[tuple[str, PositionSide]] = set(held)
    for symbol, book in state.books.items():
        wheres.setdefault(symbol, book.where)
        sides |= {(symbol, s) for s in book.sides}
    for o in snapshot.orders:
        wheres.setdefault(o.where.venue_symbol, o.where)
        sides.add((o.where.venue_symbol, o.position_side))
    entry = {
        (p.venue_symbol, p.position_side or PositionSide.BOTH): p.entry_price for p in snapshot.positions
    }
    return [
        PositionUpdate(
            wheres[s], side, held.get((s, side), ZERO), entry.get((s, side), ZERO), snapshot.as_of_ms
        )
        for s, side in sorted(sides)
    ]


def _gone_orders(snapshot: Snapshot, state: AccountState) -> list[OrderUpdate]:
    listed = {o.order_id for o in snapshot.orders}
    return [
        replace(o, status=OrderStatus.CANCELED, time_ms=snapshot.as_of_ms)
        for book in state.books.values()
        for o in book.open_orders.values()
        # One heard of after the reads began may simply be too new for the list.
        if o.order_id not in listed and o.time_ms <= snapshot.as_of_ms
    ]
