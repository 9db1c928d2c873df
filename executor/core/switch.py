"""The trading on/off switch (kill switch)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class SwitchState:
    enabled: bool
    changed_at: datetime
    actor: str
    reason: str


class TradingSwitch:
    def __init__(self, enabled: bool = True) -> None:
        self._lock = threading.Lock()
        self._state = SwitchState(enabled, datetime.now(UTC), "startup", "")

    @property
    def state(self) -> SwitchState:
        return self._state

    @property
    def enabled(self) -> bool:
        return self._state.enabled

    def set(self, enabled: bool, actor: str, reason: str) -> SwitchState:
        with self._lock:
            self._state = SwitchState(enabled, datetime.now(UTC), actor or "unknown", reason)
            return self._state
