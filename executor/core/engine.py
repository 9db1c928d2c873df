"""Signals in, orders out: sizing, rounding, action semantics, idempotent placement.

A decided outcome is returned as an ExecutionResult. A condition worth
retrying later (venue down, rate limited) is raised as a retryable
TvbridgeError so the caller can redeliver; the client order id derived from
the signal id makes that redelivery safe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from executor.core.model import (
    Action,
    ErrorInfo,
    ExecutionResult,
    MarketPosition,
    OrderReport,
    OrderType,
    Outcome,
    PositionSide,
    Side,
    SizeKind,
    Sizing,
    TradeSignal,
    Venue,
)
from executor.core.risk import RiskLimits
from executor.core.switch import TradingSwitch
from executor.venues import http as venue_http
from executor.venues.base import InstrumentRules, OrderRequest, VenueAdapter, VenueOrder

log = logging.getLogger("executor.engine")

# Outcomes that are the signal's fault or the account's state; anything else
# non-retryable means our side is broken and is reported as failed.
_REJECTION_CLASSES = {
    ErrorClass.INVALID_SIGNAL,
    ErrorClass.UNKNOWN_SYMBOL,
    ErrorClass.BELOW_MINIMUM,
    ErrorClass.PRECISION,
    ErrorClass.RISK_LIMIT,
    ErrorClass.TRADING_DISABLED,
    ErrorClass.INSUFFICIENT_MARGIN,
    ErrorClass.NO_POSITION,
    ErrorClass.UNKNOWN_ACCOUNT,
    ErrorClass.UNSUPPORTED,
    ErrorClass.VENUE_REJECTED,
}

HUNDRED = Decimal(100)
_SHOWN = Decimal("1e-8")  # precision of raw quantities quoted in rejections


@dataclass(frozen=True)
class _Leg:
    side: Side
    position_side: PositionSide
    reduce_only: bool
    purpose: str
    # For closes: the open quantity the leg may take off (absolute), else None.
    position_qty: Decimal | None = None

    @property
    def tag(self) -> str:
        """Names the leg within its signal; the client order id is derived from both."""
        return f"{self.purpose}-{self.position_side.value}"


def _possible_legs(action: Action, hedge: bool, target: bool = False) -> list[_Leg]:
    """Every leg a signal with this action could have placed (sizes aside)."""
    if target:
        sides = (PositionSide.LONG, PositionSide.SHORT) if hedge else (PositionSide.BOTH,)
        # Sides of the order do not enter the client id; only purpose and position side do.
        return [_Leg(Side.BUY, s, p == "close", p) for s in sides for p in ("entry", "close")]
    if action is Action.BUY:
        return [_Leg(Side.BUY, PositionSide.LONG if hedge else PositionSide.BOTH, False, "entry")]
    if action is Action.SELL:
        return [_Leg(Side.SELL, PositionSide.SHORT if hedge else PositionSide.BOTH, False, "entry")]
    legs = []
    if action in (Action.CLOSE, Action.CLOSE_LONG):
        legs.append(_Leg(Side.SELL, PositionSide.LONG if hedge else PositionSide.BOTH, True, "close"))
    if action in (Action.CLOSE, Action.CLOSE_SHORT):
        legs.append(_Leg(Side.BUY, PositionSide.SHORT if hedge else PositionSide.BOTH, True, "close"))
    if not hedge and action is Action.CLOSE:
        return legs[:1]  # one-way mode: one client id serves either direction
    return legs


class ExecutionEngine:
    def __init__(
        self,
        adapters: Mapping[tuple[Venue, str], VenueAdapter],
        switch: TradingSwitch | None = None,
        *,
        remembered_results: int = 10_000,
        rate_limit_wait_s: float = 1.0,
        risk: RiskLimits | None = None,
    ) -> None:
        self.adapters = dict(adapters)
        self.risk = risk or RiskLimits()
        self.rate_limit_wait_s = rate_limit_wait_s
        self.switch = switch or TradingSwitch()
        self._results: OrderedDict[str, ExecutionResult] = OrderedDict()
        self._results_cap = remembered_results
        self._results_lock = threading.Lock()
        self._symbol_locks: dict[tuple[Venue, str, str], threading.Lock] = {}
        self._symbol_locks_guard = threading.Lock()

    # -- public --------------------------------------------------------------

    def adapter(self, venue: Venue, account: str) -> VenueAdapter:
        adapter = self.adapters.get((venue, account or "default"))
        if adapter is None:
            raise TvbridgeError(
                ErrorClass.UNKNOWN_ACCOUNT,
                f"no account '{account or 'default'}' is configured for {venue.value}",
            )
        return adapter

    def execute(self, signal: TradeSignal, *, max_age_ms: int = 0, attempt: int = 1) -> ExecutionResult:
        started = time.perf_counter()
        venue_http.venue_seconds.set(0.0)
        remembered = self._remembered(signal.signal_id)
        if remembered is not None:
            return remembered
        lock = self._symbol_lock(signal.venue, signal.account, signal.symbol)
        # Same account and symbol run one at a time, in the order they arrive.
        with lock:
            remembered = self._remembered(signal.signal_id)
            if remembered is not None:
                return remembered
            try:
                result = self._execute(signal, max_age_ms, attempt)
            except TvbridgeError as exc:
                if exc.retryable:
                    raise
                result = self._refusal(signal, exc)
            result = _with_timing(result, started)
            self._remember(result)
            return result

    # -- the steps -------------------------------------------------------------

    def _execute(self, signal: TradeSignal, max_age_ms: int, attempt: int) -> ExecutionResult:
        expired = self._expired(signal, max_age_ms)
        if expired is not None:
            return expired
        if not self.switch.enabled:
            raise TvbridgeError(ErrorClass.TRADING_DISABLED, "trading is switched off")
        _refuse_unsupported(signal)
        self.risk.check_symbol(signal.symbol)
        adapter = self.adapter(signal.venue, signal.account)
        rules = adapter.rules(signal.symbol)

        if attempt > 1 and not signal.test:
            # A redelivery: the first attempt may have reached the venue.
            found = self._already_placed(adapter, rules, signal)
            if found is not None:
                return found

        self._margin_mode(adapter, rules, signal)
        if signal.market_position is not None:
            legs, quantities, sizing = self._target(adapter, rules, signal)
            if not legs:
                note = f"{rules.venue_symbol} is already at the target position; nothing to trade"
                return ExecutionResult(
                    signal.signal_id, Outcome.EXECUTED, sizing=sizing, test=signal.test, note=note
                )
        else:
            legs = self._legs(adapter, rules, signal)
            sizing, quantities = self._size(adapter, rules, signal, legs)
        if signal.test:
            return ExecutionResult(signal.signal_id, Outcome.EXECUTED, sizing=sizing, test=True)

        orders = []
        for leg, quantity in zip(legs, quantities, strict=True):
            orders.append(self._place(adapter, rules, signal, leg, quantity))
        return ExecutionResult(signal.signal_id, Outcome.EXECUTED, sizing=sizing, orders=tuple(orders))

    def _expired(self, signal: TradeSignal, max_age_ms: int) -> ExecutionResult | None:
        if max_age_ms <= 0:
            return None
        born = signal.fired_at or signal.received_at
        if born is None:
            return None
        age_ms = (datetime.now(UTC) - born).total_seconds() * 1000
        if age_ms <= max_age_ms:
            return None
        error = ErrorInfo(
            ErrorClass.STALE,
            f"signal is {age_ms / 1000:.1f}s old, older than the {max_age_ms / 1000:.1f}s max age",
        )
        return ExecutionResult(signal.signal_id, Outcome.EXPIRED, error=error, test=signal.test)

    def _legs(self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal) -> list[_Leg]:
        hedge = adapter.hedge_mode()
        action = signal.action
        if action in (Action.BUY, Action.SELL):
            side = Side.BUY if action is Action.BUY else Side.SELL
            if hedge:
                pside = PositionSide.LONG if side is Side.BUY else PositionSide.SHORT
                return [_Leg(side, pside, False, "entry")]
            return [_Leg(side, PositionSide.BOTH, signal.reduce_only, "entry")]

        positions = adapter.positions(rules.venue_symbol)
        long_qty = sum((p.quantity for p in positions if p.quantity > 0), Decimal(0))
        short_qty = sum((-p.quantity for p in positions if p.quantity < 0), Decimal(0))
        want_long = action in (Action.CLOSE, Action.CLOSE_LONG)
        want_short = action in (Action.CLOSE, Action.CLOSE_SHORT)
        legs = []
        if want_long and long_qty > 0:
            pside = PositionSide.LONG if hedge else PositionSide.BOTH
            legs.append(_Leg(Side.SELL, pside, True, "close", long_qty))
        if want_short and short_qty > 0:
            pside = PositionSide.SHORT if hedge else PositionSide.BOTH
            legs.append(_Leg(Side.BUY, pside, True, "close", short_qty))
        if not legs:
            which = {Action.CLOSE: "", Action.CLOSE_LONG: "long ", Action.CLOSE_SHORT: "short "}[action]
            raise TvbridgeError(
                ErrorClass.NO_POSITION, f"no open {which}position in {rules.venue_symbol} to close"
            )
        return legs

    @staticmethod
    def _margin_mode(adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal) -> None:
        """Switch the symbol's margin mode when an opening signal asks for another one."""
        wanted = signal.margin_mode
        opening = signal.action in (Action.BUY, Action.SELL) or signal.market_position in (
            MarketPosition.LONG,
            MarketPosition.SHORT,
        )
        if wanted is None or not opening or signal.test:
            return
        if adapter.margin_mode(rules.venue_symbol) is wanted:
            return
        try:
            adapter.set_margin_mode(rules.venue_symbol, wanted)
        except TvbridgeError as exc:
            if exc.retryable:
                raise
            raise TvbridgeError(
                ErrorClass.VENUE_REJECTED,
                f"{adapter.venue.value} would not switch {rules.venue_symbol} to {wanted.value} margin "
                f"(it refuses while a position or order is open): {exc.venue_message or exc.message}",
                venue_code=exc.venue_code,
                venue_message=exc.venue_message,
            ) from exc

    def _target(
        self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal
    ) -> tuple[list[_Leg], list[Decimal], Sizing]:
        """Trade only the difference between the venue's position and the one the strategy holds."""
        want = signal.market_position
        size = signal.size
        if want is not MarketPosition.FLAT and size is None:
            raise TvbridgeError(ErrorClass.INVALID_SIGNAL, f"a {want} target needs a size")
        if size is not None and size.kind is SizeKind.POSITION_PCT:
            raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a target is a position size, not position_pct")
        direction = PositionSide.SHORT if want is MarketPosition.SHORT else PositionSide.LONG
        margin_sized = size is not None and size.kind in (SizeKind.BALANCE, SizeKind.BALANCE_PCT)
        leverage = self._leverage(adapter, rules, signal, direction) if want is not MarketPosition.FLAT else 0
        if leverage:
            self.risk.check_leverage(leverage)
        price: Decimal | None = None
        if signal.order_type is OrderType.LIMIT and signal.price is not None:
            price = rules.floor_price(signal.price)
        elif margin_sized or signal.test or self.risk.needs_price:
            price = adapter.last_price(rules.venue_symbol)

        target = Decimal(0)
        if want is not MarketPosition.FLAT and size is not None:
            leg = _Leg(Side.BUY, PositionSide.BOTH, False, "entry")
            target = rules.floor_qty(self._raw_quantity(adapter, rules, signal, leg, leverage, price))
        positions = adapter.positions(rules.venue_symbol)
        held_long = sum((p.quantity for p in positions if p.quantity > 0), Decimal(0))
        held_short = sum((-p.quantity for p in positions if p.quantity < 0), Decimal(0))
        want_long = target if want is MarketPosition.LONG else Decimal(0)
        want_short = target if want is MarketPosition.SHORT else Decimal(0)

        moves: list[tuple[_Leg, Decimal]] = []
        if adapter.hedge_mode():
            for pside, held, wanted in (
                (PositionSide.LONG, held_long, want_long),
                (PositionSide.SHORT, held_short, want_short),
            ):
                grow = pside is PositionSide.LONG
                if wanted > held:
                    moves.append(
                        (_Leg(Side.BUY if grow else Side.SELL, pside, False, "entry"), wanted - held)
                    )
                elif wanted < held:
                    moves.append((_Leg(Side.SELL if grow else Side.BUY, pside, True, "close"), held - wanted))
        else:
            net, goal = held_long - held_short, want_long - want_short
            diff = goal - net
            # Moving toward zero on the same side only ever shrinks the position.
            shrinking = abs(goal) < abs(net) and (goal == 0 or (goal > 0) == (net > 0))
            if diff != 0:
                side = Side.BUY if diff > 0 else Side.SELL
                moves.append(
                    (_Leg(side, PositionSide.BOTH, shrinking, "close" if shrinking else "entry"), abs(diff))
                )

        legs, quantities = [], []
        for leg, raw in moves:
            quantity = rules.floor_qty(raw)
            opening = not leg.reduce_only
            # A difference below the venue's minimum is as close to the target as it can trade.
            if quantity <= 0 or (opening and quantity < rules.min_qty):
                continue
            if opening and price is not None and quantity * price < rules.min_notional:
                continue
            legs.append(leg)
            quantities.append(quantity)
        total = sum(quantities, Decimal(0))
        notional = total * price if price is not None else Decimal(0)
        if price is not None and any(not leg.reduce_only for leg in legs):
            self.risk.check_order(notional)
            self.risk.check_position(rules.symbol, target, price)
        sizing = Sizing(
            quantity=total,
            price=price or Decimal(0),
            notional=notional,
            leverage=leverage,
            margin=(notional / leverage) if leverage else Decimal(0),
        )
        return legs, quantities, sizing

    def _size(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        legs: list[_Leg],
    ) -> tuple[Sizing, list[Decimal]]:
        closing = legs[0].position_qty is not None
        direction = PositionSide.SHORT if legs[0].side is Side.SELL else PositionSide.LONG
        size = signal.size
        if size is None and not closing:
            raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "an opening order needs a size")
        if size is not None and size.kind is SizeKind.POSITION_PCT and not closing:
            raise TvbridgeError(
                ErrorClass.INVALID_SIGNAL,
                "position_pct sizes only close actions (close, close_long, close_short)",
            )

        leverage = self._leverage(adapter, rules, signal, direction)
        if leverage:
            self.risk.check_leverage(leverage)
        needs_price = (
            signal.test
            or (size is not None and size.kind in (SizeKind.BALANCE, SizeKind.BALANCE_PCT))
            or (self.risk.needs_price and not closing)
        )
        price: Decimal | None = None
        if signal.order_type is OrderType.LIMIT:
            if signal.price is None:
                raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a limit order needs a price")
            price = rules.floor_price(signal.price)
            if price <= 0:
                raise TvbridgeError(
                    ErrorClass.PRECISION,
                    f"price {plain(signal.price)} rounds to zero at tick {rules.price_tick}",
                )
        elif needs_price:
            price = adapter.last_price(rules.venue_symbol)

        quantities = []
        for leg in legs:
            raw = self._raw_quantity(adapter, rules, signal, leg, leverage, price)
            quantity = rules.floor_qty(raw)
            if leg.position_qty is not None:
                quantity = min(quantity, leg.position_qty)
            self._check_minimums(rules, quantity, price, raw, closing=leg.position_qty is not None)
            quantities.append(quantity)

        total = sum(quantities, Decimal(0))
        notional = total * price if price is not None else Decimal(0)
        if not closing and price is not None:
            self.risk.check_order(notional)
            if self.risk.needs_position:
                held = sum((p.quantity for p in adapter.positions(rules.venue_symbol)), Decimal(0))
                signed = total if legs[0].side is Side.BUY else -total
                self.risk.check_position(rules.symbol, held + signed, price)
        sizing = Sizing(
            quantity=total,
            price=price if price is not None else Decimal(0),
            notional=notional,
            leverage=leverage,
            margin=(notional / leverage) if leverage else Decimal(0),
        )
        return sizing, quantities

    def _leverage(
        self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal, direction: PositionSide
    ) -> int:
        wanted = signal.leverage
        if wanted is not None:
            self.risk.check_leverage(wanted)  # before it is set on the venue
        needs_current = wanted is not None or (
            signal.size is not None and signal.size.kind in (SizeKind.BALANCE, SizeKind.BALANCE_PCT)
        )
        if not needs_current:
            return 0
        current = adapter.leverage(rules.venue_symbol, direction)
        if wanted is None or wanted == current:
            return current
        if rules.max_leverage is not None and wanted > rules.max_leverage:
            raise TvbridgeError(
                ErrorClass.RISK_LIMIT,
                f"leverage {wanted} is above the venue's maximum {rules.max_leverage} "
                f"for {rules.venue_symbol}",
            )
        if not signal.test:
            adapter.set_leverage(rules.venue_symbol, direction, wanted)
        return wanted

    def _raw_quantity(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        leg: _Leg,
        leverage: int,
        price: Decimal | None,
    ) -> Decimal:
        size = signal.size
        if size is None:
            assert leg.position_qty is not None  # only closes have no size (checked in _size)
            return leg.position_qty
        if size.kind is SizeKind.QUANTITY:
            return size.value
        if size.kind is SizeKind.POSITION_PCT:
            assert leg.position_qty is not None
            return leg.position_qty * size.value / HUNDRED
        assert price is not None and price > 0
        if size.kind is SizeKind.BALANCE:
            margin = size.value
        else:
            quote = rules.symbol.split("-")[-1]
            margin = adapter.available(quote) * size.value / HUNDRED
        return margin * leverage / price

    @staticmethod
    def _check_minimums(
        rules: InstrumentRules, quantity: Decimal, price: Decimal | None, raw: Decimal, *, closing: bool
    ) -> None:
        if quantity <= 0 or (not closing and quantity < rules.min_qty):
            shown = plain(raw.quantize(_SHOWN, rounding=ROUND_DOWN))
            raise TvbridgeError(
                ErrorClass.BELOW_MINIMUM,
                f"quantity {shown} rounds down to {plain(quantity)} at step {plain(rules.qty_step)}, "
                f"below the venue's minimum quantity ({rules.min_qty_rule} = {plain(rules.min_qty)})",
            )
        if not closing and price is not None and quantity * price < rules.min_notional:
            raise TvbridgeError(
                ErrorClass.BELOW_MINIMUM,
                f"order notional {plain(quantity * price)} is below the venue's minimum "
                f"({rules.min_notional_rule} = {plain(rules.min_notional)})",
            )

    def _place(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        leg: _Leg,
        quantity: Decimal,
    ) -> OrderReport:
        client_id = adapter.client_order_id(signal.signal_id, leg.tag)
        price = (
            rules.floor_price(signal.price) if signal.order_type is OrderType.LIMIT and signal.price else None
        )
        request = OrderRequest(
            venue_symbol=rules.venue_symbol,
            side=leg.side,
            position_side=leg.position_side,
            order_type=signal.order_type,
            quantity=quantity,
            client_order_id=client_id,
            reduce_only=leg.reduce_only,
            price=price,
            purpose=leg.purpose,
        )
        try:
            placed = self._send(adapter, request)
        except venue_http.VenueUnreachable:
            raise  # never sent: safe for the caller to redeliver
        except TvbridgeError as exc:
            # A timeout, a 5xx or a "duplicate id" all mean the venue may hold the
            # order already: ask it by client id before anything else.
            if exc.error_class not in (ErrorClass.VENUE_UNAVAILABLE, ErrorClass.DUPLICATE_CLIENT_ID):
                raise
            placed = self._recover(adapter, request)
        log.info(
            "order placed",
            extra={
                "venue": adapter.venue.value,
                "symbol": rules.venue_symbol,
                "side": leg.side.value,
                "quantity": plain(quantity),
                "order_id": placed.order_id,
                "client_order_id": client_id,
            },
        )
        return _report(adapter.venue, request, placed)

    def _send(self, adapter: VenueAdapter, request: OrderRequest) -> VenueOrder:
        try:
            return adapter.place_order(request)
        except venue_http.VenueRateLimited as exc:
            # A rate-limit answer means the order was not taken. When the venue's
            # window reopens soon enough, one more try beats a redelivery.
            wait = exc.retry_after_s if exc.retry_after_s is not None else self.rate_limit_wait_s
            if wait > self.rate_limit_wait_s:
                raise
            time.sleep(wait)
            return adapter.place_order(request)

    @staticmethod
    def _recover(adapter: VenueAdapter, request: OrderRequest) -> VenueOrder:
        found = adapter.find_order(request.venue_symbol, request.client_order_id)
        if found is None:
            raise TvbridgeError(
                ErrorClass.VENUE_UNAVAILABLE,
                f"{adapter.venue.value} did not confirm order {request.client_order_id} "
                "and holds no such order",
            )
        return found

    def _already_placed(
        self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal
    ) -> ExecutionResult | None:
        reports = []
        for leg in _possible_legs(signal.action, adapter.hedge_mode(), signal.market_position is not None):
            client_id = adapter.client_order_id(signal.signal_id, leg.tag)
            found = adapter.find_order(rules.venue_symbol, client_id)
            if found is None:
                continue
            request = OrderRequest(
                venue_symbol=rules.venue_symbol,
                side=leg.side,
                position_side=leg.position_side,
                order_type=signal.order_type,
                quantity=found.executed_qty or Decimal(0),
                client_order_id=client_id,
                reduce_only=leg.reduce_only,
                purpose=leg.purpose,
            )
            reports.append(_report(adapter.venue, request, found))
        if not reports:
            return None
        return ExecutionResult(signal.signal_id, Outcome.EXECUTED, orders=tuple(reports))

    # -- bookkeeping ------------------------------------------------------------

    def _refusal(self, signal: TradeSignal, exc: TvbridgeError) -> ExecutionResult:
        outcome = Outcome.REJECTED if exc.error_class in _REJECTION_CLASSES else Outcome.FAILED
        log.info(
            "signal %s", outcome.value, extra={"error_class": exc.error_class.value, "reason": exc.message}
        )
        error = ErrorInfo(exc.error_class, exc.message, exc.retryable, exc.venue_code, exc.venue_message)
        return ExecutionResult(signal.signal_id, outcome, error=error, test=signal.test)

    def _symbol_lock(self, venue: Venue, account: str, symbol: str) -> threading.Lock:
        key = (venue, account, symbol)
        with self._symbol_locks_guard:
            lock = self._symbol_locks.get(key)
            if lock is None:
                lock = self._symbol_locks[key] = threading.Lock()
            return lock

    def _remembered(self, signal_id: str) -> ExecutionResult | None:
        with self._results_lock:
            return self._results.get(signal_id)

    def _remember(self, result: ExecutionResult) -> None:
        with self._results_lock:
            self._results[result.signal_id] = result
            while len(self._results) > self._results_cap:
                self._results.popitem(last=False)


