"""A take-profit ladder's shape and what may wait on its levels (`breakeven_after`,
`trail_after`): one home for the rule, read by the gateway for its 422s and by the executor,
which checks every signal again. Levels are numbered from 1, as `breakeven_after` counts them.
"""

from __future__ import annotations

from decimal import Decimal

from common.trading import SignalTerms, TakeProfitLevel

WHOLE = Decimal(100)


def follows_fills(terms: SignalTerms) -> bool:
    """Terms that act on the position's fills after the entry (a ladder, break-even, a trail after
    a take-profit): the executor's keeper follows them, and the gateway hands them back to it."""
    return bool(terms.take_profits) or terms.breakeven_after is not None or terms.trail_after is not None


def level_count(levels: tuple[TakeProfitLevel, ...], single: bool) -> int:
    """How many take-profit levels a signal has: its ladder's, or one for a single take-profit."""
    return len(levels) if levels else int(single)


def closes_all(levels: tuple[TakeProfitLevel, ...]) -> bool:
    """Whether the take-profits close the whole entry: a ladder whose shares add up to 100, or a
    single take-profit (no ladder)."""
    return not levels or sum((lv.size_pct for lv in levels), Decimal(0)) >= WHOLE


def total_problem(levels: tuple[TakeProfitLevel, ...]) -> str:
    """Why the ladder's shares cannot all be taken; "" when they can."""
    total = sum((lv.size_pct for lv in levels), Decimal(0))
    if total > WHOLE:
        return f"the levels' size_pct add up to {total} %, more than the whole entry (100)"
    return ""


def after_problem(n: int, count: int, whole: bool) -> str:
    """Why something cannot wait on take-profit `n` of `count` levels; "" when it can. `whole`:
    the levels close the whole entry, so nothing is left after the last."""
    if n < 1:
        return f"counts take-profit levels from 1; {n} is not one"
    if count == 0:
        return "acts once take-profit N has filled: give take_profit as a list of levels"
    if n > count:
        there = "is only 1 take-profit level" if count == 1 else f"are only {count} take-profit levels"
        return f"is {n}, but there {there}"
    if whole and n == count:
        if count == 1:
            hint = "one take-profit for the whole entry leaves nothing; give take_profit as a list of levels"
        else:
            earlier = "1" if n == 2 else f"1 to {n - 1}"
            hint = f"use {earlier}, or levels whose size_pct add up to less than 100"
        return f"after take-profit {n}, the last, nothing of the position is left: {hint}"
    return ""
