"""Risk pauses, the gateway's side: the journal holds them, the executor enforces them.

The executor pauses an account (or a strategy) the moment a daily-loss or losing-streak limit
is breached and reports it as the keeper's news; the keeper feed journals it with that news
(gateway/journal/pauses.py) and notifies. The owner may pause one too, until resumed. The
journal's recent events (and the owner's pauses still standing) are handed to the executor on
every (re)connect, before the kill switch (an executor that has the switch must already know
its pauses), and an owner's pause or resume is journalled first, then pushed: if the executor
cannot be reached, the record stands and goes over on reconnect.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

from common.errors import TvbridgeError
from common.pauses import HAND_OVER_MS, PauseChange, PauseEvent, in_force
from gateway.journal import pauses
from gateway.journal.aio import AsyncJournal
from gateway.journal.records import now_ms
from gateway.notify.events import Event
from gateway.notify.sender import Notifier

log = logging.getLogger("gateway.risk_pauses")


class PausingExecutor(Protocol):
    async def sync_risk_pauses(self, events: list[PauseEvent]) -> list[PauseEvent]: ...


def view(pause: PauseEvent) -> dict[str, Any]:
    """`by`: "limit" (until `until_ms` or a resume) or "owner" (until resumed; `until_ms` 0)."""
    return {
        "venue": pause.venue,
        "account": pause.account,
        "strategy": pause.strategy,
        "by": "owner" if pause.change is PauseChange.OWNER_PAUSED else "limit",
        "limit": pause.limit,
        "reason": pause.reason,
        "actor": pause.actor,
        "paused_ms": pause.time_ms,
        "until_ms": pause.until_ms,
    }


class RiskPauses:
    def __init__(
        self,
        executor: PausingExecutor,
        journal: AsyncJournal,
        notifier: Notifier,
        *,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.executor = executor
        self.journal = journal
        self.notifier = notifier
        self.clock = clock
        self._lock = asyncio.Lock()

    async def events(self) -> list[PauseEvent]:
        since = self.clock() - HAND_OVER_MS
        engine = self.journal.journal.engine
        return await self.journal.read(pauses.hand_over_events, engine, since)

    async def recorded(self) -> list[PauseEvent]:
        """The pauses in force, as the journal has them."""
        return in_force(await self.events(), self.clock())

    async def hand_over(self) -> list[PauseEvent]:
        """Give the executor the journal's recent pauses and resumes (after every (re)connect)."""
        async with self._lock:
            held = await self.executor.sync_risk_pauses(await self.events())
        log.info("risk pauses handed to the executor", extra={"held": len(held)})
        return held

    async def status(self) -> dict[str, Any]:
        """The pauses in force as recorded, and as the executor holds them."""
        answer: dict[str, Any] = {"pauses": [view(p) for p in await self.recorded()]}
        try:
            held = await self.executor.sync_risk_pauses([])
        except TvbridgeError as exc:
            answer["executor"] = {"error": {"code": exc.error_class.value, "message": exc.message}}
        else:
            answer["executor"] = {"pauses": [view(p) for p in held]}
        return answer

    async def pause(self, venue: str, account: str, strategy: str, actor: str) -> dict[str, Any]:
        """The owner pauses entries on an account (or one strategy on it) until resumed,
        journalled and audited."""
        return await self._owner_change(PauseChange.OWNER_PAUSED, venue, account, strategy, actor)

    async def resume(self, venue: str, account: str, strategy: str, actor: str) -> dict[str, Any]:
        """Lift the pauses of an account (or of one strategy on it), journalled and audited."""
        return await self._owner_change(PauseChange.RESUMED, venue, account, strategy, actor)

    async def _owner_change(
        self, change: PauseChange, venue: str, account: str, strategy: str, actor: str
    ) -> dict[str, Any]:
        strategy = strategy.lower()
        async with self._lock:
            event = await self.journal.write(
                lambda conn: pauses.owner_change_in(conn, change, venue, account, strategy, actor)
            )
            answer: dict[str, Any] = {"resumed" if change is PauseChange.RESUMED else "paused": view(event)}
            try:
                held = await self.executor.sync_risk_pauses([event])
                answer["applied"] = True
                answer["executor"] = {"pauses": [view(p) for p in held]}
            except TvbridgeError as exc:
                # Recorded: the executor gets it with the hand-over when it is back.
                answer["applied"] = False
                answer["executor_error"] = {"code": exc.error_class.value, "message": exc.message}
        kind = "risk_resume" if change is PauseChange.RESUMED else "owner_pause"
        self.notifier.publish(Event(kind, event.describe()))
        log.warning(event.describe(), extra={"venue": venue, "account": account, "strategy": strategy})
        answer["pauses"] = [view(p) for p in await self.recorded()]
        return answer
