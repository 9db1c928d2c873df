"""The risk limits' memory across an executor restart, the gateway's side (common/risk_memory.py).

The executor counts today's realised PnL, each losing streak and each symbol's last stop in
memory; a restart would forget them, and a crash mid-day would hand the account a fresh
RISK_MAX_DAILY_LOSS_USDT. The journal has what they are counted from: the ledger's fills, the
owner's resumes and the pauses, the keeper's news of stops. On every (re)connect, before the
pauses, the gateway asks the executor whether it still wants its memory and from when it counts
itself (its start: the cutoff), works the memory out up to that cutoff, and hands it over; the
executor takes it once per run.

Per (venue, account) and scope ("" the account, else the strategy that opened the trade):
- realised: the net (common/trade_net.py) of the fills of the cutoff's UTC day before it, each
  fill's share going to the trade it belongs to (gateway/core/round_trips.py);
- forgiven: as the executor's `Results.forgive` counts an owner's resume, the realised of that
  day up to the scope's last resume that day, if it was a loss;
- trades: the nets of the trades closed since the scope's streak last started over (its last
  resume, or the losing-streak pause that spent it, as `Results.spent`), oldest first;
- stops: each symbol's last stop or liquidation.
What is older than `LOOK_BACK_MS` is not read: a trade closed before it is forgotten, and a
position opened before it closes as a trade of its closing fills only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from common.pauses import DAY_MS, PauseChange, PauseEvent, day_of
from common.risk_memory import (
    MAX_CONSECUTIVE_LOSSES,
    REMEMBERED_TRADES,
    AccountMemory,
    MemoryReply,
    ScopeMemory,
)
from common.trade_net import ZERO
from gateway.core.round_trips import LedgerFill, Trade, round_trips

log = logging.getLogger("gateway.risk_memory")

LOOK_BACK_MS = 30 * DAY_MS

Key = tuple[str, str]  # (venue, account)


@dataclass(frozen=True)
class StopMark:
    """A stop or a liquidation the keeper reported (its news in the journal)."""

    venue: str
    account: str
    symbol: str
    time_ms: int


@dataclass
class _Account:
    today: list[tuple[int, str, Decimal]] = field(default_factory=list)  # (time, scope, net)
    closed: dict[str, list[Decimal]] = field(default_factory=dict)  # scope -> nets, in close order
    stops: dict[str, int] = field(default_factory=dict)


def _scopes(strategy: str) -> list[str]:
    return ["", strategy] if strategy else [""]


def remembered(
    fills: Iterable[LedgerFill], events: Iterable[PauseEvent], stops: Iterable[StopMark], cutoff_ms: int
) -> list[AccountMemory]:
    """The memory of every account with something to remember, from what came before `cutoff_ms`:
    the fills oldest first (the ledger's time, then its row id), the pause and resume events."""
    day_start = day_of(cutoff_ms) * DAY_MS
    resumed, started_over = _starts(events, cutoff_ms)
    accounts: dict[Key, _Account] = {}
    trips = round_trips(f for f in fills if f.time_ms < cutoff_ms)
    where: dict[Trade, Key] = {}
    for share in trips.shares:
        key = (share.fill.venue, share.fill.account)
        where[share.trade] = key
        if share.fill.time_ms >= day_start:
            net = share.realized_pnl - share.fee
            for scope in _scopes(share.trade.strategy.lower()):
                accounts.setdefault(key, _Account()).today.append((share.fill.time_ms, scope, net))
    closed = [t for t in trips.trades if t.closed_ms is not None]
    for trade in sorted(closed, key=lambda t: t.closed_ms or 0):
        key = where[trade]
        for scope in _scopes(trade.strategy.lower()):
            if (trade.closed_ms or 0) > started_over.get((*key, scope), -1):
                accounts.setdefault(key, _Account()).closed.setdefault(scope, []).append(trade.net_pnl)
    for stop in stops:
        if stop.time_ms < cutoff_ms and stop.symbol:
            marks = accounts.setdefault((stop.venue, stop.account), _Account()).stops
            marks[stop.symbol] = max(marks.get(stop.symbol, 0), stop.time_ms)
    return [
        AccountMemory(venue, account, _scope_memories(found, resumed, venue, account, day_start), found.stops)
        for (venue, account), found in sorted(accounts.items())
    ]


def _starts(
    events: Iterable[PauseEvent], cutoff_ms: int
) -> tuple[dict[tuple[str, str, str], int], dict[tuple[str, str, str], int]]:
    """Per (venue, account, scope) before the cutoff: its last resume, and when its streak last
    started over (that resume, or a losing-streak pause after it)."""
    resumed: dict[tuple[str, str, str], int] = {}
    started_over: dict[tuple[str, str, str], int] = {}
    for event in events:
        if event.time_ms >= cutoff_ms:
            continue
        scope = (event.venue, event.account, event.strategy.lower())
        if event.change is PauseChange.RESUMED:
            resumed[scope] = max(resumed.get(scope, -1), event.time_ms)
        elif event.limit != MAX_CONSECUTIVE_LOSSES:
            continue
        started_over[scope] = max(started_over.get(scope, -1), event.time_ms)
    return resumed, started_over


def _scope_memories(
    found: _Account, resumed: dict[tuple[str, str, str], int], venue: str, account: str, day_start: int
) -> tuple[ScopeMemory, ...]:
    out = []
    for scope in sorted({s for _, s, _ in found.today} | set(found.closed)):
        nets = [(t, n) for t, s, n in found.today if s == scope]
        realised = sum((n for _, n in nets), ZERO)
        forgiven = ZERO
        resume = resumed.get((venue, account, scope), -1)
        if resume >= day_start:
            forgiven = min(sum((n for t, n in nets if t <= resume), ZERO), ZERO)
        trades = tuple(found.closed.get(scope, ())[-REMEMBERED_TRADES:])
        out.append(ScopeMemory(scope, realised, forgiven, trades))
    return tuple(out)


class Remembers(Protocol):
    async def remember_risk(self, cutoff_ms: int | None, accounts: list[AccountMemory]) -> MemoryReply: ...


class RiskMemoryHandOver:
    """Asks the executor, reads the journal only when it wants the memory, hands it over."""

    def __init__(self, executor: Remembers, read: Callable[[int], Awaitable[list[AccountMemory]]]) -> None:
        self.executor = executor
        self.read = read

    async def hand_over(self) -> MemoryReply:
        asked = await self.executor.remember_risk(None, [])
        if not asked.wanted:
            return asked
        accounts = await self.read(asked.started_ms)
        reply = await self.executor.remember_risk(asked.started_ms, accounts)
        log.info(
            "risk memory handed to the executor",
            extra={"accounts": len(accounts), "taken": reply.taken, "cutoff_ms": asked.started_ms},
        )
        return reply
