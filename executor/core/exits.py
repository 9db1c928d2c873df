"""The exits of an entry whose signal asked for more than one take-profit and one stop: a
take-profit ladder, a stop that moves to break-even, a trail that starts after a take-profit; or
levels on a limit entry that must be measured from its fill.

Which signals take this route (`exit_terms`), placing the first orders once the entry has filled
(the stop and a trail that starts at once through `guards.py`, the ladder's take-profits here),
and handing the plan to the position keeper (`keeper/exits.py`), which moves the stop as the
take-profits fill. A limit entry's plan is handed over before it fills: the keeper arms it, from
the fill, when the venue reports the entry filled.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Protocol

from common.errors import ErrorClass, TvbridgeError
from common.ladder import after_problem, closes_all, follows_fills, level_count
from common.trading import TakeProfitLevel
from executor.core.events import Where
from executor.core.guards import Guarded, Guards
from executor.core.keeper.exits import ExitPlan, Pending, Step
from executor.core.ladder import Rung, build, check_levels
from executor.core.legs import client_order_id
from executor.core.model import OrderReport, OrderStatus, OrderType, PositionSide, Side, TradeSignal
from executor.core.ports import InstrumentRules, Protection, ProtectionKind, ProtectionRequest, VenueAdapter
from executor.core.protection import ProtectionPlan, entry_long, plan_for

log = logging.getLogger("executor.exits")

_FROM_FILL = "percent levels measured from its fill price"

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class ExitTerms:
    """The signal's exits beyond what `ProtectionPlan` carries: the take-profits as a ladder (a
    single take-profit is a ladder of one level for the whole entry), and when the stop and
    the trail change."""

    levels: tuple[TakeProfitLevel, ...]
    breakeven_after: int | None
    breakeven_offset_pct: Decimal | None
    trail_after: int | None


class KeepsExits(Protocol):
    """The position keeper, as the engine hands it plans."""

    def add_plan(self, plan: ExitPlan, *, resumed: bool = False) -> None: ...

    def holds(self, where: Where, signal_id: str) -> bool: ...

    def await_fill(self, pending: Pending) -> None: ...

    def update_plan(
        self, where: Where, position_side: PositionSide, change: Callable[[ExitPlan | None], ExitPlan | None]
    ) -> None:
        """Apply `change` to the side's plan (None: it has none) under the keeper's lock; keep
        what it returns."""
        ...


def exit_terms(signal: TradeSignal, attaches: bool) -> ExitTerms | None:
    """The signal's exit terms when it takes this route; None for the simple one (one
    take-profit and one stop, placed with or after a market entry, or armed with a limit entry
    by the venue from absolute prices)."""
    single = signal.take_profit is not None or signal.tp_pct is not None
    if not follows_fills(signal) and not _limit_needs(signal, attaches, single):
        return None
    if signal.take_profits and single:
        raise _invalid("give take_profit as one price or as a ladder, and no tp_pct beside a ladder")
    check_levels(signal.take_profits)
    count, whole = level_count(signal.take_profits, single), closes_all(signal.take_profits)
    for name, n in (("breakeven_after", signal.breakeven_after), ("trail_after", signal.trail_after)):
        problem = after_problem(n, count, whole) if n is not None else ""
        if problem:
            raise _invalid(f"{name} {problem}")
    if signal.trail_after is not None and signal.trailing_pct is None:
        raise _invalid("trail_after starts a trailing stop: give its callback, trailing_pct")
    if signal.breakeven_offset_pct is not None and signal.breakeven_after is None:
        raise _invalid("breakeven_offset_pct goes with breakeven_after")
    levels = signal.take_profits or (
        (TakeProfitLevel(HUNDRED, signal.take_profit, signal.tp_pct),) if single else ()
    )
    return ExitTerms(levels, signal.breakeven_after, signal.breakeven_offset_pct, signal.trail_after)


def _limit_needs(signal: TradeSignal, attaches: bool, single: bool) -> bool:
    """A limit entry whose levels the venue cannot arm with it: none at all (Binance), or a
    trailing stop. (BingX arms a take-profit and a stop with the entry, percent ones measured
    from the limit price: the price a resting limit order fills at.)"""
    if signal.order_type is not OrderType.LIMIT:
        return False
    if signal.trailing_pct is not None:
        return True
    stopped = signal.stop_loss is not None or signal.sl_pct is not None
    return not attaches and (single or stopped)


def stop_plan(signal: TradeSignal, terms: ExitTerms) -> ProtectionPlan:
    """What `guards.py` places at the fill: the stop, and the trail unless it waits for a
    take-profit; the take-profits are the ladder's."""
    plain = replace(
        signal,
        order_type=OrderType.MARKET,
        take_profit=None,
        tp_pct=None,
        take_profits=(),
        breakeven_after=None,
        breakeven_offset_pct=None,
        trail_after=None,
    )
    plan = plan_for(plain, attaches=False)
    if plan is None:  # only take-profits (and perhaps a stop at break-even later)
        long = entry_long(signal)
        if long is None:
            raise _invalid(
                "take-profit ladders go with a signal that opens a position (buy, sell, or a "
                "long/short target)"
            )
        plan = ProtectionPlan(long, None, None, None, None)
    if terms.trail_after is not None:
        plan = replace(plan, trailing_pct=None, trailing_activation=None, trailing_activation_pct=None)
    return plan


