"""`"action": "update"`: replace the protective orders of the open position with the signal's
levels, for strategies that trail their own stop from Pine.

Only the kinds the signal names are replaced (a new stop leaves the take-profits resting). The
position is never without a stop: where the venue caps the stops of a position at its size
(BingX), each old order is swapped for its new one in one atomic request
(`VenueAdapter.replace_protection`); elsewhere every new order is placed before any old one is
cancelled. Percent levels are measured from the position's entry price. A position with an
exit plan keeps it, with the new orders in place of the old.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from common.trailing import callback_problem
from executor.core.events import Where
from executor.core.exits import KeepsExits
from executor.core.guards import OnGuarded
from executor.core.keeper.exits import ExitPlan, Step
from executor.core.ladder import build, check_levels
from executor.core.legs import client_order_id
from executor.core.model import (
    ExecutionResult,
    MarketPosition,
    OrderReport,
    OrderStatus,
    OrderType,
    Outcome,
    PositionSide,
    Side,
    TradeSignal,
)
from executor.core.placement import Placer
from executor.core.planned import protection_report
from executor.core.ports import (
    KIND_TYPES,
    InstrumentRules,
    OpenProtection,
    Protection,
    ProtectionKind,
    ProtectionRequest,
    VenueAdapter,
    VenueOrder,
    VenuePosition,
)
from executor.core.protection import NAMES, ProtectionPlan
from executor.core.resting import find_sent, sent_one

log = logging.getLogger("executor.update")

ZERO = Decimal(0)


@dataclass(frozen=True)
class Held:
    """The open position an update is for."""

    position_side: PositionSide
    long: bool
    quantity: Decimal
    entry_price: Decimal
    mark_price: Decimal  # from the same read: a stop is judged against it

    @property
    def closing(self) -> Side:
        return Side.SELL if self.long else Side.BUY


@dataclass(frozen=True)
class Updated:
    """What an update placed and cancelled, for the answer and the keeper."""

    held: Held
    orders: list[OrderReport]
    notes: list[str]
    stop: tuple[ProtectionRequest, str] | None  # the new stop and its order id
    steps: list[Step] | None  # the new take-profits, when the update named them
    trail: tuple[ProtectionRequest, str] | None = None  # the new trailing stop and its order id


def position_of(positions: list[VenuePosition], signal: TradeSignal, symbol: str) -> Held:
    """The side the update is for: the one `market_position` names, else the only one open."""
    open_ = [p for p in positions if p.quantity != 0]
    want = signal.market_position
    if want is MarketPosition.FLAT:
        raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "an update is for an open position; flat names none")
    if want is not None:
        open_ = [p for p in open_ if (p.quantity > 0) == (want is MarketPosition.LONG)]
    if not open_:
        which = f"{want.value} " if want is not None else ""
        raise TvbridgeError(ErrorClass.NO_POSITION, f"no open {which}position in {symbol} to update")
    if len(open_) > 1:
        raise TvbridgeError(
            ErrorClass.INVALID_SIGNAL,
            f"{symbol} is open both long and short: say which with market_position (long or short)",
        )
    p = open_[0]
    return Held(
        p.position_side or PositionSide.BOTH, p.quantity > 0, abs(p.quantity), p.entry_price, p.mark_price
    )


def _check(signal: TradeSignal) -> None:
    kinds = (signal.take_profit, signal.tp_pct, signal.stop_loss, signal.sl_pct, signal.trailing_pct)
    if all(v is None for v in kinds) and not signal.take_profits:
        raise TvbridgeError(
            ErrorClass.INVALID_SIGNAL,
            "an update names the levels to replace: take_profit, tp_pct, stop_loss, sl_pct or trailing_pct",
        )
    if signal.size is not None or signal.order_type is OrderType.LIMIT:
        raise TvbridgeError(
            ErrorClass.INVALID_SIGNAL, "an update changes levels only: no size, no limit price"
        )
    if signal.breakeven_after is not None or signal.trail_after is not None:
        raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "breakeven_after and trail_after go with an entry")
    check_levels(signal.take_profits)
    if signal.trailing_pct is not None:
        problem = callback_problem(signal.venue, signal.trailing_pct)
        if problem:
            raise TvbridgeError(ErrorClass.INVALID_SIGNAL, f"trailing_pct: {problem}")


def _check_stop(held: Held, triggers: tuple[Protection, ...]) -> None:
    """A stop past the mark price would fire at once (the venue would refuse it, or close the
    position): refused before anything moves. The mark comes with the position's own read, so
    it is as fresh as the update."""
    if held.mark_price <= 0:
        return
    for t in triggers:
        if t.kind is not ProtectionKind.STOP_LOSS or t.trigger_price is None:
            continue
        if (t.trigger_price >= held.mark_price) if held.long else (t.trigger_price <= held.mark_price):
            word = "below" if held.long else "above"
            raise TvbridgeError(
                ErrorClass.INVALID_SIGNAL,
                f"a {'long' if held.long else 'short'}'s stop must be {word} the mark price "
                f"{plain(held.mark_price)}; {plain(t.trigger_price)} is not",
            )


class Updater:
    def __init__(self, placer: Placer, on_guarded: OnGuarded | None = None) -> None:
        self.placer = placer
        self.on_guarded = on_guarded

    def requests(
        self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal, held: Held
    ) -> tuple[dict[ProtectionKind, list[ProtectionRequest]], list[Step] | None, list[str]]:
        """The new orders by kind, the ladder's steps (when one is given), and notes."""
        _check(signal)
        plan = ProtectionPlan(
            held.long,
            signal.take_profit,
            signal.stop_loss,
            signal.tp_pct,
            signal.sl_pct,
            signal.trailing_pct,
            signal.trailing_activation,
            signal.trailing_activation_pct,
        )
        triggers = plan.triggers(rules, held.entry_price)
        plan.check(triggers, None)
        _check_stop(held, triggers)
        out: dict[ProtectionKind, list[ProtectionRequest]] = {}
        for t in triggers:
            out.setdefault(t.kind, []).append(
                self._request(rules, signal, held, t, held.quantity, t.kind.value)
            )
        steps: list[Step] | None = None
        notes: list[str] = []
        if signal.take_profits:
            rungs, notes = build(signal.take_profits, held.quantity, held.entry_price, held.long, rules)
            reqs = [
                self._request(
                    rules,
                    signal,
                    held,
                    Protection(ProtectionKind.TAKE_PROFIT, r.trigger_price),
                    r.quantity,
                    f"take_profit-{r.number}",
                )
                for r in rungs
            ]
            out[ProtectionKind.TAKE_PROFIT] = reqs
            steps = [Step(r, q.client_order_id) for r, q in zip(rungs, reqs, strict=True)]
        return out, steps, notes

    @staticmethod
    def _request(
        rules: InstrumentRules, signal: TradeSignal, held: Held, t: Protection, quantity: Decimal, tag: str
    ) -> ProtectionRequest:
        return ProtectionRequest(
            venue_symbol=rules.venue_symbol,
            kind=t.kind,
            side=held.closing,
            position_side=held.position_side,
            quantity=quantity,
            trigger_price=t.trigger_price,
            client_order_id=client_order_id(signal.signal_id, f"{tag}-{held.position_side.value}"),
            callback_pct=t.callback_pct,
        )

    def apply(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        held: Held,
        wanted: dict[ProtectionKind, list[ProtectionRequest]],
    ) -> tuple[list[OrderReport], list[str], dict[str, str]]:
        """Swap each named kind's resting orders for the new ones: the reports of the new ones,
        notes, and the order id of each new one by client id."""
        resting = [
            o
            for o in adapter.open_protections(rules.venue_symbol)
            if o.position_side is held.position_side and o.side is held.closing
        ]
        placed: dict[str, str] = {}
        reports: list[OrderReport] = []
        notes: list[str] = []
        for kind in (ProtectionKind.STOP_LOSS, ProtectionKind.TRAILING_STOP, ProtectionKind.TAKE_PROFIT):
            news = wanted.get(kind, [])
            if not news:
                continue
            olds = [o for o in resting if o.order_type in KIND_TYPES[kind]]
            # An order already as wanted (placed by an earlier attempt of this update) stays.
            todo = []
            for request in news:
                match = sent_one(olds, request)
                if match is None:
                    todo.append(request)
                    continue
                placed[request.client_order_id] = match.order_id
                olds = [o for o in olds if o.order_id != match.order_id]
            placed.update(self._swap(adapter, rules, todo, olds))
            for request in news:
                reports.append(
                    protection_report(
                        adapter.venue, request, placed.get(request.client_order_id, ""), OrderStatus.NEW
                    )
                )
            if olds:
                notes.append(f"replaced {len(olds)} {NAMES[kind]} order(s)")
        return reports, notes, placed

    def _swap(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        news: list[ProtectionRequest],
        olds: list[OpenProtection],
    ) -> dict[str, str]:
        """Never without one: on a capped venue cancel all but one old, swap it atomically for the
        first new one, then place the rest; elsewhere place every new one, then cancel the olds."""
        placed: dict[str, str] = {}
        if adapter.caps_trigger_totals and olds and news:
            for old in olds[1:]:
                adapter.cancel_protection(rules.venue_symbol, old.order_id)
            first = news[0]
            order = self.placer.send_or_find(
                lambda: adapter.replace_protection(olds[0], first),
                lambda: find_sent(adapter, first, {o.order_id for o in olds}),
                f"{adapter.venue.value} replaced {NAMES[first.kind]} {first.client_order_id}",
            )
            placed[first.client_order_id] = order.order_id
            for request in news[1:]:
                placed[request.client_order_id] = self._place(adapter, request).order_id
            return placed
        for request in news:
            placed[request.client_order_id] = self._place(adapter, request).order_id
        for old in olds:
            adapter.cancel_protection(rules.venue_symbol, old.order_id)
        return placed

    def _place(self, adapter: VenueAdapter, request: ProtectionRequest) -> VenueOrder:
        before: set[str] = set()
        if not adapter.trigger_client_ids:
            before = {o.order_id for o in adapter.open_protections(request.venue_symbol)}
        return self.placer.send_or_find(
            lambda: adapter.place_protection(request),
            lambda: find_sent(adapter, request, before),
            f"{adapter.venue.value} {NAMES[request.kind]} {request.client_order_id}",
        )

    def execute(
        self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal, keeper: KeepsExits | None
    ) -> ExecutionResult:
        """The update as the signal's result: what it placed (or, for a test, would place), the
        position's exit plan following it."""
        if signal.test:
            held = position_of(adapter.positions(rules.venue_symbol), signal, rules.venue_symbol)
            wanted, _, notes = self.requests(adapter, rules, signal, held)
            would = [protection_report(adapter.venue, r) for kind in wanted.values() for r in kind]
            return ExecutionResult(
                signal.signal_id, Outcome.EXECUTED, orders=tuple(would), test=True, note="; ".join(notes)
            )
        done = self.update(adapter, rules, signal)
        if keeper is not None:
            where = Where(adapter.venue, adapter.account, rules.symbol, rules.venue_symbol)
            keeper.update_plan(where, done.held.position_side, plan_change(rules, signal, where, done))
        return ExecutionResult(
            signal.signal_id, Outcome.EXECUTED, orders=tuple(done.orders), note="; ".join(done.notes)
        )

    def update(self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal) -> Updated:
        held = position_of(adapter.positions(rules.venue_symbol), signal, rules.venue_symbol)
        wanted, steps, notes = self.requests(adapter, rules, signal, held)
        reports, swapped, placed = self.apply(adapter, rules, signal, held, wanted)
        stops = wanted.get(ProtectionKind.STOP_LOSS, [])
        stop = (stops[0], placed[stops[0].client_order_id]) if stops else None
        if stop is not None and self.on_guarded is not None:
            where = Where(adapter.venue, adapter.account, rules.symbol, rules.venue_symbol)
            self.on_guarded(where, held.position_side, stop[0], signal.signal_id)
        for step in steps or ():
            step.order_id = placed.get(step.client_order_id, "")
        trails = wanted.get(ProtectionKind.TRAILING_STOP, [])
        trail = (trails[0], placed[trails[0].client_order_id]) if trails else None
        return Updated(held, reports, notes + swapped, stop, steps, trail)


