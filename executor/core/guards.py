"""The protective orders themselves: placing the take-profit, stop-loss and trailing stop of a
filled entry (or letting the venue arm the first two with the entry; a trailing stop is always
placed after the fill), never twice, and cancelling those of a position a signal closed.

Where the venue keeps no client id on trigger orders (BingX), one whose answer was lost, or that
an earlier attempt placed, is found by its shape (`resting.py`). Where the venue refuses stops
(and, apart, take-profits) totalling more than the position (BingX), each one placed is sized to
the room left beside those already resting, and a level rides on its entry only while the entry
cannot take its kind past the position (a position partly closed keeps stops for more than it
holds): otherwise it is placed after the fill, for the room left.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from decimal import Decimal

from common.decimals import plain
from common.errors import TvbridgeError
from executor.core.events import Where
from executor.core.legs import Leg, client_order_id, protection_tag
from executor.core.model import (
    OrderPurpose,
    OrderReport,
    OrderStatus,
    OrderType,
    PositionSide,
    Side,
    TradeSignal,
    Venue,
)
from executor.core.placement import Placer
from executor.core.ports import (
    InstrumentRules,
    OpenProtection,
    Protection,
    ProtectionKind,
    ProtectionRequest,
    VenueAdapter,
    VenueOrder,
    VenuePosition,
)
from executor.core.protection import NAMES, ProtectionPlan, level_text
from executor.core.resting import as_found, find_sent, held, resting_total, sent_one

log = logging.getLogger("executor.protection")

# (where, position side, the stop, the signal that asked for it)
OnGuarded = Callable[[Where, PositionSide, ProtectionRequest, str], None]

ZERO = Decimal(0)


@dataclass(frozen=True)
class Guarded:
    """What guarding one entry placed, and what it could not."""

    orders: list[OrderReport]
    problems: list[str]


class Guards:
    """Places the take-profit and stop-loss of a filled entry, and cancels those of a position
    a signal closed, so that none can fire on a later position."""

    def __init__(self, placer: Placer, on_guarded: OnGuarded | None = None) -> None:
        self.placer = placer
        # Told of every stop a signal asked for, placed or not: the position keeper watches that
        # one stays live for as long as the position does.
        self.on_guarded = on_guarded
        # Symbols known to hold no resting take-profit/stop-loss, so a close need not look, nor
        # a level be sized against what rests.
        self._unprotected: set[tuple[Venue, str, str]] = set()

    def riding(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        leg: Leg,
        known: tuple[Protection, ...],
    ) -> tuple[Protection, ...]:
        """The levels an opening leg carries for the venue to arm for its quantity. Under a
        cumulative rule, a kind whose resting orders on the side already exceed what the side
        holds would go past the position: it is placed after the fill instead. A resting limit
        entry carries all of them, as nothing can be placed for it later. A trailing stop never
        rides: it is placed after the fill."""
        known = tuple(p for p in known if p.kind is not ProtectionKind.TRAILING_STOP)
        if not adapter.caps_trigger_totals or signal.order_type is OrderType.LIMIT:
            return known
        resting = self._resting(adapter, rules)
        closing = _closing(leg.side)
        totals = {p.kind: resting_total(resting, p.kind, leg.position_side, closing) for p in known}
        if not any(totals.values()):
            return known
        holding = held(adapter.positions(rules.venue_symbol), leg.position_side, closing)
        return tuple(p for p in known if totals[p.kind] <= holding)

    def protect(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        plan: ProtectionPlan,
        entry: OrderReport,
        known: tuple[Protection, ...] | None,
        cap: Decimal | None,
        *,
        rode: tuple[Protection, ...] = (),
        redelivery: bool = False,
    ) -> Guarded:
        """Guard a filled entry; a level that cannot be placed is reported, never hidden.
        `rode`: the levels the entry carried for the venue to arm."""
        quantity = entry.quantity if cap is None else min(entry.quantity, cap)
        if quantity <= 0:
            return Guarded([], [])
        closing = _closing(entry.side)
        guarded = Guarded([], [])
        if adapter.attaches_protection and known is not None and redelivery:
            # Which levels rode on the first attempt's entry is not known now: each is looked for
            # on the venue, and only one that is missing is placed.
            rode = ()
        for p in rode:
            self._watch(adapter, rules, signal, plan, _request(rules, signal, entry, p, entry.quantity))
            guarded.orders.append(_report(entry, closing, p, entry.quantity, None))
        if rode:
            self._unprotected.discard((adapter.venue, adapter.account, rules.venue_symbol))
        if known is None:
            base = entry.avg_price or entry.price or adapter.price(rules.venue_symbol)
            known = plan.triggers(rules, base)
        rest = [p for p in known if p not in rode]
        if not rest:
            return guarded
        try:
            resting = self._resting(adapter, rules) if self._sized(adapter, redelivery) else None
        except TvbridgeError as exc:
            # Without it a level could be doubled or refused: none is sent; the keeper's watch
            # places a missing stop again once the venue answers.
            guarded.problems.extend(_unplaced(p, exc) for p in rest)
            return guarded
        # Read once for every level that needs it, and only if one does.
        positions = functools.cache(lambda: adapter.positions(rules.venue_symbol))
        for trigger in rest:
            request = _request(rules, signal, entry, trigger, quantity)
            self._watch(adapter, rules, signal, plan, request)
            try:
                report = self._level(
                    adapter, rules, entry, request, (resting, positions), redelivery=redelivery
                )
            except TvbridgeError as exc:
                guarded.problems.append(_unplaced(trigger, exc))
                log.warning(
                    "protection not placed",
                    extra={"kind": trigger.kind.value, "reason": exc.message, "symbol": rules.venue_symbol},
                )
                continue
            if report.quantity < request.quantity:
                guarded.problems.append(_short(request, report.quantity))
            if report.quantity > 0:
                guarded.orders.append(report)
                self._unprotected.discard((adapter.venue, adapter.account, rules.venue_symbol))
        return guarded

    def ladder(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        entry: OrderReport,
        requests: list[ProtectionRequest],
        *,
        redelivery: bool = False,
    ) -> tuple[list[OrderReport | None], list[str]]:
        """Place a take-profit ladder's orders (found placed, on a redelivery); per request its
        report, None when it was not placed, and the problems to report."""
        try:
            resting = self._resting(adapter, rules) if self._sized(adapter, redelivery) else None
        except TvbridgeError as exc:
            return [None] * len(requests), [f"the take-profit ladder was not placed ({exc.message})"]
        positions = functools.cache(lambda: adapter.positions(rules.venue_symbol))
        reports: list[OrderReport | None] = []
        problems: list[str] = []
        for request in requests:
            try:
                report = self._level(
                    adapter, rules, entry, request, (resting, positions), redelivery=redelivery
                )
            except TvbridgeError as exc:
                problems.append(_unplaced(Protection(request.kind, request.trigger_price), exc))
                reports.append(None)
                continue
            if resting is not None and report.order_id:
                # The next rung is sized beside this one, as the venue will count it.
                resting.append(_as_open(request, report))
            reports.append(report if report.quantity > 0 else None)
            if report.quantity < request.quantity:
                problems.append(_short(request, report.quantity))
        return reports, problems

    @staticmethod
    def _sized(adapter: VenueAdapter, redelivery: bool) -> bool:
        """Whether placing needs what rests: to size under a cumulative rule, to tell a new
        order from an old one of the same shape, or to find what an earlier attempt placed."""
        return (
            adapter.caps_trigger_totals
            or (not adapter.trigger_client_ids)
            or (redelivery and adapter.attaches_protection)
        )

    def _resting(self, adapter: VenueAdapter, rules: InstrumentRules) -> list[OpenProtection]:
        if (adapter.venue, adapter.account, rules.venue_symbol) in self._unprotected:
            return []
        return adapter.open_protections(rules.venue_symbol)

    def _level(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        entry: OrderReport,
        request: ProtectionRequest,
        venue: tuple[list[OpenProtection] | None, Callable[[], list[VenuePosition]]],
        *,
        redelivery: bool,
    ) -> OrderReport:
        """One level placed, or found placed; a report of quantity zero when the room left for
        its kind is none. `venue`: what rests (None: not read), and the positions, read once."""
        resting, positions = venue
        closing = request.side
        trigger = Protection(request.kind, request.trigger_price, request.callback_pct)
        if redelivery:
            earlier = self._earlier(adapter, request, resting)
            if earlier is not None:
                return _report(entry, closing, trigger, earlier[1], earlier[0])
        size = request.quantity
        if adapter.caps_trigger_totals and resting is not None:
            size = self._room(rules, request, resting, positions)
            if size <= 0:
                return _report(entry, closing, trigger, ZERO, None)
        sized = replace(request, quantity=size)
        before = {o.order_id for o in resting or ()}
        return _report(entry, closing, trigger, size, self._place(adapter, sized, before))

    @staticmethod
    def _earlier(
        adapter: VenueAdapter, request: ProtectionRequest, resting: list[OpenProtection] | None
    ) -> tuple[VenueOrder, Decimal] | None:
        """What an earlier attempt placed for this level, and its quantity: by client id where
        the venue keeps it; else a resting order of its type, side and trigger (armed with the
        entry, or placed for the room there was, its quantity may differ)."""
        if resting is None:
            found = adapter.find_protection(request.venue_symbol, request.client_order_id)
            return (found, request.quantity) if found is not None else None
        sizes = {o.order_id: o.quantity for o in resting}
        match = sent_one([replace(o, quantity=request.quantity) for o in resting], request)
        return (as_found(match, request), sizes[match.order_id]) if match is not None else None

    @staticmethod
    def _room(
        rules: InstrumentRules,
        request: ProtectionRequest,
        resting: list[OpenProtection],
        positions: Callable[[], list[VenuePosition]],
    ) -> Decimal:
        """The level's quantity, cut to what the position leaves beside the resting orders of
        its kind (the position read only when some rest), on the venue's step."""
        total = resting_total(resting, request.kind, request.position_side, request.side)
        if total == 0:
            return request.quantity
        holding = held(positions(), request.position_side, request.side)
        return rules.floor_qty(max(min(request.quantity, holding - total), ZERO))

    def _place(
        self, adapter: VenueAdapter, request: ProtectionRequest, before: Collection[str]
    ) -> VenueOrder:
        return self.placer.send_or_find(
            lambda: adapter.place_protection(request),
            lambda: find_sent(adapter, request, before),
            f"{adapter.venue.value} {NAMES[request.kind]} {request.client_order_id}",
        )

    def _watch(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        plan: ProtectionPlan,
        request: ProtectionRequest,
    ) -> None:
        """Tell the keeper of the stop that must stay live: the stop-loss, else the trailing
        stop (one guard per side: with both, the stop-loss is the one it can place again)."""
        if self.on_guarded is None:
            return
        if request.kind is ProtectionKind.TAKE_PROFIT or (
            request.kind is ProtectionKind.TRAILING_STOP and plan.stopped
        ):
            return
        where = Where(adapter.venue, adapter.account, rules.symbol, rules.venue_symbol)
        self.on_guarded(where, request.position_side, request, signal.signal_id)

    def clear(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        closed: list[tuple[PositionSide, Side]],
        keep: set[str],
    ) -> list[str]:
        """Cancel the stops and targets of a position this signal closed, so none can fire later.
        `keep`: the order ids of the levels this signal placed."""
        key = (adapter.venue, adapter.account, rules.venue_symbol)
        if not closed or key in self._unprotected:
            return []
        try:
            resting = adapter.open_protections(rules.venue_symbol)
            stale = [p for p in resting if (p.position_side, p.side) in closed and p.order_id not in keep]
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


