"""What a `test: true` signal would place: every order, with its size and price, as the answer's
orders in status PLANNED. Nothing is sent."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Protocol

from executor.core.exits import ExitTerms, stop_plan, trail_start
from executor.core.ladder import build
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
from executor.core.placement import limit_price
from executor.core.ports import InstrumentRules, Protection, ProtectionKind, ProtectionRequest, VenueAdapter
from executor.core.protection import ProtectionPlan


class Planning(Protocol):
    """The engine's view of one signal (its `_Context`)."""

    @property
    def adapter(self) -> VenueAdapter: ...
    @property
    def rules(self) -> InstrumentRules: ...
    @property
    def plan(self) -> ProtectionPlan | None: ...
    @property
    def known(self) -> tuple[Protection, ...] | None: ...
    @property
    def exits(self) -> ExitTerms | None: ...


def planned_orders(
    ctx: Planning, signal: TradeSignal, moves: list[tuple[Leg, Decimal]], reference: Decimal | None
) -> tuple[list[OrderReport], list[str]]:
    """The entry legs, then each opening leg's exits, as they would be placed; notes on levels
    merged, or left out for want of a price to measure them from."""
    venue, rules = ctx.adapter.venue, ctx.rules
    orders: list[OrderReport] = []
    notes: list[str] = []
    for leg, quantity in moves:
        orders.append(
            _report(
                venue,
                rules.venue_symbol,
                client_order_id(signal.signal_id, leg.tag),
                leg.side,
                leg.position_side,
                quantity,
                leg.purpose,
                signal.order_type,
                limit_price(rules, signal),
                None,
            )
        )
        if not leg.opening or ctx.plan is None:
            continue
        base = limit_price(rules, signal) or reference
        if base is None:
            notes.append("the levels are measured from the fill, and no price was read to show them")
            continue
        orders.extend(_exits(ctx, signal, leg, quantity, base, notes))
    return orders, notes


def _exits(
    ctx: Planning, signal: TradeSignal, leg: Leg, quantity: Decimal, base: Decimal, notes: list[str]
) -> list[OrderReport]:
    assert ctx.plan is not None
    rules = ctx.rules
    closing = Side.SELL if leg.side is Side.BUY else Side.BUY
    if ctx.exits is None:
        triggers = ctx.known or ctx.plan.triggers(rules, base)
        return [_guard(ctx, signal, leg, closing, t, quantity) for t in triggers]
    plan = stop_plan(signal, ctx.exits)
    out = [_guard(ctx, signal, leg, closing, t, quantity) for t in plan.triggers(rules, base)]
    if ctx.exits.levels:
        rungs, merged = build(ctx.exits.levels, quantity, base, plan.long, rules)
        notes.extend(merged)
        for rung in rungs:
            tag = f"{ProtectionKind.TAKE_PROFIT.value}-{rung.number}-{leg.position_side.value}"
            out.append(
                _report(
                    ctx.adapter.venue,
                    rules.venue_symbol,
                    client_order_id(signal.signal_id, tag),
                    closing,
                    leg.position_side,
                    rung.quantity,
                    OrderPurpose.TAKE_PROFIT,
                    OrderType.MARKET,
                    None,
                    rung.trigger_price,
                )
            )
    after = ctx.exits.trail_after
    if after is not None and signal.trailing_pct is not None:
        notes.append(
            f"the trailing stop ({signal.trailing_pct} % callback) is placed once take-profit {after} fills"
        )
        out.append(_guard(ctx, signal, leg, closing, trail_start(signal, plan.long, rules, base), quantity))
    if ctx.exits.breakeven_after is not None:
        notes.append(f"the stop moves to the entry price once take-profit {ctx.exits.breakeven_after} fills")
    return out


def _guard(
    ctx: Planning, signal: TradeSignal, leg: Leg, closing: Side, trigger: Protection, quantity: Decimal
) -> OrderReport:
    return _report(
        ctx.adapter.venue,
        ctx.rules.venue_symbol,
        client_order_id(signal.signal_id, protection_tag(trigger.kind, leg.position_side)),
        closing,
        leg.position_side,
        quantity,
        OrderPurpose(trigger.kind.value),
        OrderType.MARKET,
        None,
        trigger.trigger_price,
    )


def protection_report(
    venue: Venue, request: ProtectionRequest, order_id: str = "", status: OrderStatus = OrderStatus.PLANNED
) -> OrderReport:
    """A trigger order as the answer lists it: one an update would place (planned), or placed."""
    return replace(
        _report(
            venue,
            request.venue_symbol,
            request.client_order_id,
            request.side,
            request.position_side,
            request.quantity,
            OrderPurpose(request.kind.value),
            OrderType.MARKET,
            None,
            request.trigger_price,
        ),
        order_id=order_id,
        status=status,
    )


def _report(
    venue: Venue,
    venue_symbol: str,
    client_id: str,
    side: Side,
    position_side: PositionSide,
    quantity: Decimal,
    purpose: OrderPurpose,
    order_type: OrderType,
    price: Decimal | None,
    trigger: Decimal | None,
) -> OrderReport:
    return OrderReport(
        venue=venue,
        venue_symbol=venue_symbol,
        order_id="",
        client_order_id=client_id,
        side=side,
        position_side=position_side,
        order_type=order_type,
        quantity=quantity,
        price=price,
        avg_price=None,
        status=OrderStatus.PLANNED,
        reduce_only=purpose is not OrderPurpose.ENTRY and position_side is PositionSide.BOTH,
        purpose=purpose,
        trigger_price=trigger,
    )
