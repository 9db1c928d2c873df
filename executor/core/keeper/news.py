"""What the keeper saw happen, as data: typed news for notifications, counters for metrics, and
an ordered, bounded log of fills and news for the gateway to replay after a reconnect.

The keeper core knows no Prometheus, no notifier and no gRPC; the wiring reads these.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import islice
from typing import Protocol

from common.trading import NewsKind
from executor.core.events import Fill, OrderUpdate, PositionUpdate
from executor.core.model import OrderPurpose, PositionSide, Venue


@dataclass(frozen=True)
class News:
    kind: NewsKind
    venue: Venue
    account: str
    symbol: str = ""  # canonical; empty for news about the whole account (the stream)
    position_side: PositionSide | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    detail: str = ""
    time_ms: int = 0
    # A risk pause's: the strategy paused ("" the account), the limit breached, and its end.
    strategy: str = ""
    limit: str = ""
    until_ms: int = 0


@dataclass(frozen=True)
class Owner:
    """The signal an order was placed for, and what for."""

    signal_id: str
    purpose: OrderPurpose


class Attribution:
    """Client order ids the executor placed in this run, with the signal each belongs to. The
    gateway knows the orders of every outcome it recorded; this covers what it cannot know,
    such as a stop the keeper placed again. Bounded: the oldest are forgotten first."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._owners: OrderedDict[str, Owner] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def add(self, client_order_id: str, owner: Owner) -> None:
        if not client_order_id:
            return
        with self._lock:
            self._owners[client_order_id] = owner
            self._owners.move_to_end(client_order_id)
            while len(self._owners) > self._capacity:
                self._owners.popitem(last=False)

    def of(self, client_order_id: str) -> Owner | None:
        if not client_order_id:
            return None
        with self._lock:
            return self._owners.get(client_order_id)


@dataclass(frozen=True)
class Record:
    """One entry of the replay log: a fill or a piece of news, numbered in the order seen."""

    seq: int
    item: Fill | News
    owner: Owner | None = None  # a fill's signal, when this run placed its order


class ReplayLog:
    """The last `capacity` fills and news, numbered from 1 within this run (`epoch`), so a
    reader that reconnects can ask for what came after the last number it saw; older entries
    are dropped (the ledger is idempotent by trade id, and REST reconciliation re-reads the
    venue's recent fills after a restart)."""

    def __init__(self, capacity: int = 10_000, attribution: Attribution | None = None) -> None:
        self.epoch = uuid.uuid4().hex
        self.attribution = attribution or Attribution()
        self._records: deque[Record] = deque(maxlen=capacity)
        self._seq = 0
        self._lock = threading.Lock()
        self._appended = threading.Condition(self._lock)

    def append(self, item: Fill | News) -> int:
        owner = self.attribution.of(item.client_order_id) if isinstance(item, Fill) else None
        with self._appended:
            self._seq += 1
            self._records.append(Record(self._seq, item, owner))
            self._appended.notify_all()
            return self._seq

    def since(self, seq: int) -> list[Record]:
        """Records numbered above `seq`, oldest first."""
        with self._lock:
            return self._after(seq)

    def wait_since(self, seq: int, timeout_s: float) -> list[Record]:
        """Records numbered above `seq`; waits up to `timeout_s` for one when there are none."""
        with self._appended:
            self._appended.wait_for(lambda: self._seq > seq, timeout_s)
            return self._after(seq)

    def _after(self, seq: int) -> list[Record]:
        if seq >= self._seq:
            return []
        # Records are numbered without gaps, so the wanted ones are the newest (last - seq),
        # taken from the end: a reader keeping up asks for one or two of up to `capacity`.
        wanted = min(self._seq - seq, len(self._records))
        newest = list(islice(reversed(self._records), wanted))
        newest.reverse()
        return newest

    @property
    def last_seq(self) -> int:
        with self._lock:
            return self._seq


class TradeObserver(Protocol):
    """Told what the keeper learns that the exposure limits count (executor/core/exposure/):
    every new fill, each side's newer position, each order's report, and why a side went flat.
    Called under the account's lock; it must not call back into the keeper."""

    def fill(self, fill: Fill) -> None: ...

    def position(self, update: PositionUpdate) -> None: ...

    def order(self, update: OrderUpdate) -> None: ...

    def news(self, item: News) -> None: ...


class Difference(StrEnum):
    """What a reconciliation found that the stream had not told (the label of its counter)."""

    FILL = "fill"  # a trade first seen through REST
    ORDER = "order"  # an order's state (new, filled, gone) first seen through REST
    POSITION = "position"  # a side's quantity first seen through REST


@dataclass
class AccountStats:
    """Counters per (venue, account) that a metrics module reads; plain numbers, no client."""

    events: Counter[str] = field(default_factory=Counter)  # handled, by event type name
    duplicate_fills: int = 0
    stale_updates: int = 0  # order or position updates older than what was known
    cancelled: int = 0  # protective orders cancelled because their side went flat
    cancel_failures: int = 0
    reconciles: int = 0
    reconcile_failures: int = 0
    # News that reconciliation brought, by `Difference`: what the stream missed or has yet to say.
    reconcile_differences: Counter[str] = field(default_factory=Counter)
    stops_replaced: int = 0
    unprotected: int = 0  # positions whose missing stop could not be re-placed, now
    # Seconds from receiving the event that flattened a side to its siblings being cancelled;
    # the metrics module drains them into a histogram.
    sibling_cancel_seconds: deque[float] = field(default_factory=lambda: deque(maxlen=1000))

    def drain_sibling_cancel_seconds(self) -> list[float]:
        # popleft one by one: a reading thread never loses a value appended meanwhile.
        out: list[float] = []
        while self.sibling_cancel_seconds:
            out.append(self.sibling_cancel_seconds.popleft())
        return out
