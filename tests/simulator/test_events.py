"""The exchange's event bus: every listener hears every event in the order events happened,
even when a listener publishes while one is being delivered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.events import AccountUpdate, Event, EventBus


def account(n: int) -> AccountUpdate:
    return AccountUpdate("key", "USDT", Decimal(n), (), n)


def test_an_event_published_by_a_listener_follows_the_one_being_delivered() -> None:
    bus = EventBus()
    heard: dict[str, list[int]] = {"first": [], "second": []}

    def first(event: Event) -> None:
        assert isinstance(event, AccountUpdate)
        heard["first"].append(event.time_ms)
        if event.time_ms == 1:
            bus.publish(account(2))  # e.g. a trigger book finishing on its order's fill

    def second(event: Event) -> None:
        assert isinstance(event, AccountUpdate)
        heard["second"].append(event.time_ms)

    bus.subscribe(first)
    bus.subscribe(second)
    bus.publish(account(1))
    bus.publish(account(3))
    assert heard == {"first": [1, 2, 3], "second": [1, 2, 3]}


def test_a_failing_listener_leaves_nothing_half_delivered() -> None:
    bus = EventBus()
    heard: list[int] = []

    def fails_once(event: Event) -> None:
        assert isinstance(event, AccountUpdate)
        if event.time_ms == 1:
            bus.publish(account(2))
            raise RuntimeError("listener bug")
        heard.append(event.time_ms)

    bus.subscribe(fails_once)
    with pytest.raises(RuntimeError):
        bus.publish(account(1))
    bus.publish(account(3))
    assert heard == [3]
