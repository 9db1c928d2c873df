"""Take-profit and stop-loss: which signals may carry them, where their triggers sit, and the
protective orders themselves.

`plan_for` and `ProtectionPlan` are pure rules: what a signal wants protected, at which prices,
and whether those prices make sense for the position they guard. `Guards` places them once an
entry has filled (or lets the venue arm them with the entry), and cancels those of a position
a signal closed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from executor.core.events import Where
from executor.core.legs import client_order_id, protection_tag
from executor.core.model import (
    Action,
    MarketPosition,
    OrderPurpose,
    OrderReport,
    OrderStatus,
    OrderType,
    PositionSide,
    Side,
    TradeSignal,
    Venue,
)
from executor.core.placement import Placer
from executor.core.ports import (
    InstrumentRules,
    Protection,
    ProtectionKind,
    ProtectionRequest,
    VenueAdapter,
    VenueOrder,
)

log = logging.getLogger("executor.protection")

# (where, position side, the stop, the signal that asked for it)
OnGuarded = Callable[[Where, PositionSide, ProtectionRequest, str], None]

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
    parts = [f"{_NAMES[t.kind]} at {plain(t.trigger_price)}" for t in triggers]
    base = f" (from {plain(reference)})" if reference else ""
    return "would place " + " and ".join(parts) + base


_NAMES = {ProtectionKind.TAKE_PROFIT: "take-profit", ProtectionKind.STOP_LOSS: "stop-loss"}


@dataclass(frozen=True)
class Guarded:
    """What guarding one entry placed, and what it could not."""

    orders: list[OrderReport]
    problems: list[str]


class Guards:
    """Places the take-profit and stop-loss of a filled entry, and cancels those of a position
    a signal closed, so that none can fire on a later position."""

    def __init__(self, placer: Placer, on_guarded: OnGuarded | None = None) -> None:
        self.placer = placer
        # Told of every stop a signal asked for, placed or not: the position keeper watches that
        # one stays live for as long as the position does.
        self.on_guarded = on_guarded
        # Symbols known to hold no resting take-profit/stop-loss, so a close need not look.
        self._unprotected: set[tuple[Venue, str, str]] = set()

    def protect(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        plan: ProtectionPlan,
        entry: OrderReport,
        known: tuple[Protection, ...] | None,
        cap: Decimal | None,
        *,
        redelivery: bool = False,
    ) -> Guarded:
        """Guard a filled entry; a level that cannot be placed is reported, never hidden."""
        quantity = entry.quantity if cap is None else min(entry.quantity, cap)
        if quantity <= 0:
            return Guarded([], [])
        closing = Side.SELL if entry.side is Side.BUY else Side.BUY
        key = (adapter.venue, adapter.account, rules.venue_symbol)
        if adapter.attaches_protection and known is not None:
            # The venue arms these itself once the entry fills, for the entry's quantity.
            self._unprotected.discard(key)
            for p in known:
                self._watch(adapter, rules, signal, _request(rules, signal, entry, p, entry.quantity))
            return Guarded([_report(entry, closing, p, entry.quantity, None) for p in known], [])
        triggers = known
        if triggers is None:
            base = entry.avg_price or entry.price or adapter.price(rules.venue_symbol)
            triggers = plan.triggers(rules, base)
        guarded = Guarded([], [])
        for trigger in triggers:
            request = _request(rules, signal, entry, trigger, quantity)
            self._watch(adapter, rules, signal, request)
            try:
                placed = self._place(adapter, request, redelivery=redelivery)
            except TvbridgeError as exc:
                guarded.problems.append(
                    f"UNPROTECTED: the {_NAMES[trigger.kind]} at {plain(trigger.trigger_price)} was not "
                    f"placed ({exc.message}); the entry stands"
                )
                log.warning(
                    "protection not placed",
                    extra={"kind": trigger.kind.value, "reason": exc.message, "symbol": rules.venue_symbol},
                )
                continue
            self._unprotected.discard(key)
            guarded.orders.append(_report(entry, closing, trigger, quantity, placed))
        return guarded

    def _watch(
        self, adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal, request: ProtectionRequest
    ) -> None:
        if self.on_guarded is None or request.kind is not ProtectionKind.STOP_LOSS:
            return
        where = Where(adapter.venue, adapter.account, rules.symbol, rules.venue_symbol)
        self.on_guarded(where, request.position_side, request, signal.signal_id)

    def _place(self, adapter: VenueAdapter, request: ProtectionRequest, *, redelivery: bool) -> VenueOrder:
        def find() -> VenueOrder | None:
            return adapter.find_protection(request.venue_symbol, request.client_order_id)

        if redelivery:
            found = find()
            if found is not None:
                return found
        name = _NAMES[request.kind]
        return self.placer.send_or_find(
            lambda: adapter.place_protection(request),
            find,
            f"{adapter.venue.value} {name} {request.client_order_id}",
        )

    def clear(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        closed: list[tuple[PositionSide, Side]],
        keep: set[str],
    ) -> list[str]:
        """Cancel the stops and targets of a position this signal closed, so none can fire later."""
        key = (adapter.venue, adapter.account, rules.venue_symbol)
        if not closed or key in self._unprotected:
            return []
        try:
            resting = adapter.open_protections(rules.venue_symbol)
            stale = [
                p for p in resting if (p.position_side, p.side) in closed and p.client_order_id not in keep
            ]
            for order in stale:
                adapter.cancel_protection(rules.venue_symbol, order.order_id)
        except TvbridgeError as exc:
            log.warning("stale protection not cancelled", extra={"reason": exc.message})
            return [
                f"the closed position's take-profit/stop-loss orders could not be cancelled: {exc.message}"
            ]
        if len(stale) == len(resting):
            self._unprotected.add(key)
        if not stale:
            return []
        return [f"cancelled {len(stale)} take-profit/stop-loss order(s) of the closed position"]


def _request(
    rules: InstrumentRules, signal: TradeSignal, entry: OrderReport, trigger: Protection, quantity: Decimal
) -> ProtectionRequest:
    return ProtectionRequest(
        venue_symbol=rules.venue_symbol,
        kind=trigger.kind,
        side=Side.SELL if entry.side is Side.BUY else Side.BUY,
        position_side=entry.position_side,
        quantity=quantity,
        trigger_price=trigger.trigger_price,
        client_order_id=client_order_id(signal.signal_id, protection_tag(trigger.kind, entry.position_side)),
    )


def _report(
    entry: OrderReport, closing: Side, trigger: Protection, quantity: Decimal, placed: VenueOrder | None
) -> OrderReport:
    """A guard as the answer lists it; `placed` None for one attached to its entry."""
    return OrderReport(
        venue=entry.venue,
        venue_symbol=entry.venue_symbol,
        order_id=placed.order_id if placed else "",
        client_order_id=placed.client_order_id if placed else "",
        side=closing,
        position_side=entry.position_side,
        order_type=OrderType.MARKET,
        quantity=quantity,
        price=None,
        avg_price=None,
        status=placed.status if placed else OrderStatus.ATTACHED,
        reduce_only=entry.position_side is PositionSide.BOTH,
        purpose=OrderPurpose(trigger.kind.value),
        trigger_price=trigger.trigger_price,
    )
