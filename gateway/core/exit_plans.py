"""Handing exit plans back to the executor on every (re)connect, as the kill switch is.

The executor keeps no database: a restart forgets the exit plans of open positions (a ladder's
stop to shrink as its take-profits fill, a stop to move to break-even, a trail to start, a limit
entry's exits to place once it fills). The journal holds every signal and its answer, so the
gateway hands back the newest entry with exit terms per (venue, account, symbol, direction) from
the last `RESUME_DAYS`; the executor takes up each whose position still stands.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from common.ladder import follows_fills
from common.trading import Action, OrderType
from gateway.core.execution import Order
from gateway.core.signal import Signal
from gateway.journal import signal_json

log = logging.getLogger("gateway.exit_plans")

RESUME_DAYS = 7  # an entry older than this hands back nothing: its plan is the trader's to renew


class Resumes(Protocol):
    async def resume_exits(
        self, sources: list[tuple[Signal, list[Order]]]
    ) -> list[tuple[str, bool, str]]: ...


class ReadsExecuted(Protocol):
    async def executed_since(self, since_ms: int) -> list[dict[str, Any]]: ...


def has_exit_plan(signal: Signal) -> bool:
    """Terms only the executor's memory follows after the entry, or may: levels on a limit entry
    (placed once it fills where the venue cannot arm them; the executor decides, per venue)."""
    if follows_fills(signal):
        return True
    levels = (signal.take_profit, signal.tp_pct, signal.stop_loss, signal.sl_pct, signal.trailing_pct)
    return signal.order_type is OrderType.LIMIT and any(v is not None for v in levels)


def sources(rows: list[dict[str, Any]]) -> list[tuple[Signal, list[Order]]]:
    """The newest entry with an exit plan per (venue, account, symbol, direction), oldest first."""
    newest: dict[tuple[str, str, str, str], tuple[Signal, list[Order]]] = {}
    for row in rows:
        if not row.get("normalized") or not row.get("result"):
            continue
        try:
            signal = signal_json.loads(row["normalized"])
            answer = json.loads(row["result"])
        except (ValueError, KeyError) as exc:
            log.warning(
                "journalled signal not read", extra={"signal_id": row.get("signal_id"), "reason": str(exc)}
            )
            continue
        if signal.action not in (Action.BUY, Action.SELL) or not has_exit_plan(signal):
            continue
        orders = [Order.read(o) for o in answer.get("orders", [])]
        key = (signal.venue.value, signal.account, signal.symbol, signal.action.value)
        newest.pop(key, None)  # re-inserted last: the dict keeps the order they came in
        newest[key] = (signal, orders)
    return list(newest.values())


class ExitHandBack:
    def __init__(
        self, journal: ReadsExecuted, executor: Resumes, clock: Callable[[], float] = time.time
    ) -> None:
        self.journal = journal
        self.executor = executor
        self._clock = clock

    async def hand_back(self) -> list[tuple[str, bool, str]]:
        """Hand the executor every recent plan; what it made of each, logged with the signal id."""
        since_ms = int((self._clock() - RESUME_DAYS * 86_400) * 1000)
        found = sources(await self.journal.executed_since(since_ms))
        if not found:
            return []
        results = await self.executor.resume_exits(found)
        for signal_id, resumed, note in results:
            log.info(
                "exit plan handed back", extra={"signal_id": signal_id, "resumed": resumed, "note": note}
            )
        return results
