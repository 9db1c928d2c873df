"""The in-memory venue grown to the keeper's `VenueWatch` port: open orders (plain and
protective), fills with trade ids, cancels, settings, and a scripted user stream.

Protections placed through the adapter port show up among the open orders, so a reconciliation
sees them as the venue would list them. Helpers build events about the fake's one symbol.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal

from executor.core.events import (
    AccountConfig,
    Fill,
    OrderKind,
    OrderUpdate,
    PositionUpdate,
    Sink,
    StreamState,
    StreamStatus,
    UserStream,
    VenueEvent,
    Where,
)
from executor.core.model import OrderStatus, PositionSide, Side, Venue
from executor.core.ports import ProtectionKind, ProtectionRequest, VenueOrder
from tests.support.fake_venue import BTC, FakeVenue

WHERE = Where(Venue.BINANCE, "default", BTC.symbol, BTC.venue_symbol)
OURS = "tvb" + "0" * 32


def order(
    order_id: str,
    kind: OrderKind,
    side: Side,
    *,
    position_side: PositionSide = PositionSide.BOTH,
    status: OrderStatus = OrderStatus.NEW,
    quantity: str = "0.01",
    filled: str = "0",
    client_order_id: str = OURS,
    reduce_only: bool = True,
    close_position: bool = False,
    time_ms: int = 1_000,
) -> OrderUpdate:
    return OrderUpdate(
        WHERE,
        order_id,
        client_order_id,
        kind,
        side,
        position_side,
        status,
        Decimal(quantity),
        Decimal(filled),
        None,
        Decimal("59000") if kind.protective else None,
        reduce_only,
        close_position,
        time_ms,
    )


def fill(
    trade_id: str,
    order_id: str,
    side: Side,
    *,
    quantity: str = "0.01",
    client_order_id: str = OURS,
    position_side: PositionSide = PositionSide.BOTH,
    liquidation: bool = False,
    time_ms: int = 2_000,
) -> Fill:
    return Fill(
        WHERE,
        trade_id,
        order_id,
        client_order_id,
        side,
        position_side,
        Decimal(quantity),
        Decimal("61000"),
        Decimal("0.1"),
        "USDT",
        Decimal("10"),
        liquidation,
        time_ms,
    )


def position(
    quantity: str, *, position_side: PositionSide = PositionSide.BOTH, time_ms: int = 1_000
) -> PositionUpdate:
    return PositionUpdate(WHERE, position_side, Decimal(quantity), Decimal("60000"), time_ms)


def stream_state(status: StreamStatus) -> StreamState:
    return StreamState(WHERE.venue, WHERE.account, status)


class ScriptedStream:
    """Emits its script, then holds the line (as a live stream would) until told to stop."""

    def __init__(self, script: list[VenueEvent], emitted: threading.Event) -> None:
        self.script = script
        self.emitted = emitted

    def run(self, sink: Sink, stop: threading.Event) -> None:
        for event in self.script:
            sink(event)
        self.emitted.set()
        stop.wait()


@dataclass
class FakeWatch(FakeVenue):
    open: dict[str, OrderUpdate] = field(default_factory=dict)  # by order id
    trades: list[Fill] = field(default_factory=list)
    # Conditional orders that fired, each naming the order it placed (`actual_order_id`).
    fired: list[OrderUpdate] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)  # order ids asked to cancel, in order
    settings: list[AccountConfig] = field(default_factory=list)
    script: list[VenueEvent] = field(default_factory=list)
    emitted: threading.Event = field(default_factory=threading.Event)

    # -- test controls ---------------------------------------------------------------------

    def rest(self, *orders: OrderUpdate) -> None:
        for o in orders:
            self.open[o.order_id] = o

    def trade(self, f: Fill, *, flat: bool = True) -> None:
        """The venue fills `f`: its order leaves the book, and the side goes flat if `flat`."""
        self.trades.append(f)
        self.open.pop(f.order_id, None)
        if flat:
            self.held[f.position_side] = Decimal(0)

    # -- the port ----------------------------------------------------------------------------

    def open_orders(self, venue_symbol: str | None = None) -> list[OrderUpdate]:
        fault = self._fault("open_orders")
        if fault is not None:
            raise fault.error
        return list(self.open.values())

    def fills(self, venue_symbol: str, since_ms: int) -> list[Fill]:
        self.calls["fills"] += 1
        return [f for f in self.trades if f.where.venue_symbol == venue_symbol and f.time_ms >= since_ms]

    def triggered_orders(self, venue_symbol: str, since_ms: int) -> list[OrderUpdate]:
        return [o for o in self.fired if o.where.venue_symbol == venue_symbol and o.time_ms >= since_ms]

    def cancel_order(self, venue_symbol: str, order: OrderUpdate) -> None:
        fault = self._fault("cancel_order")
        self.cancelled.append(order.order_id)
        if fault is not None:
            raise fault.error
        self.open.pop(order.order_id, None)  # one already gone is no error

    def user_stream(self) -> UserStream:
        return ScriptedStream(self.script, self.emitted)

    def settings_changed(self, config: AccountConfig) -> None:
        self.settings.append(config)
        if config.leverage is not None:
            self.lev = config.leverage
        if config.hedge_mode is not None:
            self.hedge = config.hedge_mode

    def place_protection(self, request: ProtectionRequest) -> VenueOrder:
        placed = super().place_protection(request)
        kind = (
            OrderKind.STOP_MARKET
            if request.kind is ProtectionKind.STOP_LOSS
            else OrderKind.TAKE_PROFIT_MARKET
        )
        self.rest(
            order(
                placed.order_id,
                kind,
                request.side,
                position_side=request.position_side,
                quantity=str(request.quantity),
                client_order_id=request.client_order_id,
                reduce_only=request.position_side is PositionSide.BOTH,
                time_ms=0,
            )
        )
        return placed
