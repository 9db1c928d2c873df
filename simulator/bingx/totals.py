"""BingX's cumulative rule for the conditional orders that close a position: the quantities of a
position side's stop-loss orders (STOP, STOP_MARKET) may not add up to more than the position,
nor, counted apart, those of its take-profit orders (TAKE_PROFIT, TAKE_PROFIT_MARKET)
(docs/venues/bingx.md 5.8, "Cumulative quantity").

The venue's docs state the rule but no answer code: the code and words of the refusal are the
simulator's choice, said so in the docs. A closing stop with no position at all to close is
refused as the venue was seen to refuse one (80017, ccxt issue 18844). A close-position order
carries no quantity and counts for nothing; a one-way order that is not reduce-only may open a
position, so it is no stop-loss and is not checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from simulator.bingx.codes import NO_POSITION, OVER_POSITION, BingxError
from simulator.positions import closable, closes
from simulator.records import Account
from simulator.triggers import STOP_TYPES, TAKE_PROFIT_TYPES, Trigger

NO_POSITION_WORDS = "position not exist"
OVER_POSITION_WORDS = {
    True: "The total quantity of stop loss orders exceeds the position quantity",
    False: "The total quantity of take profit orders exceeds the position quantity",
}


def closing(trigger: Trigger) -> bool:
    """A conditional order that can only take off the position it names."""
    return trigger.reduce_only or closes(trigger.position_side, trigger.side)


def over_position(account: Account, resting: Iterable[Trigger], new: Trigger) -> BingxError | None:
    """The venue's refusal of `new` beside the account's open conditional orders, or None."""
    group = next((g for g in (STOP_TYPES, TAKE_PROFIT_TYPES) if new.order_type in g), None)
    if group is None or new.quantity is None or not closing(new):
        return None  # a trailing stop is in neither of the rule's groups
    held = closable(account, new.symbol, new.position_side, new.side)
    if held == 0:
        return BingxError(NO_POSITION, NO_POSITION_WORDS)
    total = sum(
        (
            t.quantity
            for t in resting
            if t.quantity is not None
            and (t.symbol, t.position_side, t.side) == (new.symbol, new.position_side, new.side)
            and t.order_type in group
            and closing(t)
        ),
        Decimal(0),
    )
    if total + new.quantity > held:
        return BingxError(OVER_POSITION, OVER_POSITION_WORDS[group is STOP_TYPES])
    return None
