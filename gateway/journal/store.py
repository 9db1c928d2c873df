"""The journal store: admission with dedupe, attempts, outcomes and trades, durably committed.

Every method is one transaction; the schema is brought to the newest migration when the
store opens.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from gateway.journal import engine as db
from gateway.journal import ledger
from gateway.journal.reads import JournalReads
from gateway.journal.records import FINAL, PENDING, Admission, NewSignal, Outcome, now_ms
from gateway.journal.schema import attempts, audit, dedupe_keys, signals, switch_changes, trades

FOREVER_MS = 253_402_300_799_000  # 9999-12-31: an explicit id is never reused


class Journal(JournalReads):
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = db.open_engine(url)
        self._insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        # Admission is on every signal's path to the venue: its statements are built once, so
        # each call only binds values (a statement built per call is compiled per call).
        claim = self._insert(dedupe_keys).values(
            key=sa.bindparam("key"), signal_id=sa.bindparam("claimant"), expires_ms=sa.bindparam("until")
        )
        self._claim_stmt = claim.on_conflict_do_update(
            index_elements=[dedupe_keys.c.key],
            set_={"signal_id": claim.excluded.signal_id, "expires_ms": claim.excluded.expires_ms},
            where=dedupe_keys.c.expires_ms < sa.bindparam("now"),
        ).returning(dedupe_keys.c.key)
        self._holder_stmt = sa.select(dedupe_keys.c.signal_id).where(dedupe_keys.c.key == sa.bindparam("key"))
        self._insert_signal = signals.insert().returning(*signals.c)
        self._insert_attempt = attempts.insert()

    def migrate(self) -> None:
        db.upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- admission --------------------------------------------------------------------

    def admit(self, new: NewSignal) -> Admission:
        """Record a signal, or find the one it repeats (same explicit id, or same body in the window)."""
        try:
            return self._admit(new)
        except sa.exc.IntegrityError:
            # Another writer (a second gateway on the same database) recorded it first.
            row = self.get(new.signal_id)
            if row is None:
                raise
            return Admission(False, row)

    def _admit(self, new: NewSignal) -> Admission:
        at = now_ms()
        begun = new.first_attempt and new.status == PENDING
        with self.engine.begin() as conn:
            if new.dedupe_key is not None:
                holder = self._claim(
                    conn, new.dedupe_key, new.signal_id, new.dedupe_until_ms or FOREVER_MS, at
                )
                if holder is not None:
                    row = self._row(conn, holder)
                    if row is not None:
                        return Admission(False, row)
            inserted = conn.execute(
                self._insert_signal,
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
                    self._insert_attempt,
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
        at = now_ms()
        with self.engine.begin() as conn:
            row = conn.execute(
                signals.update()
                .where(signals.c.signal_id == signal_id, signals.c.status == PENDING)
                .values(attempts=signals.c.attempts + 1, updated_ms=at)
                .returning(signals.c.attempts)
            ).first()
            if row is None:
                return 0  # already final
            number = int(row[0])
            conn.execute(attempts.insert().values(signal_id=signal_id, attempt=number, started_ms=at))
            return number

    def end_attempt(self, signal_id: str, number: int, outcome: str, detail: str = "") -> None:
        with self.engine.begin() as conn:
            conn.execute(
                attempts.update()
                .where(attempts.c.signal_id == signal_id, attempts.c.attempt == number)
                .values(finished_ms=now_ms(), outcome=outcome, detail=detail[:2000])
            )

    def retry_later(self, signal_id: str, next_attempt_ms: int, reason: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                signals.update()
                .where(signals.c.signal_id == signal_id, signals.c.status == PENDING)
                .values(next_attempt_ms=next_attempt_ms, reason=reason, updated_ms=now_ms())
            )

    def finish(self, signal_id: str, outcome: Outcome, attempt: int = 0) -> bool:
        """Record the final state once (closing `attempt` with it); a second finish changes nothing."""
        at = outcome.finished_ms or now_ms()
        with self.engine.begin() as conn:
            if attempt:
                conn.execute(
                    attempts.update()
                    .where(attempts.c.signal_id == signal_id, attempts.c.attempt == attempt)
                    .values(finished_ms=at, outcome=outcome.status, detail=(outcome.reason or "")[:2000])
                )
            done = conn.execute(
                signals.update()
                .where(signals.c.signal_id == signal_id, signals.c.status == PENDING)
                .values(
                    status=outcome.status,
                    result=json.dumps(outcome.result),
                    error_code=outcome.error_code,
                    reason=outcome.reason,
                    executor_ms=outcome.executor_ms,
                    venue_ms=outcome.venue_ms,
                    finished_ms=at,
                    next_attempt_ms=None,
                    updated_ms=at,
                )
            ).rowcount
            if not done:
                return False
            for trade in outcome.trades:
                conn.execute(
                    trades.insert().values(
                        signal_id=signal_id,
                        time_ms=at,
                        venue=trade.venue,
                        symbol=trade.symbol,
                        side=trade.side,
                        quantity=trade.quantity,
                        price=trade.price,
                        order_id=trade.order_id,
                        purpose=trade.purpose,
                    )
                )
            ledger.link_orders(conn, signal_id, outcome.links)
            return True

    def audit(self, actor: str, action: str, detail: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                audit.insert().values(time_ms=now_ms(), actor=actor, action=action, detail=detail[:2000])
            )

    def record_switch(self, enabled: bool, actor: str, reason: str, detail: str) -> dict[str, Any]:
        """A change of the kill switch and its audit line, in one transaction; the row written."""
        row: dict[str, Any] = {
            "time_ms": now_ms(),
            "enabled": enabled,
            "actor": actor[:64],
            "reason": reason[:2000],
        }
        with self.engine.begin() as conn:
            conn.execute(switch_changes.insert().values(**row))
            conn.execute(
                audit.insert().values(
                    time_ms=row["time_ms"], actor=actor[:64], action="trading_switch", detail=detail[:2000]
                )
            )
        return row
