"""The owner's controls: the kill switch and flatten. Each is journalled, audited and told.

The kill switch lives in the journal (the gateway owns the one database): every change is a
row, the newest is the state, and `TRADING_ENABLED` applies only while there is none. The
executor keeps no database, so the recorded state is handed to it on every (re)connect
(`hand_over`, called by the gateway's connection watch); an executor that has not been told
trades nothing (executor/core/switch.py). A change is recorded first and then pushed: if the
executor cannot be reached, the record stands and is handed over when it comes back.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from common.errors import TvbridgeError
from gateway.core.flatten import FlattenedAccount, scope, summary
from gateway.core.signal import Venue
from gateway.journal.aio import AsyncJournal
from gateway.notify.events import Event
from gateway.notify.sender import Notifier

log = logging.getLogger("gateway.controls")

HISTORY = 20
FLATTEN_REASON = "flatten"


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z" if at is not None else None


@dataclass(frozen=True)
class TradingStatus:
    """The kill switch: as recorded, or as the executor holds it."""

    enabled: bool
    changed_at: datetime | None = None
    actor: str = ""
    reason: str = ""
    awaiting_gateway: bool = False  # the executor's: not yet handed the recorded state

    def view(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "changed_at": _iso(self.changed_at),
            "actor": self.actor,
            "reason": self.reason,
        }


def _from_row(row: dict[str, Any]) -> TradingStatus:
    at = datetime.fromtimestamp(row["time_ms"] / 1000, tz=UTC)
    return TradingStatus(bool(row["enabled"]), at, row["actor"], row["reason"])


class ControlledExecutor(Protocol):
    async def trading_status(self) -> TradingStatus: ...

    async def set_trading(
        self, enabled: bool, actor: str, reason: str, changed_at: datetime | None = None
    ) -> TradingStatus: ...

    async def flatten(self, venue: Venue | None, account: str) -> list[FlattenedAccount]: ...


class Controls:
    def __init__(
        self,
        executor: ControlledExecutor,
        journal: AsyncJournal,
        notifier: Notifier,
        *,
        default_enabled: bool = True,
    ) -> None:
        self.executor = executor
        self.journal = journal
        self.notifier = notifier
        self.default_enabled = default_enabled
        # A hand-over reads the record and pushes it; a change writes and pushes. One at a
        # time, so an older state can never be pushed after a newer one.
        self._switch_lock = asyncio.Lock()

    # -- the kill switch --------------------------------------------------------------------

    async def recorded(self) -> TradingStatus:
        """The journal's state; `TRADING_ENABLED` while nothing has been recorded."""
        rows = await self.journal.switch_history(1)
        if rows:
            return _from_row(rows[0])
        word = "true" if self.default_enabled else "false"
        return TradingStatus(self.default_enabled, None, "config", f"TRADING_ENABLED={word}")

    async def hand_over(self) -> TradingStatus:
        """Give the executor the recorded state (after every (re)connect)."""
        async with self._switch_lock:
            state = await self.recorded()
            held = await self.executor.set_trading(state.enabled, state.actor, state.reason, state.changed_at)
        log.info("trading switch handed to the executor", extra={"enabled": held.enabled})
        return held

    async def trading(self) -> dict[str, Any]:
        """The recorded state, its history (newest first) and what the executor holds."""
        rows = await self.journal.switch_history(HISTORY)
        state = _from_row(rows[0]) if rows else await self.recorded()
        view = state.view()
        view["recorded"] = bool(rows)
        view["history"] = [_from_row(r).view() for r in rows]
        try:
            held = await self.executor.trading_status()
        except TvbridgeError as exc:
            view["executor"] = {"error": {"code": exc.error_class.value, "message": exc.message}}
        else:
            view["executor"] = {
                "enabled": held.enabled,
                "awaiting_gateway": held.awaiting_gateway,
                "in_sync": held.enabled == state.enabled and not held.awaiting_gateway,
            }
        return view

    async def set_trading(self, enabled: bool, actor: str, reason: str) -> dict[str, Any]:
        word = "on" if enabled else "off"
        detail = f"trading switched {word}" + (f": {reason}" if reason else "")
        async with self._switch_lock:
            row = await self.journal.record_switch(enabled, actor, reason, detail)
            state = _from_row(row)
            view = state.view()
            try:
                await self.executor.set_trading(enabled, state.actor, reason, state.changed_at)
                view["applied"] = True
            except TvbridgeError as exc:
                # Recorded: the executor gets it on reconnect, and trades nothing before that.
                view["applied"] = False
                view["executor_error"] = {"code": exc.error_class.value, "message": exc.message}
        self.notifier.publish(Event("switch", f"{detail} (by {actor})"))
        log.warning("trading switched %s", word, extra={"actor": actor, "reason": reason})
        return view

    # -- flatten ------------------------------------------------------------------------------

    async def flatten(self, venue: Venue | None, account: str, actor: str) -> dict[str, Any]:
        """Switch trading off, then cancel our open orders and close every position.

        A panic button stops new entries too: with trading left on, the next alert would
        reopen what was just closed. Trading stays off until the owner switches it on.
        Raises TvbridgeError when the executor cannot flatten at all.
        """
        where = scope(venue, account)
        switch = await self.set_trading(False, actor, f"{FLATTEN_REASON} {where}")
        try:
            accounts = await self.executor.flatten(venue, account)
        except TvbridgeError as exc:
            detail = f"flatten {where} failed: {exc.error_class.value}: {exc.message}"
            await self.journal.audit(actor, "flatten", detail)
            self.notifier.publish(Event("flatten", f"{detail} (by {actor})"))
            raise
        detail = f"flatten {where}: {summary(accounts)}"
        await self.journal.audit(actor, "flatten", detail)
        self.notifier.publish(Event("flatten", f"{detail} (by {actor})"))
        log.warning("flattened", extra={"actor": actor, "where": where})
        return {"trading": switch, "accounts": [a.view() for a in accounts], "summary": summary(accounts)}