def _as_open(request: ProtectionRequest, report: OrderReport) -> OpenProtection:
    return OpenProtection(
        order_id=report.order_id,
        client_order_id=report.client_order_id,
        side=request.side,
        position_side=request.position_side,
        order_type=request.venue_type,
        quantity=report.quantity,
        trigger_price=request.trigger_price,
    )


def _closing(entry_side: Side) -> Side:
    return Side.SELL if entry_side is Side.BUY else Side.BUY


def _unplaced(trigger: Protection, exc: TvbridgeError) -> str:
    return f"UNPROTECTED: the {level_text(trigger)} was not placed ({exc.message}); the entry stands"


def _short(request: ProtectionRequest, size: Decimal) -> str:
    """Why a level guards less than its entry: the venue's cumulative rule left no more room."""
    name = NAMES[request.kind]
    what = f"the {level_text(Protection(request.kind, request.trigger_price, request.callback_pct))}"
    rest = f"resting {name} orders already cover the rest of the position, and the venue refuses more"
    if size <= 0:
        return f"{what} was not placed: {rest}"
    return f"{what} guards {plain(size)} of {plain(request.quantity)}: {rest}"


def _request(
    rules: InstrumentRules, signal: TradeSignal, entry: OrderReport, trigger: Protection, quantity: Decimal
) -> ProtectionRequest:
    return ProtectionRequest(
        venue_symbol=rules.venue_symbol,
        kind=trigger.kind,
        side=_closing(entry.side),
        position_side=entry.position_side,
        quantity=quantity,
        trigger_price=trigger.trigger_price,
        client_order_id=client_order_id(signal.signal_id, protection_tag(trigger.kind, entry.position_side)),
        callback_pct=trigger.callback_pct,
    )


def _report(
    entry: OrderReport, closing: Side, trigger: Protection, quantity: Decimal, placed: VenueOrder | None
) -> OrderReport:
    """A guard as the answer lists it; `placed` None for one attached to its entry."""
    return OrderReport(
        venue=entry.venue,
        venue_symbol=entry.venue_symbol,
        order_id=placed.order_id if placed else "",
        client_order_id=placed.client_order_id if placed else "",
        side=closing,
        position_side=entry.position_side,
        order_type=OrderType.MARKET,
        quantity=quantity,
        price=None,
        avg_price=None,
        status=placed.status if placed else OrderStatus.ATTACHED,
        reduce_only=entry.position_side is PositionSide.BOTH,
        purpose=OrderPurpose(trigger.kind.value),
        trigger_price=trigger.trigger_price,
    )
