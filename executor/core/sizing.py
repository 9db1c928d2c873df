"""How much a signal trades: one path for actions and targets alike.

The price it sizes at, the leverage its margin buys, the raw quantity its size asks for, that
quantity rounded down to the venue's step, the venue's minimums, the risk limits on size, and
the `Sizing` the answer reports. An action sizes its orders; a target sizes the position the
strategy wants, and `legs.plan_legs` turns the difference into orders, each sized here again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from executor.core.legs import Held, Leg
from executor.core.model import (
    Action,
    MarketPosition,
    OrderType,
    PositionSide,
    Side,
    SizeKind,
    Sizing,
    TradeSignal,
)
from executor.core.ports import InstrumentRules, VenueAdapter
from executor.core.protection import ProtectionPlan
from executor.core.risk import RiskLimits
from executor.core.risk_sizing import RISK_SIZES, RiskTerms, risk_terms

HUNDRED = Decimal(100)
_SHOWN = Decimal("1e-8")  # precision of raw quantities quoted in rejections
_MARGIN_SIZES = (SizeKind.BALANCE, SizeKind.BALANCE_PCT)
_PRICED_SIZES = (*_MARGIN_SIZES, *RISK_SIZES)
# The venues' refusals whose verdict moves with the leverage in force: the margin an order needs
# (Binance -2019, BingX 101204 and the "margin is not enough" texts), and the position a
# leverage allows (Binance -2027, BingX 101209); docs/venues/*.md section 6.2.
_LEVERAGE_BOUND = (ErrorClass.INSUFFICIENT_MARGIN, ErrorClass.RISK_LIMIT)


@dataclass(frozen=True)
class Terms:
    """What every quantity of one signal is sized at."""

    price: Decimal | None  # the limit price, or the last price when something needs one
    leverage: int  # 0 when neither the signal nor its size needs it
    risk: RiskTerms | None = None  # a risk-sized signal's amount, stop and fee rate


def opens(signal: TradeSignal) -> bool:
    """Whether the signal may open or add to a position (so size limits apply)."""
    if signal.market_position is not None:
        return signal.market_position is not MarketPosition.FLAT
    return signal.action in (Action.BUY, Action.SELL) and not signal.reduce_only


def closes(signal: TradeSignal) -> bool:
    """A close action: sized from the open position, or the whole of it."""
    return signal.market_position is None and signal.action not in (Action.BUY, Action.SELL)


def below_minimum(rules: InstrumentRules, quantity: Decimal, price: Decimal | None, raw: Decimal) -> str:
    """Why an opening order of `quantity` cannot be placed, naming the venue's rule; "" when it can."""
    if quantity <= 0 or quantity < rules.min_qty:
        shown = plain(raw.quantize(_SHOWN, rounding=ROUND_DOWN))
        return (
            f"quantity {shown} rounds down to {plain(quantity)} at step {plain(rules.qty_step)}, "
            f"below the venue's minimum quantity ({rules.min_qty_rule} = {plain(rules.min_qty)})"
        )
    if price is not None and quantity * price < rules.min_notional:
        return (
            f"order notional {plain(quantity * price)} is below the venue's minimum "
            f"({rules.min_notional_rule} = {plain(rules.min_notional)})"
        )
    return ""


def _check_size(signal: TradeSignal) -> None:
    size, want = signal.size, signal.market_position
    if want is not None:
        if want is not MarketPosition.FLAT and size is None:
            raise TvbridgeError(ErrorClass.INVALID_SIGNAL, f"a {want} target needs a size")
        if size is not None and size.kind is SizeKind.POSITION_PCT:
            raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a target is a position size, not position_pct")
    elif not closes(signal):
        if size is None:
            raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "an opening order needs a size")
        if size.kind is SizeKind.POSITION_PCT:
            raise TvbridgeError(
                ErrorClass.INVALID_SIGNAL,
                "position_pct sizes only close actions (close, close_long, close_short)",
            )
    if size is not None and size.kind in RISK_SIZES and not opens(signal):
        raise TvbridgeError(
            ErrorClass.INVALID_SIGNAL,
            f"{size.kind.value} sizes an entry by its stop: use it with buy, sell or a long/short target",
        )


