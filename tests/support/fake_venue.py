"""An in-memory venue behind the core's `VenueAdapter` port, for unit tests of the core.

It keeps one account: positions by position side, orders by client id, resting protections.
Market orders fill at once at the price; limits rest. Faults are queued per call name and
raised at the next such call: `lose_answer` places the order and then raises as a timeout
would, `unreachable` raises before anything is placed. Every call is counted by name.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

from common.errors import ErrorClass, TvbridgeError
from executor.core.model import MarginMode, OrderStatus, OrderType, PositionSide, Side, Venue
from executor.core.ports import (
    ConnectionReport,
    InstrumentRules,
    OpenProtection,
    OrderRequest,
    ProtectionKind,
    ProtectionRequest,
    VenueBalance,
    VenueOrder,
    VenuePosition,
)

BTC = InstrumentRules(
    symbol="BTC-USDT",
    venue_symbol="BTCUSDT",
    qty_step=Decimal("0.001"),
    price_tick=Decimal("0.1"),
    min_qty=Decimal("0.001"),
    min_notional=Decimal("100"),
    min_qty_rule="LOT_SIZE.minQty",
    min_notional_rule="MIN_NOTIONAL.notional",
    max_leverage=125,
)


@dataclass
class Fault:
    error: TvbridgeError
    acted: bool  # the venue did the work before the answer was lost


def lost_answer() -> Fault:
    return Fault(TvbridgeError(ErrorClass.VENUE_UNAVAILABLE, "no answer within 5.0s"), acted=True)


def unreachable() -> Fault:
    return Fault(TvbridgeError(ErrorClass.VENUE_UNAVAILABLE, "connection refused", sent=False), acted=False)


def refused(error_class: ErrorClass, message: str, code: str = "") -> Fault:
    return Fault(TvbridgeError(error_class, message, venue_code=code, venue_message=message), acted=False)


def rate_limited(retry_after_s: float) -> Fault:
    return Fault(TvbridgeError(ErrorClass.RATE_LIMITED, "HTTP 429", retry_after_s=retry_after_s), acted=False)


@dataclass
class FakeVenue:
    venue: Venue = Venue.BINANCE
    account: str = "default"
    base_url: str = "memory://"
    attaches_protection: bool = False
    trigger_client_ids: bool = True
    caps_trigger_totals: bool = False
    hedge: bool = False
    last: Decimal = Decimal("60000")
    balance: Decimal = Decimal("10000")
    equity_value: Decimal = Decimal("12000")
    fee_rate: Decimal = Decimal("0.0005")
    lev: int = 10
    rules_by_symbol: dict[str, InstrumentRules] = field(default_factory=lambda: {BTC.symbol: BTC})
    held: dict[PositionSide, Decimal] = field(default_factory=dict)  # signed quantities
    orders: dict[str, VenueOrder] = field(default_factory=dict)  # by client id
    placed: list[OrderRequest] = field(default_factory=list)
    protections: dict[str, tuple[ProtectionRequest, VenueOrder]] = field(default_factory=dict)
    modes: dict[str, MarginMode] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- test controls ---------------------------------------------------------------------

    def fail_next(self, call: str, fault: Fault) -> None:
        self.faults.setdefault(call, []).append(fault)

    def hold(self, quantity: str, side: PositionSide = PositionSide.BOTH) -> None:
        self.held[side] = Decimal(quantity)

    def _fault(self, call: str) -> Fault | None:
        self.calls[call] += 1
        queue = self.faults.get(call)
        return queue.pop(0) if queue else None

    # -- the port ----------------------------------------------------------------------------

    def rules(self, symbol: str) -> InstrumentRules:
        self.calls["rules"] += 1
        if symbol not in self.rules_by_symbol:
            raise TvbridgeError(ErrorClass.UNKNOWN_SYMBOL, f"the fake lists no perpetual contract {symbol}")
        return self.rules_by_symbol[symbol]

    def price(self, venue_symbol: str) -> Decimal:
        self.calls["price"] += 1
        return self.last

    def saw_price(self, venue_symbol: str, price: Decimal) -> None:
        self.last = price

    def available(self, asset: str) -> Decimal:
        self.calls["available"] += 1
        return self.balance

    def equity(self, asset: str) -> Decimal:
        self.calls["equity"] += 1
        return self.equity_value

    def taker_fee(self, venue_symbol: str) -> Decimal:
        self.calls["taker_fee"] += 1
        return self.fee_rate

    def account_changed(self) -> None:
        pass

    def leverage(self, venue_symbol: str, position_side: PositionSide) -> int:
        self.calls["leverage"] += 1
        return self.lev

    def set_leverage(self, venue_symbol: str, position_side: PositionSide, leverage: int) -> None:
        self.calls["set_leverage"] += 1
        self.lev = leverage

    def hedge_mode(self) -> bool:
        return self.hedge

    def margin_mode(self, venue_symbol: str) -> MarginMode:
        return self.modes.get(venue_symbol, MarginMode.CROSS)

    def forget_settings(self, venue_symbol: str | None = None) -> None:
        self.calls["forget_settings"] += 1  # nothing to forget: it holds the venue's own settings

    def set_margin_mode(self, venue_symbol: str, mode: MarginMode) -> None:
        self.calls["set_margin_mode"] += 1
        self.modes[venue_symbol] = mode

    def balances(self) -> list[VenueBalance]:
        return [VenueBalance("USDT", self.balance, self.balance, self.balance, Decimal(0))]

    def positions(self, venue_symbol: str | None = None) -> list[VenuePosition]:
        self.calls["positions"] += 1
        return [
            VenuePosition(
                "BTC-USDT", BTC.venue_symbol, side, qty, self.last, self.last, Decimal(0), self.lev, None
            )
            for side, qty in self.held.items()
            if qty != 0
        ]

    def place_order(self, request: OrderRequest) -> VenueOrder:
        fault = self._fault("place_order")
        if fault is not None and not fault.acted:
            raise fault.error
        held = self.orders.get(request.client_order_id)
        # As on Binance: only an open order's client id is refused; a filled one's may be reused,
        # which is why a redelivery must ask before it places.
        if held is not None and held.status is OrderStatus.NEW:
            raise TvbridgeError(
                ErrorClass.DUPLICATE_CLIENT_ID, "duplicate client order id", venue_code="-4116"
            )
        order = self._fill(request)
        if fault is not None:
            raise fault.error
        return order

    def _fill(self, request: OrderRequest) -> VenueOrder:
        self.placed.append(request)
        market = request.order_type is OrderType.MARKET
        order = VenueOrder(
            order_id=str(next(self._ids)),
            client_order_id=request.client_order_id,
            status=OrderStatus.FILLED if market else OrderStatus.NEW,
            avg_price=self.last if market else None,
            executed_qty=request.quantity if market else Decimal(0),
        )
        self.orders[request.client_order_id] = order
        if market:
            signed = request.quantity if request.side is Side.BUY else -request.quantity
            self.held[request.position_side] = self.held.get(request.position_side, Decimal(0)) + signed
        return order

    def find_order(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        fault = self._fault("find_order")
        if fault is not None:
            raise fault.error
        return self.orders.get(client_order_id)

    def place_protection(self, request: ProtectionRequest) -> VenueOrder:
        fault = self._fault("place_protection")
        if fault is not None and not fault.acted:
            raise fault.error
        order = VenueOrder(str(next(self._ids)), request.client_order_id, OrderStatus.NEW, None, None)
        self.protections[request.client_order_id] = (request, order)
        if fault is not None:
            raise fault.error
        return order

    def find_protection(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        self.calls["find_protection"] += 1
        found = self.protections.get(client_order_id)
        return found[1] if found else None

    def open_protections(self, venue_symbol: str) -> list[OpenProtection]:
        self.calls["open_protections"] += 1
        return [self._resting(cid, request, order) for cid, (request, order) in self.protections.items()]

    def _resting(self, cid: str, request: ProtectionRequest, order: VenueOrder) -> OpenProtection:
        resting = OpenProtection(
            order.order_id,
            cid,
            request.side,
            request.position_side,
            request.venue_type,
            request.quantity,
            request.trigger_price,
        )
        if request.kind is not ProtectionKind.TRAILING_STOP:
            return resting
        # As both venues list a trail: no trigger price, its activation (the price it was placed
        # at when sent without one) and its callback.
        return replace(
            resting,
            trigger_price=None,
            activation_price=request.trigger_price or self.last,
            callback_pct=request.callback_pct,
        )

    def replace_protection(self, old: OpenProtection, request: ProtectionRequest) -> VenueOrder:
        """The old order goes and the new one rests in one step: in memory nothing happens
        between, which is what both adapters' ways promise (the fake refuses no total, so the
        order of the two does not matter). An old order already gone is no error. A fault
        queued for "replace_protection" strikes before anything changes (the old one stays), or,
        a lost answer, after the replacement."""
        fault = self._fault("replace_protection")
        if fault is not None and not fault.acted:
            raise fault.error
        for cid, (_, order) in list(self.protections.items()):
            if order.order_id == old.order_id:
                del self.protections[cid]
        placed = VenueOrder(str(next(self._ids)), request.client_order_id, OrderStatus.NEW, None, None)
        self.protections[request.client_order_id] = (request, placed)
        if fault is not None:
            raise fault.error
        return placed

    def cancel_protection(self, venue_symbol: str, order_id: str) -> None:
        self.calls["cancel_protection"] += 1
        for cid, (_, order) in list(self.protections.items()):
            if order.order_id == order_id:
                del self.protections[cid]

    def check_connection(self) -> ConnectionReport:
        return ConnectionReport(True, 0, 0, True, True)

    def warm(self) -> None:
        pass

    def keep_warm(self, idle_s: float) -> bool:
        return False

    def close(self) -> None:
        pass
