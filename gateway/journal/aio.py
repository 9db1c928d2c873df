"""The journal from async code: calls run on the journal's own threads, never on the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from gateway.journal.records import Admission, NewSignal, Outcome
from gateway.journal.store import Journal

T = TypeVar("T")


class AsyncJournal:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        # SQLite takes one writer at a time anyway; a server can take a few.
        workers = 4 if journal.engine.dialect.name == "postgresql" else 1
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="journal")

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Other journal work (the ledger's, gateway/journal/ledger_aio.py) on the same threads."""
        return await self._run(fn, *args)

    async def admit(self, new: NewSignal) -> Admission:
        return await self._run(self.journal.admit, new)

    async def begin_attempt(self, signal_id: str) -> int:
        return await self._run(self.journal.begin_attempt, signal_id)

    async def end_attempt(self, signal_id: str, number: int, outcome: str, detail: str = "") -> None:
        await self._run(self.journal.end_attempt, signal_id, number, outcome, detail)

    async def retry_later(self, signal_id: str, next_attempt_ms: int, reason: str) -> None:
        await self._run(self.journal.retry_later, signal_id, next_attempt_ms, reason)

    async def finish(self, signal_id: str, outcome: Outcome, attempt: int = 0) -> bool:
        return await self._run(self.journal.finish, signal_id, outcome, attempt)

    async def get(self, signal_id: str) -> dict[str, Any] | None:
        return await self._run(self.journal.get, signal_id)

    async def pending(self) -> list[dict[str, Any]]:
        return await self._run(self.journal.pending)

    async def audit(self, actor: str, action: str, detail: str) -> None:
        await self._run(self.journal.audit, actor, action, detail)

    async def backlog(self) -> tuple[int, int | None]:
        return await self._run(self.journal.backlog)

    async def recent(self, **filters: Any) -> list[dict[str, Any]]:
        return await self._run(lambda: self.journal.recent(**filters))

    async def executed_since(self, since_ms: int) -> list[dict[str, Any]]:
        return await self._run(self.journal.executed_since, since_ms)

    async def last_by_strategy(self) -> list[dict[str, Any]]:
        return await self._run(self.journal.last_by_strategy)

    async def counts_since(self, since_ms: int) -> dict[str, int]:
        return await self._run(self.journal.counts_since, since_ms)

    async def audit_trail(self, limit: int = 100) -> list[dict[str, Any]]:
        return await self._run(self.journal.audit_trail, limit)

    async def record_switch(self, enabled: bool, actor: str, reason: str, detail: str) -> dict[str, Any]:
        return await self._run(self.journal.record_switch, enabled, actor, reason, detail)

    async def switch_history(self, limit: int = 50) -> list[dict[str, Any]]:
        return await self._run(self.journal.switch_history, limit)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.journal.close()
