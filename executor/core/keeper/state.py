"""What the keeper knows of one account: per symbol, each side's position and the open orders;
per account, the fills already seen and the orders already finished.

Updates arrive twice (stream and REST, or a repeated frame) and out of order; the rules here
decide which one is news. An order moves forward only (resting, then partly done, then
finished), and among equals the later `time_ms` or the larger filled quantity wins; a position
side takes the update with the latest `time_ms`. Memory of fills and finished orders is bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Generic, TypeVar

from executor.core.events import Fill, OrderKind, OrderUpdate, PositionUpdate, Where
from executor.core.model import OrderStatus, PositionSide, Venue

ZERO = Decimal(0)
MEMORY = 10_000  # fills, finished orders and fired triggers remembered per account
V = TypeVar("V")

_RANK = {
    OrderStatus.NEW: 0,
    OrderStatus.ATTACHED: 0,
    OrderStatus.PLANNED: 0,
    OrderStatus.PARTIALLY_FILLED: 1,
    OrderStatus.TRIGGERED: 1,
    OrderStatus.FILLED: 2,
    OrderStatus.CANCELED: 2,
    OrderStatus.EXPIRED: 2,
    OrderStatus.REJECTED: 2,
}
FINISHED = 2


def finished(status: OrderStatus) -> bool:
    return _RANK[status] == FINISHED


def unsaid_kept(report: OrderUpdate, other: OrderUpdate) -> OrderUpdate:
    """`report`, with what it leaves unsaid and `other` (a report of the same order) says.

    Reports differ in what they carry, not in what they mean: BingX's order events carry no
    reduce-only flag, its REST rows do; neither venue's order events carry a trailing stop's
    callback or activation (Binance's ALGO_UPDATE, docs/venues/binance.md 9.4; BingX's
    ORDER_TRADE_UPDATE, docs/venues/bingx.md 9.4), their REST rows do (binance.md 5.9, bingx.md
    5.8). None of these changes over an order's life, so one report's word holds for all."""
    return replace(
        report,
        reduce_only=report.reduce_only or other.reduce_only,
        close_position=report.close_position or other.close_position,
        activation_price=_first(report.activation_price, other.activation_price),
        callback_pct=_first(report.callback_pct, other.callback_pct),
    )


def terms_untold(order: OrderUpdate) -> bool:
    """A resting trailing stop reported without its callback, as both venues' order events tell
    one (`unsaid_kept`): its REST row says it."""
    return (
        order.kind is OrderKind.TRAILING_STOP_MARKET
        and order.callback_pct is None
        and not finished(order.status)
    )


def _first(value: Decimal | None, otherwise: Decimal | None) -> Decimal | None:
    return value if value is not None else otherwise


def newer(update: OrderUpdate, known: OrderUpdate) -> bool:
    """Whether `update` moves the order on from `known` (a repeat or an older one does not)."""
    rank, known_rank = _RANK[update.status], _RANK[known.status]
    if rank != known_rank:
        return rank > known_rank
    if rank == FINISHED:
        return False  # finished is final: a later "canceled" does not undo a fill
    if update.filled != known.filled:
        return update.filled > known.filled
    return update.time_ms > known.time_ms


@dataclass
class SideState:
    """One position side of one symbol."""

    quantity: Decimal = ZERO  # signed: positive long, negative short
    time_ms: int = -1  # of the update it comes from; -1: never heard, so unknown, not flat
    # The latest fill on this side since it was last open, to tell what flattened it.
    last_fill: Fill | None = None
    # Flattened before the fill that did it was seen: the quantity it held (zero: none
    # pending); that fill, arriving late, tells why.
    awaiting_cause: Decimal = ZERO
    # When (monotonic seconds) the event that flattened it arrived, while protective orders it
    # left behind remain to cancel: the start of the fill-to-siblings-cancelled time.
    flat_at: float | None = None

    @property
    def known(self) -> bool:
        return self.time_ms >= 0

    @property
    def flat(self) -> bool:
        return self.known and self.quantity == 0


@dataclass
class Book:
    """One symbol of one account."""

    where: Where
    sides: dict[PositionSide, SideState] = field(default_factory=dict)
    open_orders: dict[str, OrderUpdate] = field(default_factory=dict)  # by order id

    def side(self, position_side: PositionSide) -> SideState:
        return self.sides.setdefault(position_side, SideState())


class Bounded(OrderedDict[str, V], Generic[V]):
    """The last `capacity` keys in insertion order; the oldest go first."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def remember(self, key: str, value: V) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.capacity:
            self.popitem(last=False)


