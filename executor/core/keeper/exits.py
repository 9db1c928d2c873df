"""Exit plans: what a position whose signal asked for a take-profit ladder, a stop at break-even
or a trail after a take-profit still expects, and what the keeper does as its fills arrive.

The engine places a plan's first orders when its entry fills (`executor/core/exits.py`) and
hands the plan over; a limit entry's plan waits here for the entry's fill, then the engine's
`arm` places it from the fill price. From then on every fill of a take-profit of the plan:
- shrinks the stop to what is left of the position, so the stops never total more than the
  position (BingX refuses that, docs/venues/bingx.md 5.8);
- after take-profit `breakeven_after`, moves the stop to the entry price (plus the offset the
  profit way), placing one if the signal had none;
- after take-profit `trail_after`, places the trailing stop for the rest of the position, and
  after each later one puts a trail for what is left in its place: a trail for more than the
  side holds is refused when it fires in hedge mode (docs/venues/binance.md 5.9, -2022;
  docs/venues/bingx.md 5.8, 110203), which would leave the runner without it.
A stop or trail is moved or resized through the venue's replace
(`VenueAdapter.replace_protection`), which never leaves the position without one. The plan ends
when its side goes flat.

Plans live in the executor's memory, which keeps no database: on every (re)connect the gateway
hands back the journal's recent entries with exit terms (`ResumeExits`), and each plan whose
position still stands is taken up again from what the venue holds (`ExitPlacer.resume`); a
take-profit gone meanwhile counts as filled, and the stop and trail are brought in line at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from common.decimals import plain
from common.errors import TvbridgeError
from common.trading import NewsKind
from executor.core.events import Fill, OrderUpdate, VenueWatch, Where
from executor.core.keeper.news import News
from executor.core.keeper.state import finished
from executor.core.keeper.view import LevelView, PlanView
from executor.core.ladder import Rung, breakeven
from executor.core.legs import client_order_id
from executor.core.model import OrderStatus, PositionSide, Side
from executor.core.placement import Placer
from executor.core.ports import InstrumentRules, OpenProtection, ProtectionKind, ProtectionRequest, VenueOrder
from executor.core.resting import find_sent

log = logging.getLogger("executor.keeper.exits")

ZERO = Decimal(0)


@dataclass
class Step:
    """One take-profit order of the plan and how much of it has filled."""

    rung: Rung
    client_order_id: str
    order_id: str = ""  # "" when it could not be placed
    # Told twice over: a venue's order report carries its cumulative fill and its trades come
    # one by one (BingX sends both in one frame), so each is kept apart and the larger counts.
    traded: Decimal = ZERO  # the sum of its trades, each seen once
    reported: Decimal = ZERO  # the cumulative fill its order reports said

    @property
    def filled(self) -> Decimal:
        return min(max(self.traded, self.reported), self.rung.quantity)

    @property
    def done(self) -> bool:
        return self.filled >= self.rung.quantity


@dataclass
class ExitPlan:
    where: Where
    rules: InstrumentRules
    position_side: PositionSide
    long: bool
    signal_id: str
    entry_quantity: Decimal
    entry_price: Decimal
    steps: list[Step]
    stop: ProtectionRequest | None  # the stop resting now, as last placed
    stop_order_id: str
    breakeven_after: int | None
    breakeven_offset_pct: Decimal | None
    trail_after: int | None
    trail: ProtectionRequest | None  # the trail to place after `trail_after`; once placed, as placed
    trail_placed: bool = False
    trail_order_id: str = ""  # the trail resting now, once placed
    at_breakeven: bool = False
    moves: int = 0  # stops and trails placed by the plan so far: each gets a client id of its own

    @property
    def key(self) -> tuple[str, PositionSide]:
        return (self.where.venue_symbol, self.position_side)

    def reached(self) -> set[int]:
        """The signal's take-profit numbers whose orders have filled whole."""
        return {n for step in self.steps if step.done for n in step.rung.numbers}

    def remaining(self) -> Decimal:
        return self.entry_quantity - sum((s.filled for s in self.steps), ZERO)

    def view(self) -> PlanView:
        levels = tuple(
            LevelView(s.rung.number, s.rung.trigger_price, s.rung.quantity, s.filled, s.done, s.order_id)
            for s in self.steps
        )
        return PlanView(
            self.signal_id,
            self.entry_price,
            levels,
            self.stop.trigger_price if self.stop else None,
            self.stop.quantity if self.stop else ZERO,
            self.at_breakeven,
            self.breakeven_after,
            self.trail_after,
            self.trail.callback_pct if self.trail else None,
            self.trail_placed,
        )


@dataclass
class Pending:
    """A limit entry's plan, waiting for the entry to fill: `arm` places its orders from the
    filled quantity and average price, when the venue said it (and hands the plan over)."""

    where: Where
    entry_order_id: str
    arm: Callable[[Decimal, Decimal | None], None]
    signal_id: str = ""


