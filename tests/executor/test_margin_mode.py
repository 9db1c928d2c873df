"""Margin mode per symbol on both venues: set only when it differs, refused while a position is open."""

from __future__ import annotations

from typing import Any

from common.errors import ErrorClass
from executor.core.model import Action, MarginMode, Outcome, SizeKind, TradeSignal
from tests.executor.conftest import VenueRig


def signal(rig: VenueRig, n: int, action: Action = Action.BUY, **fields: Any) -> TradeSignal:
    return rig.signal(action, signal_id=f"mm-{n}", size=(SizeKind.QUANTITY, "0.01"), **fields)


def test_isolated_is_set_once_then_cached(rig: VenueRig) -> None:
    first = rig.engine.execute(signal(rig, 1, margin_mode=MarginMode.ISOLATED))
    assert first.outcome is Outcome.EXECUTED, first.error
    assert rig.account.isolated.get("BTC-USDT", False)
    assert rig.adapter.margin_mode(rig.adapter.rules("BTC-USDT").venue_symbol) is MarginMode.ISOLATED
    rig.reset_requests()
    rig.engine.execute(signal(rig, 2, margin_mode=MarginMode.ISOLATED))
    assert rig.sent("POST", rig.profile.paths.MARGIN_TYPE) == 0


def test_switching_with_an_open_position_is_refused_with_the_venues_reason(rig: VenueRig) -> None:
    rig.engine.execute(signal(rig, 1))
    result = rig.engine.execute(signal(rig, 2, margin_mode=MarginMode.ISOLATED))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.VENUE_REJECTED
    assert "isolated" in result.error.message and result.error.venue_code
    assert not rig.account.isolated.get("BTC-USDT", False)


def test_closes_and_tests_never_touch_the_margin_mode(rig: VenueRig) -> None:
    rig.engine.execute(signal(rig, 1))
    closed = rig.engine.execute(signal(rig, 2, Action.CLOSE, margin_mode=MarginMode.ISOLATED))
    assert closed.outcome is Outcome.EXECUTED
    tested = rig.engine.execute(signal(rig, 3, margin_mode=MarginMode.ISOLATED, test=True))
    assert tested.outcome is Outcome.EXECUTED
    assert rig.sent("POST", rig.profile.paths.MARGIN_TYPE) == 0
