"""Margin mode per symbol on both venues: set only when it differs, refused while a position is open."""

from __future__ import annotations

from typing import Any

import requests

from common.errors import ErrorClass
from executor.core.engine import ExecutionEngine
from executor.core.model import Action, MarginMode, Outcome, SizeKind, TradeSignal, Venue
from executor.core.ports import VenueAdapter
from tests.conftest import make_signal
from tests.support.inproc import RunningSimulator

MARGIN_PATHS = {"POST /openApi/swap/v2/trade/marginType", "POST /fapi/v1/marginType"}


def margin_posts(sim: RunningSimulator) -> int:
    seen: dict[str, int] = requests.get(f"{sim.url}/_sim/requests", timeout=5).json()
    return sum(n for path, n in seen.items() if path in MARGIN_PATHS)


def isolated_on_venue(sim: RunningSimulator, venue: Venue, symbol: str) -> bool:
    account = next(iter(sim.sim.exchanges[venue.value].accounts.values()))
    return account.isolated.get(symbol, False)


def signal(venue: Venue, n: int, action: Action = Action.BUY, **fields: Any) -> TradeSignal:
    size = (SizeKind.QUANTITY, "0.01") if venue is Venue.BINGX else (SizeKind.QUANTITY, "0.002")
    return make_signal(action, signal_id=f"mm-{n}", venue=venue, size=size, **fields)


def test_isolated_is_set_once_then_cached(
    venue_engine: tuple[Venue, VenueAdapter, ExecutionEngine], simulator: RunningSimulator
) -> None:
    venue, adapter, engine = venue_engine
    first = engine.execute(signal(venue, 1, margin_mode=MarginMode.ISOLATED))
    assert first.outcome is Outcome.EXECUTED, first.error
    assert isolated_on_venue(simulator, venue, "BTC-USDT")
    assert adapter.margin_mode(adapter.rules("BTC-USDT").venue_symbol) is MarginMode.ISOLATED
    requests.post(f"{simulator.url}/_sim/requests/reset", timeout=5)
    engine.execute(signal(venue, 2, margin_mode=MarginMode.ISOLATED))
    assert margin_posts(simulator) == 0


def test_switching_with_an_open_position_is_refused_with_the_venues_reason(
    venue_engine: tuple[Venue, VenueAdapter, ExecutionEngine], simulator: RunningSimulator
) -> None:
    venue, _, engine = venue_engine
    engine.execute(signal(venue, 1))
    result = engine.execute(signal(venue, 2, margin_mode=MarginMode.ISOLATED))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.VENUE_REJECTED
    assert "isolated" in result.error.message and result.error.venue_code
    assert not isolated_on_venue(simulator, venue, "BTC-USDT")


def test_closes_and_tests_never_touch_the_margin_mode(
    venue_engine: tuple[Venue, VenueAdapter, ExecutionEngine], simulator: RunningSimulator
) -> None:
    venue, _, engine = venue_engine
    engine.execute(signal(venue, 1))
    closed = engine.execute(signal(venue, 2, Action.CLOSE, margin_mode=MarginMode.ISOLATED))
    assert closed.outcome is Outcome.EXECUTED
    tested = engine.execute(signal(venue, 3, margin_mode=MarginMode.ISOLATED, test=True))
    assert tested.outcome is Outcome.EXECUTED
    assert margin_posts(simulator) == 0
