"""The owner's controls: each one changes the executor, is audited in the journal, and is told."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from gateway.journal.aio import AsyncJournal
from gateway.notify.events import Event
from gateway.notify.sender import Notifier
from tvbridge.executor.v1 import executor_pb2 as pb

log = logging.getLogger("gateway.controls")


class SwitchExecutor(Protocol):
    async def trading_status(self) -> pb.TradingStatus: ...

    async def set_trading(self, enabled: bool, actor: str, reason: str) -> pb.TradingStatus: ...


def status_dict(status: pb.TradingStatus) -> dict[str, Any]:
    changed = status.changed_at.ToDatetime().isoformat() + "Z" if status.HasField("changed_at") else None
    return {"enabled": status.enabled, "changed_at": changed, "actor": status.actor, "reason": status.reason}


class Controls:
    def __init__(self, executor: SwitchExecutor, journal: AsyncJournal, notifier: Notifier) -> None:
        self.executor = executor
        self.journal = journal
        self.notifier = notifier

    async def trading(self) -> dict[str, Any]:
        return status_dict(await self.executor.trading_status())

    async def set_trading(self, enabled: bool, actor: str, reason: str) -> dict[str, Any]:
        status = await self.executor.set_trading(enabled, actor, reason)
        word = "on" if enabled else "off"
        detail = f"trading switched {word}" + (f": {reason}" if reason else "")
        await self.journal.audit(actor, "trading_switch", detail)
        self.notifier.publish(Event("switch", f"{detail} (by {actor})"))
        log.warning("trading switched %s", word, extra={"actor": actor, "reason": reason})
        return status_dict(status)
