"""Fixtures for scenarios that must hold on both venues alike."""

from __future__ import annotations

import pytest

from executor.core.engine import ExecutionEngine
from executor.core.model import Venue
from executor.core.ports import VenueAdapter


@pytest.fixture(params=[Venue.BINGX, Venue.BINANCE], ids=["bingx", "binance"])
def venue_engine(request: pytest.FixtureRequest) -> tuple[Venue, VenueAdapter, ExecutionEngine]:
    """An engine on one venue's adapter against the simulator, once per venue."""
    venue: Venue = request.param
    adapter: VenueAdapter = request.getfixturevalue("bingx" if venue is Venue.BINGX else "binance")
    return venue, adapter, ExecutionEngine({(venue, "default"): adapter})