def check_before(
    terms: ExitTerms, plan: ProtectionPlan, rules: InstrumentRules, reference: Decimal | None
) -> None:
    """Refuse a ladder price on the wrong side of the entry before anything is placed."""
    if reference is None or reference <= 0:
        return
    for number, level in enumerate(terms.levels, 1):
        if level.price is None:
            continue
        price = rules.floor_price(level.price)
        if (price <= reference) if plan.long else (price >= reference):
            word = "above" if plan.long else "below"
            raise _invalid(
                f"take-profit {number} at {price} must be {word} the entry price {reference} for a "
                f"{'long' if plan.long else 'short'}"
            )


def rung_tag(rung: Rung, entry: OrderReport) -> str:
    return f"{ProtectionKind.TAKE_PROFIT.value}-{rung.number}-{entry.position_side.value}"


class ExitPlacer:
    """Places an entry's exits once it has filled, and hands the plan to the keeper."""

    def __init__(
        self,
        guards: Guards,
        keeper: KeepsExits | None,
        lock: Callable[[TradeSignal], threading.RLock],
    ) -> None:
        self.guards = guards
        self.keeper = keeper
        self._lock = lock

    def protect(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        terms: ExitTerms,
        entry: OrderReport,
        *,
        redelivery: bool = False,
    ) -> Guarded:
        plan = stop_plan(signal, terms)
        reference = entry.avg_price or entry.price or adapter.price(rules.venue_symbol)
        first = self.guards.protect(adapter, rules, signal, plan, entry, None, None, redelivery=redelivery)
        orders, problems = list(first.orders), list(first.problems)
        steps: list[Step] = []
        if terms.levels:
            rungs, notes = build(terms.levels, entry.quantity, reference, plan.long, rules)
            problems.extend(notes)
            requests = [_rung_request(rules, signal, entry, rung) for rung in rungs]
            reports, unplaced = self.guards.ladder(adapter, rules, entry, requests, redelivery=redelivery)
            problems.extend(unplaced)
            for rung, request, report in zip(rungs, requests, reports, strict=True):
                steps.append(Step(rung, request.client_order_id, report.order_id if report else ""))
                if report is not None:
                    orders.append(report)
        if self.keeper is not None:
            self.keeper.add_plan(
                self._plan(adapter, rules, signal, terms, plan, entry, reference, orders, steps)
            )
        return Guarded(orders, problems)

    def _plan(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        terms: ExitTerms,
        plan: ProtectionPlan,
        entry: OrderReport,
        reference: Decimal,
        orders: list[OrderReport],
        steps: list[Step],
    ) -> ExitPlan:
        stop = next((o for o in orders if o.purpose.value == ProtectionKind.STOP_LOSS.value), None)
        closing = Side.SELL if plan.long else Side.BUY
        where = Where(adapter.venue, adapter.account, rules.symbol, rules.venue_symbol)
        return ExitPlan(
            where=where,
            rules=rules,
            position_side=entry.position_side,
            long=plan.long,
            signal_id=signal.signal_id,
            entry_quantity=entry.quantity,
            entry_price=reference,
            steps=steps,
            stop=_stop_request(rules, entry, closing, stop) if stop is not None else None,
            stop_order_id=stop.order_id if stop is not None else "",
            breakeven_after=terms.breakeven_after,
            breakeven_offset_pct=terms.breakeven_offset_pct,
            trail_after=terms.trail_after,
            trail=trail_later(rules, signal, terms, entry, closing, reference),
        )

    def await_fill(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        terms: ExitTerms,
        entry: OrderReport,
    ) -> Guarded:
        """A resting limit entry: its exits wait for its fill."""
        assert self.keeper is not None  # the engine refuses such a signal without one

        def arm(quantity: Decimal, price: Decimal | None) -> None:
            filled = replace(
                entry, quantity=quantity, avg_price=price or entry.price, status=OrderStatus.FILLED
            )
            with self._lock(signal):
                guarded = self.protect(adapter, rules, signal, terms, filled)
            log.info(
                "limit entry filled: its exits placed",
                extra={
                    "signal_id": signal.signal_id,
                    "orders": len(guarded.orders),
                    "problems": guarded.problems,
                },
            )

        where = Where(adapter.venue, adapter.account, rules.symbol, rules.venue_symbol)
        self.keeper.await_fill(Pending(where, entry.order_id, arm, signal.signal_id))
        return Guarded([], [f"the exits are placed once the limit entry fills, {_FROM_FILL}"])


