"""The callback a trailing stop may have on each venue: the one home both services read.

The gateway refuses a signal outside its venue's limits with a 422 that names them; the
executor checks again before anything is placed (a signal may reach it by another route). In
percent, as the signal's `trailing_pct` is:

- Binance: algo TRAILING_STOP_MARKET `callbackRate`, percent, min 0.1, max 20 since the change
  log of 2026-10-23 (10 before) (docs/venues/binance.md section 5.9, "New Algo Order");
- BingX: TRAILING_STOP_MARKET `priceRate`, a fraction, 0.001 to 0.9 (the venue's refusals name
  "the minimum callback rate of 0.1%" and "the maximum callback rate of 90%";
  docs/venues/bingx.md section 5.8).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from common.decimals import plain
from common.trading import Venue

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CallbackLimits:
    low_pct: Decimal  # inclusive
    high_pct: Decimal  # inclusive
    parameter: str  # the venue's own name for the callback

    def problem(self, venue: Venue, pct: Decimal) -> str | None:
        """Why `pct` cannot be this venue's callback, or None when it can."""
        if self.low_pct <= pct <= self.high_pct:
            return None
        return (
            f"{plain(pct)} % is outside {venue.value}'s trailing callback limits, "
            f"{plain(self.low_pct)} % to {plain(self.high_pct)} % ({self.parameter})"
        )


CALLBACK_LIMITS: dict[Venue, CallbackLimits] = {
    Venue.BINANCE: CallbackLimits(Decimal("0.1"), Decimal("20"), "callbackRate"),
    Venue.BINGX: CallbackLimits(Decimal("0.1"), Decimal("90"), "priceRate"),
}


def callback_problem(venue: Venue, pct: Decimal) -> str | None:
    """Why a trailing stop with a callback of `pct` percent cannot be placed on `venue`."""
    return CALLBACK_LIMITS[venue].problem(venue, pct)
