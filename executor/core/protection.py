"""Take-profit and stop-loss: which signals may carry them and where their triggers sit.

`plan_for` and `ProtectionPlan` are pure rules: what a signal wants protected, at which prices,
and whether those prices make sense for the position they guard. The orders themselves are
`guards.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
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
    """What a signal asked for: per kind, an absolute price or a percent from the entry."""

    long: bool
    take_profit: Decimal | None
    stop_loss: Decimal | None
    tp_pct: Decimal | None
    sl_pct: Decimal | None

    @property
    def needs_entry_price(self) -> bool:
        return (self.take_profit is None and self.tp_pct is not None) or (
            self.stop_loss is None and self.sl_pct is not None
        )

    def triggers(self, rules: InstrumentRules, entry_price: Decimal | None) -> tuple[Protection, ...]:
        """The trigger prices on the venue's tick; percent ones need the entry price."""
        out = []
        for kind, absolute, pct, field in (
            (ProtectionKind.TAKE_PROFIT, self.take_profit, self.tp_pct, "tp_pct"),
            (ProtectionKind.STOP_LOSS, self.stop_loss, self.sl_pct, "sl_pct"),
        ):
            if absolute is not None:
                price = absolute
            elif pct is not None:
                assert entry_price is not None and entry_price > 0
                # A long profits upward and stops out downward; a short the other way round.
                upward = (kind is ProtectionKind.TAKE_PROFIT) == self.long
                price = entry_price * (HUNDRED + pct if upward else HUNDRED - pct) / HUNDRED
            else:
                continue
            floored = rules.floor_price(price)
            if floored <= 0:
                raise TvbridgeError(
                    ErrorClass.INVALID_SIGNAL,
                    f"{field} {plain(pct or Decimal(0))}% from {plain(entry_price or Decimal(0))} "
                    "leaves no price above zero",
                )
            out.append(Protection(kind, floored))
        return tuple(out)

    def check(self, triggers: tuple[Protection, ...], reference: Decimal | None) -> None:
        """Refuse levels on the wrong side of the entry: they would fire at once."""
        by_kind = {t.kind: t.trigger_price for t in triggers}
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
            above = (kind is ProtectionKind.TAKE_PROFIT) == self.long
            if (price <= reference) if above else (price >= reference):
                word = "above" if above else "below"
                name = "take-profit" if kind is ProtectionKind.TAKE_PROFIT else "stop-loss"
                raise TvbridgeError(
                    ErrorClass.INVALID_SIGNAL,
                    f"a {direction}'s {name} must be {word} the entry price {plain(reference)}; "
                    f"{plain(price)} is not",
                )


def plan_for(signal: TradeSignal, *, attaches: bool) -> ProtectionPlan | None:
    """The signal's protection, or None; refuses combinations that cannot be traded as meant."""
    if all(v is None for v in (signal.take_profit, signal.stop_loss, signal.tp_pct, signal.sl_pct)):
        return None
    for absolute, pct, name in (
        (signal.take_profit, signal.tp_pct, "take_profit"),
        (signal.stop_loss, signal.sl_pct, "stop_loss"),
    ):
        if absolute is not None and pct is not None:
            raise TvbridgeError(
                ErrorClass.INVALID_SIGNAL,
                f"give {name} (a price) or its percent from the entry, not both",
            )
    if signal.market_position is not None:
        opening = signal.market_position is not MarketPosition.FLAT
        long = signal.market_position is MarketPosition.LONG
    else:
        opening = signal.action in (Action.BUY, Action.SELL) and not signal.reduce_only
        long = signal.action is Action.BUY
    if not opening:
        raise TvbridgeError(
            ErrorClass.INVALID_SIGNAL,
            "take-profit and stop-loss go with a signal that opens a position (buy, sell, or a "
            "long/short target); a close leaves nothing to protect",
        )
    # A level 100 % or more below the entry is at or under zero: refused here, before the
    # entry, not after it has filled unguarded.
    if not long and signal.tp_pct is not None and signal.tp_pct >= HUNDRED:
        raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a short's tp_pct must be below 100")
    if long and signal.sl_pct is not None and signal.sl_pct >= HUNDRED:
        raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a long's sl_pct must be below 100")
    if signal.order_type is OrderType.LIMIT and not attaches:
        raise TvbridgeError(
            ErrorClass.UNSUPPORTED,
            f"{signal.venue.value} cannot attach take-profit/stop-loss to a resting limit order; "
            "send them with a market entry",
        )
    return ProtectionPlan(long, signal.take_profit, signal.stop_loss, signal.tp_pct, signal.sl_pct)


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
    parts = [f"{NAMES[t.kind]} at {plain(t.trigger_price)}" for t in triggers]
    base = f" (from {plain(reference)})" if reference else ""
    return "would place " + " and ".join(parts) + base


NAMES = {ProtectionKind.TAKE_PROFIT: "take-profit", ProtectionKind.STOP_LOSS: "stop-loss"}