def plan_change(
    rules: InstrumentRules, signal: TradeSignal, where: Where, done: Updated
) -> Callable[[ExitPlan | None], ExitPlan | None]:
    """How an update changes the side's exit plan: its stop is the new one, a new ladder starts
    from the position now; a side without a plan gets one when the update placed a ladder, so
    its stop follows the take-profits' fills."""

    def change(plan: ExitPlan | None) -> ExitPlan | None:
        if plan is None:
            if done.steps is None:
                return None
            plan = ExitPlan(
                where=where,
                rules=rules,
                position_side=done.held.position_side,
                long=done.held.long,
                signal_id=signal.signal_id,
                entry_quantity=done.held.quantity,
                entry_price=done.held.entry_price,
                steps=[],
                stop=None,
                stop_order_id="",
                breakeven_after=None,
                breakeven_offset_pct=None,
                trail_after=None,
                trail=None,
            )
        if done.steps is not None:
            plan.steps, plan.entry_quantity = done.steps, done.held.quantity
        if done.stop is not None:
            plan.stop, plan.stop_order_id = done.stop
        if done.trail is not None:
            # The update's trail is the one the plan resizes from now on, never a second one.
            plan.trail, plan.trail_order_id = done.trail
            plan.trail_placed = True
        return plan

    return change