class Sizer:
    def __init__(self, risk: RiskLimits) -> None:
        self.risk = risk

    def terms(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        direction: PositionSide,
        plan: ProtectionPlan | None = None,
    ) -> Terms:
        """`plan` is the signal's take-profit and stop, which a risk size is measured against."""
        _check_size(signal)
        flat = signal.market_position is MarketPosition.FLAT
        leverage = 0 if flat else self._leverage(adapter, rules, signal, direction)
        if leverage:
            self.risk.check_leverage(leverage)
        price = self._price(adapter, rules, signal)
        risk = None
        if signal.size is not None and signal.size.kind in RISK_SIZES:
            assert price is not None  # _price reads one for every risk size
            risk = risk_terms(adapter, rules, signal, plan, price)
        return Terms(price, leverage, risk)

    def _price(self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal) -> Decimal | None:
        if signal.order_type is OrderType.LIMIT:
            if signal.price is None:
                raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a limit order needs a price")
            price = rules.floor_price(signal.price)
            if price <= 0:
                raise TvbridgeError(
                    ErrorClass.PRECISION,
                    f"price {plain(signal.price)} rounds to zero at tick {rules.price_tick}",
                )
            return price
        priced = signal.size is not None and signal.size.kind in _PRICED_SIZES
        if signal.test or priced or (self.risk.needs_price and opens(signal)):
            return adapter.price(rules.venue_symbol)
        return None

    def _leverage(
        self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal, direction: PositionSide
    ) -> int:
        wanted = signal.leverage
        if wanted is not None:
            self.risk.check_leverage(wanted)  # before it is set on the venue
        # A risk size's margin is reported too, so the trader sees what the stop's size ties up.
        margin_sized = signal.size is not None and signal.size.kind in _PRICED_SIZES
        if wanted is None and not margin_sized:
            return 0
        current = adapter.leverage(rules.venue_symbol, direction)
        if wanted is None or wanted == current:
            return current
        if rules.max_leverage is not None and wanted > rules.max_leverage:
            raise TvbridgeError(
                ErrorClass.RISK_LIMIT,
                f"leverage {wanted} is above the venue's maximum {rules.max_leverage} "
                f"for {rules.venue_symbol}",
            )
        if not signal.test:
            adapter.set_leverage(rules.venue_symbol, direction, wanted)
            adapter.account_changed()  # margin held by open positions moves with leverage
        return wanted

    @staticmethod
    def leverage_moved(
        adapter: VenueAdapter,
        rules: InstrumentRules,
        side: PositionSide,
        terms: Terms,
        refused: TvbridgeError,
    ) -> bool:
        """Whether an order the venue refused for margin, or for a position limit that depends
        on leverage, was sized at a leverage the venue no longer has: the trader changed it in
        the exchange's app, and no event told us. The leverage is read again; True when it
        differs from the one the order was sized at, so sizing again may pass. Otherwise the
        refusal stands as the venue gave it."""
        if refused.error_class not in _LEVERAGE_BOUND or not refused.venue_code or not terms.leverage:
            return False
        adapter.forget_settings(rules.venue_symbol)
        return adapter.leverage(rules.venue_symbol, side) != terms.leverage

    @staticmethod
    def raw_quantity(
        adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal, terms: Terms, leg: Leg | None
    ) -> Decimal:
        """The size the signal asks for, before rounding; `leg` is a close's, else None."""
        size = signal.size
        position_qty = leg.position_qty if leg is not None else None
        if size is None:
            assert position_qty is not None  # only closes have no size (checked in terms)
            return position_qty
        if size.kind is SizeKind.QUANTITY:
            return size.value
        if size.kind is SizeKind.POSITION_PCT:
            assert position_qty is not None
            return position_qty * size.value / HUNDRED
        price = terms.price
        assert price is not None and price > 0
        if terms.risk is not None:
            return terms.risk.quantity(price)
        if size.kind is SizeKind.BALANCE:
            margin = size.value
        else:
            quote = rules.symbol.split("-")[-1]
            margin = adapter.available(quote) * size.value / HUNDRED
        return margin * terms.leverage / price

    def target(
        self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal, terms: Terms
    ) -> Decimal:
        """The position a target wants (absolute), which must itself be one the venue can hold."""
        if signal.market_position in (None, MarketPosition.FLAT) or signal.size is None:
            return Decimal(0)
        raw = self.raw_quantity(adapter, rules, signal, terms, None)
        quantity = rules.floor_qty(raw)
        refusal = below_minimum(rules, quantity, terms.price, raw)
        if refusal:
            raise TvbridgeError(ErrorClass.BELOW_MINIMUM, refusal)
        return quantity

    def legs(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        terms: Terms,
        legs: tuple[Leg, ...],
    ) -> tuple[list[Decimal], list[str]]:
        """Each leg's quantity on the venue's step, and why any target move trades nothing.

        An action's opening order below the venue's minimum is refused, naming the rule. A
        target's move below it is as close to the target as the venue can trade: it is left
        out (quantity 0) and said so, since the target itself was checked in `target`.
        """
        quantities, skipped = [], []
        for leg in legs:
            raw = (
                leg.quantity
                if leg.quantity is not None
                else self.raw_quantity(adapter, rules, signal, terms, leg)
            )
            quantity = rules.floor_qty(raw)
            if leg.position_qty is not None:
                quantity = min(quantity, leg.position_qty)
            refusal = below_minimum(rules, quantity, terms.price, raw) if leg.opening else ""
            if not leg.opening and quantity <= 0:
                refusal = below_minimum(rules, quantity, None, raw)
            if refusal and leg.quantity is not None:
                skipped.append(f"the move of {plain(raw)} toward the target is not traded: {refusal}")
                quantity = Decimal(0)
            elif refusal:
                raise TvbridgeError(ErrorClass.BELOW_MINIMUM, refusal)
            quantities.append(quantity)
        return quantities, skipped

    def check_risk(
        self,
        rules: InstrumentRules,
        terms: Terms,
        legs: tuple[Leg, ...],
        quantities: list[Decimal],
        position_after: Decimal | None,
    ) -> None:
        """Size limits bind what opens: the notional the signal places, and the position it leaves."""
        price = terms.price
        if price is None or not any(leg.opening and q > 0 for leg, q in zip(legs, quantities, strict=True)):
            return
        self.risk.check_order(sum(quantities, Decimal(0)) * price)
        if position_after is not None:
            self.risk.check_position(rules.symbol, position_after, price)

    @staticmethod
    def position_after(
        signal: TradeSignal, held: Held, target: Decimal, legs: tuple[Leg, ...], total: Decimal
    ) -> Decimal:
        """The position a signal leaves, for the per-symbol size limit."""
        if signal.market_position is not None:
            return target
        signed = total if legs and legs[0].side is Side.BUY else -total
        return held.net + signed

    @staticmethod
    def report(terms: Terms, quantities: list[Decimal]) -> Sizing:
        total = sum(quantities, Decimal(0))
        price = terms.price
        notional = total * price if price is not None else Decimal(0)
        risk = terms.risk
        return Sizing(
            quantity=total,
            price=price if price is not None else Decimal(0),
            notional=notional,
            leverage=terms.leverage,
            margin=(notional / terms.leverage) if terms.leverage else Decimal(0),
            risk_stop=risk.stop if risk is not None else None,
            fee_rate=risk.fee_rate if risk is not None else None,
            risk=risk.loss(price, total) if risk is not None and price is not None else None,
        )


