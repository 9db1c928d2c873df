"""Signals in, orders out: the order of the steps, and what is remembered between signals.

A decided outcome is returned as an ExecutionResult. A condition worth retrying later (venue
down, rate limited) is raised as a retryable TvbridgeError so the caller can redeliver; the
client order id derived from the signal id makes that redelivery safe. The rules each step
applies live beside this file: legs.py (which orders), sizing.py (how much), placement.py
(placed at most once), protection.py and guards.py (take-profit and stop-loss).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from common.errors import ErrorClass, TvbridgeError
from executor.core.exits import ExitPlacer, ExitTerms, KeepsExits, check_before, exit_terms, stop_plan
from executor.core.exposure.guard import ExposureGuard
from executor.core.flatten import AccountFlatten, flatten_account
from executor.core.guards import Guarded, Guards, OnGuarded
from executor.core.legs import Held, Leg, Plan, direction, plan_legs
from executor.core.model import (
    Action,
    ExecutionResult,
    OrderReport,
    OrderStatus,
    OrderType,
    Outcome,
    Sizing,
    TradeSignal,
    Venue,
)
from executor.core.outcomes import executed, expired, refusal, with_timing
from executor.core.placement import Placer
from executor.core.planned import planned_orders
from executor.core.ports import InstrumentRules, Protection, VenueAdapter, venue_answered_ns, venue_seconds
from executor.core.protection import ProtectionPlan, describe, known_triggers, plan_for
from executor.core.resume import resume
from executor.core.risk import RiskLimits
from executor.core.sizing import Sizer, Terms, apply_margin_mode, closes
from executor.core.switch import TradingSwitch
from executor.core.update import Updater

log = logging.getLogger("executor.engine")


@dataclass(frozen=True)
class _Context:
    """One signal's venue, instrument and take-profit/stop-loss plan."""

    adapter: VenueAdapter
    rules: InstrumentRules
    plan: ProtectionPlan | None
    known: tuple[Protection, ...] | None  # triggers fixed before the entry, if any
    exits: ExitTerms | None = None  # a ladder, a stop that moves, or levels from a limit's fill


