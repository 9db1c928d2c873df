"""The ledger from async code: its writes on the journal's writer, in the same transactions as
the journal's own (gateway/journal/aio.py), its reads on the journal's read threads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gateway.core.fills import FillFilter
from gateway.core.keeper import KeeperRecord
from gateway.journal.aio import AsyncJournal
from gateway.journal.ledger import Ledger


class AsyncLedger:
    def __init__(self, journal: AsyncJournal) -> None:
        self.ledger = Ledger(journal.journal.engine)
        self._journal = journal

    async def cursor(self, name: str) -> tuple[str, int]:
        return await self._journal.read(self.ledger.cursor, name)

    async def record(self, name: str, records: Sequence[KeeperRecord]) -> list[int | None]:
        """Records that came together, written together (Ledger.record_in)."""
        return await self._journal.write(lambda conn: self.ledger.record_in(conn, name, records))

    async def fills_by_id(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Read right after the feed's own write of them."""
        return await self._journal.read_now(self.ledger.fills_by_id, ids)

    async def fills(
        self, filters: FillFilter | None = None, *, limit: int | None = 100, oldest_first: bool = False
    ) -> list[dict[str, Any]]:
        return await self._journal.read(
            lambda: self.ledger.fills(filters, limit=limit, oldest_first=oldest_first)
        )

    async def analytics(self, filters: FillFilter, points: int | None = None) -> dict[str, Any]:
        """Figured on the read thread too: the walk over the history is the work."""
        return await self._journal.read(lambda: self.ledger.analytics(filters, points))

    async def every_fill(self) -> list[dict[str, Any]]:
        return await self._journal.read(lambda: list(self.ledger.every_fill()))
