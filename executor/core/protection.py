"""Take-profit, stop-loss and trailing stop: which signals may carry them and where their
triggers sit.

`plan_for` and `ProtectionPlan` are pure rules: what a signal wants protected, at which prices,
and whether those prices make sense for the position they guard. The orders themselves are
`guards.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from common.trailing import callback_problem
from executor.core.model import (
    Action,
    MarketPosition,
    OrderType,
    TradeSignal,
)
from executor.core.ports import (
    InstrumentRules,
    Protection,
    ProtectionKind,
)

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ProtectionPlan:
    """What a signal asked for: per kind, an absolute price or a percent from the entry; and a
    trailing stop's callback, with its activation as a price, a percent from the entry, or
    neither (the trail starts when it is placed)."""

    long: bool
    take_profit: Decimal | None
    stop_loss: Decimal | None
    tp_pct: Decimal | None
    sl_pct: Decimal | None
    trailing_pct: Decimal | None = None
    trailing_activation: Decimal | None = None
    trailing_activation_pct: Decimal | None = None

    @property
    def needs_entry_price(self) -> bool:
        return (
            (self.take_profit is None and self.tp_pct is not None)
            or (self.stop_loss is None and self.sl_pct is not None)
            or (self.trailing_pct is not None and self.trailing_activation_pct is not None)
        )

    @property
    def stopped(self) -> bool:
        """Whether a fixed stop-loss was asked for (besides any trailing stop)."""
        return self.stop_loss is not None or self.sl_pct is not None

    def _from_entry(self, kind: ProtectionKind, pct: Decimal, entry_price: Decimal | None) -> Decimal:
        assert entry_price is not None and entry_price > 0
        # A long profits upward and stops out downward; a short the other way round. A trail
        # activates in the profit direction.
        upward = (kind is not ProtectionKind.STOP_LOSS) == self.long
        return entry_price * (HUNDRED + pct if upward else HUNDRED - pct) / HUNDRED

    def triggers(self, rules: InstrumentRules, entry_price: Decimal | None) -> tuple[Protection, ...]:
        """The trigger prices on the venue's tick; percent ones need the entry price."""
        out = []
        for kind, absolute, pct, field in (
            (ProtectionKind.TAKE_PROFIT, self.take_profit, self.tp_pct, "tp_pct"),
            (ProtectionKind.STOP_LOSS, self.stop_loss, self.sl_pct, "sl_pct"),
            (ProtectionKind.TRAILING_STOP, self.trailing_activation, self.trailing_activation_pct, ""),
        ):
            if kind is ProtectionKind.TRAILING_STOP and self.trailing_pct is None:
                continue
            if absolute is not None:
                price = absolute
            elif pct is not None:
                price = self._from_entry(kind, pct, entry_price)
            elif kind is ProtectionKind.TRAILING_STOP:
                out.append(Protection(kind, None, self.trailing_pct))
                continue
            else:
                continue
            floored = rules.floor_price(price)
            if floored <= 0:
                raise TvbridgeError(
                    ErrorClass.INVALID_SIGNAL,
                    f"{field or 'trailing_activation_pct'} {plain(pct or Decimal(0))}% from "
                    f"{plain(entry_price or Decimal(0))} leaves no price above zero",
                )
            callback = self.trailing_pct if kind is ProtectionKind.TRAILING_STOP else None
            out.append(Protection(kind, floored, callback))
        return tuple(out)

    def check(self, triggers: tuple[Protection, ...], reference: Decimal | None) -> None:
        """Refuse levels on the wrong side of the entry: they would fire (or a trail start) at
        once."""
        by_kind = {t.kind: t.trigger_price for t in triggers if t.trigger_price is not None}
        tp, sl = by_kind.get(ProtectionKind.TAKE_PROFIT), by_kind.get(ProtectionKind.STOP_LOSS)
        direction = "long" if self.long else "short"
        if tp is not None and sl is not None and (tp <= sl if self.long else tp >= sl):
            raise TvbridgeError(
                ErrorClass.INVALID_SIGNAL,
                f"take-profit {plain(tp)} and stop-loss {plain(sl)} are the wrong way round for a "
                f"{direction}",
            )
        if reference is None or reference <= 0:
            return
        for kind, price in by_kind.items():
            above = (kind is not ProtectionKind.STOP_LOSS) == self.long
            if (price <= reference) if above else (price >= reference):
                word = "above" if above else "below"
                raise TvbridgeError(
                    ErrorClass.INVALID_SIGNAL,
                    f"a {direction}'s {LEVEL_NAMES[kind]} must be {word} the entry price "
                    f"{plain(reference)}; {plain(price)} is not",
                )


