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
    Where,
)
from executor.core.keeper import causes, oco, reconcile
from executor.core.keeper.exits import ExitPlan, Exits, Pending
from executor.core.keeper.news import AccountStats, Difference, News, Owner, ReplayLog, TradeObserver
from executor.core.keeper.state import MEMORY, AccountState, Book, terms_untold
from executor.core.keeper.watch import Guard, Watch
from executor.core.model import OrderPurpose, OrderStatus, PositionSide
from executor.core.placement import Placer
from executor.core.ports import ProtectionRequest

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
        observer: TradeObserver | None = None,
    ) -> None:
        self.venue = venue
        self.observer = observer
        self.state = AccountState(venue.venue, venue.account, memory)
        self.stats = AccountStats()
        self.watch = Watch(placer or Placer(), replay.attribution)
        self.exits = Exits(placer or Placer(), on_stop=self._plan_stop)
        # Limit entries that filled, to arm outside the lock: (their plan, quantity, price).
        self._to_arm: list[tuple[Pending, Decimal, Decimal | None]] = []
        self._replay = replay
        self._monotonic = monotonic
        # Symbols with a protective order whose report did not say it only closes (oco.unsure),
        # or a trailing stop first told without its callback and activation (terms_untold).
        self._unsure: set[str] = set()

    # -- the handler -------------------------------------------------------------------------

    def handle(self, event: VenueEvent, *, reconciled: bool = False) -> list[News]:
        """Take one event; the news it made, for the caller to publish outside the lock.
        `reconciled`: the event comes from a REST read, so what it changes is counted as a
        difference the stream had not told."""
        news = self._handle(event, reconciled)
        self._arm()
        return news + self._exit_news()

    def _exit_news(self) -> list[News]:
        """What an exit plan could not do (a stop not moved, a trail not placed), told once."""
        if not self.exits.told:  # the common case, seen without the lock on every event
            return []
        with self.state.lock:
            told, self.exits.told = self.exits.told, []
        for item in told:
            self._replay.append(item)
        return told

    def _handle(self, event: VenueEvent, reconciled: bool) -> list[News]:
        received = self._monotonic()
        with self.state.lock:
            self.stats.events[type(event).__name__] += 1
            if isinstance(event, Fill):
                return self._fill(event, reconciled)
            if isinstance(event, OrderUpdate):
                self._order(event, reconciled)
            elif isinstance(event, PositionUpdate):
                return self._position(event, received, reconciled)
            elif isinstance(event, AccountConfig):
                self.venue.settings_changed(event)
            elif isinstance(event, StreamState):
                pass  # the stream's health is the keeper's (keeper.py), across accounts
            return []

    def _fill(self, fill: Fill, reconciled: bool) -> list[News]:
        fill = self._as_placed(fill)
        if not self.state.apply_fill(fill):
            self.stats.duplicate_fills += 1
            return []
        self._differs(reconciled, Difference.FILL)
        self._replay.append(fill)
        if self.observer is not None:
            self.observer.fill(fill)
        self.venue.saw_price(fill.where.venue_symbol, fill.price)
        self.venue.account_changed()
        self.exits.filled(fill, self.venue)
        side = self.state.book(fill.where).side(fill.position_side)
        if side.awaiting_cause and side.quantity == 0 and causes.closes(fill, side.awaiting_cause):
            # The side was reported flat before the fill that flattened it arrived.
            before, side.awaiting_cause = side.awaiting_cause, ZERO
            return self._told(causes.flat_news(fill, self._order_of(fill), before))
        return []

    def _as_placed(self, fill: Fill) -> Fill:
        """A trade of the order a conditional order placed when it fired, told as the trade of
        that conditional order (a Binance algo order: `ai` / `actualOrderId`, docs/venues/
        binance.md 5.9 and 9.4), when the link is known by now.

        The ledger's order is the one tvbridge placed: the take-profit or stop under its own id
        and our client id, which the gateway recorded in the signal's outcome and looks fills up
        by, and which the replay log's attribution is keyed on. The order the venue placed for
        it, with a client id the venue made up, is the venue's plumbing and would read as a
        close made outside tvbridge. The trade id is the venue's either way, so the same trade
        seen again under the other identity is still one trade."""
        origin = self.state.origin(fill.order_id)
        if origin is None:
            return fill
        return replace(
            fill, order_id=origin.order_id, client_order_id=origin.client_order_id or fill.client_order_id
        )

    def _order_of(self, fill: Fill) -> OrderUpdate | None:
        """The order `fill` tells the side's fate by: the conditional order behind it when one
        fired it. A trade that came before its trigger's report is recorded under the venue's
        order, so the link is looked up again when the side's flat is judged."""
        return self.state.origin(fill.order_id) or self.state.order(fill.order_id)

    def _order(self, update: OrderUpdate, reconciled: bool) -> None:
        known = self.state.order(update.order_id)
        if not self.state.apply_order(update):
            self.stats.stale_updates += 1
            return
        # A REST row that only adds a flag the stream never carries (BingX's reduce-only), or a
        # later time for the same state, is no difference.
        if known is None or (known.status, known.filled) != (update.status, update.filled):
            self._differs(reconciled, Difference.ORDER)
        if self.observer is not None:
            self.observer.order(update)
        book = self.state.book(update.where)
        side = book.sides.get(update.position_side)
        if side is not None and side.flat_at is not None and not oco.left_behind(book, update.position_side):
            side.flat_at = None  # its siblings finished some other way: nothing left to time
        if oco.unsure(update) or (known is None and terms_untold(update)):
            self._unsure.add(update.where.venue_symbol)
        armed = self.exits.ordered(update, self.venue)
        if armed is not None:
            self._to_arm.append((armed, update.filled, update.avg_price))
        # A protective order seen for a side already flat is stale from birth.
        self._cancel(oco.stale(book))

    def _position(self, update: PositionUpdate, received: float, reconciled: bool) -> list[News]:
        change = self.state.apply_position(update)
        if change is None:
            self.stats.stale_updates += 1
            return []
        before, after = change
        if before != after:
            self._differs(reconciled, Difference.POSITION)
        if self.observer is not None:
            self.observer.position(update)
        book = self.state.book(update.where)
        side = book.side(update.position_side)
        news: list[News] = []
        turned = before != 0 and (after == 0 or (after > 0) != (before > 0))
        if before == 0 and after != 0:
            # A new position: no cause pending, no siblings of the old one to time.
            side.last_fill, side.awaiting_cause, side.flat_at = None, ZERO, None
        if turned:
            self.watch.end(update.where.venue_symbol, update.position_side)
            self.exits.end(update.where.venue_symbol, update.position_side)
            self.stats.unprotected = self.watch.unprotected
            news = self._flat_cause(book, update, before)
            if oco.left_behind(book, update.position_side):
                side.flat_at = received
        self._cancel(oco.stale(book))
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
        return self._told(causes.flat_news(fill, self._order_of(fill), before))

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
        self._time_siblings(result)
        return not result.failed

    def _time_siblings(self, result: oco.Cancelled) -> None:
        """A flat side whose stale orders all went now (on this event or a later one: a read
        that told their flags, a retried cancel) ends its fill-to-siblings-cancelled time.
        Every stale order was in this cancel, so a side without a failure has none left."""
        failed = {(o.where.venue_symbol, o.position_side) for o, _ in result.failed}
        for symbol, position_side in {(o.where.venue_symbol, o.position_side) for o in result.done} - failed:
            side = self.state.books[symbol].sides.get(position_side)
            if side is not None and side.flat_at is not None:
                self.stats.sibling_cancel_seconds.append(self._monotonic() - side.flat_at)
                side.flat_at = None

    def _differs(self, reconciled: bool, kind: Difference) -> None:
        if reconciled:
            self.stats.reconcile_differences[kind.value] += 1

    def _told(self, news: News | None) -> list[News]:
        if news is None:
            return []
        self._replay.append(news)
        if self.observer is not None:
            self.observer.news(news)
        return [news]

    # -- what a stream leaves unsaid -------------------------------------------------------------

    def unsure(self) -> bool:
        with self.state.lock:
            return bool(self._unsure)

    def learn_flags(self) -> None:
        """Read the open orders of each symbol where an unsure protective order was told (the
        timer's work). What only closes is then known before its position goes flat, so the
        stream's word of the flat alone cancels it, within a round trip. A whole reconciliation
        of the account would cost ~10 (a read per symbol and per fill). A trail's callback and
        activation, read the same way, show on the Positions page within that round trip rather
        than at the next reconciliation."""
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
                    self._order(row, reconciled=True)
        self._arm()

    # -- the unprotected-position watch --------------------------------------------------------

    def guarded(self, guard: Guard) -> None:
        with self.state.lock:
            self.watch.add(guard)

    # -- exit plans ----------------------------------------------------------------------------

    def add_plan(self, plan: ExitPlan, *, resumed: bool = False) -> list[News]:
        """The engine placed an entry's exits: keep them in line with its take-profits' fills,
        counting those already seen (a take-profit may fill before the plan arrives). A plan
        taken up again after a restart is brought in line at once."""
        with self.state.lock:
            self.exits.add(plan)
            caught_up = resumed
            if resumed and plan.stop is not None:
                self._plan_stop(plan, plan.stop)  # this run's watch knows nothing of it yet
            for step in plan.steps:
                known = self.state.order(step.order_id) if step.order_id else None
                if known is not None and known.filled > step.filled:
                    step.reported, caught_up = known.filled, True
            if caught_up:
                self.exits.advance(plan, self.venue)
        return self._exit_news()

    def update_plan(
        self, where: Where, position_side: PositionSide, change: Callable[[ExitPlan | None], ExitPlan | None]
    ) -> None:
        with self.state.lock:
            plan = self.exits.plans.get((where.venue_symbol, position_side))
            if plan is not None:
                self.exits.end(where.venue_symbol, position_side)
            changed = change(plan)
            if changed is not None:
                self.exits.add(changed)

    def await_fill(self, pending: Pending) -> None:
        """A limit entry's exits, to place when it fills (at once when it already has)."""
        with self.state.lock:
            known = self.state.order(pending.entry_order_id)
            self.exits.pending[pending.entry_order_id] = pending
            if known is not None:
                armed = self.exits.ordered(known, self.venue)
                if armed is not None:
                    self._to_arm.append((armed, known.filled, known.avg_price))
        self._arm()

    def _arm(self) -> None:
        """Place the exits of limit entries that filled. Outside the account's lock: placing
        takes the engine's lock on the symbol, which a signal holds while it tells the keeper."""
        if not self._to_arm:  # the common case, seen without the lock on every event
            return
        with self.state.lock:
            ready, self._to_arm = self._to_arm, []
        for pending, quantity, price in ready:
            try:
                pending.arm(quantity, price)
            except Exception:  # one entry's failure must not stop the keeper
                log.exception(
                    "exits of a filled limit entry not placed", extra={"order_id": pending.entry_order_id}
                )

    def _plan_stop(self, plan: ExitPlan, stop: ProtectionRequest) -> None:
        """A plan moved its stop: the watch guards the new one, and its fills are the signal's."""
        self.watch.add(Guard(plan.where, plan.position_side, stop, plan.signal_id, int(time.time() * 1000)))
        self._replay.attribution.add(stop.client_order_id, Owner(plan.signal_id, OrderPurpose.STOP_LOSS))

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
            # The first good read of a run is the baseline (everything is new to an empty
            # state), not something the stream missed.
            counted = self.stats.reconciles > 0
            for event in reconcile.events(snapshot, self.state):
                news.extend(self._handle(event, reconciled=counted))
            found, replaced = self.watch.check(self.state.books, self.venue, snapshot.as_of_ms)
            self.stats.stops_replaced += replaced
            self.stats.unprotected = self.watch.unprotected
            self.stats.reconciles += 1
        for item in found:
            self._replay.append(item)
        self._arm()
        return news + found + self._exit_news()
