"""One account's exposure book: its held symbols, its results, its pauses, and the checks an
entry must pass, all under one lock, so that deciding an entry and reserving its slot is one
step however many signals arrive at once.

Only entries come here: closes, take-profits and stops never ask. A refusal names the limit
and the figures. A daily-loss or losing-streak breach pauses the account (or the strategy)
until the next UTC day or the owner's resume (common/pauses.py); the pause is told (`told`,
drained by the guard outside the lock) so the gateway journals and notifies it. The owner's
own pauses come from the gateway (`sync`) and hold until resumed.

The book counts the fills from its executor's start (`started_ms`) on; what came before is the
journal's memory (common/risk_memory.py), taken once (`remember`), resumes before the start
included: so a fill the first reconciliation reads back from before the start is not counted
twice, and an old resume handed over again does not forgive what this run lost since.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from common.pauses import PauseChange, PauseEvent, day_of, iso_ms, next_utc_day
from common.risk_memory import MAX_CONSECUTIVE_LOSSES, AccountMemory
from executor.core.events import Fill
from executor.core.exposure.limits import (
    COOLDOWN_AFTER_STOP,
    MAX_DAILY_LOSS,
    MAX_OPEN_POSITIONS,
    TRADING_HOURS,
    ExposureLimits,
    RiskPlan,
)
from executor.core.exposure.results import Results, Trade
from executor.core.exposure.slots import Slots
from executor.core.model import PositionSide, Venue

ZERO = Decimal(0)


def _refuse(message: str) -> TvbridgeError:
    return TvbridgeError(ErrorClass.RISK_LIMIT, message)


class AccountBook:
    def __init__(self, venue: Venue, account: str, plan: RiskPlan, started_ms: int = 0) -> None:
        self.venue, self.account, self.plan = venue, account, plan
        self.started_ms = started_ms
        self.lock = threading.Lock()
        self.slots = Slots()
        self.results = Results()
        self.seeded = False  # the venue's positions read once, so those opened before us count
        # By scope ("" the account, else a strategy) and kind: a limit's and the owner's apart.
        self.pauses: dict[tuple[str, PauseChange], PauseEvent] = {}
        self.resumed: dict[str, int] = {}  # the latest resume applied per scope
        self.told: list[PauseEvent] = []

    # -- an entry ------------------------------------------------------------------------

    def admit(
        self,
        signal_id: str,
        symbol: str,
        strategy: str,
        now_ms: int,
        unrealised: Mapping[str, Decimal] | None,
    ) -> bool:
        """Raise a RISK_LIMIT refusal, or let the entry pass: True when it took a new slot
        (the symbol was not held), which the caller must settle (`placed` or `release`)."""
        strategy = strategy.lower()
        scopes = ("", strategy) if strategy else ("",)
        self.check_paused(strategy, now_ms)
        rules = self.plan.for_strategy(strategy)
        if rules.hours is not None and not rules.hours.open_at(_at(now_ms)):
            raise _refuse(
                f"{TRADING_HOURS} = {rules.hours.text}: entries are closed at "
                f"{_at(now_ms).strftime('%a %H:%M')} UTC"
            )
        self._check_cooldown(symbol, rules.cooldown_s, now_ms)
        for scope in scopes:
            limits = rules.own if scope else self.plan.account
            self._check_streak(scope, limits.max_consecutive_losses, now_ms)
            self._check_daily_loss(scope, limits.max_daily_loss, now_ms, unrealised)
        if self.slots.held(symbol):
            return False
        for scope in scopes:
            limits = rules.own if scope else self.plan.account
            self._check_open(scope, symbol, limits.max_open_positions)
        self.slots.reserve(symbol, signal_id, strategy)
        return True

    def _paused(self, scope: str, now_ms: int) -> PauseEvent | None:
        """The scope's pause in force at `now_ms`, the owner's first (one past its end is
        forgotten)."""
        for kind in (PauseChange.OWNER_PAUSED, PauseChange.PAUSED):
            pause = self.pauses.get((scope, kind))
            if pause is not None and not pause.holds_at(now_ms):
                del self.pauses[(scope, kind)]
            elif pause is not None:
                return pause
        return None

    def check_paused(self, strategy: str, now_ms: int) -> None:
        """Refuse an entry while the account, or the signal's strategy, is paused."""
        for scope in ("", strategy.lower()) if strategy else ("",):
            self._check_paused(scope, now_ms)

    def _check_paused(self, scope: str, now_ms: int) -> None:
        pause = self._paused(scope, now_ms)
        if pause is None:
            return
        if pause.change is PauseChange.OWNER_PAUSED:
            raise _refuse(f"{self._where(scope)} is paused by {pause.actor or 'the owner'} until resumed")
        raise _refuse(
            f"{self._where(scope)} is paused until {iso_ms(pause.until_ms)} or the owner's resume: "
            f"{pause.reason}"
        )

    def _check_cooldown(self, symbol: str, cooldown_s: float | None, now_ms: int) -> None:
        stopped = self.results.stops.get(symbol)
        if cooldown_s is None or stopped is None:
            return
        since_s = max(now_ms - stopped, 0) / 1000
        if since_s < cooldown_s:
            raise _refuse(
                f"{COOLDOWN_AFTER_STOP} = {cooldown_s:g}: {symbol}'s stop was hit {since_s:.0f} s ago, "
                f"{cooldown_s - since_s:.0f} s of cooldown left"
            )

    def _check_streak(self, scope: str, limit: int | None, now_ms: int) -> None:
        reason = self._streak_breached(scope, limit, now_ms)
        if reason is not None:
            raise _refuse(reason)

    def _streak_breached(self, scope: str, limit: int | None, now_ms: int) -> str | None:
        """Pause `scope` when its losing streak reached `limit`; the reason, if it did."""
        if limit is None:
            return None
        streak = self.results.streak(scope)
        if streak < limit:
            return None
        trades = "its last trade" if streak == 1 else f"its last {streak} trades"
        reason = f"{MAX_CONSECUTIVE_LOSSES} = {limit}: {self._where(scope)} lost {trades}"
        self._pause(scope, MAX_CONSECUTIVE_LOSSES, reason, now_ms)
        return reason

    def _check_daily_loss(
        self, scope: str, limit: Decimal | None, now_ms: int, unrealised: Mapping[str, Decimal] | None
    ) -> None:
        if limit is None:
            return
        realised = self.results.realised_today(scope, now_ms)
        symbols = self.slots.open_symbols(scope) if scope else None
        floating = sum(
            (min(u, ZERO) for s, u in (unrealised or {}).items() if symbols is None or s in symbols), ZERO
        )
        loss = -(realised + floating)
        if loss >= limit:
            reason = (
                f"{MAX_DAILY_LOSS} = {plain(limit)}: {self._where(scope)} lost {plain(loss)} today "
                f"(realised {plain(-realised)}, unrealised {plain(-floating)})"
            )
            self._pause(scope, MAX_DAILY_LOSS, reason, now_ms)
            raise _refuse(reason)

    def _check_open(self, scope: str, symbol: str, limit: int | None) -> None:
        if limit is None:
            return
        held = self.slots.open_symbols(scope)
        if len(held) >= limit:
            raise _refuse(
                f"{MAX_OPEN_POSITIONS} = {limit}: {self._where(scope)} holds {len(held)} "
                f"({', '.join(held) or 'none'}, entries in flight included); {symbol} would be one more"
            )

    def placed(self, symbol: str, signal_id: str, now_ms: int, resting_order_id: str = "") -> None:
        self.slots.placed(symbol, signal_id, now_ms, resting_order_id)

    def release(self, symbol: str, signal_id: str) -> None:
        self.slots.release(symbol, signal_id)

    # -- what the venue reports ----------------------------------------------------------

    def fill(self, fill: Fill) -> None:
        if fill.time_ms < self.started_ms:
            return  # the journal's memory has it
        trade = self.results.fill(fill, self.slots.owners.get(fill.where.symbol, ""))
        for scope in {"", trade.strategy}:
            limits = self._limits(scope)
            if (
                limits is not None
                and limits.max_daily_loss is not None
                and not self._paused(scope, fill.time_ms)
            ):
                realised = self.results.realised_today(scope, fill.time_ms)
                if -realised >= limits.max_daily_loss:
                    reason = (
                        f"{MAX_DAILY_LOSS} = {plain(limits.max_daily_loss)}: {self._where(scope)} "
                        f"realised a loss of {plain(-realised)} today"
                    )
                    self._pause(scope, MAX_DAILY_LOSS, reason, fill.time_ms)
        if trade.closed:
            self._after_close(trade, fill.time_ms)

    def position(self, symbol: str, side: PositionSide, quantity: Decimal, time_ms: int) -> None:
        owner = self.slots.owners.get(symbol, "")
        before = self.slots.position(symbol, side, quantity, time_ms)
        if before is None:
            return
        closed = self.results.side_moved(symbol, side, before, quantity, owner)
        if closed is not None:
            self._after_close(closed, time_ms)

    def _after_close(self, trade: Trade, time_ms: int) -> None:
        for scope in {"", trade.strategy}:
            limits = self._limits(scope)
            if limits is not None and not self._paused(scope, time_ms):
                self._streak_breached(scope, limits.max_consecutive_losses, time_ms)

    def seed(self, positions: Iterable[tuple[str, PositionSide, Decimal]], as_of_ms: int) -> None:
        for symbol, side, quantity in positions:
            self.position(symbol, side, quantity, as_of_ms)
        self.seeded = True

    def remember(self, memory: AccountMemory) -> None:
        """The journal's memory of what came before `started_ms` (the guard gives it once)."""
        self.results.remember(memory.scopes, day_of(self.started_ms))
        for symbol, time_ms in memory.stops.items():
            self.results.stopped(symbol, time_ms)

    # -- pauses --------------------------------------------------------------------------

    def _pause(self, scope: str, limit: str, reason: str, now_ms: int) -> None:
        event = PauseEvent(
            PauseChange.PAUSED,
            self.venue.value,
            self.account,
            scope,
            now_ms,
            next_utc_day(now_ms),
            limit,
            reason,
            "executor",
        )
        self.pauses[(scope, PauseChange.PAUSED)] = event
        self.told.append(event)
        if limit == MAX_CONSECUTIVE_LOSSES:
            self.results.spent(scope)

    def sync(self, events: Iterable[PauseEvent], now_ms: int) -> None:
        """Take the journal's pause events: resumes lift what began before them, once each;
        pauses still in force hold (one of our own not yet journalled stays)."""
        for event in sorted(events, key=lambda e: e.time_ms):
            scope = event.strategy
            if event.change is PauseChange.RESUMED:
                if event.time_ms <= self.resumed.get(scope, -1):
                    continue
                self.resumed[scope] = event.time_ms
                for kind in (PauseChange.PAUSED, PauseChange.OWNER_PAUSED):
                    pause = self.pauses.get((scope, kind))
                    if pause is not None and pause.time_ms <= event.time_ms:
                        del self.pauses[(scope, kind)]
                if event.time_ms >= self.started_ms:
                    self.results.forgive(scope, now_ms)
            elif event.holds_at(now_ms) and event.time_ms > self.resumed.get(scope, -1):
                known = self.pauses.get((scope, event.change))
                if known is None or known.time_ms < event.time_ms:
                    self.pauses[(scope, event.change)] = event

    def in_force(self, now_ms: int) -> list[PauseEvent]:
        return [p for p in self.pauses.values() if p.holds_at(now_ms)]

    # -- helpers -------------------------------------------------------------------------

    def _limits(self, scope: str) -> ExposureLimits | None:
        if not scope:
            return self.plan.account
        return self.plan.for_strategy(scope).own if scope in self.plan.strategies else None

    def _where(self, scope: str) -> str:
        where = f"{self.venue.value}/{self.account}"
        return f"strategy {scope} on {where}" if scope else where


def _at(now_ms: int) -> datetime:
    return datetime.fromtimestamp(now_ms / 1000, tz=UTC)
