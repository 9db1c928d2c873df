"""The one handler of one account: every event, from the stream or from reconciliation, goes
through `AccountKeeper.handle`, under the account's lock.

It keeps the account's state (`state.py`), cancels the protective orders of a side that went
flat (`oco.py`), tells why the side went flat (`causes.py`), and runs the unprotected-position
watch (`watch.py`) against each reconciliation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from common.errors import TvbridgeError
from executor.core.events import (
    AccountConfig,
    Fill,
    OrderUpdate,
    PositionUpdate,
    StreamState,
    VenueEvent,
    VenueWatch,
)
from executor.core.keeper import causes, oco, reconcile
from executor.core.keeper.news import AccountStats, News, ReplayLog
from executor.core.keeper.state import MEMORY, AccountState, Book
from executor.core.keeper.watch import Guard, Watch
from executor.core.model import OrderStatus
from executor.core.placement import Placer

log = logging.getLogger("executor.keeper")

ZERO = Decimal(0)


class AccountKeeper:
    def __init__(
        self,
        venue: VenueWatch,
        replay: ReplayLog,
        *,
        placer: Placer | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        memory: int = MEMORY,
    ) -> None:
        self.venue = venue
        self.state = AccountState(venue.venue, venue.account, memory)
        self.stats = AccountStats()
        self.watch = Watch(placer or Placer(), replay.attribution)
        self._replay = replay
        self._monotonic = monotonic
        # Symbols with a protective order whose report did not say it only closes (oco.unsure).
        self._unsure: set[str] = set()

    # -- the handler -------------------------------------------------------------------------

    def handle(self, event: VenueEvent) -> list[News]:
        """Take one event; the news it made, for the caller to publish outside the lock."""
        received = self._monotonic()
        with self.state.lock:
            self.stats.events[type(event).__name__] += 1
            if isinstance(event, Fill):
                return self._fill(event)
            if isinstance(event, OrderUpdate):
                self._order(event)
            elif isinstance(event, PositionUpdate):
                return self._position(event, received)
            elif isinstance(event, AccountConfig):
                self.venue.settings_changed(event)
            elif isinstance(event, StreamState):
                pass  # the stream's health is the keeper's (keeper.py), across accounts
            return []

    def _fill(self, fill: Fill) -> list[News]:
        if not self.state.apply_fill(fill):
            self.stats.duplicate_fills += 1
            return []
        self._replay.append(fill)
        self.venue.saw_price(fill.where.venue_symbol, fill.price)
        self.venue.account_changed()
        side = self.state.book(fill.where).side(fill.position_side)
        if side.awaiting_cause and side.quantity == 0 and causes.closes(fill, side.awaiting_cause):
            # The side was reported flat before the fill that flattened it arrived.
            before, side.awaiting_cause = side.awaiting_cause, ZERO
            return self._told(causes.flat_news(fill, self.state.order(fill.order_id), before))
        return []

    def _order(self, update: OrderUpdate) -> None:
        if not self.state.apply_order(update):
            self.stats.stale_updates += 1
            return
        if oco.unsure(update):
            self._unsure.add(update.where.venue_symbol)
        # A protective order seen for a side already flat is stale from birth.
        self._cancel(oco.stale(self.state.book(update.where)))

    def _position(self, update: PositionUpdate, received: float) -> list[News]:
        change = self.state.apply_position(update)
        if change is None:
            self.stats.stale_updates += 1
            return []
        before, after = change
        book = self.state.book(update.where)
        side = book.side(update.position_side)
        news: list[News] = []
        turned = before != 0 and (after == 0 or (after > 0) != (before > 0))
        if before == 0 and after != 0:
            side.last_fill, side.awaiting_cause = None, ZERO  # a new position: no cause pending
        if turned:
            self.watch.end(update.where.venue_symbol, update.position_side)
            self.stats.unprotected = self.watch.unprotected
            news = self._flat_cause(book, update, before)
        if self._cancel(oco.stale(book)) and turned:
            self.stats.sibling_cancel_seconds.append(self._monotonic() - received)
        if turned and any(oco.unsure(o) for o in book.open_orders.values()):
            # Still resting, not known to only close (their read is still to come or failed):
            # what REST says of them decides, read here rather than behind the timer's queue,
            # which a reconciliation with many fills to trace can hold for seconds.
            self._learn(update.where.venue_symbol)
        return news

    def _flat_cause(self, book: Book, update: PositionUpdate, before: Decimal) -> list[News]:
        side = book.side(update.position_side)
        fill = side.last_fill
        if fill is None or not causes.closes(fill, before):
            side.awaiting_cause = before  # the flattening fill is still on its way
            return []
        side.last_fill = None
        return self._told(causes.flat_news(fill, self.state.order(fill.order_id), before))

    def _cancel(self, orders: list[OrderUpdate]) -> bool:
        """Cancel stale protective orders; True when there were any and all went."""
        if not orders:
            return False
        result = oco.cancel(self.venue, orders)
        for order in result.done:
            # Known as gone at once, so the next event does not cancel it again.
            self.state.apply_order(replace(order, status=OrderStatus.CANCELED))
        self.stats.cancelled += len(result.done)
        self.stats.cancel_failures += len(result.failed)
        return not result.failed

    def _told(self, news: News | None) -> list[News]:
        if news is None:
            return []
        self._replay.append(news)
        return [news]

    # -- what a stream leaves unsaid -------------------------------------------------------------

    def unsure(self) -> bool:
        with self.state.lock:
            return bool(self._unsure)

    def learn_flags(self) -> None:
        """Read the open orders of each symbol where an unsure protective order was told (the
        timer's work). What only closes is then known before its position goes flat, so the
        stream's word of the flat alone cancels it, within a round trip. A whole reconciliation
        of the account would cost ~10 (a read per symbol and per fill)."""
        with self.state.lock:
            symbols, self._unsure = self._unsure, set()
        for symbol in sorted(symbols):
            self._learn(symbol)

    def _learn(self, symbol: str) -> None:
        try:
            rows = self.venue.open_orders(symbol)
        except TvbridgeError as exc:
            # Not retried: the next reconciliation reads every open order anyway.
            log.warning(
                "open orders not read",
                extra={"venue": self.state.venue.value, "symbol": symbol, "reason": exc.message},
            )
            return
        with self.state.lock:
            for row in rows:
                if row.kind.protective:
                    self._order(row)

    # -- the unprotected-position watch --------------------------------------------------------

    def guarded(self, guard: Guard) -> None:
        with self.state.lock:
            self.watch.add(guard)

    # -- reconciliation ------------------------------------------------------------------------

    def reconcile(self, since_ms: int, as_of_ms: int) -> list[News] | None:
        """Read the venue and feed what it says through the handler; None when a read failed
        (nothing applied: the next run reads again from the same `since_ms`)."""
        try:
            snapshot = reconcile.read(self.venue, self.state, since_ms, as_of_ms)
        except TvbridgeError as exc:
            self.stats.reconcile_failures += 1
            log.warning(
                "reconciliation failed",
                extra={"venue": self.state.venue.value, "account": self.state.account, "reason": exc.message},
            )
            return None
        news: list[News] = []
        with self.state.lock:
            for event in reconcile.events(snapshot, self.state):
                news.extend(self.handle(event))
            found, replaced = self.watch.check(self.state.books, self.venue, snapshot.as_of_ms)
            self.stats.stops_replaced += replaced
            self.stats.unprotected = self.watch.unprotected
            self.stats.reconciles += 1
        for item in found:
            self._replay.append(item)
        return news + found
