"""The journal from async code: calls run on the journal's own threads, never on the event loop.

Writes go to the one writer thread, which commits what queues together as one transaction
(gateway/journal/writer.py), in the order they were asked for. Reads run on a small pool beside
it, each after the writes asked for before it are committed: the dispatcher answers a webhook
before it asks for the outcome's write, and whoever reads the signal after that answer must
find the outcome.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from gateway.journal.records import Admission, NewSignal, Outcome
from gateway.journal.store import Journal
from gateway.journal.writer import GroupWriter

T = TypeVar("T")


class AsyncJournal:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._writer = GroupWriter(journal.engine)
        # Reads only: WAL lets them run beside the writer's transaction.
        workers = 4 if journal.engine.dialect.name == "postgresql" else 2
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="journal-read")

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn` on a read thread, after the writes asked for before it (the ledger's reads come
        here too, gateway/journal/ledger_aio.py)."""
        await self._writer.barrier()
        return await self.read_now(fn, *args)

    async def read_now(self, fn: Callable[..., T], *args: Any) -> T:
        """A read that need not wait for others' writes: its caller's own are committed."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def write(
        self, step: Callable[[Connection], T], rescue: Callable[[BaseException], T] | None = None
    ) -> T:
        """Other writes (the ledger's): `step` in the writer's next transaction, after every
        write asked for before it."""
        return await self._writer.write(step, rescue)

    async def admit(self, new: NewSignal) -> Admission:
        journal = self.journal
        return await self._writer.write(
            lambda conn: journal.admit_in(conn, new), lambda error: journal.admitted_elsewhere(new, error)
        )

    async def begin_attempt(self, signal_id: str) -> int:
        return await self._writer.write(lambda conn: self.journal.begin_attempt_in(conn, signal_id))

    async def end_attempt(
        self, signal_id: str, number: int, outcome: str, detail: str = "", *, retry_at_ms: int | None = None
    ) -> None:
        """With `retry_at_ms`, the redelivery is scheduled (the detail its reason) in the same commit."""

        def step(conn: Connection) -> None:
            self.journal.end_attempt_in(conn, signal_id, number, outcome, detail)
            if retry_at_ms is not None:
                self.journal.retry_later_in(conn, signal_id, retry_at_ms, detail)

        await self._writer.write(step)

    async def retry_later(self, signal_id: str, next_attempt_ms: int, reason: str) -> None:
        await self._writer.write(
            lambda conn: self.journal.retry_later_in(conn, signal_id, next_attempt_ms, reason)
        )

    async def finish(self, signal_id: str, outcome: Outcome, attempt: int = 0) -> bool:
        return await self._writer.write(
            lambda conn: self.journal.finish_in(conn, signal_id, outcome, attempt)
        )

    async def get(self, signal_id: str) -> dict[str, Any] | None:
        return await self.read(self.journal.get, signal_id)

    async def pending(self) -> list[dict[str, Any]]:
        return await self.read(self.journal.pending)

    async def audit(self, actor: str, action: str, detail: str) -> None:
        await self._writer.write(lambda conn: self.journal.audit_in(conn, actor, action, detail))

    async def backlog(self) -> tuple[int, int | None]:
        return await self.read(self.journal.backlog)

    async def recent(self, **filters: Any) -> list[dict[str, Any]]:
        return await self.read(lambda: self.journal.recent(**filters))

    async def executed_since(self, since_ms: int) -> list[dict[str, Any]]:
        return await self.read(self.journal.executed_since, since_ms)

    async def last_by_strategy(self) -> list[dict[str, Any]]:
        return await self.read(self.journal.last_by_strategy)

    async def counts_since(self, since_ms: int) -> dict[str, int]:
        return await self.read(self.journal.counts_since, since_ms)

    async def audit_trail(self, limit: int = 100) -> list[dict[str, Any]]:
        return await self.read(self.journal.audit_trail, limit)

    async def record_switch(self, enabled: bool, actor: str, reason: str, detail: str) -> dict[str, Any]:
        return await self._writer.write(
            lambda conn: self.journal.record_switch_in(conn, enabled, actor, reason, detail)
        )

    async def switch_history(self, limit: int = 50) -> list[dict[str, Any]]:
        return await self.read(self.journal.switch_history, limit)

    def close(self) -> None:
        self._writer.close()
        self._pool.shutdown(wait=True)
        self.journal.close()
