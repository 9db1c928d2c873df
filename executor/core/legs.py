"""The legs of a signal: which orders it places, on which side, before any size is known.

Pure rules, no I/O. One function, `plan_legs`, turns an action or a target into legs, given the
position mode and what the account holds. Each leg's tag names it within its signal, and the
client order id is derived from the signal id and the tag; so that a redelivery finds what an
earlier attempt placed, `possible_legs` lists the tags by asking `plan_legs` itself over every kind
of holding, never by a second copy of its rules.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from common.errors import ErrorClass, TvbridgeError
from executor.core.model import (
    Action,
    MarketPosition,
    OrderPurpose,
    PositionSide,
    Side,
    TradeSignal,
)
from executor.core.ports import ProtectionKind, VenuePosition

ZERO = Decimal(0)


@dataclass(frozen=True)
class Leg:
    side: Side
    position_side: PositionSide
    reduce_only: bool
    purpose: OrderPurpose
    # A close: the open quantity it may take off (absolute). A target's move: its exact size.
    position_qty: Decimal | None = None
    quantity: Decimal | None = None

    @property
    def tag(self) -> str:
        """Names the leg within its signal; the order's side does not enter it."""
        return f"{self.purpose.value}-{self.position_side.value}"

    @property
    def opening(self) -> bool:
        return not self.reduce_only


@dataclass(frozen=True)
class Held:
    """What the account holds on one symbol, each side as an absolute quantity."""

    long: Decimal = ZERO
    short: Decimal = ZERO

    @classmethod
    def of(cls, positions: list[VenuePosition]) -> Held:
        return cls(
            long=sum((p.quantity for p in positions if p.quantity > 0), ZERO),
            short=sum((-p.quantity for p in positions if p.quantity < 0), ZERO),
        )

    @property
    def net(self) -> Decimal:
        return self.long - self.short


@dataclass(frozen=True)
class Plan:
    legs: tuple[Leg, ...]
    # Sides a target leaves empty (or flips away from), with the side that closes them.
    closed: tuple[tuple[PositionSide, Side], ...] = ()

    def closed_after(self, quantities: list[Decimal]) -> list[tuple[PositionSide, Side]]:
        """The sides this plan leaves empty once traded at `quantities`: their resting
        take-profits and stops are stale. A close that takes only part of a side leaves it."""
        whole = [
            (leg.position_side, leg.side)
            for leg, quantity in zip(self.legs, quantities, strict=True)
            if leg.position_qty is not None and quantity >= leg.position_qty
        ]
        return [*self.closed, *whole]


# Every order tvbridge places carries a client id with this prefix; the position keeper tells
# ours from the trader's own (placed in the exchange's app) by it.
CLIENT_ID_PREFIX = "tvb"


def client_order_id(signal_id: str, tag: str) -> str:
    """Derived from the signal id, so a retry carries the same id.

    "tvb" + 32 lower-case hex digits fits both venues: BingX takes 1-40 characters and
    lower-cases them; Binance wants ^[.A-Z:/a-z0-9_-]{1,36}$.
    """
    digest = hashlib.sha256(f"{signal_id}|{tag}".encode()).hexdigest()
    return f"{CLIENT_ID_PREFIX}{digest[:32]}"


def protection_tag(kind: ProtectionKind, position_side: PositionSide) -> str:
    """A take-profit or stop-loss guarding the entry on `position_side`."""
    return f"{kind.value}-{position_side.value}"


def replacement_tag(kind: ProtectionKind, position_side: PositionSide) -> str:
    """The same guard placed again by the position keeper after the first went missing: a
    client id of its own, so the venue never refuses it as a repeat of the first."""
    return f"{protection_tag(kind, position_side)}-replaced"


def direction(signal: TradeSignal) -> PositionSide:
    """The side of the position the signal is about, for its leverage."""
    if signal.market_position is not None:
        return PositionSide.SHORT if signal.market_position is MarketPosition.SHORT else PositionSide.LONG
    short = signal.action in (Action.SELL, Action.CLOSE_SHORT)
    return PositionSide.SHORT if short else PositionSide.LONG


def plan_legs(signal: TradeSignal, hedge: bool, held: Held, target: Decimal = ZERO, symbol: str = "") -> Plan:
    """The legs of `signal`. A target (`market_position`) trades the difference between `held`
    and `target` (the size the strategy holds, absolute); an action trades what it says."""
    if signal.market_position is not None:
        return _target(signal.market_position, target, hedge, held)
    return _action(signal, hedge, held, symbol)


