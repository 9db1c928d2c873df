"""Sizing by risk: the quantity whose stop, if hit, loses a chosen amount, fees included.

Per unit, a long entered at P and stopped at S loses P - S, plus the taker fee on the entry
(P x rate) and on the stop's market exit (S x rate); a short loses S - P and the same fees. The
quantity is the amount over that loss per unit, and the caller rounds it down to the venue's
step, so the stop never costs more than asked (slippage past the stop aside: a stop-market
order fills at the market once triggered).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from executor.core.model import SizeKind, TradeSignal
from executor.core.ports import InstrumentRules, ProtectionKind, VenueAdapter
from executor.core.protection import ProtectionPlan

HUNDRED = Decimal(100)
RISK_SIZES = (SizeKind.RISK_PCT, SizeKind.RISK_USDT)


@dataclass(frozen=True)
class RiskTerms:
    amount: Decimal  # quote currency the stop may lose
    stop: Decimal  # the stop price the quantity is sized against, on the venue's tick
    fee_rate: Decimal  # the taker fee rate, paid on the entry and again on the stop's exit

    def loss_per_unit(self, price: Decimal) -> Decimal:
        return abs(price - self.stop) + self.fee_rate * (price + self.stop)

    def quantity(self, price: Decimal) -> Decimal:
        return self.amount / self.loss_per_unit(price)

    def loss(self, price: Decimal, quantity: Decimal) -> Decimal:
        return quantity * self.loss_per_unit(price)


def risk_terms(
    adapter: VenueAdapter,
    rules: InstrumentRules,
    signal: TradeSignal,
    plan: ProtectionPlan | None,
    price: Decimal,
) -> RiskTerms:
    """The amount at risk, the stop and the fee rate for a risk-sized signal entered at `price`.
    A percent stop is measured from `price`, as the stop placed after the fill is from the fill."""
    size = signal.size
    assert size is not None and size.kind in RISK_SIZES
    stop = _stop(rules, plan, price)
    if size.kind is SizeKind.RISK_USDT:
        amount = size.value
    else:
        quote = rules.symbol.split("-")[-1]
        equity = adapter.equity(quote)
        if equity <= 0:
            raise TvbridgeError(
                ErrorClass.INSUFFICIENT_MARGIN,
                f"risk_pct is a share of equity, and the account's equity for {quote} contracts "
                f"is {plain(equity)}",
            )
        amount = equity * size.value / HUNDRED
    return RiskTerms(amount, stop, adapter.taker_fee(rules.venue_symbol))


def _stop(rules: InstrumentRules, plan: ProtectionPlan | None, price: Decimal) -> Decimal:
    triggers = plan.triggers(rules, price) if plan is not None else ()
    stop = next((t.trigger_price for t in triggers if t.kind is ProtectionKind.STOP_LOSS), None)
    if plan is None or stop is None:
        raise TvbridgeError(
            ErrorClass.INVALID_SIGNAL,
            "sizing by risk needs a stop: give stop_loss (a price) or sl_pct (percent from the fill)",
        )
    # A stop on the wrong side of the entry would fire at once, and the risk would be a gain.
    plan.check(triggers, price)
    return stop
