"""What the exchange tells the world as it happens, in no venue's words.

The exchange and its trigger books publish these; each venue's user-data stream renders them in
its own shapes (simulator/binance/stream_events.py, simulator/bingx/stream_events.py). Listeners
run under the exchange lock, at the moment of the change, so they may read live objects.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from simulator.records import Fill, Order

if TYPE_CHECKING:
    from simulator.triggers import Trigger


class Execution(StrEnum):
    NEW = "new"  # accepted (by the book, or placed by a trigger or the venue)
    TRADE = "trade"  # filled
    CANCELED = "canceled"  # taken off by its owner
    EXPIRED = "expired"  # taken off by the venue
    LIQUIDATION = "liquidation"  # the venue's forced close filled


class Expiry(StrEnum):
    """Why the venue took an order off the book."""

    NONE = "none"
    IOC = "ioc"  # immediate-or-cancel found nothing at once
    FOK = "fok"  # fill-or-kill could not fill whole
    LIQUIDATION = "liquidation"  # its account was liquidated


class ConfigChange(StrEnum):
    LEVERAGE = "leverage"
    MARGIN_MODE = "margin_mode"


class TriggerChange(StrEnum):
    PLACED = "placed"
    CANCELED = "canceled"
    TRIGGERING = "triggering"  # the price reached it; its order is on the way
    TRIGGERED = "triggered"  # its order is on the book
    FINISHED = "finished"  # its order filled or left the book
    REFUSED = "refused"  # its order could not be placed


@dataclass(frozen=True)
class OrderUpdate:
    api_key: str
    execution: Execution
    order: Order  # a copy, as the order stood at that moment
    time_ms: int
    fill: Fill | None = None
    expiry: Expiry = Expiry.NONE


@dataclass(frozen=True)
class PositionState:
    symbol: str
    side: str  # BOTH, LONG or SHORT, as the exchange keeps it
    direction: str  # LONG or SHORT: which way it points, or pointed before it closed
    qty: Decimal  # signed for BOTH; never negative for LONG/SHORT
    entry: Decimal
    unrealized: Decimal
    margin: Decimal
    isolated: bool
    realized: Decimal = Decimal(0)  # accumulated, before fees
    fees: Decimal = Decimal(0)  # accumulated


@dataclass(frozen=True)
class AccountUpdate:
    """A balance or position changed because an order filled."""

    api_key: str
    asset: str
    wallet: Decimal
    positions: tuple[PositionState, ...]
    time_ms: int


@dataclass(frozen=True)
class ConfigUpdate:
    api_key: str
    change: ConfigChange
    symbol: str
    long_leverage: int
    short_leverage: int
    isolated: bool
    asset: str
    wallet: Decimal
    time_ms: int


@dataclass(frozen=True)
class TriggerUpdate:
    """A waiting conditional order changed; `trigger` is live (listeners render it at once)."""

    api_key: str
    trigger: Trigger
    change: TriggerChange
    time_ms: int
    reason: str = ""  # why it was refused, in the exchange's words


Event = OrderUpdate | AccountUpdate | ConfigUpdate | TriggerUpdate
Listener = Callable[[Event], None]


class EventBus:
    """Hands every event to every listener in the order the events happened, even when a
    listener publishes in turn (a trigger book finishing its order on the order's last fill)."""

    def __init__(self) -> None:
        self.listeners: list[Listener] = []
        self._pending: deque[Event] = deque()
        self._draining = False

    def subscribe(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def publish(self, event: Event) -> None:
        self._pending.append(event)
        if self._draining:
            return  # the outer publish delivers it, after the event being delivered now
        self._draining = True
        try:
            while self._pending:
                current = self._pending.popleft()
                for listener in list(self.listeners):
                    listener(current)
        except BaseException:
            self._pending.clear()  # a listener failed: nothing half-delivered leaks into the next call
            raise
        finally:
            self._draining = False
