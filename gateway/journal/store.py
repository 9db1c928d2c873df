"""The journal store: admission with dedupe, attempts, outcomes and trades, durably committed.

Each write is a step on a connection: called here, a step is its own transaction; the async
journal's writer (gateway/journal/writer.py) runs the steps that queue together in one. The
schema is brought to the newest migration when the store opens.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from gateway.journal import engine as db
from gateway.journal import ledger
from gateway.journal.reads import JournalReads
from gateway.journal.records import FINAL, PENDING, Admission, NewSignal, Outcome, now_ms
from gateway.journal.schema import attempts, audit, dedupe_keys, signals, switch_changes, trades

FOREVER_MS = 253_402_300_799_000  # 9999-12-31: an explicit id is never reused

T = TypeVar("T")

# Every signal's path writes these: built once, so each call only binds values (a statement
# built per call is compiled, and its cache key generated, per call).
_INSERT_SIGNAL = signals.insert().returning(*signals.c)
_INSERT_ATTEMPT = attempts.insert()
_INSERT_TRADE = trades.insert()
_PENDING_SIGNAL = signals.update().where(
    signals.c.signal_id == sa.bindparam("sid"), signals.c.status == PENDING
)
_COUNT_ATTEMPT = _PENDING_SIGNAL.values(
    attempts=signals.c.attempts + 1, updated_ms=sa.bindparam("at")
).returning(signals.c.attempts)
_ONE_ATTEMPT = attempts.update().where(
    attempts.c.signal_id == sa.bindparam("sid"), attempts.c.attempt == sa.bindparam("number")
)


class Journal(JournalReads):
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = db.open_engine(url)
        self._insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        claim = self._insert(dedupe_keys).values(
            key=sa.bindparam("key"), signal_id=sa.bindparam("claimant"), expires_ms=sa.bindparam("until")
        )
        self._claim_stmt = claim.on_conflict_do_update(
            index_elements=[dedupe_keys.c.key],
            set_={"signal_id": claim.excluded.signal_id, "expires_ms": claim.excluded.expires_ms},
            where=dedupe_keys.c.expires_ms < sa.bindparam("now"),
        ).returning(dedupe_keys.c.key)
        self._holder_stmt = sa.select(dedupe_keys.c.signal_id).where(dedupe_keys.c.key == sa.bindparam("key"))

    def migrate(self) -> None:
        db.upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def alone(self, step: Callable[..., T], *args: Any) -> T:
        """One step in a transaction of its own."""
        with self.engine.begin() as conn:
            return step(conn, *args)

    # -- admission --------------------------------------------------------------------

    def admit(self, new: NewSignal) -> Admission:
        """Record a signal, or find the one it repeats (same explicit id, or same body in the window)."""
        try:
            return self.alone(self.admit_in, new)
        except sa.exc.IntegrityError as exc:
            return self.admitted_elsewhere(new, exc)

    def admitted_elsewhere(self, new: NewSignal, error: BaseException) -> Admission:
        """After an admission's transaction failed: another writer (a second gateway on the same
        database) may have recorded it first; if not, the error stands."""
        if not isinstance(error, sa.exc.IntegrityError):
            raise error
        row = self.get(new.signal_id)
        if row is None:
            raise error
        return Admission(False, row)

    def admit_in(self, conn: Connection, new: NewSignal) -> Admission:
        at = now_ms()
        begun = new.first_attempt and new.status == PENDING
        if new.dedupe_key is not None:
            holder = self._claim(conn, new.dedupe_key, new.signal_id, new.dedupe_until_ms or FOREVER_MS, at)
            if holder is not None:
                row = self._row(conn, holder)
                if row is not None:
                    return Admission(False, row)
        inserted = conn.execute(
            _INSERT_SIGNAL,
            {
                "signal_id": new.signal_id,
                "status": new.status,
                "venue": new.venue,
                "account": new.account,
                "symbol": new.symbol,
                "action": new.action,
                "strategy": new.strategy,
                "test": new.test,
                "body": new.body,
                "normalized": new.normalized,
                "received_ms": new.received_ms,
                "fired_ms": new.fired_ms,
                "journalled_ms": at,
                "expires_ms": new.expires_ms,
                "attempts": 1 if begun else 0,
                "next_attempt_ms": None,
                "finished_ms": at if new.status in FINAL else None,
                "error_code": new.error_code,
                "reason": new.reason,
                "result": json.dumps(new.result) if new.result is not None else None,
                "executor_ms": None,
                "venue_ms": None,
                "updated_ms": at,
            },
        ).one()
        if begun:
            conn.execute(
                _INSERT_ATTEMPT,
                {
                    "signal_id": new.signal_id,
                    "attempt": 1,
                    "started_ms": at,
                    "finished_ms": None,
                    "outcome": None,
                    "detail": None,
                },
            )
        return Admission(True, dict(inserted._mapping))

    def _claim(self, conn: Connection, key: str, signal_id: str, until_ms: int, at: int) -> str | None:
        """Take the dedupe key unless a live claim holds it: None when taken, else the holder's id."""
        claimed = conn.execute(
            self._claim_stmt, {"key": key, "claimant": signal_id, "until": until_ms, "now": at}
        ).first()
        # A row comes back only when this call inserted the key or replaced a lapsed claim.
        if claimed is not None:
            return None
        holder = conn.execute(self._holder_stmt, {"key": key}).scalar_one()
        return str(holder)

    # -- attempts and outcomes --------------------------------------------------------------

    def begin_attempt(self, signal_id: str) -> int:
        """Count an attempt before it is sent, so one that dies with us is never numbered again."""
        return self.alone(self.begin_attempt_in, signal_id)

    def begin_attempt_in(self, conn: Connection, signal_id: str) -> int:
        at = now_ms()
        row = conn.execute(_COUNT_ATTEMPT, {"sid": signal_id, "at": at}).first()
        if row is None:
            return 0  # already final
        number = int(row[0])
        conn.execute(
            _INSERT_ATTEMPT,
            {
                "signal_id": signal_id,
                "attempt": number,
                "started_ms": at,
                "finished_ms": None,
                "outcome": None,
                "detail": None,
            },
        )
        return number

    def end_attempt(self, signal_id: str, number: int, outcome: str, detail: str = "") -> None:
        self.alone(self.end_attempt_in, signal_id, number, outcome, detail)

    def end_attempt_in(
        self, conn: Connection, signal_id: str, number: int, outcome: str, detail: str
    ) -> None:
        conn.execute(
            _ONE_ATTEMPT,
            {
                "sid": signal_id,
                "number": number,
                "finished_ms": now_ms(),
                "outcome": outcome,
                "detail": detail[:2000],
            },
        )

    def retry_later(self, signal_id: str, next_attempt_ms: int, reason: str) -> None:
        self.alone(self.retry_later_in, signal_id, next_attempt_ms, reason)

    def retry_later_in(self, conn: Connection, signal_id: str, next_attempt_ms: int, reason: str) -> None:
        conn.execute(
            _PENDING_SIGNAL,
            {"sid": signal_id, "next_attempt_ms": next_attempt_ms, "reason": reason, "updated_ms": now_ms()},
        )

    def finish(self, signal_id: str, outcome: Outcome, attempt: int = 0) -> bool:
        """Record the final state once (closing `attempt` with it); a second finish changes nothing."""
        return self.alone(self.finish_in, signal_id, outcome, attempt)

    def finish_in(self, conn: Connection, signal_id: str, outcome: Outcome, attempt: int = 0) -> bool:
        at = outcome.finished_ms or now_ms()
        if attempt:
            conn.execute(
                _ONE_ATTEMPT,
                {
                    "sid": signal_id,
                    "number": attempt,
                    "finished_ms": at,
                    "outcome": outcome.status,
                    "detail": (outcome.reason or "")[:2000],
                },
            )
        done = conn.execute(
            _PENDING_SIGNAL,
            {
                "sid": signal_id,
                "status": outcome.status,
                "result": json.dumps(outcome.result),
                "error_code": outcome.error_code,
                "reason": outcome.reason,
                "executor_ms": outcome.executor_ms,
                "venue_ms": outcome.venue_ms,
                "finished_ms": at,
                "next_attempt_ms": None,
                "updated_ms": at,
            },
        ).rowcount
        if not done:
            return False
        if outcome.trades:
            conn.execute(
                _INSERT_TRADE,
                [
                    {
                        "signal_id": signal_id,
                        "time_ms": at,
                        "venue": trade.venue,
                        "symbol": trade.symbol,
                        "side": trade.side,
                        "quantity": trade.quantity,
                        "price": trade.price,
                        "order_id": trade.order_id,
                        "purpose": trade.purpose,
                    }
                    for trade in outcome.trades
                ],
            )
        ledger.link_orders(conn, signal_id, outcome.links)
        return True

    def audit(self, actor: str, action: str, detail: str) -> None:
        self.alone(self.audit_in, actor, action, detail)

    def audit_in(self, conn: Connection, actor: str, action: str, detail: str) -> None:
        conn.execute(
            audit.insert().values(time_ms=now_ms(), actor=actor, action=action, detail=detail[:2000])
        )

    def record_switch(self, enabled: bool, actor: str, reason: str, detail: str) -> dict[str, Any]:
        """A change of the kill switch and its audit line, in one transaction; the row written."""
        return self.alone(self.record_switch_in, enabled, actor, reason, detail)

    def record_switch_in(
        self, conn: Connection, enabled: bool, actor: str, reason: str, detail: str
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "time_ms": now_ms(),
            "enabled": enabled,
            "actor": actor[:64],
            "reason": reason[:2000],
        }
        conn.execute(switch_changes.insert().values(**row))
        conn.execute(
            audit.insert().values(
                time_ms=row["time_ms"], actor=actor[:64], action="trading_switch", detail=detail[:2000]
            )
        )
        return row
