"""The owner's controls: each one changes the executor, is audited in the journal, and is told."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from gateway.journal.aio import AsyncJournal
from gateway.notify.events import Event
from gateway.notify.sender import Notifier

log = logging.getLogger("gateway.controls")


@dataclass(frozen=True)
class TradingStatus:
    """The executor's kill switch."""

    enabled: bool
    changed_at: datetime | None = None
    actor: str = ""
    reason: str = ""

    def view(self) -> dict[str, Any]:
        changed = None
        if self.changed_at is not None:
            changed = self.changed_at.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"
        return {"enabled": self.enabled, "changed_at": changed, "actor": self.actor, "reason": self.reason}


class SwitchExecutor(Protocol):
    async def trading_status(self) -> TradingStatus: ...

    async def set_trading(self, enabled: bool, actor: str, reason: str) -> TradingStatus: ...


class Controls:
    def __init__(self, executor: SwitchExecutor, journal: AsyncJournal, notifier: Notifier) -> None:
        self.executor = executor
        self.journal = journal
        self.notifier = notifier

    async def trading(self) -> dict[str, Any]:
        return (await self.executor.trading_status()).view()

    async def set_trading(self, enabled: bool, actor: str, reason: str) -> dict[str, Any]:
        status = await self.executor.set_trading(enabled, actor, reason)
        word = "on" if enabled else "off"
        detail = f"trading switched {word}" + (f": {reason}" if reason else "")
        await self.journal.audit(actor, "trading_switch", detail)
        self.notifier.publish(Event("switch", f"{detail} (by {actor})"))
        log.warning("trading switched %s", word, extra={"actor": actor, "reason": reason})
        return status.view()
