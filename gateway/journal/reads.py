"""Reading the journal: one signal, the pending ones, the dashboard's lists, the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from gateway.journal.records import PENDING
from gateway.journal.schema import attempts, audit, signals, switch_changes, trades

# Read on every webhook's answer and every repeat: built once, so a call only binds its id.
_ONE_SIGNAL = sa.select(signals).where(signals.c.signal_id == sa.bindparam("sid"))


class JournalReads:
    engine: Engine

    def audit_trail(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(audit).order_by(audit.c.id.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]

    def switch_history(self, limit: int = 50) -> list[dict[str, Any]]:
        """The kill switch's changes, newest first; the first is the state (none: TRADING_ENABLED)."""
        query = sa.select(switch_changes).order_by(switch_changes.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # -- reading --------------------------------------------------------------------------

    def get(self, signal_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            return self._row(conn, signal_id)

    def attempts_of(self, signal_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(attempts).where(attempts.c.signal_id == signal_id).order_by(attempts.c.attempt)
            )
            return [dict(r._mapping) for r in rows]

    def pending(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(signals).where(signals.c.status == PENDING).order_by(signals.c.seq))
            return [dict(r._mapping) for r in rows]

    def backlog(self) -> tuple[int, int | None]:
        """Pending signals and the oldest one's receive time."""
        with self.engine.connect() as conn:
            count, oldest = conn.execute(
                sa.select(sa.func.count(), sa.func.min(signals.c.received_ms)).where(
                    signals.c.status == PENDING
                )
            ).one()
            return int(count), int(oldest) if oldest is not None else None

    def recent(
        self,
        *,
        status: str = "",
        symbol: str = "",
        venue: str = "",
        limit: int = 100,
        before_seq: int | None = None,
    ) -> list[dict[str, Any]]:
        """The newest signals first, filtered; `before_seq` pages back from an earlier page's last."""
        query = sa.select(signals).order_by(signals.c.seq.desc()).limit(limit)
        if status:
            query = query.where(signals.c.status == status)
        if symbol:
            query = query.where(signals.c.symbol == symbol)
        if venue:
            query = query.where(signals.c.venue == venue)
        if before_seq is not None:
            query = query.where(signals.c.seq < before_seq)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def executed_since(self, since_ms: int) -> list[dict[str, Any]]:
        """Signals executed for real (not tests) received since `since_ms`, oldest first: their
        journal form and answer, for handing exit plans back to a restarted executor."""
        query = (
            sa.select(signals.c.signal_id, signals.c.normalized, signals.c.result)
            .where(
                signals.c.status == "executed",
                signals.c.test.is_(False),
                signals.c.received_ms >= since_ms,
                signals.c.action.in_(("buy", "sell")),
            )
            .order_by(signals.c.seq)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def last_by_strategy(self) -> list[dict[str, Any]]:
        """Each strategy's newest signal: when it came and what became of it."""
        newest = (
            sa.select(sa.func.max(signals.c.seq).label("seq"))
            .where(signals.c.strategy != "")
            .group_by(signals.c.strategy)
            .subquery()
        )
        query = (
            sa.select(
                signals.c.seq,
                signals.c.strategy,
                signals.c.signal_id,
                signals.c.status,
                signals.c.received_ms,
            )
            .join(newest, signals.c.seq == newest.c.seq)
            .order_by(signals.c.strategy)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def counts_since(self, since_ms: int) -> dict[str, int]:
        """Signals received since `since_ms`, by status."""
        query = (
            sa.select(signals.c.status, sa.func.count())
            .where(signals.c.received_ms >= since_ms)
            .group_by(signals.c.status)
        )
        with self.engine.connect() as conn:
            return {status: int(count) for status, count in conn.execute(query)}

    def trades(self) -> Iterator[dict[str, Any]]:
        with self.engine.connect() as conn:
            for row in conn.execute(sa.select(trades).order_by(trades.c.id)):
                yield dict(row._mapping)

    def statuses(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {
                r.signal_id: r.status for r in conn.execute(sa.select(signals.c.signal_id, signals.c.status))
            }

    @staticmethod
    def _row(conn: Connection, signal_id: str) -> dict[str, Any] | None:
        row = conn.execute(_ONE_SIGNAL, {"sid": signal_id}).first()
        return dict(row._mapping) if row is not None else None
