"""Prices walked one step at a time through the simulator's `/_sim/price`, and where a trailing stop
with a callback must have closed the position after such a walk."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

START = Decimal("60000")  # the simulator's BTC-USDT price on both venues
STEP = Decimal("150")  # 0.25 % of START


def walk(set_price: Callable[[str], None], start: Decimal, to: Decimal, step: Decimal = STEP) -> None:
    """Every price from `start` (left out) to `to`, `step` apart, in order."""
    direction = 1 if to > start else -1
    price = start
    while price != to:
        price += direction * step
        set_price(str(price))


def closes_within_a_step(direction: str, extreme: Decimal, callback: Decimal, fill: Decimal) -> bool:
    """A long's trail sells on the first step at or below peak x (1 - callback); a short's buys on
    the first step at or above trough x (1 + callback)."""
    if direction == "long":
        level = extreme * (1 - callback)
        return level - STEP < fill <= level
    level = extreme * (1 + callback)
    return level <= fill < level + STEP