def apply_margin_mode(adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal) -> None:
    """Switch the symbol's margin mode when an opening signal asks for another one: with the
    leverage (`Sizer.terms`), the terms the position it opens will get."""
    wanted = signal.margin_mode
    opening = signal.action in (Action.BUY, Action.SELL) or signal.market_position in (
        MarketPosition.LONG,
        MarketPosition.SHORT,
    )
    if wanted is None or not opening or signal.test or adapter.margin_mode(rules.venue_symbol) is wanted:
        return
    try:
        adapter.set_margin_mode(rules.venue_symbol, wanted)
        adapter.account_changed()
    except TvbridgeError as exc:
        if exc.retryable:
            raise
        # The mode we cached may be stale (switched in the exchange's app): a venue that refuses
        # any change while a position is open refuses one to the mode it already has too.
        adapter.forget_settings(rules.venue_symbol)
        if adapter.margin_mode(rules.venue_symbol) is wanted:
            return
        raise TvbridgeError(
            ErrorClass.VENUE_REJECTED,
            f"{adapter.venue.value} would not switch {rules.venue_symbol} to {wanted.value} margin "
            f"(it refuses while a position or order is open): {exc.venue_message or exc.message}",
            venue_code=exc.venue_code,
            venue_message=exc.venue_message,
        ) from exc
