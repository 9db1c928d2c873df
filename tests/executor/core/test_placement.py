"""Place or recover: an order is placed at most once, whatever answer is lost."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import ErrorClass, TvbridgeError
from executor.core.engine import ExecutionEngine
from executor.core.model import Action, OrderStatus, OrderType, Outcome, PositionSide, Venue
from tests.conftest import make_signal
from tests.support.fake_venue import FakeVenue, lost_answer, rate_limited, unreachable


def engine_on(venue: FakeVenue) -> ExecutionEngine:
    return ExecutionEngine({(Venue.BINANCE, "default"): venue}, rate_limit_wait_s=0.05)


def buy(**fields: object):
    return make_signal(Action.BUY, venue=Venue.BINANCE, **fields)  # type: ignore[arg-type]


def test_a_lost_answer_is_recovered_by_client_id() -> None:
    venue = FakeVenue()
    venue.fail_next("place_order", lost_answer())
    result = engine_on(venue).execute(buy())
    assert result.outcome is Outcome.EXECUTED
    assert result.orders[0].status is OrderStatus.FILLED
    assert len(venue.placed) == 1 and venue.calls["find_order"] == 1


def test_a_request_never_sent_is_not_looked_for_and_is_redelivered() -> None:
    venue = FakeVenue()
    venue.fail_next("place_order", unreachable())
    with pytest.raises(TvbridgeError) as caught:
        engine_on(venue).execute(buy())
    assert caught.value.retryable and caught.value.sent is False
    assert venue.calls["find_order"] == 0 and venue.placed == []


def test_a_lost_answer_for_an_order_the_venue_never_took_is_redelivered() -> None:
    venue = FakeVenue()
    venue.fail_next("place_order", lost_answer())
    venue.fail_next("find_order", lost_answer())
    with pytest.raises(TvbridgeError) as caught:
        engine_on(venue).execute(buy())
    assert caught.value.error_class is ErrorClass.VENUE_UNAVAILABLE


def test_a_short_rate_limit_is_waited_out_once() -> None:
    venue = FakeVenue()
    venue.fail_next("place_order", rate_limited(0.01))
    assert engine_on(venue).execute(buy()).outcome is Outcome.EXECUTED
    assert venue.calls["place_order"] == 2 and len(venue.placed) == 1


def test_a_long_rate_limit_goes_back_for_redelivery() -> None:
    venue = FakeVenue()
    venue.fail_next("place_order", rate_limited(30))
    with pytest.raises(TvbridgeError) as caught:
        engine_on(venue).execute(buy())
    assert caught.value.error_class is ErrorClass.RATE_LIMITED
    assert venue.placed == []


def test_a_restarted_engine_finds_a_resting_order_by_its_duplicate_client_id() -> None:
    venue = FakeVenue()
    limit = buy(order_type=OrderType.LIMIT, price=Decimal("50000"))
    first = engine_on(venue).execute(limit)
    again = engine_on(venue).execute(limit)  # same signal id, attempt 1: the venue says duplicate
    assert again.orders[0].order_id == first.orders[0].order_id
    assert len(venue.placed) == 1


def test_a_redelivery_asks_first_and_places_only_the_missing_guard() -> None:
    venue = FakeVenue()
    venue.fail_next("place_protection", unreachable())
    signal = buy(stop_loss=Decimal("55000"), take_profit=Decimal("70000"))
    first = engine_on(venue).execute(signal)
    assert "UNPROTECTED: the stop-loss at 55000" in first.note or "UNPROTECTED: the take-profit" in first.note
    again = engine_on(venue).execute(signal, attempt=2)
    assert again.outcome is Outcome.EXECUTED and again.note == ""
    assert len(venue.placed) == 1 and len(venue.protections) == 2
    assert sorted(o.purpose.value for o in again.orders) == ["entry", "stop_loss", "take_profit"]


def test_a_redelivery_of_a_close_finds_it_whichever_side_it_closed() -> None:
    venue = FakeVenue(hedge=True)
    venue.hold("-0.02", side=PositionSide.SHORT)
    close = make_signal(Action.CLOSE, venue=Venue.BINANCE, size=None)
    first = engine_on(venue).execute(close)
    again = engine_on(venue).execute(close, attempt=2)
    assert [o.order_id for o in again.orders] == [o.order_id for o in first.orders]
    assert len(venue.placed) == 1


def test_a_stop_that_cannot_be_above_zero_is_refused_before_the_entry() -> None:
    venue = FakeVenue()
    result = engine_on(venue).execute(buy(sl_pct=Decimal("100")))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.message == "a long's sl_pct must be below 100"
    assert venue.placed == []


def test_every_stop_a_signal_asks_for_is_handed_to_the_keeper_placed_or_not() -> None:
    told: list[tuple[str, str, str, str]] = []
    venue = FakeVenue()
    venue.fail_next("place_protection", unreachable())  # the take-profit fails; the stop is placed
    engine = ExecutionEngine(
        {(Venue.BINANCE, "default"): venue},
        on_guarded=lambda where, side, stop, sid: told.append(
            (where.venue_symbol, side.value, stop.kind.value, sid)
        ),
    )
    engine.execute(buy(take_profit=Decimal("70000"), stop_loss=Decimal("55000")))
    assert told == [("BTCUSDT", "BOTH", "stop_loss", "sig-1")]


def test_an_attached_stop_is_handed_to_the_keeper_too() -> None:
    told: list[Decimal | None] = []
    venue = FakeVenue(attaches_protection=True)
    engine = ExecutionEngine(
        {(Venue.BINANCE, "default"): venue},
        on_guarded=lambda where, side, stop, sid: told.append(stop.trigger_price),
    )
    engine.execute(buy(stop_loss=Decimal("55000")))
    assert told == [Decimal("55000")]
