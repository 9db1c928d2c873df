"""Leg planning: which orders a signal places, and the tags a redelivery looks for."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import ErrorClass, TvbridgeError
from executor.core.legs import Held, client_order_id, plan_legs, possible_legs
from executor.core.model import Action, MarketPosition, OrderPurpose, PositionSide, Side
from tests.conftest import make_signal

D = Decimal
LONG, SHORT, BOTH = PositionSide.LONG, PositionSide.SHORT, PositionSide.BOTH


def shape(legs: object) -> list[tuple[str, str, bool, str, str | None]]:
    return [
        (leg.side.value, leg.position_side.value, leg.reduce_only, leg.purpose.value, str(leg.quantity or ""))
        for leg in legs.legs  # type: ignore[attr-defined]
    ]


def test_an_entry_is_one_leg_whose_position_side_follows_the_mode() -> None:
    buy = make_signal(Action.BUY)
    assert shape(plan_legs(buy, False, Held())) == [("BUY", "BOTH", False, "entry", "")]
    assert shape(plan_legs(buy, True, Held())) == [("BUY", "LONG", False, "entry", "")]
    reduce = make_signal(Action.SELL, reduce_only=True)
    # Only one-way mode says reduce-only; in hedge mode the position side does.
    assert plan_legs(reduce, False, Held()).legs[0].reduce_only
    assert not plan_legs(reduce, True, Held()).legs[0].reduce_only


def test_a_close_takes_what_is_held_on_each_side() -> None:
    close = make_signal(Action.CLOSE, size=None)
    legs = plan_legs(close, True, Held(D("0.02"), D("0.01"))).legs
    assert [(leg.side, leg.position_side, leg.position_qty) for leg in legs] == [
        (Side.SELL, LONG, D("0.02")),
        (Side.BUY, SHORT, D("0.01")),
    ]
    assert all(leg.reduce_only and leg.purpose is OrderPurpose.CLOSE for leg in legs)


def test_a_close_with_nothing_held_names_the_symbol() -> None:
    with pytest.raises(TvbridgeError) as caught:
        plan_legs(make_signal(Action.CLOSE_SHORT, size=None), False, Held(long=D(1)), symbol="BTCUSDT")
    assert caught.value.error_class is ErrorClass.NO_POSITION
    assert caught.value.message == "no open short position in BTCUSDT to close"


def test_a_one_way_target_flips_through_zero_in_one_order() -> None:
    flip = make_signal(Action.SELL, market_position=MarketPosition.SHORT)
    planned = plan_legs(flip, False, Held(long=D("0.01")), D("0.02"))
    assert shape(planned) == [("SELL", "BOTH", False, "entry", "0.03")]
    assert planned.closed == ((BOTH, Side.SELL),)


def test_a_one_way_target_that_shrinks_is_reduce_only() -> None:
    planned = plan_legs(make_signal(market_position=MarketPosition.LONG), False, Held(long=D(3)), D(2))
    assert shape(planned) == [("SELL", "BOTH", True, "close", "1")]
    assert planned.closed == ()


def test_a_hedge_target_moves_each_side_on_its_own() -> None:
    planned = plan_legs(make_signal(market_position=MarketPosition.SHORT), True, Held(long=D(2)), D(1))
    assert shape(planned) == [("SELL", "LONG", True, "close", "2"), ("SELL", "SHORT", False, "entry", "1")]
    assert planned.closed == ((LONG, Side.SELL),)


def test_a_target_already_met_plans_nothing() -> None:
    assert (
        plan_legs(make_signal(market_position=MarketPosition.LONG), False, Held(long=D(2)), D(2)).legs == ()
    )


def test_closed_after_counts_only_whole_closes() -> None:
    planned = plan_legs(make_signal(Action.CLOSE, size=None), False, Held(long=D("0.02")))
    assert planned.closed_after([D("0.01")]) == []
    assert planned.closed_after([D("0.02")]) == [(BOTH, Side.SELL)]


def test_client_order_ids_are_derived_from_signal_and_tag_and_fit_both_venues() -> None:
    cid = client_order_id("tv/odd:id", "entry-BOTH")
    assert cid == client_order_id("tv/odd:id", "entry-BOTH")
    assert cid != client_order_id("tv/odd:id", "close-BOTH")
    assert len(cid) <= 36 and cid.isalnum() and cid.islower()


quantities = st.decimals(min_value=0, max_value=5, places=2)
signals = st.sampled_from(
    [
        make_signal(Action.BUY),
        make_signal(Action.SELL),
        make_signal(Action.BUY, reduce_only=True),
        make_signal(Action.CLOSE, size=None),
        make_signal(Action.CLOSE_LONG, size=None),
        make_signal(Action.CLOSE_SHORT, size=None),
        make_signal(market_position=MarketPosition.LONG),
        make_signal(Action.SELL, market_position=MarketPosition.SHORT),
        make_signal(Action.CLOSE, size=None, market_position=MarketPosition.FLAT),
    ]
)


@settings(max_examples=400, deadline=None)
@given(signal=signals, hedge=st.booleans(), long=quantities, short=quantities, target=quantities)
def test_a_redelivery_looks_for_every_leg_the_first_attempt_could_have_placed(
    signal: object, hedge: bool, long: Decimal, short: Decimal, target: Decimal
) -> None:
    held = Held(long, short) if hedge else Held(max(long - short, D(0)), max(short - long, D(0)))
    try:
        placed = plan_legs(signal, hedge, held, target).legs  # type: ignore[arg-type]
    except TvbridgeError:
        return
    looked_for = {leg.tag for leg in possible_legs(signal, hedge)}  # type: ignore[arg-type]
    assert {leg.tag for leg in placed} <= looked_for
