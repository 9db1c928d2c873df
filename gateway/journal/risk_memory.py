"""The journal's reads behind the risk limits' memory (gateway/core/risk_memory.py works it out):
the ledger's fills, the pause and resume events and the keeper's news of stops, from
`LOOK_BACK_MS` before the executor's start up to it."""

from __future__ import annotations

import sqlalchemy as sa

from common.risk_memory import STOPPED_OUT, AccountMemory
from gateway.core.fills import FillFilter
from gateway.core.risk_memory import LOOK_BACK_MS, StopMark, remembered
from gateway.core.round_trips import LedgerFill
from gateway.journal import pauses
from gateway.journal.ledger import Ledger
from gateway.journal.schema import keeper_news


def read(ledger: Ledger, cutoff_ms: int) -> list[AccountMemory]:
    since = cutoff_ms - LOOK_BACK_MS
    window = FillFilter(since_ms=since, until_ms=cutoff_ms - 1)
    rows = ledger.fills(window, limit=None, oldest_first=True)
    events = pauses.events_since(ledger.engine, since)
    return remembered([LedgerFill.of(r) for r in rows], events, _stops(ledger, since, cutoff_ms), cutoff_ms)


def _stops(ledger: Ledger, since_ms: int, cutoff_ms: int) -> list[StopMark]:
    """Each symbol's last stop or liquidation in the window."""
    last = sa.func.max(keeper_news.c.time_ms).label("time_ms")
    query = (
        sa.select(keeper_news.c.venue, keeper_news.c.account, keeper_news.c.symbol, last)
        .where(
            keeper_news.c.kind.in_(sorted(k.value for k in STOPPED_OUT)),
            keeper_news.c.time_ms >= since_ms,
            keeper_news.c.time_ms < cutoff_ms,
            keeper_news.c.symbol != "",
        )
        .group_by(keeper_news.c.venue, keeper_news.c.account, keeper_news.c.symbol)
    )
    with ledger.engine.connect() as conn:
        return [StopMark(r.venue, r.account, r.symbol, int(r.time_ms)) for r in conn.execute(query)]
