"""RISK_TRADING_HOURS: the windows as a trader writes them, read in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from executor.core.exposure.hours import parse_hours

# 2026-11-30 is a Monday.
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def test_weekdays_in_the_day() -> None:
    hours = parse_hours("Mon-Fri 07:00-21:00 UTC")
    assert hours is not None
    assert hours.open_at(at(0, 7))  # the start is in
    assert hours.open_at(at(4, 20, 59))
    assert not hours.open_at(at(4, 21))  # the end is out
    assert not hours.open_at(at(0, 6, 59))
    assert not hours.open_at(at(5, 12))  # Saturday


def test_a_window_past_midnight_belongs_to_the_day_it_opens() -> None:
    hours = parse_hours("Sun-Thu 22:00-06:00 UTC")
    assert hours is not None
    assert hours.open_at(at(6, 23))  # Sunday night
    assert hours.open_at(at(0, 5, 59))  # Monday morning, from Sunday's window
    assert not hours.open_at(at(4, 23))  # Friday night opens nothing
    assert hours.open_at(at(4, 3))  # Friday morning ends Thursday's window
    assert not hours.open_at(at(5, 3))


def test_several_windows_lists_of_days_full_names_and_midnight() -> None:
    hours = parse_hours("monday,Wednesday 00:00-24:00; Sat 10:00-12:00 utc")
    assert hours is not None
    assert hours.open_at(at(0, 0)) and hours.open_at(at(0, 23, 59)) and hours.open_at(at(2, 12))
    assert not hours.open_at(at(1, 12))
    assert hours.open_at(at(5, 11)) and not hours.open_at(at(5, 12))


def test_another_zone_is_read_in_utc() -> None:
    hours = parse_hours("Daily 07:00-08:00 UTC")
    assert hours is not None
    tokyo = timezone(timedelta(hours=9))
    assert hours.open_at(datetime(2026, 12, 1, 16, 30, tzinfo=tokyo))  # 07:30 UTC
    assert not hours.open_at(datetime(2026, 12, 1, 7, 30, tzinfo=tokyo))


def test_empty_is_no_limit() -> None:
    assert parse_hours("  ") is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Mon-Fri 07:00-21:00 CET", "only UTC"),
        ("Mon-Fri 7-21", "write days"),
        ("Mon-Fry 07:00-21:00 UTC", "'fry' is no day"),
        ("Mon 25:00-26:00 UTC", "no time of day"),
        ("Mon 08:00-08:00 UTC", "empty"),
        ("Mon 24:00-02:00 UTC", "cannot start at 24:00"),
    ],
)
def test_a_bad_window_is_named(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_hours(text)