def plan_for(signal: TradeSignal, *, attaches: bool) -> ProtectionPlan | None:
    """The signal's protection, or None; refuses combinations that cannot be traded as meant."""
    levels = (signal.take_profit, signal.stop_loss, signal.tp_pct, signal.sl_pct, signal.trailing_pct)
    if all(v is None for v in levels):
        _check_trail_terms(signal)
        return None
    for absolute, pct, name in (
        (signal.take_profit, signal.tp_pct, "take_profit"),
        (signal.stop_loss, signal.sl_pct, "stop_loss"),
        (signal.trailing_activation, signal.trailing_activation_pct, "trailing_activation"),
    ):
        if absolute is not None and pct is not None:
            raise TvbridgeError(
                ErrorClass.INVALID_SIGNAL,
                f"give {name} (a price) or its percent from the entry, not both",
            )
    long = entry_long(signal)
    if long is None:
        raise TvbridgeError(
            ErrorClass.INVALID_SIGNAL,
            "take-profit, stop-loss and trailing stops go with a signal that opens a position (buy, "
            "sell, or a long/short target); a close leaves nothing to protect",
        )
    # A level 100 % or more below the entry is at or under zero: refused here, before the
    # entry, not after it has filled unguarded.
    if not long and signal.tp_pct is not None and signal.tp_pct >= HUNDRED:
        raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a short's tp_pct must be below 100")
    if long and signal.sl_pct is not None and signal.sl_pct >= HUNDRED:
        raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a long's sl_pct must be below 100")
    _check_trail(signal, long)
    if signal.order_type is OrderType.LIMIT and not attaches:
        raise TvbridgeError(
            ErrorClass.UNSUPPORTED,
            f"{signal.venue.value} cannot attach take-profit/stop-loss to a resting limit order; "
            "send them with a market entry",
        )
    return ProtectionPlan(
        long,
        signal.take_profit,
        signal.stop_loss,
        signal.tp_pct,
        signal.sl_pct,
        signal.trailing_pct,
        signal.trailing_activation,
        signal.trailing_activation_pct,
    )


def entry_long(signal: TradeSignal) -> bool | None:
    """Whether the signal opens a long (True) or a short (False); None when it opens nothing."""
    if signal.market_position is not None:
        if signal.market_position is MarketPosition.FLAT:
            return None
        return signal.market_position is MarketPosition.LONG
    if signal.action not in (Action.BUY, Action.SELL) or signal.reduce_only:
        return None
    return signal.action is Action.BUY


def _check_trail_terms(signal: TradeSignal) -> None:
    if signal.trailing_activation is not None or signal.trailing_activation_pct is not None:
        raise TvbridgeError(
            ErrorClass.INVALID_SIGNAL, "a trailing stop's activation needs its callback, trailing_pct"
        )


def _check_trail(signal: TradeSignal, long: bool) -> None:
    """A trailing stop within its venue's callback limits, placed after a market entry fills."""
    if signal.trailing_pct is None:
        _check_trail_terms(signal)
        return
    problem = callback_problem(signal.venue, signal.trailing_pct)
    if problem is not None:
        raise TvbridgeError(ErrorClass.INVALID_SIGNAL, f"trailing_pct: {problem}")
    pct = signal.trailing_activation_pct
    if not long and pct is not None and pct >= HUNDRED:
        raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a short's trailing_activation_pct must be below 100")
    if signal.order_type is OrderType.LIMIT:
        # Nothing can carry a trail on a resting entry: it is placed once the entry has filled,
        # and a limit entry fills later, unwatched by the signal.
        raise TvbridgeError(
            ErrorClass.UNSUPPORTED,
            "a trailing stop is placed once its entry fills; send it with a market entry",
        )


def known_triggers(
    plan: ProtectionPlan | None, rules: InstrumentRules, signal: TradeSignal
) -> tuple[Protection, ...] | None:
    """Trigger prices that can be fixed before the entry: absolute ones, or percent from a limit."""
    if plan is None:
        return None
    if not plan.needs_entry_price:
        known = plan.triggers(rules, None)
    elif signal.order_type is OrderType.LIMIT and signal.price is not None:
        known = plan.triggers(rules, rules.floor_price(signal.price))
    else:
        return None
    plan.check(known, None)
    return known


def describe(triggers: tuple[Protection, ...], reference: Decimal | None) -> str:
    """What a test signal would place."""
    if not triggers:
        return ""
    parts = [level_text(t) for t in triggers]
    base = f" (from {plain(reference)})" if reference else ""
    return "would place " + " and ".join(parts) + base


def level_text(level: Protection) -> str:
    """A level as the answer's note names it."""
    if level.kind is not ProtectionKind.TRAILING_STOP:
        return f"{NAMES[level.kind]} at {plain(level.trigger_price or Decimal(0))}"
    start = (
        f"activating at {plain(level.trigger_price)}"
        if level.trigger_price is not None
        else "trailing from the price when placed"
    )
    return f"{NAMES[level.kind]} with a {plain(level.callback_pct or Decimal(0))} % callback, {start}"


# How the answer's notes name each kind.
NAMES = {
    ProtectionKind.TAKE_PROFIT: "take-profit",
    ProtectionKind.STOP_LOSS: "stop-loss",
    ProtectionKind.TRAILING_STOP: "trailing stop",
}
# How a refusal names the level the price check read: a trail's activation price.
LEVEL_NAMES = {**NAMES, ProtectionKind.TRAILING_STOP: "trailing stop activation"}
