"""What the exposure limits remember of an account across an executor restart.

The executor keeps no database. What its daily-loss, losing-streak and cooldown limits count
(today's realised PnL, the trades closed since the streak last started over, the last stop per
symbol) the gateway works out from its journal: the ledger's fills as trades, the owner's resumes
and the pauses, the keeper's news of stops. It hands that over on every (re)connect, counted up
to the executor's start (the cutoff); the executor takes it once per run and counts every fill
from its start on itself, so none is counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from common.trade_net import ZERO
from common.trading import NewsKind

MAX_CONSECUTIVE_LOSSES = "RISK_MAX_CONSECUTIVE_LOSSES"  # its pause spends the streak that caused it
STOPPED_OUT = frozenset({NewsKind.STOP_HIT, NewsKind.LIQUIDATION})  # what starts a symbol's cooldown
REMEMBERED_TRADES = 100  # trades remembered per scope: enough for any streak worth a limit


@dataclass(frozen=True)
class ScopeMemory:
    """One scope of an account: "" the account, else a strategy (lower case)."""

    strategy: str
    realised: Decimal = ZERO  # the net of the fills of the cutoff's UTC day before the cutoff
    forgiven: Decimal = ZERO  # what the owner's last resume that day forgave of it (<= 0)
    trades: tuple[Decimal, ...] = ()  # nets of the trades closed since the streak started over


@dataclass(frozen=True)
class AccountMemory:
    venue: str
    account: str
    scopes: tuple[ScopeMemory, ...] = ()
    stops: Mapping[str, int] = field(default_factory=dict)  # symbol -> its last stop or liquidation


@dataclass(frozen=True)
class MemoryReply:
    started_ms: int  # the executor's start: the cutoff it takes
    wanted: bool  # it has taken no memory yet, and a limit would use one
    taken: bool  # the memory just sent was taken
