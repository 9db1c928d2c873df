"""The journal store: admission with dedupe, attempts, outcomes and trades, durably committed.

SQLite by default (WAL, synchronous=FULL: a committed signal survives a power cut) or
PostgreSQL through DATABASE_URL. Every method is one transaction; the schema is brought to
the newest migration when the store opens.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from gateway.journal.schema import attempts, audit, dedupe_keys, signals, trades

FINAL = ("executed", "rejected", "failed", "expired")
PENDING = "pending"
FOREVER_MS = 253_402_300_799_000  # 9999-12-31: an explicit id is never reused
MIGRATIONS = Path(__file__).with_name("migrations")


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class NewSignal:
    signal_id: str
    status: str  # pending, or rejected when the gateway refused it
    body: str
    received_ms: int
    venue: str = ""
    account: str = ""
    symbol: str = ""
    action: str = ""
    strategy: str = ""
    test: bool = False
    normalized: str | None = None
    fired_ms: int | None = None
    expires_ms: int | None = None
    dedupe_key: str | None = None
    dedupe_until_ms: int | None = None
    # Count attempt 1 in the admitting transaction: the executor is connected and the signal
    # goes out next, so the commit that numbers the attempt is saved from the answer's path.
    first_attempt: bool = False
    error_code: str | None = None
    reason: str | None = None
    result: dict[str, Any] | None = None


@dataclass(frozen=True)
class Admission:
    new: bool
    row: dict[str, Any]


@dataclass(frozen=True)
class Trade:
    venue: str
    symbol: str
    side: str
    quantity: str
    price: str
    order_id: str
    purpose: str


@dataclass(frozen=True)
class Outcome:
    status: str
    result: dict[str, Any]
    error_code: str | None = None
    reason: str | None = None
    executor_ms: int | None = None
    venue_ms: int | None = None
    trades: list[Trade] = field(default_factory=list)
    finished_ms: int | None = None  # when it was decided; now by default


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 10})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)


class Journal:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = open_engine(url)
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
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

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
            return True

    def audit(self, actor: str, action: str, detail: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                audit.insert().values(time_ms=now_ms(), actor=actor, action=action, detail=detail[:2000])
            )

    def audit_trail(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(audit).order_by(audit.c.id.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]

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
        row = conn.execute(sa.select(signals).where(signals.c.signal_id == signal_id)).first()
        return dict(row._mapping) if row is not None else None
