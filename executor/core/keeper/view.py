"""What the keeper shows of an account: each open position with the protective orders that
guard it, whether it stands unprotected, and how the account is being watched."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from executor.core.events import OrderKind, OrderUpdate
from executor.core.keeper.oco import guards_position
from executor.core.model import OrderPurpose, PositionSide, Side, Venue
from executor.core.ports import VenuePosition

_TAKE_PROFITS = frozenset({OrderKind.TAKE_PROFIT_MARKET, OrderKind.TAKE_PROFIT})


@dataclass(frozen=True)
class LevelView:
    """One take-profit level of an exit plan."""

    number: int  # 1-based, as the signal numbered it; a merged level names its last
    trigger_price: Decimal
    quantity: Decimal
    filled: Decimal
    done: bool  # filled whole
    order_id: str  # "" until placed


@dataclass(frozen=True)
class PlanView:
    """A position's exit plan as the keeper holds it now."""

    signal_id: str
    entry_price: Decimal
    take_profits: tuple[LevelView, ...]
    stop_price: Decimal | None  # where the stop is now; None: none
    stop_quantity: Decimal
    at_breakeven: bool
    breakeven_after: int | None
    trail_after: int | None
    trailing_pct: Decimal | None
    trail_placed: bool


@dataclass(frozen=True)
class AccountView:
    """The keeper's knowledge of one account at one moment."""

    venue: Venue
    account: str
    connected: bool  # the user-data stream is up
    down_since: float | None  # epoch seconds; None while connected
    last_reconcile: float | None  # epoch seconds the last good reconciliation began
    protective: tuple[OrderUpdate, ...]  # open orders that can only close a position
    unprotected: frozenset[tuple[str, PositionSide]]  # (venue symbol, side) reported bare
    # The exit plans kept, by (venue symbol, side).
    plans: dict[tuple[str, PositionSide], PlanView] = field(default_factory=dict)


@dataclass(frozen=True)
class KeptPosition:
    position: VenuePosition
    protective: tuple[OrderUpdate, ...]
    unprotected: bool
    plan: PlanView | None = None


def purpose(order: OrderUpdate) -> OrderPurpose:
    """A protective order's purpose, from its type: a trailing stop is a stop."""
    return OrderPurpose.TAKE_PROFIT if order.kind in _TAKE_PROFITS else OrderPurpose.STOP_LOSS


def guards(order: OrderUpdate, position: VenuePosition) -> bool:
    """Whether `order` closes (part of) `position`: same symbol and side, and in one-way mode
    the closing direction (a SELL guards a long)."""
    side = position.position_side or PositionSide.BOTH
    if order.where.venue_symbol != position.venue_symbol or order.position_side is not side:
        return False
    if side is PositionSide.BOTH:
        return (order.side is Side.SELL) == (position.quantity > 0)
    return True


def kept_positions(positions: list[VenuePosition], view: AccountView) -> list[KeptPosition]:
    """Each open position with its guards, oldest order first."""
    out = []
    for position in positions:
        if position.quantity == 0:
            continue
        mine = sorted((o for o in view.protective if guards(o, position)), key=lambda o: o.time_ms)
        side = position.position_side or PositionSide.BOTH
        key = (position.venue_symbol, side)
        out.append(KeptPosition(position, tuple(mine), key in view.unprotected, view.plans.get(key)))
    return out


def protective(orders: list[OrderUpdate]) -> tuple[OrderUpdate, ...]:
    return tuple(o for o in orders if guards_position(o))
