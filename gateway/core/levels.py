"""The levels a signal may carry: take-profit (one, or a ladder: ladder.py) and stop-loss (a
price or a percent from the fill, not both) and a trailing stop (its callback within the venue's
limits, and where it starts). Where a level goes with the signal is the parser's rule; the
prices are the executor's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from common.trading import TakeProfitLevel
from common.trailing import callback_problem
from gateway.core.fields import SignalError, read_positive
from gateway.core.ladder import AfterFills, read_after_fills, read_ladder
from gateway.core.signal import Venue


@dataclass(frozen=True)
class Levels:
    take_profit: Decimal | None = None
    stop_loss: Decimal | None = None
    tp_pct: Decimal | None = None
    sl_pct: Decimal | None = None
    trailing_pct: Decimal | None = None
    trailing_activation: Decimal | None = None
    trailing_activation_pct: Decimal | None = None
    take_profits: tuple[TakeProfitLevel, ...] = ()  # a ladder, instead of take_profit / tp_pct
    after_fills: AfterFills = field(default_factory=AfterFills)

    @property
    def first(self) -> str | None:
        """The first level given, by field name, to name in a refusal; None without any."""
        if self.take_profits:
            return "take_profit"
        return next((name for name, value in self._named() if value is not None), None)

    @property
    def stopped(self) -> bool:
        return self.stop_loss is not None or self.sl_pct is not None

    def _named(self) -> tuple[tuple[str, Decimal | None], ...]:
        return (
            ("take_profit", self.take_profit),
            ("stop_loss", self.stop_loss),
            ("tp_pct", self.tp_pct),
            ("sl_pct", self.sl_pct),
            ("trailing_pct", self.trailing_pct),
            ("trailing_activation", self.trailing_activation),
            ("trailing_activation_pct", self.trailing_activation_pct),
        )


def read_levels(body: Mapping[str, Any], venue: Venue) -> Levels:
    tp_pct = read_positive(body, "tp_pct")
    sl_pct = read_positive(body, "sl_pct")
    if sl_pct is not None and sl_pct >= 100:
        raise SignalError("sl_pct", "must be below 100 (percent from the fill)")
    take_profit, ladder = _take_profit(body, tp_pct)
    stop_loss = read_positive(body, "stop_loss")
    for price_field, pct_field, price_value, pct_value in (
        ("take_profit", "tp_pct", take_profit, tp_pct),
        ("stop_loss", "sl_pct", stop_loss, sl_pct),
    ):
        if price_value is not None and pct_value is not None:
            raise SignalError(
                pct_field, f"give {price_field} (a price) or {pct_field} (percent from the fill), not both"
            )
    pct, activation, activation_pct = _trailing(body, venue)
    single = take_profit is not None or tp_pct is not None
    after = read_after_fills(body, ladder, single=single, trailing=pct is not None)
    return Levels(take_profit, stop_loss, tp_pct, sl_pct, pct, activation, activation_pct, ladder, after)


def _take_profit(
    body: Mapping[str, Any], tp_pct: Decimal | None
) -> tuple[Decimal | None, tuple[TakeProfitLevel, ...]]:
    """One take-profit price, or a ladder of levels."""
    value = body.get("take_profit")
    if isinstance(value, list):
        if tp_pct is not None:
            raise SignalError("tp_pct", "give take_profit as a list of levels or tp_pct, not both")
        return None, read_ladder(value)
    if isinstance(value, Mapping):
        raise SignalError(
            "take_profit", 'must be a price, or a list of levels such as [{"pct": 3, "size_pct": 50}, ...]'
        )
    return read_positive(body, "take_profit"), ()


def _trailing(body: Mapping[str, Any], venue: Venue) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """A trailing stop: its callback in percent, within the venue's limits, and where it starts."""
    pct = read_positive(body, "trailing_pct")
    activation = read_positive(body, "trailing_activation")
    activation_pct = read_positive(body, "trailing_activation_pct")
    if activation is not None and activation_pct is not None:
        raise SignalError(
            "trailing_activation_pct",
            "give trailing_activation (a price) or trailing_activation_pct (percent from the fill), not both",
        )
    if pct is None:
        if activation is not None or activation_pct is not None:
            field = "trailing_activation" if activation is not None else "trailing_activation_pct"
            raise SignalError(field, "starts a trailing stop: give its callback too, trailing_pct")
        return None, None, None
    problem = callback_problem(venue, pct)
    if problem is not None:
        raise SignalError("trailing_pct", problem)
    return pct, activation, activation_pct
