"""The venue-neutral trailing rule (simulator/trailing.py), price by price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.trailing import Trail

D = Decimal


def _fires_at(trail: Trail, prices: list[str]) -> str | None:
    for price in prices:
        if trail.step(D(price)):
            return price
    return None


def test_a_sell_trail_waits_for_its_activation_then_follows_the_high() -> None:
    trail = Trail.start("SELL", D("100"), activation=D("102"), rate=D("0.01"))
    # A 2 % dip before activation is not a callback; from 102 the high is 105, the level 103.95.
    assert _fires_at(trail, ["98", "101", "102", "105", "104", "103.96", "103.95"]) == "103.95"
    assert (trail.best, trail.trigger_price()) == (D("105"), D("103.95"))


def test_a_buy_trail_by_distance_follows_the_low_from_the_price_at_placement() -> None:
    trail = Trail.start("BUY", D("100"), distance=D("2"))
    assert trail.started and trail.trigger_price() == D("102")
    assert _fires_at(trail, ["99", "95", "96.9", "97"]) == "97"


def test_a_trail_has_a_rate_or_a_distance() -> None:
    with pytest.raises(ValueError):
        Trail.start("SELL", D("100"))
    with pytest.raises(ValueError):
        Trail.start("SELL", D("100"), rate=D("0.01"), distance=D("1"))
