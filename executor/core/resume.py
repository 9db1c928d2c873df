"""Taking an exit plan up again after an executor restart, from the journalled entry the gateway
hands back (`ResumeExits`) and what the venue holds now.

The ladder is worked out again from the entry's fill exactly as it was placed (the same levels,
prices and quantities, the same client ids); a take-profit still resting stays in the plan, one
gone from the venue meanwhile counts as filled. The stop is the one resting on the side, and the
plan's accounting starts from the position as it stands, so the stop is brought in line at once
(shrunk, or moved to break-even if take-profit N went while the executor was away). A limit entry
still resting waits again for its fill; one that filled meanwhile gets its exits now.
"""

from __future__ import annotations

import time
from dataclasses import replace
from decimal import Decimal

from executor.core.events import Where
from executor.core.exits import ExitPlacer, ExitTerms, exit_terms, rung_tag, stop_plan, trail_later
from executor.core.keeper.exits import ExitPlan, Step
from executor.core.ladder import build
from executor.core.legs import client_order_id
from executor.core.model import OrderPurpose, OrderReport, OrderStatus, OrderType, Side, TradeSignal
from executor.core.ports import (
    KIND_TYPES,
    InstrumentRules,
    OpenProtection,
    ProtectionKind,
    ProtectionRequest,
    VenueAdapter,
)
from executor.core.resting import held

ZERO = Decimal(0)


def resume(
    placer: ExitPlacer,
    adapter: VenueAdapter,
    rules: InstrumentRules,
    signal: TradeSignal,
    orders: list[OrderReport],
) -> tuple[bool, str]:
    """Whether the plan is kept again, and what was found."""
    terms = exit_terms(signal, adapter.attaches_protection)
    if terms is None:
        return False, "its signal has no exit plan"
    where = Where(adapter.venue, adapter.account, rules.symbol, rules.venue_symbol)
    if placer.keeper is not None and placer.keeper.holds(where, signal.signal_id):
        return True, "kept all along"  # a gateway reconnecting to a running executor
    entry = next((o for o in orders if o.purpose is OrderPurpose.ENTRY), None)
    if entry is None:
        return False, "its answer lists no entry"
    fresh = False
    if signal.order_type is OrderType.LIMIT and entry.status is not OrderStatus.FILLED:
        found = adapter.find_order(rules.venue_symbol, entry.client_order_id)
        if found is None:
            return False, "its limit entry is not on the venue"
        executed = found.executed_qty or ZERO
        if found.status in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED):
            placer.await_fill(adapter, rules, signal, terms, replace(entry, order_id=found.order_id))
            return True, "waits again for its limit entry to fill"
        if executed <= 0:
            return False, "its limit entry ended unfilled"
        price = found.avg_price or entry.price
        entry = replace(entry, quantity=executed, avg_price=price, status=OrderStatus.FILLED)
        fresh = True
    closing = Side.SELL if entry.side is Side.BUY else Side.BUY
    holding = held(adapter.positions(rules.venue_symbol), entry.position_side, closing)
    if holding <= 0:
        return False, "its position is closed"
    resting = [
        o
        for o in adapter.open_protections(rules.venue_symbol)
        if o.position_side is entry.position_side and o.side is closing
    ]
    if fresh and not resting:
        guarded = placer.protect(adapter, rules, signal, terms, entry)
        return True, "; ".join(["its limit entry filled meanwhile: its exits are placed", *guarded.problems])
    plan = _plan(adapter, rules, signal, terms, entry, orders, resting, holding)
    if placer.keeper is not None:
        placer.keeper.add_plan(plan, resumed=True)
    gone = ", ".join(str(s.rung.number) for s in plan.steps if s.done) or "none"
    resting_now = sum(1 for s in plan.steps if not s.done)
    return True, f"{resting_now} take-profit(s) resting, gone meanwhile: {gone}"


def _plan(
    adapter: VenueAdapter,
    rules: InstrumentRules,
    signal: TradeSignal,
    terms: ExitTerms,
    entry: OrderReport,
    orders: list[OrderReport],
    resting: list[OpenProtection],
    holding: Decimal,
) -> ExitPlan:
    protection = stop_plan(signal, terms)
    reference = entry.avg_price or entry.price or adapter.price(rules.venue_symbol)
    rungs = build(terms.levels, entry.quantity, reference, protection.long, rules)[0] if terms.levels else []
    ids = {o.client_order_id: o.order_id for o in orders if o.purpose is OrderPurpose.TAKE_PROFIT}
    steps: list[Step] = []
    for rung in rungs:
        cid = client_order_id(signal.signal_id, rung_tag(rung, entry))
        oid = ids.get(cid)
        match = next((o for o in resting if (oid and o.order_id == oid) or o.client_order_id == cid), None)
        # One gone from the venue meanwhile counts as filled.
        steps.append(Step(rung, cid, match.order_id) if match else Step(rung, cid, reported=rung.quantity))
    gone = {n for step in steps if step.done for n in step.rung.numbers}
    taken = sum((step.filled for step in steps), ZERO)
    stop = next((o for o in resting if o.order_type in KIND_TYPES[ProtectionKind.STOP_LOSS]), None)
    trail = next((o for o in resting if o.order_type in KIND_TYPES[ProtectionKind.TRAILING_STOP]), None)
    first = next((o for o in orders if o.purpose is OrderPurpose.STOP_LOSS), None)
    # Moved already (to break-even, or by an update) unless it still sits where it was placed.
    moved = stop is not None and (first is None or stop.trigger_price != first.trigger_price)
    closing = Side.SELL if protection.long else Side.BUY
    later = trail_later(rules, signal, terms, entry, closing, reference)
    return ExitPlan(
        where=Where(adapter.venue, adapter.account, rules.symbol, rules.venue_symbol),
        rules=rules,
        position_side=entry.position_side,
        long=protection.long,
        signal_id=signal.signal_id,
        # What stands now, with what the take-profits gone took: the stop covers the position.
        entry_quantity=holding + taken,
        entry_price=reference,
        steps=steps,
        stop=_request(rules, stop, ProtectionKind.STOP_LOSS) if stop is not None else None,
        stop_order_id=stop.order_id if stop is not None else "",
        breakeven_after=terms.breakeven_after,
        breakeven_offset_pct=terms.breakeven_offset_pct,
        trail_after=terms.trail_after,
        # A resting trail keeps the signal's activation (the venue lists the price at placement
        # for one sent without, which sent again would be refused) at the size it rests.
        trail=replace(later, quantity=trail.quantity) if later is not None and trail is not None else later,
        trail_placed=trail is not None,
        trail_order_id=trail.order_id if trail is not None else "",
        at_breakeven=terms.breakeven_after in gone and moved,
        # Client ids of this run's moves apart from those of the runs before it.
        moves=int(time.time()) % 1_000_000 * 100,
    )


def _request(rules: InstrumentRules, order: OpenProtection, kind: ProtectionKind) -> ProtectionRequest:
    return ProtectionRequest(
        venue_symbol=rules.venue_symbol,
        kind=kind,
        side=order.side,
        position_side=order.position_side,
        quantity=order.quantity,
        trigger_price=order.trigger_price,
        client_order_id=order.client_order_id,
    )