class ExecutionEngine:
    def __init__(
        self,
        adapters: Mapping[tuple[Venue, str], VenueAdapter],
        switch: TradingSwitch | None = None,
        *,
        remembered_results: int = 10_000,
        rate_limit_wait_s: float = 1.0,
        risk: RiskLimits | None = None,
        on_guarded: OnGuarded | None = None,
        keeper: KeepsExits | None = None,
        exposure: ExposureGuard | None = None,
    ) -> None:
        self.adapters = dict(adapters)
        self.exposure = exposure or ExposureGuard()
        self.risk = risk or RiskLimits()
        self.switch = switch or TradingSwitch()
        self.sizer = Sizer(self.risk)
        self.placer = Placer(rate_limit_wait_s)
        self.guards = Guards(self.placer, on_guarded)
        self.exits = ExitPlacer(
            self.guards, keeper, lambda s: self._symbol_lock(s.venue, s.account, s.symbol)
        )
        self.updater = Updater(self.placer, on_guarded)
        self.keeper = keeper
        self._results: OrderedDict[str, ExecutionResult] = OrderedDict()
        self._results_cap = remembered_results
        self._results_lock = threading.Lock()
        # Re-entrant: a limit entry's exits, armed on a fill already seen, are placed under the
        # lock the signal placing the entry holds.
        self._symbol_locks: dict[tuple[Venue, str, str], threading.RLock] = {}
        self._symbol_locks_guard = threading.Lock()

    def adapter(self, venue: Venue, account: str) -> VenueAdapter:
        adapter = self.adapters.get((venue, account or "default"))
        if adapter is None:
            raise TvbridgeError(
                ErrorClass.UNKNOWN_ACCOUNT,
                f"no account '{account or 'default'}' is configured for {venue.value}",
            )
        return adapter

    def flatten(self, venue: Venue | None = None, account: str = "") -> list[AccountFlatten]:
        """Cancel our open orders and close every position, on one venue/account or all."""
        chosen = [
            adapter
            for (v, name), adapter in sorted(self.adapters.items())
            if (venue is None or v is venue) and (not account or name == account)
        ]
        if not chosen:
            where = f"{venue.value if venue else 'any venue'}/{account or 'any account'}"
            raise TvbridgeError(ErrorClass.UNKNOWN_ACCOUNT, f"no account is configured for {where}")
        reports = []
        for adapter in chosen:
            with self._symbol_locks_guard:
                traded = {s for v, a, s in self._symbol_locks if (v, a) == (adapter.venue, adapter.account)}
            symbols = traded | set(self.risk.allowed_symbols)
            reports.append(flatten_account(adapter, symbols, self._symbol_lock))
        return reports

    def resume(self, signal: TradeSignal, orders: list[OrderReport]) -> tuple[bool, str]:
        """Take up a journalled entry's exit plan again after a restart (resume.py): whether it
        is kept, and what was found. Under the symbol's lock, like any signal of the symbol."""
        try:
            adapter = self.adapter(signal.venue, signal.account)
            rules = adapter.rules(signal.symbol)
            with self._symbol_lock(signal.venue, signal.account, signal.symbol):
                return resume(self.exits, adapter, rules, signal, orders)
        except TvbridgeError as exc:
            return False, exc.message

    def execute(self, signal: TradeSignal, *, max_age_ms: int = 0, attempt: int = 1) -> ExecutionResult:
        started = time.perf_counter()
        venue_seconds.set(0.0)
        venue_answered_ns.set(0)
        remembered = self._remembered(signal.signal_id)
        if remembered is not None:
            return remembered
        # Same account and symbol run one at a time, in the order they arrive.
        with self._symbol_lock(signal.venue, signal.account, signal.symbol):
            remembered = self._remembered(signal.signal_id)
            if remembered is not None:
                return remembered
            try:
                result = self._execute(signal, max_age_ms, attempt)
            except TvbridgeError as exc:
                if exc.retryable:
                    raise
                result = refusal(signal, exc)
            result = with_timing(result, started)
            self._remember(result)
            return result

    # -- the steps -------------------------------------------------------------------------

    def _execute(self, signal: TradeSignal, max_age_ms: int, attempt: int) -> ExecutionResult:
        # An update places new trigger orders only, each found again by the update itself.
        redelivery = attempt > 1 and not signal.test and signal.action is not Action.UPDATE
        ctx = self._context(signal) if redelivery else None
        if ctx is not None:
            # An earlier attempt may have reached the venue. That is asked first, so neither
            # age nor the kill switch can hide an order that exists.
            found = self._already_placed(ctx, signal)
            if found is not None:
                return found
        stale = expired(signal, max_age_ms)
        if stale is not None:
            return stale
        self.switch.check()
        self.risk.check_symbol(signal.symbol)
        if signal.action is Action.UPDATE:
            adapter = self.adapter(signal.venue, signal.account)
            return self.updater.execute(adapter, adapter.rules(signal.symbol), signal, self.keeper)
        ctx = ctx or self._context(signal)
        apply_margin_mode(ctx.adapter, ctx.rules, signal)
        return self._trade(ctx, signal)

    def _trade(self, ctx: _Context, signal: TradeSignal, *, resize: bool = True) -> ExecutionResult:
        """`resize`: a first order refused for margin may be sized once more, when the leverage
        it was sized at is no longer the venue's (`Sizer.leverage_moved`)."""
        adapter, rules = ctx.adapter, ctx.rules
        hedge = adapter.hedge_mode()
        needs_held = signal.market_position is not None or closes(signal) or self.risk.needs_position
        held = Held.of(adapter.positions(rules.venue_symbol)) if needs_held else Held()
        # An action's legs are known before its size (a close with nothing to close costs no
        # more requests); a target's follow from the size the strategy wants.
        plan: Plan | None = None
        if signal.market_position is None:
            plan = plan_legs(signal, hedge, held, symbol=rules.venue_symbol)
        side = direction(signal)
        terms = self.sizer.terms(adapter, rules, signal, side, ctx.plan)
        target = self.sizer.target(adapter, rules, signal, terms)
        if plan is None:
            plan = plan_legs(signal, hedge, held, target, rules.venue_symbol)
        quantities, skipped = self.sizer.legs(adapter, rules, signal, terms, plan.legs)
        position_after = None
        if self.risk.needs_position or signal.market_position is not None:
            total = sum(quantities, Decimal(0))
            position_after = self.sizer.position_after(signal, held, target, plan.legs, total)
        self.sizer.check_risk(rules, terms, plan.legs, quantities, position_after)
        sizing = self.sizer.report(terms, quantities)
        moves = [(leg, q) for leg, q in zip(plan.legs, quantities, strict=True) if q > 0]
        if not moves:
            note = "; ".join(skipped) or f"{rules.venue_symbol} is already at the target position"
            return executed(signal, sizing, note=f"{note}; nothing to trade")
        reference = self._check_levels(ctx, sizing)
        # Closes, take-profits and stops never ask; an entry takes its slot here (exposure/).
        ticket = self.exposure.admit(adapter, signal, any(leg.opening for leg, _ in moves))
        if signal.test:
            ticket.release()
            would, notes = planned_orders(ctx, signal, moves, reference)
            if ctx.exits is None:
                triggers = ctx.known or (
                    ctx.plan.triggers(rules, reference) if ctx.plan and reference else ()
                )
                notes.append(describe(triggers, reference))
            note = "; ".join(n for n in [*skipped, *notes] if n)
            return executed(signal, sizing, tuple(would), note)
        return ticket.carry(
            lambda: self._place(ctx, signal, plan, quantities, moves, skipped, sizing, target, terms, resize)
        )

    def _place(
        self,
        ctx: _Context,
        signal: TradeSignal,
        plan: Plan,
        quantities: list[Decimal],
        moves: list[tuple[Leg, Decimal]],
        skipped: list[str],
        sizing: Sizing,
        target: Decimal | None,
        terms: Terms,
        resize: bool,
    ) -> ExecutionResult:
        adapter, rules, side = ctx.adapter, ctx.rules, direction(signal)
        orders: list[OrderReport] = []
        problems = list(skipped)
        cap = target if signal.market_position is not None else None
        for leg, quantity in moves:
            guarded = ctx.plan is not None and leg.opening and ctx.exits is None
            attach: tuple[Protection, ...] = ()
            if guarded and adapter.attaches_protection and ctx.known:
                attach = self.guards.riding(adapter, rules, signal, leg, ctx.known)
            try:
                report = self.placer.place(adapter, rules, signal, leg, quantity, attach)
            except TvbridgeError as exc:
                # Nothing placed yet, so the whole signal may be planned and sized again, once.
                if orders or not resize or not self.sizer.leverage_moved(adapter, rules, side, terms, exc):
                    raise
                log.info(
                    "leverage changed on the venue: the signal is sized again",
                    extra={"venue": adapter.venue.value, "symbol": rules.venue_symbol, "reason": exc.message},
                )
                return self._trade(ctx, signal, resize=False)
            orders.append(report)
            if ctx.exits is not None and leg.opening:
                exits = self._exits(ctx, signal, report)
                orders.extend(exits.orders)
                problems.extend(exits.problems)
            elif guarded:
                assert ctx.plan is not None
                guards = self.guards.protect(
                    adapter, rules, signal, ctx.plan, report, ctx.known, cap, rode=attach
                )
                orders.extend(guards.orders)
                problems.extend(guards.problems)
        closed = plan.closed_after(quantities)
        problems.extend(self.guards.clear(adapter, rules, closed, {o.order_id for o in orders if o.order_id}))
        self.exposure.closed(adapter.venue, adapter.account, signal.symbol, {s for s, _ in closed})
        return executed(signal, sizing, tuple(orders), "; ".join(problems))

    def _exits(
        self, ctx: _Context, signal: TradeSignal, entry: OrderReport, *, redelivery: bool = False
    ) -> Guarded:
        """Place a filled entry's exits (found placed, on a redelivery); a resting limit entry's
        wait for the keeper to see it fill."""
        assert ctx.exits is not None
        if entry.status is not OrderStatus.FILLED and signal.order_type is OrderType.LIMIT:
            return self.exits.await_fill(ctx.adapter, ctx.rules, signal, ctx.exits, entry)
        return self.exits.protect(ctx.adapter, ctx.rules, signal, ctx.exits, entry, redelivery=redelivery)

    def _context(self, signal: TradeSignal) -> _Context:
        adapter = self.adapter(signal.venue, signal.account)
        rules = adapter.rules(signal.symbol)
        terms = exit_terms(signal, adapter.attaches_protection)
        if terms is not None:
            if self.keeper is None and signal.order_type is OrderType.LIMIT:
                raise TvbridgeError(
                    ErrorClass.UNSUPPORTED, "levels placed once a limit entry fills need the position keeper"
                )
            plan: ProtectionPlan | None = stop_plan(signal, terms)
            return _Context(adapter, rules, plan, known_triggers(plan, rules, signal), terms)
        plan = plan_for(signal, attaches=adapter.attaches_protection)
        return _Context(adapter, rules, plan, known_triggers(plan, rules, signal))

    @staticmethod
    def _check_levels(ctx: _Context, sizing: Sizing) -> Decimal | None:
        """Refuse take-profit/stop-loss levels on the wrong side of the entry before anything is
        placed. The price they were judged from, if any."""
        if ctx.plan is None:
            return None
        adapter, rules = ctx.adapter, ctx.rules
        reference = sizing.price or None
        if (
            reference is None
            and (ctx.known is not None or ctx.exits is not None)
            and not adapter.attaches_protection
        ):
            # Levels on the wrong side would be refused only after the entry filled,
            # leaving it unguarded: look at the price first.
            reference = adapter.price(rules.venue_symbol)
        if ctx.known is not None:
            ctx.plan.check(ctx.known, reference)
        if ctx.exits is not None:
            check_before(ctx.exits, ctx.plan, rules, reference)
        return reference

    def _already_placed(self, ctx: _Context, signal: TradeSignal) -> ExecutionResult | None:
        orders: list[OrderReport] = []
        problems: list[str] = []
        for leg, entry in self.placer.already_placed(ctx.adapter, ctx.rules, signal):
            orders.append(entry)
            if ctx.exits is not None and leg.opening:
                guards = self._exits(ctx, signal, entry, redelivery=True)
                orders.extend(guards.orders)
                problems.extend(guards.problems)
            elif ctx.plan is not None and leg.opening:
                # The first attempt may have died between the entry and its guards.
                guards = self.guards.protect(
                    ctx.adapter, ctx.rules, signal, ctx.plan, entry, ctx.known, None, redelivery=True
                )
                orders.extend(guards.orders)
                problems.extend(guards.problems)
        if not orders:
            return None
        return ExecutionResult(
            signal.signal_id, Outcome.EXECUTED, orders=tuple(orders), note="; ".join(problems)
        )

    # -- bookkeeping -----------------------------------------------------------------------

    def _symbol_lock(self, venue: Venue, account: str, symbol: str) -> threading.RLock:
        key = (venue, account, symbol)
        with self._symbol_locks_guard:
            lock = self._symbol_locks.get(key)
            if lock is None:
                lock = self._symbol_locks[key] = threading.RLock()
            return lock

    def _remembered(self, signal_id: str) -> ExecutionResult | None:
        with self._results_lock:
            return self._results.get(signal_id)

    def _remember(self, result: ExecutionResult) -> None:
        with self._results_lock:
            self._results[result.signal_id] = result
            while len(self._results) > self._results_cap:
                self._results.popitem(last=False)