class AccountState:
    """Everything known of one (venue, account); guarded by `lock`, which its handler holds."""

    def __init__(self, venue: Venue, account: str, memory: int = MEMORY) -> None:
        self.venue = venue
        self.account = account
        self.lock = threading.RLock()
        self.books: dict[str, Book] = {}  # by venue symbol
        self._fills: Bounded[None] = Bounded(memory)  # trade ids seen
        # Finished orders by id, so a late update cannot revive one.
        self._finished: Bounded[OrderUpdate] = Bounded(memory)
        # The order a conditional order placed when it fired -> that conditional order's id.
        self._placed_by: Bounded[str] = Bounded(memory)

    def book(self, where: Where) -> Book:
        found = self.books.get(where.venue_symbol)
        if found is None:
            found = self.books[where.venue_symbol] = Book(where)
        return found

    def order(self, order_id: str) -> OrderUpdate | None:
        """The order as last known, open or finished."""
        for book in self.books.values():
            if order_id in book.open_orders:
                return book.open_orders[order_id]
        return self._finished.get(order_id)

    def origin(self, order_id: str) -> OrderUpdate | None:
        """The conditional order that placed `order_id` when it fired, as last known; None when
        `order_id` was placed otherwise, or its trigger has not (yet) said so."""
        trigger_id = self._placed_by.get(order_id)
        return self.order(trigger_id) if trigger_id is not None else None

    def apply_order(self, update: OrderUpdate) -> bool:
        """Take the update if it moves the order on, or says what the known report left unsaid;
        False for a repeat or an older one."""
        if update.actual_order_id:
            # Learnt from any report that names it, a stale one included: the link never changes.
            self._placed_by.remember(update.actual_order_id, update.order_id)
        book = self.book(update.where)
        known = book.open_orders.get(update.order_id) or self._finished.get(update.order_id)
        if known is not None:
            if not newer(update, known):
                return self._learn_unsaid(book, known, update)
            update = unsaid_kept(update, known)
        if finished(update.status):
            book.open_orders.pop(update.order_id, None)
            self._finished.remember(update.order_id, update)
        else:
            book.open_orders[update.order_id] = update
        return True

    @staticmethod
    def _learn_unsaid(book: Book, known: OrderUpdate, update: OrderUpdate) -> bool:
        """A report of the same state may still say more (`unsaid_kept`); True when it did."""
        if update.order_id not in book.open_orders:
            return False
        learnt = unsaid_kept(known, update)
        if learnt == known:
            return False
        book.open_orders[update.order_id] = learnt
        return True

    def apply_fill(self, fill: Fill) -> bool:
        """Record a fill; False when its trade id was seen already."""
        if fill.trade_id in self._fills:
            return False
        self._fills.remember(fill.trade_id, None)
        side = self.book(fill.where).side(fill.position_side)
        side.last_fill = fill
        return True

    def apply_position(self, update: PositionUpdate) -> tuple[Decimal, Decimal] | None:
        """Take the update unless an even later one is known: (quantity before, after)."""
        side = self.book(update.where).side(update.position_side)
        if update.time_ms < side.time_ms:
            return None
        before = side.quantity
        side.quantity, side.time_ms = update.quantity, update.time_ms
        return before, update.quantity