def _refuse_unsupported(signal: TradeSignal) -> None:
    unsupported = [
        name
        for name, value in (
            ("take_profit", signal.take_profit),
            ("stop_loss", signal.stop_loss),
            ("tp_pct", signal.tp_pct),
            ("sl_pct", signal.sl_pct),
        )
        if value is not None
    ]
    if unsupported:
        raise TvbridgeError(
            ErrorClass.UNSUPPORTED,
            f"this executor does not yet trade {', '.join(unsupported)}; the signal was not traded",
        )


def _report(venue: Venue, request: OrderRequest, placed: VenueOrder) -> OrderReport:
    return OrderReport(
        venue=venue,
        venue_symbol=request.venue_symbol,
        order_id=placed.order_id,
        client_order_id=placed.client_order_id,
        side=request.side,
        position_side=request.position_side,
        order_type=request.order_type,
        quantity=request.quantity,
        price=request.price,
        avg_price=placed.avg_price,
        status=placed.status,
        reduce_only=request.reduce_only,
        purpose=request.purpose,
    )


def _with_timing(result: ExecutionResult, started: float) -> ExecutionResult:
    return replace(
        result,
        executor_ms=int((time.perf_counter() - started) * 1000),
        venue_ms=int(venue_http.venue_seconds.get() * 1000),
    )
