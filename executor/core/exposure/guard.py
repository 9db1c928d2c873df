"""The exposure limits' one door: the engine asks it before an entry, the position keeper tells
it what the venues report, the gateway hands it the journal's pauses.

An entry takes a `Ticket`: the checks and the reservation of its slot happen at once under
the account's lock; the order is placed outside it; the ticket is then settled by what was
placed (the slot pinned until the venue's reports say) or by the failure (the slot released,
unless the order may have reached the venue). The venue's positions are read once per account
to count those opened before this run, and again (at most once a second, one read at a time)
while a daily-loss limit needs their unrealised loss. What the limits counted before this run
started, the gateway hands over from its journal (`remember`), once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeVar

from common.errors import TvbridgeError
from common.pauses import PauseEvent
from common.risk_memory import STOPPED_OUT, AccountMemory, MemoryReply
from common.trading import NewsKind
from executor.core.events import Fill, OrderUpdate, PositionUpdate
from executor.core.exposure.book import AccountBook
from executor.core.exposure.limits import RiskPlan
from executor.core.keeper.news import News
from executor.core.keeper.state import finished
from executor.core.model import (
    OrderPurpose,
    OrderReport,
    OrderStatus,
    OrderType,
    PositionSide,
    TradeSignal,
    Venue,
)
from executor.core.ports import VenueAdapter

Key = tuple[Venue, str]


class HasOrders(Protocol):
    @property
    def orders(self) -> Sequence[OrderReport]: ...


Placed = TypeVar("Placed", bound=HasOrders)
UNREALISED_MAX_AGE_S = 1.0


@dataclass
class Ticket:
    """An entry's place in its account's book, until settled."""

    book: AccountBook | None
    symbol: str
    signal_id: str
    order_type: OrderType
    clock: Callable[[], float]

    def settle(self, orders: Iterable[OrderReport]) -> None:
        """The signal's orders as placed: an entry among them keeps the slot, else it is freed."""
        if self.book is None:
            return
        entry = next((o for o in orders if o.purpose is OrderPurpose.ENTRY and o.order_id), None)
        with self.book.lock:
            if entry is None:
                self.book.release(self.symbol, self.signal_id)
                return
            resting = self.order_type is OrderType.LIMIT and entry.status in (
                OrderStatus.NEW,
                OrderStatus.PARTIALLY_FILLED,
            )
            self.book.placed(self.symbol, self.signal_id, _ms(self.clock), entry.order_id if resting else "")
        self.book = None

    def carry(self, place: Callable[[], Placed]) -> Placed:
        """Place the signal's orders holding the slot: settled by what was placed, or by what
        placing raised."""
        try:
            result = place()
        except BaseException as exc:
            self.failed(exc)
            raise
        self.settle(result.orders)
        return result

    def failed(self, exc: BaseException) -> None:
        """Placing raised: a refusal, or a request that certainly never left, frees the slot;
        an order that may have reached the venue keeps it (pinned, as if placed)."""
        if self.book is None:
            return
        refused = isinstance(exc, TvbridgeError) and (not exc.sent or not exc.retryable)
        with self.book.lock:
            if refused:
                self.book.release(self.symbol, self.signal_id)
            else:
                self.book.placed(self.symbol, self.signal_id, _ms(self.clock))
        self.book = None

    def release(self) -> None:
        if self.book is None:
            return
        with self.book.lock:
            self.book.release(self.symbol, self.signal_id)
        self.book = None