def _rung_request(
    rules: InstrumentRules, signal: TradeSignal, entry: OrderReport, rung: Rung
) -> ProtectionRequest:
    return ProtectionRequest(
        venue_symbol=rules.venue_symbol,
        kind=ProtectionKind.TAKE_PROFIT,
        side=Side.SELL if entry.side is Side.BUY else Side.BUY,
        position_side=entry.position_side,
        quantity=rung.quantity,
        trigger_price=rung.trigger_price,
        client_order_id=client_order_id(signal.signal_id, rung_tag(rung, entry)),
    )


def _stop_request(
    rules: InstrumentRules, entry: OrderReport, closing: Side, stop: OrderReport
) -> ProtectionRequest:
    return ProtectionRequest(
        venue_symbol=rules.venue_symbol,
        kind=ProtectionKind.STOP_LOSS,
        side=closing,
        position_side=entry.position_side,
        quantity=stop.quantity,
        trigger_price=stop.trigger_price,
        client_order_id=stop.client_order_id,
    )


def trail_later(
    rules: InstrumentRules,
    signal: TradeSignal,
    terms: ExitTerms,
    entry: OrderReport,
    closing: Side,
    reference: Decimal,
) -> ProtectionRequest | None:
    """The trail that starts after take-profit `trail_after`, its activation fixed from the fill."""
    if terms.trail_after is None or signal.trailing_pct is None:
        return None
    trail = trail_start(signal, closing is Side.SELL, rules, reference)
    tag = f"{ProtectionKind.TRAILING_STOP.value}-{entry.position_side.value}-after-{terms.trail_after}"
    return ProtectionRequest(
        venue_symbol=rules.venue_symbol,
        kind=ProtectionKind.TRAILING_STOP,
        side=closing,
        position_side=entry.position_side,
        quantity=ZERO,
        trigger_price=trail.trigger_price,
        client_order_id=client_order_id(signal.signal_id, tag),
        callback_pct=trail.callback_pct,
    )


def trail_start(signal: TradeSignal, long: bool, rules: InstrumentRules, reference: Decimal) -> Protection:
    """The signal's trailing stop, its activation on the tick from `reference` (the fill), as
    `ProtectionPlan` works out every level's price."""
    terms = (signal.trailing_pct, signal.trailing_activation, signal.trailing_activation_pct)
    [trail] = ProtectionPlan(long, None, None, None, None, *terms).triggers(rules, reference)
    return trail


def _invalid(message: str) -> TvbridgeError:
    return TvbridgeError(ErrorClass.INVALID_SIGNAL, message)
