"""The trading on/off switch (kill switch).

The executor keeps no database: the gateway journals the switch and hands its recorded state
over on every (re)connect. A switch made with `awaiting_gateway()` (what the server starts
with) trades nothing until that hand-over: an executor restarted alone must not trade on a
default that may contradict what the owner recorded. Meanwhile signals are refused as a
condition to retry (EXECUTOR_UNAVAILABLE, not TRADING_DISABLED), so a signal arriving in
that window is redelivered once the state is known, never wrongly rejected or traded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from common.errors import ErrorClass, TvbridgeError


@dataclass(frozen=True)
class SwitchState:
    enabled: bool
    changed_at: datetime
    actor: str
    reason: str
    awaiting_gateway: bool = False


class TradingSwitch:
    def __init__(self, enabled: bool = True) -> None:
        self._lock = threading.Lock()
        self._state = SwitchState(enabled, datetime.now(UTC), "startup", "")

    @classmethod
    def awaiting_gateway(cls) -> TradingSwitch:
        """Off, and saying so, until the gateway hands over the recorded state."""
        switch = cls(False)
        switch._state = SwitchState(
            False, datetime.now(UTC), "startup", "waiting for the gateway's recorded state", True
        )
        return switch

    @property
    def state(self) -> SwitchState:
        return self._state

    @property
    def enabled(self) -> bool:
        return self._state.enabled

    def check(self) -> None:
        """Raise unless a signal may trade now."""
        state = self._state
        if state.awaiting_gateway:
            raise TvbridgeError(
                ErrorClass.EXECUTOR_UNAVAILABLE,
                "the executor has not yet been handed the trading switch's recorded state",
            )
        if not state.enabled:
            raise TvbridgeError(ErrorClass.TRADING_DISABLED, "trading is switched off")

    def set(self, enabled: bool, actor: str, reason: str, changed_at: datetime | None = None) -> SwitchState:
        with self._lock:
            when = changed_at or datetime.now(UTC)
            self._state = SwitchState(enabled, when, actor or "unknown", reason)
            return self._state