# Told of each stop a plan placed, so the unprotected watch guards the new one.
OnStop = Callable[[ExitPlan, ProtectionRequest], None]


@dataclass
class Exits:
    """The exit plans of one account, by (venue symbol, position side); their take-profit orders
    by order id; limit entries waiting to fill, by the entry's order id."""

    placer: Placer
    on_stop: OnStop | None = None
    plans: dict[tuple[str, PositionSide], ExitPlan] = field(default_factory=dict)
    _steps: dict[str, tuple[ExitPlan, Step]] = field(default_factory=dict)
    pending: dict[str, Pending] = field(default_factory=dict)
    # What could not be done, for the owner to hear (the keeper takes them after each event).
    told: list[News] = field(default_factory=list)

    def add(self, plan: ExitPlan) -> None:
        old = self.plans.pop(plan.key, None)
        if old is not None:
            self._forget(old)
        self.plans[plan.key] = plan
        for step in plan.steps:
            if step.order_id:
                self._steps[step.order_id] = (plan, step)

    def end(self, venue_symbol: str, position_side: PositionSide) -> None:
        plan = self.plans.pop((venue_symbol, position_side), None)
        if plan is not None:
            self._forget(plan)

    def _forget(self, plan: ExitPlan) -> None:
        for step in plan.steps:
            if step.order_id:
                self._steps.pop(step.order_id, None)

    def holds(self, signal_id: str) -> bool:
        """Whether a plan of `signal_id` is kept, or waits for its limit entry."""
        return any(p.signal_id == signal_id for p in self.plans.values()) or any(
            p.signal_id == signal_id for p in self.pending.values()
        )

    def views(self) -> dict[tuple[str, PositionSide], PlanView]:
        return {key: plan.view() for key, plan in self.plans.items()}

    # -- events -------------------------------------------------------------------------------

    def filled(self, fill: Fill, venue: VenueWatch) -> None:
        """A trade: one of a plan's take-profits took its share."""
        found = self._steps.get(fill.order_id)
        if found is None:
            return
        plan, step = found
        before = step.filled
        step.traded += fill.quantity
        if step.filled > before:
            self.advance(plan, venue)

    def ordered(self, update: OrderUpdate, venue: VenueWatch) -> Pending | None:
        """An order's new state: a take-profit's filled quantity (when its trades were missed),
        or a waiting limit entry that filled; that one is returned, for the caller to arm
        outside the account's lock (arming takes the engine's lock on the symbol)."""
        found = self._steps.get(update.order_id)
        if found is not None:
            before = found[1].filled
            found[1].reported = max(found[1].reported, update.filled)
            if found[1].filled > before:
                self.advance(found[0], venue)
            return None
        pending = self.pending.get(update.order_id)
        if pending is None or not finished(update.status):
            return None
        del self.pending[update.order_id]  # filled, or gone: cancelled or expired unfilled
        return pending if _entry_done(update) else None

    # -- what a fill changes ------------------------------------------------------------------

    def advance(self, plan: ExitPlan, venue: VenueWatch) -> None:
        """Bring the stop and the trail in line with the take-profits filled so far."""
        left = plan.remaining()
        if left <= 0 or plan.key not in self.plans:
            return
        reached = plan.reached()
        price = plan.stop.trigger_price if plan.stop else None
        # Until a move to break-even succeeds; after it, the stop stays where it is (an update
        # may move it on).
        to_breakeven = plan.breakeven_after in reached and not plan.at_breakeven
        if to_breakeven:
            price = breakeven(plan.entry_price, plan.breakeven_offset_pct, plan.long, plan.rules)
        stop = plan.stop
        if price is not None and (stop is None or (stop.quantity, stop.trigger_price) != (left, price)):
            moved = self._move_stop(plan, venue, left, price)
            plan.at_breakeven = plan.at_breakeven or (to_breakeven and moved)
        if plan.trail is None or plan.trail_after not in reached:
            return
        if not plan.trail_placed:
            plan.trail_placed = True
            trail = replace(plan.trail, quantity=left)
            try:
                placed = self._send(venue, trail, lambda: venue.place_protection(trail), set())
            except TvbridgeError as exc:
                self._tell(
                    plan,
                    f"the trailing stop for {plain(left)} was not placed after take-profit "
                    f"{plan.trail_after}: {exc.message}",
                )
                return
            plan.trail, plan.trail_order_id = trail, placed
        elif plan.trail_order_id and plan.trail.quantity > left:
            self._shrink_trail(plan, venue, left)

    def _shrink_trail(self, plan: ExitPlan, venue: VenueWatch, quantity: Decimal) -> None:
        """A trail for `quantity` in the place of the larger one resting. Its activation is kept
        while no price has reached it; once one has, the venues refuse it and the new trail starts
        from the price now. That costs next to nothing of what the old trail had seen: the
        take-profit that just filled lies beyond every price since the trail was placed (it fills
        the first time the price reaches it), so the best of them is the price at that fill."""
        assert plan.trail is not None
        activation = plan.trail.trigger_price
        if activation is not None and _passed(plan, activation):
            activation = None
        plan.moves += 1
        tag = f"{ProtectionKind.TRAILING_STOP.value}-{plan.position_side.value}-resized-{plan.moves}"
        request = replace(
            plan.trail,
            quantity=quantity,
            trigger_price=activation,
            client_order_id=client_order_id(plan.signal_id, tag),
        )
        # Should the venue cancel the old one and refuse the new, the old is placed again: with
        # an activation passed meanwhile it would be refused too.
        old_id, was = plan.trail_order_id, plan.trail.quantity
        resting = _resting(replace(plan.trail, trigger_price=activation), old_id)
        try:
            placed = self._send(venue, request, lambda: venue.replace_protection(resting, request), {old_id})
        except TvbridgeError as exc:
            self._tell(
                plan,
                f"the trailing stop was not resized to {plain(quantity)}: {exc.message}; it stays "
                f"for {plain(was)}, more than the position, which it may fail to close",
            )
            return
        plan.trail, plan.trail_order_id = request, placed

    def _tell(self, plan: ExitPlan, what: str) -> None:
        log.warning("exit plan not followed", extra={"signal_id": plan.signal_id, "detail": what})
        self.told.append(
            News(
                NewsKind.EXIT_NOT_FOLLOWED,
                plan.where.venue,
                plan.where.account,
                plan.where.symbol,
                plan.position_side,
                detail=what,
                time_ms=int(time.time() * 1000),
            )
        )

    def _move_stop(self, plan: ExitPlan, venue: VenueWatch, quantity: Decimal, price: Decimal) -> bool:
        plan.moves += 1
        old, old_id = plan.stop, plan.stop_order_id
        tag = f"{ProtectionKind.STOP_LOSS.value}-{plan.position_side.value}-moved-{plan.moves}"
        request = ProtectionRequest(
            venue_symbol=plan.where.venue_symbol,
            kind=ProtectionKind.STOP_LOSS,
            side=old.side if old else _closing(plan),
            position_side=plan.position_side,
            quantity=quantity,
            trigger_price=price,
            client_order_id=client_order_id(plan.signal_id, tag),
        )
        try:
            if old is None or not old_id:
                placed = self._send(venue, request, lambda: venue.place_protection(request), set())
            else:
                resting = _resting(old, old_id)
                placed = self._send(
                    venue, request, lambda: venue.replace_protection(resting, request), {old_id}
                )
        except TvbridgeError as exc:
            was = f"; it stays at {plain(old.trigger_price or ZERO)} for {plain(old.quantity)}" if old else ""
            self._tell(
                plan, f"the stop was not moved to {plain(price)} for {plain(quantity)}: {exc.message}{was}"
            )
            return False
        plan.stop, plan.stop_order_id = request, placed
        if self.on_stop is not None:
            self.on_stop(plan, request)
        return True

    def _send(
        self, venue: VenueWatch, request: ProtectionRequest, send: Callable[[], VenueOrder], before: set[str]
    ) -> str:
        """The order id of `request`, sent once (found after a lost answer); raises when refused."""
        order = self.placer.send_or_find(
            send, lambda: find_sent(venue, request, before), f"{venue.venue.value} {request.client_order_id}"
        )
        return order.order_id


def _entry_done(update: OrderUpdate) -> bool:
    """A limit entry that filled whole, or finished having filled part."""
    return update.status is OrderStatus.FILLED or (finished(update.status) and update.filled > 0)


def _passed(plan: ExitPlan, price: Decimal) -> bool:
    """Whether the market has reached `price` the profit way: a take-profit at or beyond it filled."""
    done = [s.rung.trigger_price for s in plan.steps if s.filled > 0]
    return any(p >= price if plan.long else p <= price for p in done)


def _closing(plan: ExitPlan) -> Side:
    return Side.SELL if plan.long else Side.BUY


def _resting(request: ProtectionRequest, order_id: str) -> OpenProtection:
    """The plan's stop or trail as the venue lists it, for the replace to cancel (or put back)."""
    trail = request.kind is ProtectionKind.TRAILING_STOP
    return OpenProtection(
        order_id=order_id,
        client_order_id=request.client_order_id,
        side=request.side,
        position_side=request.position_side,
        order_type=request.venue_type,
        quantity=request.quantity,
        trigger_price=None if trail else request.trigger_price,
        activation_price=request.trigger_price if trail else None,
        callback_pct=request.callback_pct,
    )