class ExposureGuard:
    def __init__(
        self,
        plan: RiskPlan | None = None,
        *,
        clock: Callable[[], float] = time.time,
        tell: Callable[[News], None] | None = None,
        unrealised_max_age_s: float = UNREALISED_MAX_AGE_S,
    ) -> None:
        self.plan = plan or RiskPlan()
        self.unrealised_max_age_s = unrealised_max_age_s
        self.clock = clock
        self.tell = tell
        # Fills from here on are counted live; those before come with the journal's memory.
        self.started_ms = _ms(clock)
        self.remembered = False
        # Set by the wiring when the position keeper reports to the guard: its reports, not
        # the engine's own closes, then say when a position is gone.
        self.fed = False
        self._books: dict[Key, AccountBook] = {}
        self._books_lock = threading.Lock()
        self._reads: dict[Key, tuple[float, dict[str, Decimal]]] = {}
        self._read_locks: dict[Key, threading.Lock] = {}

    def book(self, venue: Venue, account: str) -> AccountBook:
        with self._books_lock:
            book = self._books.get((venue, account))
            if book is None:
                book = self._books[(venue, account)] = AccountBook(venue, account, self.plan, self.started_ms)
                self._read_locks[(venue, account)] = threading.Lock()
            return book

    # -- the engine's side ---------------------------------------------------------------

    def admit(self, adapter: VenueAdapter, signal: TradeSignal, opening: bool) -> Ticket:
        """Pass an entry (taking its slot) or raise the RISK_LIMIT refusal; anything that does
        not open (a close, a take-profit, a stop) passes untouched."""
        if not opening:
            return Ticket(None, signal.symbol, signal.signal_id, signal.order_type, self.clock)
        if not self.plan.any:
            # No limit counts anything, but the owner may have paused entries all the same.
            self._check_paused(adapter.venue, adapter.account, signal.strategy)
            return Ticket(None, signal.symbol, signal.signal_id, signal.order_type, self.clock)
        book = self.book(adapter.venue, adapter.account)
        unrealised = self._unrealised(adapter, book, signal.strategy)
        with book.lock:
            try:
                reserved = book.admit(
                    signal.signal_id, signal.symbol, signal.strategy, _ms(self.clock), unrealised
                )
            finally:
                told = self._drain(book)
        self._tell(told)
        return Ticket(
            book if reserved else None, signal.symbol, signal.signal_id, signal.order_type, self.clock
        )

    def _check_paused(self, venue: Venue, account: str, strategy: str) -> None:
        with self._books_lock:
            book = self._books.get((venue, account))
        if book is not None:  # a pause handed over made the account's book
            with book.lock:
                book.check_paused(strategy, _ms(self.clock))

    def closed(self, venue: Venue, account: str, symbol: str, sides: Iterable[PositionSide]) -> None:
        """The engine's close flattened these sides (heeded only while no keeper reports)."""
        if self.fed or not self.plan.any:
            return
        book = self.book(venue, account)
        with book.lock:
            for side in sides:
                book.position(symbol, side, Decimal(0), _ms(self.clock))
            told = self._drain(book)
        self._tell(told)

    def _unrealised(
        self, adapter: VenueAdapter, book: AccountBook, strategy: str
    ) -> dict[str, Decimal] | None:
        """Each symbol's unrealised PnL, when a daily-loss limit needs it; seeds the book."""
        rules = self.plan.for_strategy(strategy).own
        needed = self.plan.account.max_daily_loss is not None or rules.max_daily_loss is not None
        if book.seeded and not needed:
            return None
        key = (adapter.venue, adapter.account)
        with self._read_locks[key]:
            cached = self._reads.get(key)
            if book.seeded and cached is not None and self.clock() - cached[0] < self.unrealised_max_age_s:
                return cached[1]
            started = self.clock()
            positions = adapter.positions(None)
            unrealised: dict[str, Decimal] = {}
            for p in positions:
                unrealised[p.symbol] = unrealised.get(p.symbol, Decimal(0)) + p.unrealized_pnl
            self._reads[key] = (started, unrealised)
            if not book.seeded:
                with book.lock:
                    rows = [(p.symbol, p.position_side or PositionSide.BOTH, p.quantity) for p in positions]
                    book.seed(rows, int(started * 1000))
                    told = self._drain(book)
                self._tell(told)
        return unrealised if needed else None

    # -- the keeper's side (called under the keeper's account lock) ------------------------

    def fill(self, fill: Fill) -> None:
        self._feed(fill.where.venue, fill.where.account, lambda b: b.fill(fill))

    def position(self, update: PositionUpdate) -> None:
        where = update.where
        self._feed(
            where.venue,
            where.account,
            lambda b: b.position(where.symbol, update.position_side, update.quantity, update.time_ms),
        )

    def order(self, update: OrderUpdate) -> None:
        if not finished(update.status):
            return
        where = update.where
        filled = update.status is OrderStatus.FILLED or update.filled > 0
        self._feed(
            where.venue,
            where.account,
            lambda b: b.slots.order_finished(where.symbol, update.order_id, filled, update.time_ms),
        )

    def news(self, item: News) -> None:
        """A stop (or a liquidation) flattened a symbol: its cooldown starts."""
        if item.kind in STOPPED_OUT and item.symbol:
            self._feed(item.venue, item.account, lambda b: b.results.stopped(item.symbol, item.time_ms))

    def _feed(self, venue: Venue, account: str, change: Callable[[AccountBook], None]) -> None:
        if not self.plan.any:
            return
        book = self.book(venue, account)
        with book.lock:
            change(book)
            told = self._drain(book)
        self._tell(told)

    # -- the journal's memory ------------------------------------------------------------

    def remember(self, cutoff_ms: int | None, accounts: Iterable[AccountMemory]) -> MemoryReply:
        """Take the journal's memory counted up to `cutoff_ms`, if it is this run's start and
        none was taken yet (a second hand-over, from any gateway, changes nothing). Without a
        cutoff, only say whether it is wanted and from when."""
        with self._books_lock:
            wanted = self.plan.any and not self.remembered
            take = wanted and cutoff_ms == self.started_ms
            if take:
                self.remembered = True
        if take:
            for memory in accounts:
                book = self.book(Venue(memory.venue), memory.account)
                with book.lock:
                    book.remember(memory)
        return MemoryReply(self.started_ms, wanted and not take, take)

    # -- pauses --------------------------------------------------------------------------

    def sync(self, events: Iterable[PauseEvent]) -> list[PauseEvent]:
        """The journal's pause events (its recent ones, on every (re)connect; or one resume):
        what holds afterwards, on every account."""
        now = _ms(self.clock)
        by_account: dict[Key, list[PauseEvent]] = {}
        for event in events:
            by_account.setdefault((Venue(event.venue), event.account), []).append(event)
        for (venue, account), mine in by_account.items():
            book = self.book(venue, account)
            with book.lock:
                book.sync(mine, now)
        return self.in_force()

    def in_force(self) -> list[PauseEvent]:
        now = _ms(self.clock)
        with self._books_lock:
            books = list(self._books.values())
        held: list[PauseEvent] = []
        for book in books:
            with book.lock:
                held.extend(book.in_force(now))
        return sorted(held, key=lambda p: (p.time_ms, p.scope))

    @staticmethod
    def _drain(book: AccountBook) -> list[PauseEvent]:
        told, book.told = book.told, []
        return told

    def _tell(self, told: list[PauseEvent]) -> None:
        if self.tell is None:
            return
        for pause in told:
            self.tell(pause_news(pause))


def pause_news(pause: PauseEvent) -> News:
    return News(
        NewsKind.RISK_PAUSED,
        Venue(pause.venue),
        pause.account,
        detail=pause.reason,
        time_ms=pause.time_ms,
        strategy=pause.strategy,
        limit=pause.limit,
        until_ms=pause.until_ms,
    )


def _ms(clock: Callable[[], float]) -> int:
    return int(clock() * 1000)
