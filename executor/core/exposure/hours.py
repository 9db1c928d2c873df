"""Trading hours (`RISK_TRADING_HOURS`): the UTC windows in which entries may open.

Written `Mon-Fri 07:00-21:00 UTC`: days (one, a range such as `Mon-Fri` or `Sun-Thu`, a list
such as `Mon,Wed,Fri`, or `Daily`), then a time range, then `UTC` (the only zone: a trader's
local zone would move under daylight saving, an exchange's day does not). Several windows are
separated by `;`. A window whose end is before its start runs past midnight into the next day
(`Sun-Thu 22:00-06:00 UTC` opens Sunday night), and `24:00` ends a window at midnight. The
days name the day a window opens on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MINUTES_A_DAY = 24 * 60
_WINDOW = re.compile(
    r"^(?P<days>[a-z,\-]+)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})(?:\s+(?P<zone>\S+))?$"
)


@dataclass(frozen=True)
class Window:
    days: frozenset[int]  # Monday is 0, as datetime.weekday() counts
    start: int  # minutes after midnight
    end: int  # minutes after midnight; at or before `start`: the next day's

    def contains(self, weekday: int, minute: int) -> bool:
        if self.start < self.end:
            return weekday in self.days and self.start <= minute < self.end
        # Past midnight: the evening part opens on a named day, the morning part ends the day after.
        return (weekday in self.days and minute >= self.start) or (
            (weekday - 1) % 7 in self.days and minute < self.end
        )


@dataclass(frozen=True)
class TradingHours:
    text: str  # as the owner wrote it, for refusals
    windows: tuple[Window, ...]

    def open_at(self, when: datetime) -> bool:
        utc = when.astimezone(UTC)
        minute = utc.hour * 60 + utc.minute
        return any(w.contains(utc.weekday(), minute) for w in self.windows)


def parse_hours(text: str) -> TradingHours | None:
    """The windows `text` names; None for an empty text (no limit). Raises ValueError naming
    what is wrong."""
    if not text.strip():
        return None
    windows = tuple(_window(part.strip()) for part in text.split(";") if part.strip())
    return TradingHours(text.strip(), windows)


def _window(text: str) -> Window:
    found = _WINDOW.match(text.lower())
    if found is None:
        raise ValueError(f"trading hours {text!r}: write days, then HH:MM-HH:MM, then UTC")
    zone = found["zone"]
    if zone is not None and zone not in ("utc", "z", "gmt"):
        raise ValueError(f"trading hours {text!r}: only UTC is understood, not {found['zone']}")
    start, end = _minute(found["start"], text), _minute(found["end"], text)
    if start == MINUTES_A_DAY:
        raise ValueError(f"trading hours {text!r}: a window cannot start at 24:00")
    if start == end:
        raise ValueError(f"trading hours {text!r}: the window is empty")
    return Window(_days(found["days"], text), start, end)


def _minute(text: str, whole: str) -> int:
    hours, minutes = (int(x) for x in text.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(f"trading hours {whole!r}: {text} is no time of day")
    return hours * 60 + minutes


def _days(text: str, whole: str) -> frozenset[int]:
    if text == "daily":
        return frozenset(range(7))
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        a = _day(first, whole)
        b = _day(last, whole) if last else a
        days.update((a + i) % 7 for i in range((b - a) % 7 + 1))
    return frozenset(days)


def _day(text: str, whole: str) -> int:
    word = text.strip()
    for number, day in enumerate(DAYS):
        if len(word) >= 3 and day.startswith(word):
            return number
    raise ValueError(f"trading hours {whole!r}: {text!r} is no day (Mon, Tue, ... Sun)")
