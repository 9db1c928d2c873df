"""The position keeper: one `AccountKeeper` per (venue, account), fed by a stream thread per
account and by a reconciliation timer; the stream's health, and the news and counters the
wiring reads.

Reconciliation runs on every stream (re)connect and every `reconcile_s` even while the stream
is up, so an unreachable stream degrades to REST, never to blindness.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from common.trading import NewsKind
from executor.core.events import (
    AccountConfig,
    StreamState,
    StreamStatus,
    VenueEvent,
    VenueWatch,
    Where,
)
from executor.core.keeper.account import AccountKeeper
from executor.core.keeper.exits import ExitPlan, Pending
from executor.core.keeper.news import AccountStats, News, Owner, ReplayLog, TradeObserver
from executor.core.keeper.state import MEMORY
from executor.core.keeper.view import AccountView, protective
from executor.core.keeper.watch import Guard
from executor.core.model import OrderPurpose, PositionSide, Venue
from executor.core.ports import ProtectionRequest

log = logging.getLogger("executor.keeper")

STREAM_DOWN_S = 60.0  # a stream down this long is news
FILL_OVERLAP_MS = 5_000  # fills re-read across reconciliations, for clocks that differ a little
JOIN_S = 2.0  # how long stop() waits for each thread

Key = tuple[Venue, str]


@dataclass
class Link:
    """The stream of one account, as the keeper sees it."""

    down_since: float | None  # epoch seconds; None while connected
    told_down: bool = False
    told_rest: bool = False
    reconcile_now: bool = True  # on start and on every (re)connect
    last_reconcile: float | None = None  # epoch seconds the last good reconciliation began
    since_ms: int = 0
    thread: threading.Thread | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Health:
    """How one account is watched at one moment (for metrics)."""

    down_s: float  # seconds the stream has been down (never connected counts); 0 while up
    rest_only: bool  # the stream is down and reconciliation alone keeps watch, and does


class Keeper:
    def __init__(
        self,
        venues: list[VenueWatch],
        reconcile_s: float,
        *,
        on_news: Callable[[News], None] | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        memory: int = MEMORY,
        replay: ReplayLog | None = None,
        observer: TradeObserver | None = None,
    ) -> None:
        self.reconcile_s = reconcile_s
        self.replay = replay or ReplayLog()
        self._on_news = on_news
        self._clock = clock
        self._accounts: dict[Key, AccountKeeper] = {
            (v.venue, v.account): AccountKeeper(
                v, self.replay, monotonic=monotonic, memory=memory, observer=observer
            )
            for v in venues
        }
        now = clock()
        # Never connected yet counts as down; fills are read back one period before the start.
        since = int((now - reconcile_s) * 1000)
        self._links = {key: Link(down_since=now, since_ms=since) for key in self._accounts}
        self._links_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._timer: threading.Thread | None = None
        # Its own thread: a reconciliation tracing hundreds of fills holds the timer for seconds.
        self._learn_wake = threading.Event()
        self._learner: threading.Thread | None = None

    # -- what callers read ---------------------------------------------------------------------

    def stats(self, venue: Venue, account: str) -> AccountStats:
        return self._accounts[(venue, account)].stats

    def unprotected(self, venue: Venue, account: str) -> int:
        """Positions whose missing stop could not be re-placed (`tvbridge_unprotected_positions`)."""
        return self._accounts[(venue, account)].stats.unprotected

    def health(self, venue: Venue, account: str) -> Health:
        now = self._clock()
        with self._links_lock:
            link = self._links[(venue, account)]
            down_since, last = link.down_since, link.last_reconcile
        if down_since is None:
            return Health(0.0, False)
        # A good read since the stream went down, and recent enough that the timer still runs
        # (a failed read is retried every second, a good one comes every period).
        watched = last is not None and last >= down_since and now - last <= 2 * self.reconcile_s
        return Health(max(now - down_since, 0.0), watched)

    # -- events --------------------------------------------------------------------------------

    def handle(self, event: VenueEvent) -> None:
        """The sink of every stream: one event of any account."""
        key = _key(event)
        keeper = self._accounts.get(key)
        if keeper is None:
            log.warning("event for an account the keeper does not watch", extra={"venue": key[0].value})
            return
        if isinstance(event, StreamState):
            self._stream_state(key, event)
        self._publish(keeper.handle(event))
        if keeper.unsure():
            # A venue's stream may not say everything the rules need (BingX's order events
            # carry no reduce-only flag), and REST does: the timer reads that symbol's open
            # orders now (AccountKeeper.learn_flags), one request, not the whole account.
            self._learn_wake.set()

    def _stream_state(self, key: Key, event: StreamState) -> None:
        with self._links_lock:
            link = self._links[key]
            restored = event.status is StreamStatus.CONNECTED and link.told_down
            if event.status is StreamStatus.CONNECTED:
                link.down_since, link.told_down, link.told_rest = None, False, False
                link.reconcile_now = True  # what happened while it was away
            elif link.down_since is None:
                link.down_since = self._clock()
        if restored:
            self._publish([self._account_news(NewsKind.STREAM_RESTORED, key, "the stream is back")])
        self._wake.set()

    def guarded(
        self, where: Where, position_side: PositionSide, stop: ProtectionRequest, signal_id: str
    ) -> None:
        """The engine placed `stop` for the entry of `signal_id`: watch that it stays."""
        guard = Guard(where, position_side, stop, signal_id, int(self._clock() * 1000))
        self._accounts[(where.venue, where.account)].guarded(guard)
        self.replay.attribution.add(stop.client_order_id, Owner(signal_id, OrderPurpose.STOP_LOSS))

    def add_plan(self, plan: ExitPlan, *, resumed: bool = False) -> None:
        """The engine placed an entry's exits (a ladder, a stop to move, a trail to start later),
        or took up a journalled one again after a restart (`resumed`)."""
        self._publish(self._accounts[(plan.where.venue, plan.where.account)].add_plan(plan, resumed=resumed))

    def holds(self, where: Where, signal_id: str) -> bool:
        """Whether this run keeps the plan of `signal_id` already (a gateway reconnecting to a
        running executor hands back plans it never lost)."""
        keeper = self._accounts.get((where.venue, where.account))
        if keeper is None:
            return False
        with keeper.state.lock:
            return keeper.exits.holds(signal_id)

    def await_fill(self, pending: Pending) -> None:
        """A limit entry's exits, placed once the venue reports it filled."""
        self._accounts[(pending.where.venue, pending.where.account)].await_fill(pending)

    def update_plan(
        self, where: Where, position_side: PositionSide, change: Callable[[ExitPlan | None], ExitPlan | None]
    ) -> None:
        """An update replaced the side's protective orders: its plan follows."""
        self._accounts[(where.venue, where.account)].update_plan(where, position_side, change)

    def view(self, venue: Venue, account: str) -> AccountView:
        """What the keeper knows of the account now: its protective orders, the sides found
        bare, and the stream's health."""
        keeper = self._accounts[(venue, account)]
        with keeper.state.lock:
            orders = [o for book in keeper.state.books.values() for o in book.open_orders.values()]
            bare = keeper.watch.unprotected_sides()
            plans = keeper.exits.views()
        with self._links_lock:
            link = self._links[(venue, account)]
            down_since, last = link.down_since, link.last_reconcile
        return AccountView(
            venue, account, down_since is None, down_since, last, protective(orders), bare, plans
        )

    def watches(self, venue: Venue, account: str) -> bool:
        return (venue, account) in self._accounts

    # -- reconciliation ------------------------------------------------------------------------

    def reconcile(self, venue: Venue, account: str) -> bool:
        """Read the account through REST and feed it through the handler; False when a read failed."""
        key = (venue, account)
        started = self._clock()
        with self._links_lock:
            link = self._links[key]
            since_ms, link.reconcile_now = link.since_ms, False
            # Down since before the last run: this run is the stream's stand-in, not a start-up.
            fell_back = (
                link.down_since is not None
                and link.last_reconcile is not None
                and link.down_since <= link.last_reconcile
                and not link.told_rest
            )
        news = self._accounts[key].reconcile(since_ms, int(started * 1000))
        if news is None:
            return False
        with self._links_lock:
            link.last_reconcile = started
            link.since_ms = int(started * 1000) - FILL_OVERLAP_MS
            if fell_back and link.down_since is not None:
                link.told_rest = True
                news.append(
                    self._account_news(NewsKind.FELL_BACK_TO_REST, key, "reconciliation alone keeps watch")
                )
        self._publish(news)
        return True

    def reconcile_due(self) -> float:
        """Reconcile every account that is due, tell of streams down too long; the seconds until
        the next one is due."""
        now = self._clock()
        wait = self.reconcile_s
        for key in self._accounts:
            self._tell_down(key, now)
            with self._links_lock:
                link = self._links[key]
                last = link.last_reconcile
                due = link.reconcile_now or last is None or now - last >= self.reconcile_s
            if due:
                self.reconcile(*key)
            with self._links_lock:
                last = link.last_reconcile
            # A failed read is retried after a second, not a whole period.
            next_in = 1.0 if last is None else self.reconcile_s - (self._clock() - last)
            wait = min(wait, max(next_in, 0.0))
        return wait

    def learn_due(self) -> None:
        """Read what the streams left unsaid about protective orders (AccountKeeper.learn_flags)."""
        for keeper in self._accounts.values():
            keeper.learn_flags()

    def _tell_down(self, key: Key, now: float) -> None:
        with self._links_lock:
            link = self._links[key]
            down = link.down_since is not None and now - link.down_since > STREAM_DOWN_S
            if not down or link.told_down:
                return
            link.told_down = True
        self._publish([self._account_news(NewsKind.STREAM_DOWN, key, f"down over {STREAM_DOWN_S:.0f} s")])

    def tell(self, news: News) -> None:
        """News from beside the keeper (a risk pause): logged for the gateway, and published."""
        self.replay.append(news)
        self._publish([news])

    def _account_news(self, kind: NewsKind, key: Key, detail: str) -> News:
        news = News(kind, key[0], key[1], detail=detail, time_ms=int(self._clock() * 1000))
        self.replay.append(news)
        return news

    def _publish(self, news: list[News]) -> None:
        if self._on_news is None:
            return
        for item in news:
            try:
                self._on_news(item)
            except Exception:  # a notifier's failure must not stop the keeper
                log.exception("keeper news not delivered", extra={"kind": item.kind.value})

    # -- threads -------------------------------------------------------------------------------

    def start(self) -> None:
        """One stream thread per account, and the reconciliation timer."""
        self._stop.clear()
        for key, keeper in self._accounts.items():
            thread = threading.Thread(
                target=self._stream,
                args=(keeper,),
                name=f"keeper-stream-{key[0].value}-{key[1]}",
                daemon=True,
            )
            self._links[key].thread = thread
            thread.start()
        self._timer = threading.Thread(target=self._tick, name="keeper-reconcile", daemon=True)
        self._timer.start()
        self._learner = threading.Thread(target=self._learn, name="keeper-learn", daemon=True)
        self._learner.start()

    def stop(self) -> None:
        """Ask every thread to end and wait a little for each; a thread stuck in a venue call
        is a daemon and does not hold the process."""
        self._stop.set()
        self._wake.set()
        self._learn_wake.set()
        threads = [link.thread for link in self._links.values()] + [self._timer, self._learner]
        for thread in threads:
            if thread is not None:
                thread.join(JOIN_S)

    def _stream(self, keeper: AccountKeeper) -> None:
        try:
            keeper.venue.user_stream().run(self.handle, self._stop)
        except Exception:  # the port says run never raises; if one does, REST keeps watch
            log.exception("user stream ended", extra={"venue": keeper.venue.venue.value})

    def _tick(self) -> None:
        while not self._stop.is_set():
            try:
                wait = self.reconcile_due()
            except Exception:  # the timer must outlive one bad run
                log.exception("reconciliation run failed")
                wait = 1.0
            self._wake.wait(wait)
            self._wake.clear()

    def _learn(self) -> None:
        while not self._stop.is_set():
            self._learn_wake.wait()
            self._learn_wake.clear()  # before the reads: what is told meanwhile wakes it again
            if self._stop.is_set():
                return
            try:
                self.learn_due()
            except Exception:  # the thread must outlive one bad read
                log.exception("open orders not read")


def _key(event: VenueEvent) -> Key:
    if isinstance(event, StreamState | AccountConfig):
        return (event.venue, event.account)
    return (event.where.venue, event.where.account)
