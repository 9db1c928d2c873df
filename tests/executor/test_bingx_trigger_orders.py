"""BingX's trigger orders as its docs describe them (docs/venues/bingx.md 5.8), against the
simulator over HTTP: no client id kept on a stop or take-profit, so one whose answer was lost is
found by its shape; and stops (apart, take-profits) never totalling more than the position."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from common.errors import ErrorClass, TvbridgeError
from common.trading import NewsKind
from executor.core.events import OrderKind
from executor.core.keeper.keeper import Keeper
from executor.core.keeper.news import News
from executor.core.model import Action, Outcome, PositionSide, Side, SizeKind, Venue
from executor.core.ports import ProtectionKind, ProtectionRequest
from executor.venues.bingx.adapter import BingxAdapter
from tests.executor.conftest import BINGX, VenueRig, on_venues

pytestmark = on_venues(BINGX)

STOP_POST = {"method": "POST", "path": "/openApi/swap/v2/trade/order", "query": {"type": "STOP_MARKET"}}


@pytest.fixture
def slow(rig: VenueRig) -> Iterator[BingxAdapter]:
    """An adapter that gives up on an answer after half a second."""
    adapter = rig.new_adapter(read_timeout_s=0.5)
    adapter.warm()
    assert isinstance(adapter, BingxAdapter)
    yield adapter
    adapter.close()


def stop_answer_lost(rig: VenueRig) -> None:
    """The venue's next stop is placed, and its answer comes two seconds late."""
    rig.set_faults({"kind": "timeout_after_accept", "count": 1, "hold_s": 2, **STOP_POST})


def stops(rig: VenueRig) -> list[tuple[str, Decimal, Decimal | None]]:
    """The resting stop-losses as the venue lists them: (order id, quantity, trigger)."""
    assert isinstance(rig.adapter, BingxAdapter)
    return [
        (o.order_id, o.quantity, o.trigger_price)
        for o in rig.adapter.open_orders(rig.profile.btc)
        if o.kind is OrderKind.STOP_MARKET
    ]


def level(result: Any, purpose: str) -> Any:
    return next(o for o in result.orders if o.purpose == purpose)


# -- no client id on a trigger order ----------------------------------------------------------


def test_a_stop_whose_answer_was_lost_is_found_by_its_shape(rig: VenueRig, slow: BingxAdapter) -> None:
    stop_answer_lost(rig)
    result = rig.engine_on(slow).execute(rig.signal(sl_pct=Decimal("2")))
    assert result.outcome is Outcome.EXECUTED, result.error
    assert result.note == ""  # not reported missing
    [(order_id, quantity, trigger)] = stops(rig)  # and not placed twice
    assert (order_id, quantity, trigger) == (
        level(result, "stop_loss").order_id,
        Decimal("0.01"),
        Decimal("58800"),
    )


def test_when_what_rests_cannot_be_read_no_level_is_sent_blind(rig: VenueRig) -> None:
    # Without that read a lost answer could not be told from a second stop: none is sent.
    rig.set_faults(
        {
            "kind": "venue_error",
            "code": 100500,
            "method": "GET",
            "path": rig.profile.open_protections_path,
            "count": 1,
        }
    )
    result = rig.engine.execute(rig.signal(sl_pct=Decimal("2")))
    assert result.outcome is Outcome.EXECUTED
    assert result.note.startswith("UNPROTECTED: the stop-loss at 58800 was not placed")
    assert stops(rig) == [] and rig.held() == Decimal("0.01")


def test_a_redelivery_finds_the_stop_by_its_shape_and_places_none(rig: VenueRig) -> None:
    signal = rig.signal(tp_pct=Decimal("2"), sl_pct=Decimal("2"))
    first = rig.engine.execute(signal)
    rig.reset_requests()
    again = rig.engine_on().execute(signal, attempt=2)  # a new executor: no memory of the first
    assert again.note == ""
    assert {o.order_id for o in again.orders} == {o.order_id for o in first.orders}
    assert rig.seen().get(f"POST {rig.profile.paths.ORDER}", 0) == 0
    assert len(stops(rig)) == 1


def test_the_keeper_finds_the_stop_it_placed_again_by_its_shape(rig: VenueRig, slow: BingxAdapter) -> None:
    keeper = Keeper([slow], 30.0)  # not started: reconciled by hand
    entry = rig.engine_on(slow, on_guarded=keeper.guarded).execute(rig.signal(stop_loss=Decimal("58000")))
    assert entry.outcome is Outcome.EXECUTED, entry.error
    [(armed, _, _)] = stops(rig)
    rig.adapter.cancel_protection(rig.profile.btc, armed)  # the stop goes missing
    stop_answer_lost(rig)
    assert keeper.reconcile(Venue.BINGX, "default")
    news = [r.item for r in keeper.replay.since(0) if isinstance(r.item, News)]
    assert [n.kind for n in news if n.kind is NewsKind.UNPROTECTED] == []
    assert (
        keeper.unprotected(Venue.BINGX, "default"),
        keeper.stats(Venue.BINGX, "default").stops_replaced,
    ) == (0, 1)
    [(_, quantity, trigger)] = stops(rig)
    assert (quantity, trigger) == (Decimal("0.01"), Decimal("58000"))
    assert keeper.reconcile(Venue.BINGX, "default")  # covered now: nothing placed again
    assert len(stops(rig)) == 1


