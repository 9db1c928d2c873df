"""The ledger from async code, on the journal's own threads (gateway/journal/aio.py)."""

from __future__ import annotations

from typing import Any

from gateway.core.keeper import KeeperRecord
from gateway.journal.aio import AsyncJournal
from gateway.journal.ledger import Ledger


class AsyncLedger:
    def __init__(self, journal: AsyncJournal) -> None:
        self.ledger = Ledger(journal.journal.engine)
        self._journal = journal

    async def cursor(self, name: str) -> tuple[str, int]:
        return await self._journal.run(self.ledger.cursor, name)

    async def record(self, name: str, record: KeeperRecord) -> bool:
        return await self._journal.run(self.ledger.record, name, record)

    async def fill(self, venue: str, account: str, trade_id: str) -> dict[str, Any] | None:
        return await self._journal.run(self.ledger.fill, venue, account, trade_id)

    async def fills(self, **filters: Any) -> list[dict[str, Any]]:
        return await self._journal.run(lambda: self.ledger.fills(**filters))

    async def every_fill(self) -> list[dict[str, Any]]:
        return await self._journal.run(lambda: list(self.ledger.every_fill()))
