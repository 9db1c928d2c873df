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
from collections.abc import Callable, Mapping
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
    OrderPurpose,
    OrderReport,
    OrderStatus,
    OrderType,
    Outcome,
    PositionSide,
    Side,
    SizeKind,
    Sizing,
    TradeSignal,
    Venue,
)
from executor.core.protection import ProtectionPlan, plan_for
from executor.core.risk import RiskLimits
from executor.core.switch import TradingSwitch
from executor.venues import http as venue_http
from executor.venues.base import (
    InstrumentRules,
    OrderRequest,
    Protection,
    ProtectionKind,
    ProtectionRequest,
    VenueAdapter,
    VenueOrder,
)

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
    purpose: OrderPurpose
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
        return [
            _Leg(Side.BUY, s, p is OrderPurpose.CLOSE, p)
            for s in sides
            for p in (OrderPurpose.ENTRY, OrderPurpose.CLOSE)
        ]
    if action is Action.BUY:
        return [_Leg(Side.BUY, PositionSide.LONG if hedge else PositionSide.BOTH, False, OrderPurpose.ENTRY)]
    if action is Action.SELL:
        return [
            _Leg(Side.SELL, PositionSide.SHORT if hedge else PositionSide.BOTH, False, OrderPurpose.ENTRY)
        ]
    legs = []
    if action in (Action.CLOSE, Action.CLOSE_LONG):
        legs.append(
            _Leg(Side.SELL, PositionSide.LONG if hedge else PositionSide.BOTH, True, OrderPurpose.CLOSE)
        )
    if action in (Action.CLOSE, Action.CLOSE_SHORT):
        legs.append(
            _Leg(Side.BUY, PositionSide.SHORT if hedge else PositionSide.BOTH, True, OrderPurpose.CLOSE)
        )
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
        # Symbols known to hold no resting take-profit/stop-loss, so a close need not look.
        self._unprotected: set[tuple[Venue, str, str]] = set()

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
        venue_http.venue_answered_ns.set(0)
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
        redelivery = attempt > 1 and not signal.test
        if redelivery:
            # An earlier attempt may have reached the venue. That is asked first, so neither
            # age nor the kill switch can hide an order that exists.
            adapter, rules, plan, known = self._venue_context(signal)
            found = self._already_placed(adapter, rules, signal, plan, known)
            if found is not None:
                return found
        expired = self._expired(signal, max_age_ms)
        if expired is not None:
            return expired
        if not self.switch.enabled:
            raise TvbridgeError(ErrorClass.TRADING_DISABLED, "trading is switched off")
        self.risk.check_symbol(signal.symbol)
        if not redelivery:
            adapter, rules, plan, known = self._venue_context(signal)

        self._margin_mode(adapter, rules, signal)
        closed: list[tuple[PositionSide, Side]] = []
        cap: Decimal | None = None
        if signal.market_position is not None:
            legs, quantities, sizing, cap, closed = self._target(adapter, rules, signal)
            if not legs:
                note = f"{rules.venue_symbol} is already at the target position; nothing to trade"
                return ExecutionResult(
                    signal.signal_id, Outcome.EXECUTED, sizing=sizing, test=signal.test, note=note
                )
        else:
            legs = self._legs(adapter, rules, signal)
            sizing, quantities = self._size(adapter, rules, signal, legs)
            closed = [
                (leg.position_side, leg.side)
                for leg, quantity in zip(legs, quantities, strict=True)
                if leg.position_qty is not None and quantity >= leg.position_qty
            ]
        note = ""
        if plan is not None:
            reference = sizing.price or None
            if reference is None and known is not None and not adapter.attaches_protection:
                # Levels on the wrong side would be refused only after the entry filled,
                # leaving it unguarded: look at the price first.
                reference = adapter.price(rules.venue_symbol)
            if known is not None:
                plan.check(known, reference)
            if signal.test:
                note = _describe(known or (plan.triggers(rules, reference) if reference else ()), reference)
        if signal.test:
            return ExecutionResult(signal.signal_id, Outcome.EXECUTED, sizing=sizing, test=True, note=note)

        orders: list[OrderReport] = []
        problems: list[str] = []
        for leg, quantity in zip(legs, quantities, strict=True):
            guarded = plan is not None and leg.purpose == OrderPurpose.ENTRY and not leg.reduce_only
            attach = known if guarded and adapter.attaches_protection and known is not None else ()
            report = self._place(adapter, rules, signal, leg, quantity, attach or ())
            orders.append(report)
            if guarded:
                assert plan is not None
                reports, failed = self._protect(adapter, rules, signal, plan, report, known, cap, attach)
                orders.extend(reports)
                problems.extend(failed)
        problems.extend(self._clear_protections(adapter, rules, closed, {o.client_order_id for o in orders}))
        return ExecutionResult(
            signal.signal_id, Outcome.EXECUTED, sizing=sizing, orders=tuple(orders), note="; ".join(problems)
        )

    def _venue_context(
        self, signal: TradeSignal
    ) -> tuple[VenueAdapter, InstrumentRules, ProtectionPlan | None, tuple[Protection, ...] | None]:
        """The account's adapter, the symbol's rules, and the signal's take-profit/stop-loss plan."""
        adapter = self.adapter(signal.venue, signal.account)
        rules = adapter.rules(signal.symbol)
        plan = plan_for(signal, attaches=adapter.attaches_protection)
        return adapter, rules, plan, _known_triggers(plan, rules, signal)

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
                return [_Leg(side, pside, False, OrderPurpose.ENTRY)]
            return [_Leg(side, PositionSide.BOTH, signal.reduce_only, OrderPurpose.ENTRY)]

        positions = adapter.positions(rules.venue_symbol)
        long_qty = sum((p.quantity for p in positions if p.quantity > 0), Decimal(0))
        short_qty = sum((-p.quantity for p in positions if p.quantity < 0), Decimal(0))
        want_long = action in (Action.CLOSE, Action.CLOSE_LONG)
        want_short = action in (Action.CLOSE, Action.CLOSE_SHORT)
        legs = []
        if want_long and long_qty > 0:
            pside = PositionSide.LONG if hedge else PositionSide.BOTH
            legs.append(_Leg(Side.SELL, pside, True, OrderPurpose.CLOSE, long_qty))
        if want_short and short_qty > 0:
            pside = PositionSide.SHORT if hedge else PositionSide.BOTH
            legs.append(_Leg(Side.BUY, pside, True, OrderPurpose.CLOSE, short_qty))
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
            adapter.account_changed()
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
    ) -> tuple[list[_Leg], list[Decimal], Sizing, Decimal, list[tuple[PositionSide, Side]]]:
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
            price = adapter.price(rules.venue_symbol)

        target = Decimal(0)
        if want is not MarketPosition.FLAT and size is not None:
            leg = _Leg(Side.BUY, PositionSide.BOTH, False, OrderPurpose.ENTRY)
            target = rules.floor_qty(self._raw_quantity(adapter, rules, signal, leg, leverage, price))
        positions = adapter.positions(rules.venue_symbol)
        held_long = sum((p.quantity for p in positions if p.quantity > 0), Decimal(0))
        held_short = sum((-p.quantity for p in positions if p.quantity < 0), Decimal(0))
        want_long = target if want is MarketPosition.LONG else Decimal(0)
        want_short = target if want is MarketPosition.SHORT else Decimal(0)

        moves: list[tuple[_Leg, Decimal]] = []
        # Sides this move leaves empty (or flips away from): their stops and targets are stale.
        closed: list[tuple[PositionSide, Side]] = []
        if adapter.hedge_mode():
            if held_long > 0 and want_long == 0:
                closed.append((PositionSide.LONG, Side.SELL))
            if held_short > 0 and want_short == 0:
                closed.append((PositionSide.SHORT, Side.BUY))
            for pside, held, wanted in (
                (PositionSide.LONG, held_long, want_long),
                (PositionSide.SHORT, held_short, want_short),
            ):
                grow = pside is PositionSide.LONG
                if wanted > held:
                    moves.append(
                        (
                            _Leg(Side.BUY if grow else Side.SELL, pside, False, OrderPurpose.ENTRY),
                            wanted - held,
                        )
                    )
                elif wanted < held:
                    moves.append(
                        (
                            _Leg(Side.SELL if grow else Side.BUY, pside, True, OrderPurpose.CLOSE),
                            held - wanted,
                        )
                    )
        else:
            net, goal = held_long - held_short, want_long - want_short
            if (net > 0 and goal <= 0) or (net < 0 and goal >= 0):
                closed.append((PositionSide.BOTH, Side.SELL if net > 0 else Side.BUY))
            diff = goal - net
            # Moving toward zero on the same side only ever shrinks the position.
            shrinking = abs(goal) < abs(net) and (goal == 0 or (goal > 0) == (net > 0))
            if diff != 0:
                side = Side.BUY if diff > 0 else Side.SELL
                moves.append(
                    (
                        _Leg(
                            side,
                            PositionSide.BOTH,
                            shrinking,
                            OrderPurpose.CLOSE if shrinking else OrderPurpose.ENTRY,
                        ),
                        abs(diff),
                    )
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
        return legs, quantities, sizing, target, closed

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
            price = adapter.price(rules.venue_symbol)

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
            adapter.account_changed()  # margin held by open positions moves with leverage
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
        attached: tuple[Protection, ...] = (),
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
            attached=attached,
        )
        try:
            placed = self._send(lambda: adapter.place_order(request))
        except venue_http.VenueUnreachable:
            raise  # never sent: safe for the caller to redeliver
        except TvbridgeError as exc:
            # A timeout, a 5xx or a "duplicate id" all mean the venue may hold the
            # order already: ask it by client id before anything else.
            if exc.error_class not in (ErrorClass.VENUE_UNAVAILABLE, ErrorClass.DUPLICATE_CLIENT_ID):
                raise
            placed = self._recover(adapter, request)
        finally:
            adapter.account_changed()
        if placed.avg_price is not None:
            adapter.saw_price(rules.venue_symbol, placed.avg_price)
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

    def _send(self, place: Callable[[], VenueOrder]) -> VenueOrder:
        try:
            return place()
        except venue_http.VenueRateLimited as exc:
            # A rate-limit answer means the order was not taken. When the venue's
            # window reopens soon enough, one more try beats a redelivery.
            wait = exc.retry_after_s if exc.retry_after_s is not None else self.rate_limit_wait_s
            if wait > self.rate_limit_wait_s:
                raise
            time.sleep(wait)
            return place()

    # -- take-profit and stop-loss ------------------------------------------------

    def _protect(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        plan: ProtectionPlan,
        entry: OrderReport,
        known: tuple[Protection, ...] | None,
        cap: Decimal | None,
        attached: tuple[Protection, ...],
        *,
        redelivery: bool = False,
    ) -> tuple[list[OrderReport], list[str]]:
        """Guard a filled entry; a level that cannot be placed is reported, never hidden."""
        quantity = entry.quantity if cap is None else min(entry.quantity, cap)
        if quantity <= 0:
            return [], []
        closing = Side.SELL if entry.side is Side.BUY else Side.BUY
        if attached:
            # The venue arms these itself once the entry fills, for the entry's quantity.
            reports = [
                _protection_report(entry, closing, p, entry.quantity, "", "", OrderStatus.ATTACHED)
                for p in attached
            ]
            self._unprotected.discard((adapter.venue, adapter.account, rules.venue_symbol))
            return reports, []
        triggers = known
        if triggers is None:
            base = entry.avg_price or entry.price or adapter.price(rules.venue_symbol)
            triggers = plan.triggers(rules, base)
        reports, problems = [], []
        for trigger in triggers:
            request = ProtectionRequest(
                venue_symbol=rules.venue_symbol,
                kind=trigger.kind,
                side=closing,
                position_side=entry.position_side,
                quantity=quantity,
                trigger_price=trigger.trigger_price,
                client_order_id=adapter.client_order_id(
                    signal.signal_id, f"{trigger.kind.value}-{entry.position_side.value}"
                ),
            )
            try:
                placed = self._place_protection(adapter, request, redelivery=redelivery)
            except TvbridgeError as exc:
                name = "take-profit" if trigger.kind is ProtectionKind.TAKE_PROFIT else "stop-loss"
                problems.append(
                    f"UNPROTECTED: the {name} at {plain(trigger.trigger_price)} was not placed "
                    f"({exc.message}); the entry stands"
                )
                log.warning(
                    "protection not placed",
                    extra={"kind": trigger.kind.value, "reason": exc.message, "symbol": rules.venue_symbol},
                )
                continue
            self._unprotected.discard((adapter.venue, adapter.account, rules.venue_symbol))
            reports.append(
                _protection_report(
                    entry, closing, trigger, quantity, placed.order_id, placed.client_order_id, placed.status
                )
            )
        return reports, problems

    def _place_protection(
        self, adapter: VenueAdapter, request: ProtectionRequest, *, redelivery: bool
    ) -> VenueOrder:
        if redelivery:
            found = adapter.find_protection(request.venue_symbol, request.client_order_id)
            if found is not None:
                return found
        try:
            return self._send(lambda: adapter.place_protection(request))
        except venue_http.VenueUnreachable:
            raise
        except TvbridgeError as exc:
            if exc.error_class not in (ErrorClass.VENUE_UNAVAILABLE, ErrorClass.DUPLICATE_CLIENT_ID):
                raise
            found = adapter.find_protection(request.venue_symbol, request.client_order_id)
            if found is None:
                raise
            return found

    def _clear_protections(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        closed: list[tuple[PositionSide, Side]],
        keep: set[str],
    ) -> list[str]:
        """Cancel the stops and targets of a position this signal closed, so none can fire later."""
        key = (adapter.venue, adapter.account, rules.venue_symbol)
        if not closed or key in self._unprotected:
            return []
        try:
            resting = adapter.open_protections(rules.venue_symbol)
            stale = [
                p for p in resting if (p.position_side, p.side) in closed and p.client_order_id not in keep
            ]
            for order in stale:
                adapter.cancel_protection(rules.venue_symbol, order.order_id)
        except TvbridgeError as exc:
            log.warning("stale protection not cancelled", extra={"reason": exc.message})
            return [
                f"the closed position's take-profit/stop-loss orders could not be cancelled: {exc.message}"
            ]
        if len(stale) == len(resting):
            self._unprotected.add(key)
        if not stale:
            return []
        return [f"cancelled {len(stale)} take-profit/stop-loss order(s) of the closed position"]

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
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        plan: ProtectionPlan | None,
        known: tuple[Protection, ...] | None,
    ) -> ExecutionResult | None:
        reports: list[OrderReport] = []
        problems: list[str] = []
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
            entry = _report(adapter.venue, request, found)
            reports.append(entry)
            if plan is not None and leg.purpose == OrderPurpose.ENTRY and not leg.reduce_only:
                # The first attempt may have died between the entry and its guards.
                attach = known if adapter.attaches_protection and known is not None else ()
                guards, failed = self._protect(
                    adapter, rules, signal, plan, entry, known, None, attach, redelivery=True
                )
                reports.extend(guards)
                problems.extend(failed)
        if not reports:
            return None
        return ExecutionResult(
            signal.signal_id, Outcome.EXECUTED, orders=tuple(reports), note="; ".join(problems)
        )

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


