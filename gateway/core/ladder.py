"""A take-profit ladder, and what its fills set off: the stop moving to break-even once
take-profit N has filled, and a trailing stop starting then. Levels are numbered from 1 in
refusals, as `breakeven_after` counts them. Prices and quantities are the executor's; that the
numbers make sense together is the gateway's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from common.ladder import WHOLE, after_problem, closes_all, level_count, total_problem
from common.trading import MAX_TAKE_PROFITS, TakeProfitLevel
from gateway.core.fields import SignalError, as_positive, read_number, read_whole, refuse_placeholder

LEVEL_KEYS = ("price", "pct", "size_pct")
_EXAMPLE = '{"price": 52000, "size_pct": 50} or {"pct": 6, "size_pct": 30}'


def read_ladder(value: list[Any]) -> tuple[TakeProfitLevel, ...]:
    """`take_profit` given as a list of levels."""
    if not value:
        raise SignalError(
            "take_profit", f"is an empty list; give 1 to {MAX_TAKE_PROFITS} levels, or one price"
        )
    if len(value) > MAX_TAKE_PROFITS:
        raise SignalError("take_profit", f"has {len(value)} levels; at most {MAX_TAKE_PROFITS}")
    levels = tuple(_level(n, item) for n, item in enumerate(value, start=1))
    problem = total_problem(levels)
    if problem:
        raise SignalError("take_profit", problem)
    return levels


def _level(n: int, item: Any) -> TakeProfitLevel:
    name = f"take_profit[{n}]"
    if not isinstance(item, Mapping):
        refuse_placeholder(name, item)
        raise SignalError(name, f"must be a level such as {_EXAMPLE}")
    level = {str(key).strip().lower(): value for key, value in item.items()}
    unknown = sorted(set(level) - set(LEVEL_KEYS))
    if unknown:
        raise SignalError(
            f"{name}.{unknown[0]}", "is not a field of a level; a level has price or pct, and size_pct"
        )
    price = as_positive(f"{name}.price", level.get("price"))
    pct = as_positive(f"{name}.pct", level.get("pct"))
    if price is not None and pct is not None:
        raise SignalError(f"{name}.pct", "give price (a price) or pct (percent from the fill), not both")
    if price is None and pct is None:
        raise SignalError(name, f"needs a price or a pct (percent from the fill), e.g. {_EXAMPLE}")
    size_pct = as_positive(f"{name}.size_pct", level.get("size_pct"))
    if size_pct is None:
        raise SignalError(f"{name}.size_pct", "is required: the level's share of the entry, in percent")
    if size_pct > WHOLE:
        raise SignalError(
            f"{name}.size_pct", f"is a percentage of the entry and must be at most 100, got {size_pct}"
        )
    return TakeProfitLevel(size_pct=size_pct, price=price, pct=pct)


@dataclass(frozen=True)
class AfterFills:
    """What happens once take-profit N has filled."""

    breakeven_after: int | None = None
    breakeven_offset_pct: Decimal | None = None
    trail_after: int | None = None


def read_after_fills(
    body: Mapping[str, Any], ladder: tuple[TakeProfitLevel, ...], *, single: bool, trailing: bool
) -> AfterFills:
    """`single`: one take-profit (take_profit or tp_pct) for the whole entry, a ladder of one
    level at 100 %. `trailing`: the signal has a trailing stop, which trail_after delays."""
    count, whole = level_count(ladder, single), closes_all(ladder)
    breakeven_after = _after(body, "breakeven_after", count=count, whole=whole)
    offset = read_number(body, "breakeven_offset_pct")
    if offset is not None:
        if breakeven_after is None:
            raise SignalError(
                "breakeven_offset_pct",
                "goes with breakeven_after: it is how far past the entry the stop moves",
            )
        if not 0 <= offset < WHOLE:
            raise SignalError("breakeven_offset_pct", f"must be from 0 to below 100 (percent), got {offset}")
    if body.get("trail_after") is not None and not trailing:
        raise SignalError(
            "trail_after",
            "starts a trailing stop once take-profit N has filled: give its callback, trailing_pct",
        )
    trail_after = _after(body, "trail_after", count=count, whole=whole)
    return AfterFills(breakeven_after, offset, trail_after)


def _after(body: Mapping[str, Any], field: str, *, count: int, whole: bool) -> int | None:
    """Take-profit N (from 1), which must exist and leave something of the position after it."""
    n = read_whole(body, field)
    if n is None:
        return None
    problem = after_problem(n, count, whole)
    if problem:
        raise SignalError(field, problem)
    return n
