"""A take-profit ladder: which orders a signal's levels become for one filled entry, and where a
stop at break-even sits. Pure rules over the venue's steps and minimums; the orders themselves
are `exits.py`'s.

Each level's quantity is its share of the entry, rounded down to the venue's step. When the
shares add up to 100 the ladder closes the whole position: the rounding remainder goes to the
last level. When they add up to less, the rest is a runner for the stop, the trail or a close
signal. A level too small for the venue's minimum is merged into the next one (the last into the
one before), keeping the next one's price, and the answer's note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from common.ladder import closes_all, total_problem
from common.trading import MAX_TAKE_PROFITS, TakeProfitLevel
from executor.core.ports import InstrumentRules
from executor.core.sizing import below_minimum

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Rung:
    """One take-profit order of a ladder: the signal's levels it carries (several when merged),
    its trigger and its quantity."""

    numbers: tuple[int, ...]
    trigger_price: Decimal
    quantity: Decimal

    @property
    def number(self) -> int:
        """The level it is named by: the last it carries (a merged level's share went forward)."""
        return self.numbers[-1]


def check_levels(levels: tuple[TakeProfitLevel, ...]) -> None:
    """The ladder's own shape: 1 to 10 levels, each a price or a percent, shares at most 100."""
    if not levels:
        return
    if len(levels) > MAX_TAKE_PROFITS:
        raise _invalid(f"take_profit has {len(levels)} levels; at most {MAX_TAKE_PROFITS}")
    for number, level in enumerate(levels, 1):
        if (level.price is None) == (level.pct is None):
            raise _invalid(f"take_profit[{number}] needs a price or a pct, exactly one")
        if not ZERO < level.size_pct <= HUNDRED:
            raise _invalid(f"take_profit[{number}].size_pct must be above 0 and at most 100")
    problem = total_problem(levels)
    if problem:
        raise _invalid(f"take_profit: {problem}")


def price_of(level: TakeProfitLevel, reference: Decimal, long: bool, rules: InstrumentRules) -> Decimal:
    """A level's trigger on the venue's tick: its price, or its percent from `reference` the
    profit way."""
    if level.price is not None:
        return rules.floor_price(level.price)
    assert level.pct is not None
    factor = HUNDRED + level.pct if long else HUNDRED - level.pct
    price = rules.floor_price(reference * factor / HUNDRED)
    if price <= 0:
        raise _invalid(f"a short's take-profit of {plain(level.pct)} % leaves no price above zero")
    return price


def build(
    levels: tuple[TakeProfitLevel, ...],
    quantity: Decimal,
    reference: Decimal,
    long: bool,
    rules: InstrumentRules,
) -> tuple[list[Rung], list[str]]:
    """The ladder's orders for an entry of `quantity` filled at `reference`, and the notes on
    levels merged for the venue's minimum."""
    prices = [price_of(level, reference, long, rules) for level in levels]
    sizes = [rules.floor_qty(quantity * level.size_pct / HUNDRED) for level in levels]
    if closes_all(levels):
        sizes[-1] = quantity - sum(sizes[:-1], ZERO)
    rungs: list[Rung] = []
    notes: list[str] = []
    carried: tuple[tuple[int, ...], Decimal] = ((), ZERO)
    for number, (price, share) in enumerate(zip(prices, sizes, strict=True), 1):
        numbers, size = (*carried[0], number), carried[1] + share
        if number < len(levels) and below_minimum(rules, size, price, size):
            notes.append(_merged(number, number + 1, size, rules))
            carried = (numbers, size)
            continue
        carried = ((), ZERO)
        rungs.append(Rung(numbers, price, size))
    last = rungs[-1]
    if below_minimum(rules, last.quantity, last.trigger_price, last.quantity):
        if len(rungs) == 1:
            raise TvbridgeError(
                ErrorClass.BELOW_MINIMUM,
                f"the take-profit ladder's {plain(last.quantity)} is below the venue's minimum "
                f"({below_minimum(rules, last.quantity, last.trigger_price, last.quantity)})",
            )
        before = rungs[-2]
        notes.append(_merged(last.number, before.number, last.quantity, rules))
        rungs[-2:] = [
            Rung((*before.numbers, *last.numbers), before.trigger_price, before.quantity + last.quantity)
        ]
    return rungs, notes


def _merged(number: int, into: int, size: Decimal, rules: InstrumentRules) -> str:
    return (
        f"take-profit {number}'s share ({plain(size)}) is below {rules.venue_symbol}'s minimum "
        f"({plain(rules.min_qty)}, {plain(rules.min_notional)} notional): merged into take-profit {into}"
    )


def breakeven(entry: Decimal, offset_pct: Decimal | None, long: bool, rules: InstrumentRules) -> Decimal:
    """The stop at the entry price, `offset_pct` the profit way, on the venue's tick."""
    offset = offset_pct or ZERO
    factor = HUNDRED + offset if long else HUNDRED - offset
    return rules.floor_price(entry * factor / HUNDRED)


def _invalid(message: str) -> TvbridgeError:
    return TvbridgeError(ErrorClass.INVALID_SIGNAL, message)