def _known_triggers(
    plan: ProtectionPlan | None, rules: InstrumentRules, signal: TradeSignal
) -> tuple[Protection, ...] | None:
    """Trigger prices that can be fixed before the entry: absolute ones, or percent from a limit."""
    if plan is None:
        return None
    if not plan.needs_entry_price:
        known = plan.triggers(rules, None)
    elif signal.order_type is OrderType.LIMIT and signal.price is not None:
        known = plan.triggers(rules, rules.floor_price(signal.price))
    else:
        return None
    plan.check(known, None)
    return known


def _describe(triggers: tuple[Protection, ...], reference: Decimal | None) -> str:
    if not triggers:
        return ""
    names = {ProtectionKind.TAKE_PROFIT: "take-profit", ProtectionKind.STOP_LOSS: "stop-loss"}
    parts = [f"{names[t.kind]} at {plain(t.trigger_price)}" for t in triggers]
    base = f" (from {plain(reference)})" if reference else ""
    return "would place " + " and ".join(parts) + base


def _protection_report(
    entry: OrderReport,
    closing: Side,
    trigger: Protection,
    quantity: Decimal,
    order_id: str,
    client_order_id: str,
    status: OrderStatus,
) -> OrderReport:
    return OrderReport(
        venue=entry.venue,
        venue_symbol=entry.venue_symbol,
        order_id=order_id,
        client_order_id=client_order_id,
        side=closing,
        position_side=entry.position_side,
        order_type=OrderType.MARKET,
        quantity=quantity,
        price=None,
        avg_price=None,
        status=status,
        reduce_only=entry.position_side is PositionSide.BOTH,
        purpose=OrderPurpose(trigger.kind.value),
        trigger_price=trigger.trigger_price,
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
    spent, venue = time.perf_counter() - started, venue_http.venue_seconds.get()
    return replace(
        result,
        executor_ms=int(spent * 1000),
        venue_ms=int(venue * 1000),
        executor_us=int(spent * 1_000_000),
        venue_us=int(venue * 1_000_000),
        venue_answered_ns=venue_http.venue_answered_ns.get(),
    )
