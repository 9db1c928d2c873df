"""Trailing stops: the one rule both venues' TRAILING_STOP_MARKET orders follow.

A trail waits for its activation price, then follows the best price the market reaches (the
high for a SELL, which closes a long; the low for a BUY) and fires when the price comes back
from that best by the callback: a fraction of the best price, or a fixed price distance.
Without an activation price it starts at once from the price at placement, as both venues
document ("default as the latest price": Binance USDⓈ-M "New Algo Order", BingX swap "Place
order" `activationPrice`). An activation price the market has already reached is refused by
both venues, each in its own words, so a trail never starts on the tick it was placed.

The trail sees every price the exchange is set to, in order (`TriggerBook.on_price`), so a
walk up and back down fires on the first price at or beyond best x (1 - callback) for a SELL,
best x (1 + callback) for a BUY.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


def activates(side: str, activation: Decimal, mark: Decimal) -> bool:
    """A SELL trail starts once the price rises to its activation price, a BUY once it falls."""
    return mark >= activation if side == "SELL" else mark <= activation


@dataclass
class Trail:
    side: str  # the side of the order it places when it fires
    activation: Decimal  # the price that starts it (the price at placement when none was sent)
    rate: Decimal | None = None  # the callback as a fraction of the best price: 0.01 is 1 %
    distance: Decimal | None = None  # or as a price distance
    best: Decimal | None = None  # the best price since it started; None until then

    @classmethod
    def start(
        cls,
        side: str,
        mark: Decimal,
        *,
        activation: Decimal | None = None,
        rate: Decimal | None = None,
        distance: Decimal | None = None,
    ) -> Trail:
        """A trail placed at `mark`: waiting for `activation`, or following from `mark` at once."""
        if (rate is None) == (distance is None):
            raise ValueError("a trail has a callback rate or a distance, not both")
        if activation is None:
            return cls(side, mark, rate, distance, best=mark)
        return cls(side, activation, rate, distance)

    @property
    def started(self) -> bool:
        return self.best is not None

    def trigger_price(self) -> Decimal | None:
        """Where it fires now: the best price less the callback (SELL) or plus it (BUY)."""
        if self.best is None:
            return None
        gap = self.distance if self.distance is not None else self.best * (self.rate or Decimal(0))
        return self.best - gap if self.side == "SELL" else self.best + gap

    def step(self, mark: Decimal) -> bool:
        """Take the next price; whether it fires the trail."""
        if self.best is None:
            if not activates(self.side, self.activation, mark):
                return False
            self.best = mark
        self.best = max(self.best, mark) if self.side == "SELL" else min(self.best, mark)
        level = self.trigger_price()
        assert level is not None
        return mark <= level if self.side == "SELL" else mark >= level