# -- stops, and apart take-profits, never past the position -----------------------------------


def test_an_over_position_stop_is_refused_in_the_venues_words(rig: VenueRig) -> None:
    rig.engine.execute(rig.signal())
    over = ProtectionRequest(
        rig.profile.btc,
        ProtectionKind.STOP_LOSS,
        Side.SELL,
        PositionSide.BOTH,
        Decimal("0.02"),
        Decimal("58000"),
        "x1",
    )
    with pytest.raises(TvbridgeError) as refused:
        rig.adapter.place_protection(over)
    error = refused.value
    assert (error.error_class, error.retryable, error.venue_code) == (
        ErrorClass.VENUE_REJECTED,
        False,
        "101400",
    )
    assert error.venue_message == "The total quantity of stop loss orders exceeds the position quantity"


def test_a_second_entry_adds_its_own_stop_and_the_stops_match_the_position(rig: VenueRig) -> None:
    for n, price in enumerate(("58000", "57000")):
        result = rig.engine.execute(rig.signal(signal_id=f"e{n}", stop_loss=Decimal(price)))
        assert (result.outcome, result.note) == (Outcome.EXECUTED, ""), result
    assert sorted((q, t) for _, q, t in stops(rig)) == [
        (Decimal("0.01"), Decimal("57000")),
        (Decimal("0.01"), Decimal("58000")),
    ]
    assert rig.held() == Decimal("0.02")


def test_after_a_partial_close_a_new_stop_covers_only_what_is_left(rig: VenueRig) -> None:
    rig.engine.execute(rig.signal(signal_id="open", size=(SizeKind.QUANTITY, "0.02"), sl_pct=Decimal("2")))
    part = rig.engine.execute(rig.signal(Action.CLOSE, signal_id="part", size=(SizeKind.QUANTITY, "0.005")))
    assert (part.outcome, part.note) == (Outcome.EXECUTED, "")
    # 0.015 held, a stop for 0.02 resting: the new 0.01 leaves room for a stop of 0.005 only.
    added = rig.engine.execute(rig.signal(signal_id="add", sl_pct=Decimal("3")))
    assert added.outcome is Outcome.EXECUTED
    assert "UNPROTECTED" not in added.note
    assert "guards 0.005 of 0.01" in added.note
    assert level(added, "stop_loss").quantity == Decimal("0.005")
    assert sum(q for _, q, _ in stops(rig)) == rig.held() == Decimal("0.025")


def test_after_a_partial_close_a_level_that_would_go_past_is_not_armed_nor_claimed(rig: VenueRig) -> None:
    rig.engine.execute(
        rig.signal(signal_id="open", size=(SizeKind.QUANTITY, "0.02"), stop_loss=Decimal("58000"))
    )
    rig.engine.execute(rig.signal(Action.CLOSE, signal_id="part", size=(SizeKind.QUANTITY, "0.01")))
    # 0.01 held under a 0.02 stop: a stop armed for the next 0.01 would total 0.03 on 0.02.
    added = rig.engine.execute(
        rig.signal(signal_id="add", take_profit=Decimal("63000"), stop_loss=Decimal("57000"))
    )
    assert added.outcome is Outcome.EXECUTED
    assert "the stop-loss at 57000 was not placed: resting stop-loss orders already cover" in added.note
    assert [o.purpose for o in added.orders if o.purpose != "entry"] == ["take_profit"]  # it rode
    assert stops(rig) == [(stops(rig)[0][0], Decimal("0.02"), Decimal("58000"))]
    assert rig.held() == Decimal("0.02")


# -- flatten --------------------------------------------------------------------------------


@pytest.mark.parametrize("hedge", [False, True], ids=["one-way", "hedge"])
def test_flatten_cancels_the_idless_stops_of_the_sides_it_closes(rig: VenueRig, hedge: bool) -> None:
    rig.account.hedge_mode = hedge
    opened = rig.engine.execute(
        rig.signal(size=(SizeKind.QUANTITY, "0.01"), sl_pct=Decimal("5"), tp_pct=Decimal("5"))
    )
    assert opened.outcome is Outcome.EXECUTED, opened.error
    assert isinstance(rig.adapter, BingxAdapter)
    levels = [o for o in rig.adapter.open_orders(None) if o.kind.protective]
    assert len(levels) == 2 and all(o.client_order_id == "" for o in levels)  # the venue kept no id

    [report] = rig.engine.flatten(Venue.BINGX)
    assert report.failures == []
    assert sorted(c.order_id for c in report.cancelled) == sorted(o.order_id for o in levels)
    assert [o for o in rig.adapter.open_orders(None) if o.kind.protective] == []
    assert rig.held() == 0
