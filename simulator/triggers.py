"""Orders that wait outside the book for the price: when they fire, and what firing places.

Both venues keep their conditional orders beside the exchange, with their own ids and no margin
check until they fire. When the mark reaches one, it places a real MARKET order (or a LIMIT at
its price) for its quantity, or for whatever its position holds when it closes the position.
The venues differ only in words: how they spell a cancelled or refused trigger, which client id
the order it places gets, and whether a whole-position close is flagged reduce-only. A trailing
stop carries its `Trail` (simulator/trailing.py), which decides when it fires on both venues.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Generic, TypeVar

from simulator.events import Event, OrderUpdate, TriggerChange, TriggerUpdate
from simulator.exchange import Exchange
from simulator.positions import closable
from simulator.records import Account, Order, SimError
from simulator.trailing import Trail
from simulator.venue import Clock

STOP_TYPES = ("STOP_MARKET", "STOP")
TAKE_PROFIT_TYPES = ("TAKE_PROFIT_MARKET", "TAKE_PROFIT")


def is_stop(order_type: str) -> bool:
    return order_type in STOP_TYPES


def crossed(*, stop: bool, side: str, trigger: Decimal, mark: Decimal) -> bool:
    """Has the mark reached a trigger? Stops buy on the way up and sell on the way down;
    take-profits the other way round."""
    rising = (side == "BUY") if stop else (side == "SELL")
    return mark >= trigger if rising else mark <= trigger


@dataclass(kw_only=True)
class Trigger:
    api_key: str
    symbol: str
    side: str
    position_side: str
    order_type: str
    quantity: Decimal | None  # None: closes whatever the position holds
    price: Decimal | None  # the limit of a STOP / TAKE_PROFIT
    reduce_only: bool
    status: str = "NEW"
    update_ms: int = 0
    trigger_ms: int = 0  # when it fired
    actual: Order | None = None  # the order it placed when it fired
    finished: bool = False  # that order has filled or left the book
    trail: Trail | None = None  # a trailing stop's callback and the best price it has seen


T = TypeVar("T", bound=Trigger)


class TriggerBook(ABC, Generic[T]):
    CANCELLED: ClassVar[str]  # the venue's spelling
    REFUSED: ClassVar[str]  # a trigger whose order could not be placed

    def __init__(self, exchange: Exchange, clock: Clock) -> None:
        self.exchange = exchange
        self.clock = clock
        self.orders: dict[int, T] = {}
        exchange.price_listeners.append(self.on_price)
        exchange.reset_listeners.append(self.reset)
        exchange.waiting_orders.append(self.open_orders)
        exchange.events.subscribe(self.on_event)

    # -- the venue's words -------------------------------------------------------------

    @abstractmethod
    def reached(self, trigger: T, mark: Decimal) -> bool:
        """Does this mark fire it? (A trailing stop's trail decides for itself.)"""

    @abstractmethod
    def not_open(self, trigger: T) -> Exception:
        """The refusal to cancel a trigger that is no longer waiting."""

    @abstractmethod
    def placed_client_id(self) -> str:
        """The client id of the order a trigger places."""

    @abstractmethod
    def close_is_reduce_only(self, trigger: T) -> bool:
        """Whether the order closing a whole position is flagged reduce-only."""

    # -- the shared rules ------------------------------------------------------------------

    def reset(self) -> None:
        for trigger in self.orders.values():
            if trigger.status == "NEW":
                trigger.status = self.CANCELLED

    def open_orders(self, account: Account, symbol: str | None = None) -> list[T]:
        return [
            t
            for t in self.orders.values()
            if t.api_key == account.api_key and t.status == "NEW" and symbol in (None, t.symbol)
        ]

    def fired_by(self, order_id: int) -> T | None:
        """The trigger that placed this order, if one did."""
        for trigger in self.orders.values():
            if trigger.actual is not None and trigger.actual.order_id == order_id:
                return trigger
        return None

    def any_open(self, account: Account, symbol: str | None = None) -> bool:
        """Open orders on the account (or one symbol), resting on the book or waiting here."""
        return bool(self.exchange.open_orders(account, symbol) or self.open_orders(account, symbol))

    def cancel(self, trigger: T) -> T:
        if trigger.status != "NEW":
            raise self.not_open(trigger)
        trigger.status = self.CANCELLED
        trigger.update_ms = self.clock()
        self.announce(trigger, TriggerChange.CANCELED)
        return trigger

    def announce(self, trigger: T, change: TriggerChange, reason: str = "") -> None:
        self.exchange.events.publish(
            TriggerUpdate(trigger.api_key, trigger, change, self.exchange.clock_ms(), reason)
        )

    def on_event(self, event: Event) -> None:
        """A fired trigger is finished when the order it placed fills or leaves the book."""
        if not isinstance(event, OrderUpdate) or event.order.status == "NEW":
            return
        trigger = self.fired_by(event.order.order_id)
        if trigger is not None and not trigger.finished:
            trigger.finished = True
            self.announce(trigger, TriggerChange.FINISHED)

    def on_price(self, symbol: str, mark: Decimal) -> None:
        for trigger in list(self.orders.values()):
            if trigger.symbol != symbol or trigger.status != "NEW":
                continue
            if trigger.trail.step(mark) if trigger.trail is not None else self.reached(trigger, mark):
                self.fire(trigger)

    def fire(self, trigger: T) -> None:
        account = self.exchange.accounts[trigger.api_key]
        trigger.trigger_ms = trigger.update_ms = self.clock()
        self.announce(trigger, TriggerChange.TRIGGERING)
        quantity, reduce = trigger.quantity, trigger.reduce_only
        if quantity is None:
            quantity = closable(account, trigger.symbol, trigger.position_side, trigger.side)
            reduce = self.close_is_reduce_only(trigger)
        if not quantity:
            trigger.status = self.REFUSED
            self.announce(trigger, TriggerChange.REFUSED, "no position to close")
            return
        market = trigger.order_type.endswith("MARKET")

        def placed(order: Order) -> None:
            # On the book, before its own events: listeners can tell whose order it is.
            trigger.actual = order
            trigger.status = "TRIGGERED"
            self.announce(trigger, TriggerChange.TRIGGERED)

        try:
            self.exchange.place_order(
                account,
                symbol=trigger.symbol,
                side=trigger.side,
                position_side=trigger.position_side,
                order_type="MARKET" if market else "LIMIT",
                quantity=quantity,
                price=None if market else trigger.price,
                client_order_id=self.placed_client_id(),
                reduce_only=reduce,
                accepted=placed,
            )
        except SimError as exc:
            # e.g. the margin check it skipped while waiting fails now, or the position it
            # guarded was closed by hand and nothing is left to reduce.
            trigger.status = self.REFUSED
            self.announce(trigger, TriggerChange.REFUSED, exc.message)
