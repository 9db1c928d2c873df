"""What one account's trades came to: realised today, the losing streak, the last stop per symbol.

Realised is the fills' realised PnL less their fees (those paid in the quote asset, USDT:
common/trade_net.py), by UTC day of the fill, for the account and for the strategy whose
position the fill traded. A trade is one position side from open to flat; it lost when its
fills came to less than zero. The streak is the run of lost trades since the last one that did
not lose (or the owner's resume, or the pause it caused). The fill that flattened a side may
arrive after the report that it is flat: it still counts for the trade it closed, and the
streak is counted again. What came before the executor started is the journal's memory
(common/risk_memory.py), taken in once (`remember`). Not thread-safe: the account's book holds
the lock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from common.pauses import day_of
from common.risk_memory import REMEMBERED_TRADES, ScopeMemory
from common.trade_net import ZERO, fill_net, lost
from executor.core.events import Fill
from executor.core.model import PositionSide, Side


@dataclass
class Trade:
    strategy: str
    long: bool  # the side's direction while open
    result: Decimal = ZERO
    closed: bool = False

    def closed_by(self, fill: Fill) -> bool:
        return fill.side is (Side.SELL if self.long else Side.BUY)


class Results:
    def __init__(self) -> None:
        # (UTC day, scope) -> realised net; scope "" is the account, else a strategy.
        self.realised: dict[tuple[int, str], Decimal] = {}
        # What the owner's resume forgave of a day's realised loss, per (day, scope).
        self.forgiven: dict[tuple[int, str], Decimal] = {}
        self.open: dict[tuple[str, PositionSide], Trade] = {}
        self.last_closed: dict[tuple[str, PositionSide], Trade] = {}
        self.history: dict[str, deque[Trade]] = {}
        self.stops: dict[str, int] = {}  # symbol -> when its last stop or liquidation filled
        self.started_over: set[str] = set()  # scopes whose streak started over in this run

    def fill(self, fill: Fill, owner: str) -> Trade:
        """Count a fill; the trade it belongs to (a closed one when it is a late closing fill)."""
        key = (fill.where.symbol, fill.position_side)
        trade = self.open.get(key)
        if trade is None:
            last = self.last_closed.get(key)
            if last is not None and last.closed_by(fill):
                trade = last
            else:
                long = (
                    fill.side is Side.BUY
                    if fill.position_side is PositionSide.BOTH
                    else (fill.position_side is PositionSide.LONG)
                )
                trade = self.open[key] = Trade(owner, long)
        net = fill_net(fill.realized_pnl, fill.fee, fill.fee_asset, fill.where.symbol)
        trade.result += net
        day = day_of(fill.time_ms)
        for scope in {"", trade.strategy}:
            self.realised[(day, scope)] = self.realised.get((day, scope), ZERO) + net
        self._forget_days(day)
        return trade

    def side_moved(
        self, symbol: str, side: PositionSide, before: Decimal, after: Decimal, owner: str
    ) -> Trade | None:
        """A side's reported quantity changed; the trade it closed, if it closed one."""
        key = (symbol, side)
        closed: Trade | None = None
        if before != 0 and (after == 0 or (after > 0) != (before > 0)):
            closed = self.open.pop(key, None) or Trade(owner, before > 0)
            closed.long, closed.closed = before > 0, True
            self.last_closed[key] = closed
            for scope in {"", closed.strategy}:
                self.history.setdefault(scope, deque(maxlen=REMEMBERED_TRADES)).append(closed)
        if after != 0 and key not in self.open:
            self.open[key] = Trade(owner, after > 0)
        return closed

    def streak(self, scope: str) -> int:
        count = 0
        for trade in reversed(self.history.get(scope, ())):
            if not lost(trade.result):
                break
            count += 1
        return count

    def realised_today(self, scope: str, now_ms: int) -> Decimal:
        day = day_of(now_ms)
        return self.realised.get((day, scope), ZERO) - self.forgiven.get((day, scope), ZERO)

    def stopped(self, symbol: str, time_ms: int) -> None:
        self.stops[symbol] = max(self.stops.get(symbol, 0), time_ms)

    def forgive(self, scope: str, now_ms: int) -> None:
        """The owner resumed `scope`: today's realised loss so far, and its streak, start over."""
        day = day_of(now_ms)
        self.forgiven[(day, scope)] = min(self.realised.get((day, scope), ZERO), ZERO)
        self.history.pop(scope, None)
        self.started_over.add(scope)

    def spent(self, scope: str) -> None:
        """A streak that paused its scope is spent: the pause, not the streak, holds now."""
        self.history.pop(scope, None)
        self.started_over.add(scope)

    def remember(self, scopes: Iterable[ScopeMemory], day: int) -> None:
        """Take the journal's memory of what came before this run: `day`'s realised net and its
        forgiven part, and the trades closed before any this run saw. Once per run (the guard)."""
        for memory in scopes:
            key = (day, memory.strategy)
            self.realised[key] = self.realised.get(key, ZERO) + memory.realised
            self.forgiven.setdefault(key, memory.forgiven)
            if memory.strategy in self.started_over:
                continue  # a resume or a pause since the start spent what came before it
            # Their direction is not told: they are never a late fill's trade (`last_closed`).
            before = [Trade(memory.strategy, True, result, True) for result in memory.trades]
            history = self.history.get(memory.strategy, ())
            self.history[memory.strategy] = deque([*before, *history], maxlen=REMEMBERED_TRADES)
        self._forget_days(day)

    def _forget_days(self, today: int) -> None:
        if len(self.realised) > 64:
            for table in (self.realised, self.forgiven):
                for key in [k for k in table if k[0] < today - 1]:
                    del table[key]
