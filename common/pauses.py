"""Risk pauses: what each is, how long it lasts, and which are in force.

A daily-loss or losing-streak breach pauses an account (or one strategy on it) until the next
UTC day, or until the owner resumes it. The owner may pause one too (`OWNER_PAUSED`, from
Telegram or the API): that lasts until resumed, with no day end. Either refuses entries only.
The executor pauses at once and tells the gateway (the keeper's news); the gateway journals
each pause and each resume as an event and hands them back on every (re)connect, as it does the
kill switch. Both read the events the same way (`in_force`): a resume lifts every pause of its
scope that began at or before it, so a pause that reaches the journal after the owner's resume
(its news was in flight) stays lifted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

DAY_MS = 86_400_000
# How far back the gateway hands events over: a limit's pause lasts at most until the next UTC
# day. An owner's pause has no end, so one still standing is handed over however old it is.
HAND_OVER_MS = 2 * DAY_MS


class PauseChange(StrEnum):
    PAUSED = "paused"  # by a limit, until the next UTC day
    RESUMED = "resumed"
    OWNER_PAUSED = "owner_paused"  # by the owner, until resumed


@dataclass(frozen=True)
class PauseEvent:
    change: PauseChange
    venue: str
    account: str
    strategy: str  # "" for the whole account
    time_ms: int  # when it paused, or when the owner resumed
    until_ms: int = 0  # a limit's pause's end: the next UTC midnight; 0 for the others
    limit: str = ""  # the setting breached (RISK_MAX_DAILY_LOSS_USDT, ...); "" for the owner's
    reason: str = ""  # the figures, as the refusal quoted them
    actor: str = ""  # who paused or resumed; "executor" for a limit's pause

    @property
    def scope(self) -> tuple[str, str, str]:
        return (self.venue, self.account, self.strategy)

    @property
    def where(self) -> str:
        return f"{self.venue}/{self.account}" + (f" strategy {self.strategy}" if self.strategy else "")

    def holds_at(self, now_ms: int) -> bool:
        """A pause not yet at its end (an owner's has none); never a resume."""
        if self.change is PauseChange.OWNER_PAUSED:
            return True
        return self.change is PauseChange.PAUSED and self.until_ms > now_ms

    def describe(self) -> str:
        if self.change is PauseChange.RESUMED:
            return f"{self.where} resumed by {self.actor or 'the owner'}"
        if self.change is PauseChange.OWNER_PAUSED:
            return f"{self.where} paused by {self.actor or 'the owner'} until resumed"
        return f"{self.where} paused until {iso_ms(self.until_ms)}: {self.reason}"


def next_utc_day(time_ms: int) -> int:
    """The first millisecond of the UTC day after the one `time_ms` falls in."""
    return (time_ms // DAY_MS + 1) * DAY_MS


def day_of(time_ms: int) -> int:
    """The UTC day `time_ms` falls in, as days since 1970-01-01."""
    return time_ms // DAY_MS


def in_force(events: Iterable[PauseEvent], now_ms: int) -> list[PauseEvent]:
    """The pauses still holding at `now_ms`: not expired, and begun after their scope's latest
    resume. The newest pause of each kind per scope (a limit's and the owner's may both hold);
    oldest first."""
    resumed: dict[tuple[str, str, str], int] = {}
    pauses: dict[tuple[tuple[str, str, str], PauseChange], PauseEvent] = {}
    for event in events:
        if event.change is PauseChange.RESUMED:
            resumed[event.scope] = max(resumed.get(event.scope, 0), event.time_ms)
        elif event.holds_at(now_ms):
            known = pauses.get((event.scope, event.change))
            if known is None or event.time_ms > known.time_ms:
                pauses[(event.scope, event.change)] = event
    held = [p for p in pauses.values() if p.time_ms > resumed.get(p.scope, -1)]
    return sorted(held, key=lambda p: (p.time_ms, p.scope, p.change))


def iso_ms(time_ms: int) -> str:
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=time_ms)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