def _side(hedge: bool, side: PositionSide) -> PositionSide:
    return side if hedge else PositionSide.BOTH


def _action(signal: TradeSignal, hedge: bool, held: Held, symbol: str) -> Plan:
    action = signal.action
    if action in (Action.BUY, Action.SELL):
        side = Side.BUY if action is Action.BUY else Side.SELL
        pside = _side(hedge, PositionSide.LONG if side is Side.BUY else PositionSide.SHORT)
        # Only one-way mode has a reduce-only entry; in hedge mode the position side says it.
        return Plan((Leg(side, pside, signal.reduce_only and not hedge, OrderPurpose.ENTRY),))
    legs = []
    if action in (Action.CLOSE, Action.CLOSE_LONG) and held.long > 0:
        legs.append(Leg(Side.SELL, _side(hedge, PositionSide.LONG), True, OrderPurpose.CLOSE, held.long))
    if action in (Action.CLOSE, Action.CLOSE_SHORT) and held.short > 0:
        legs.append(Leg(Side.BUY, _side(hedge, PositionSide.SHORT), True, OrderPurpose.CLOSE, held.short))
    if not legs:
        which = {Action.CLOSE: "", Action.CLOSE_LONG: "long ", Action.CLOSE_SHORT: "short "}[action]
        raise TvbridgeError(ErrorClass.NO_POSITION, f"no open {which}position in {symbol} to close")
    return Plan(tuple(legs))


def _target(want: MarketPosition, target: Decimal, hedge: bool, held: Held) -> Plan:
    want_long = target if want is MarketPosition.LONG else ZERO
    want_short = target if want is MarketPosition.SHORT else ZERO
    if hedge:
        return _hedge_target(held, want_long, want_short)
    net, goal = held.net, want_long - want_short
    closed = []
    if (net > 0 and goal <= 0) or (net < 0 and goal >= 0):
        closed.append((PositionSide.BOTH, Side.SELL if net > 0 else Side.BUY))
    diff = goal - net
    if diff == 0:
        return Plan((), tuple(closed))
    # Moving toward zero on the same side only ever shrinks the position.
    shrinking = abs(goal) < abs(net) and (goal == 0 or (goal > 0) == (net > 0))
    purpose = OrderPurpose.CLOSE if shrinking else OrderPurpose.ENTRY
    side = Side.BUY if diff > 0 else Side.SELL
    leg = Leg(side, PositionSide.BOTH, shrinking, purpose, quantity=abs(diff))
    return Plan((leg,), tuple(closed))


def _hedge_target(held: Held, want_long: Decimal, want_short: Decimal) -> Plan:
    legs, closed = [], []
    for pside, have, wanted in (
        (PositionSide.LONG, held.long, want_long),
        (PositionSide.SHORT, held.short, want_short),
    ):
        grow, shrink = (Side.BUY, Side.SELL) if pside is PositionSide.LONG else (Side.SELL, Side.BUY)
        if have > 0 and wanted == 0:
            closed.append((pside, shrink))
        if wanted > have:
            legs.append(Leg(grow, pside, False, OrderPurpose.ENTRY, quantity=wanted - have))
        elif wanted < have:
            legs.append(Leg(shrink, pside, True, OrderPurpose.CLOSE, quantity=have - wanted))
    return Plan(tuple(legs), tuple(closed))


# Holdings that drive `plan_legs` down each of its branches: nothing, less than, more than, and
# either side of a target of 2.
_SAMPLE_QTYS = (ZERO, Decimal(1), Decimal(3))
_SAMPLE_TARGET = Decimal(2)


def possible_legs(signal: TradeSignal, hedge: bool) -> list[Leg]:
    """Every leg, by tag, that `signal` could have placed in this position mode, whatever the
    account held when it was first tried."""
    found: dict[str, Leg] = {}
    for long in _SAMPLE_QTYS:
        for short in _SAMPLE_QTYS:
            try:
                legs = plan_legs(signal, hedge, Held(long, short), _SAMPLE_TARGET).legs
            except TvbridgeError:
                continue  # a close with nothing held places nothing
            for leg in legs:
                found.setdefault(leg.tag, leg)
    return list(found.values())
