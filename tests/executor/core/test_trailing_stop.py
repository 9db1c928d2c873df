"""A trailing stop: placed after the entry fills (never attached to it), reduce-only or by
position side, for the entry's quantity, its activation computed from the fill; refused before
anything is placed when it is out of the venue's limits or on the wrong side; found again after
a lost answer or on a redelivery; watched by the keeper but never placed again blindly."""

from __future__ import annotations

from decimal import Decimal

from common.errors import ErrorClass
from common.trading import NewsKind
from executor.core.engine import ExecutionEngine
from executor.core.events import OrderKind, StreamStatus
from executor.core.keeper.causes import flat_news
from executor.core.legs import client_order_id, protection_tag
from executor.core.model import Action, OrderPurpose, OrderType, Outcome, PositionSide, Side, Venue
from executor.core.ports import ProtectionKind, ProtectionRequest
from tests.conftest import make_signal
from tests.executor.core.keeper_support import RECONCILE_S, Rig
from tests.support.fake_venue import FakeVenue, lost_answer
from tests.support.fake_watch import WHERE, fill, order, stream_state

ONE, TWO = Decimal(1), Decimal(2)
TRAIL = client_order_id("sig-1", protection_tag(ProtectionKind.TRAILING_STOP, PositionSide.BOTH))


def engine_on(venue: FakeVenue) -> ExecutionEngine:
    return ExecutionEngine({(venue.venue, "default"): venue}, rate_limit_wait_s=0.05)


def signal(action: Action = Action.BUY, venue: Venue = Venue.BINANCE, **fields: object):
    return make_signal(action, venue=venue, **fields)  # type: ignore[arg-type]


def trails(venue: FakeVenue) -> list[ProtectionRequest]:
    return [r for r, _ in venue.protections.values() if r.kind is ProtectionKind.TRAILING_STOP]


def test_a_long_trails_from_an_activation_computed_from_its_fill() -> None:
    venue = FakeVenue()  # fills at 60000
    result = engine_on(venue).execute(signal(trailing_pct=ONE, trailing_activation_pct=TWO))
    assert result.outcome is Outcome.EXECUTED and result.note == ""
    [trail] = trails(venue)
    assert (trail.side, trail.position_side, trail.quantity) == (
        Side.SELL,
        PositionSide.BOTH,
        Decimal("0.01"),
    )
    assert (trail.trigger_price, trail.callback_pct, trail.venue_type) == (
        Decimal("61200"),
        ONE,
        "TRAILING_STOP_MARKET",
    )
    reported = result.orders[-1]
    assert (reported.purpose, reported.trigger_price, reported.reduce_only) == (
        OrderPurpose.TRAILING_STOP,
        Decimal("61200"),
        True,
    )


def test_a_short_in_hedge_mode_trails_by_its_position_side() -> None:
    venue = FakeVenue(hedge=True)
    engine_on(venue).execute(signal(Action.SELL, trailing_pct=ONE, trailing_activation_pct=TWO))
    [trail] = trails(venue)
    assert (trail.side, trail.position_side, trail.trigger_price) == (
        Side.BUY,
        PositionSide.SHORT,
        Decimal("58800"),
    )


def test_without_an_activation_the_trail_starts_when_placed() -> None:
    venue = FakeVenue()
    engine_on(venue).execute(signal(trailing_pct=Decimal("0.5")))
    [trail] = trails(venue)
    assert trail.trigger_price is None and trail.callback_pct == Decimal("0.5")


def test_a_trail_never_rides_on_its_entry_where_the_others_do() -> None:
    venue = FakeVenue(venue=Venue.BINGX, attaches_protection=True, trigger_client_ids=False)
    result = engine_on(venue).execute(
        signal(
            venue=Venue.BINGX,
            stop_loss=Decimal("55000"),
            trailing_pct=ONE,
            trailing_activation=Decimal("61000"),
        )
    )
    assert result.outcome is Outcome.EXECUTED and result.note == ""
    assert [p.kind for p in venue.placed[0].attached] == [ProtectionKind.STOP_LOSS]
    [trail] = trails(venue)
    assert trail.trigger_price == Decimal("61000")


def test_an_activation_on_the_wrong_side_is_refused_before_anything_is_placed() -> None:
    venue = FakeVenue()
    result = engine_on(venue).execute(signal(trailing_pct=ONE, trailing_activation=Decimal("59000")))
    assert result.outcome is Outcome.REJECTED and result.error is not None
    assert "trailing stop activation must be above the entry price" in result.error.message
    assert venue.placed == [] and venue.protections == {}


def test_a_callback_outside_the_venues_limits_is_refused_before_anything_is_placed() -> None:
    venue = FakeVenue()
    result = engine_on(venue).execute(signal(trailing_pct=Decimal("25")))
    assert result.error is not None and result.error.error_class is ErrorClass.INVALID_SIGNAL
    assert "0.1 % to 20 % (callbackRate)" in result.error.message
    assert venue.placed == []
    bingx = FakeVenue(venue=Venue.BINGX)
    assert engine_on(bingx).execute(signal(venue=Venue.BINGX, trailing_pct=Decimal("25"))).note == ""


def test_a_trail_on_a_limit_entry_or_without_a_callback_is_refused() -> None:
    venue = FakeVenue(venue=Venue.BINGX, attaches_protection=True)
    limit = signal(venue=Venue.BINGX, order_type=OrderType.LIMIT, price=Decimal("59000"), trailing_pct=ONE)
    refused = engine_on(venue).execute(limit)
    assert refused.error is not None and refused.error.error_class is ErrorClass.UNSUPPORTED
    lone = engine_on(venue).execute(signal(venue=Venue.BINGX, signal_id="s2", trailing_activation_pct=TWO))
    assert lone.error is not None and "trailing_pct" in lone.error.message
    assert venue.placed == []


def test_a_test_signal_reports_the_trail_it_would_place() -> None:
    venue = FakeVenue()
    result = engine_on(venue).execute(signal(trailing_pct=ONE, trailing_activation_pct=TWO, test=True))
    assert "would place trailing stop with a 1 % callback, activating at 61200 (from 60000)" in result.note
    assert venue.placed == [] and venue.protections == {}


def test_a_lost_answer_is_found_by_client_id_or_by_shape() -> None:
    for ids in (True, False):
        venue = FakeVenue(trigger_client_ids=ids)
        venue.fail_next("place_protection", lost_answer())
        result = engine_on(venue).execute(signal(trailing_pct=ONE, trailing_activation_pct=TWO))
        assert result.note == "", ids
        assert len(trails(venue)) == 1 and venue.calls["place_protection"] == 1
        assert result.orders[-1].purpose is OrderPurpose.TRAILING_STOP


def test_a_redelivery_places_no_second_trail() -> None:
    for ids in (True, False):
        venue = FakeVenue(trigger_client_ids=ids)
        sent = signal(trailing_pct=ONE)
        engine_on(venue).execute(sent)
        again = engine_on(venue).execute(sent, attempt=2)
        assert again.outcome is Outcome.EXECUTED and again.note == "", ids
        assert len(trails(venue)) == 1 and venue.calls["place_protection"] == 1
        assert [o.purpose for o in again.orders] == [OrderPurpose.ENTRY, OrderPurpose.TRAILING_STOP]


def test_the_keeper_watches_a_trail_only_where_no_stop_loss_was_asked_for() -> None:
    told: list[str] = []
    engine = ExecutionEngine(
        {(Venue.BINANCE, "default"): FakeVenue()},
        on_guarded=lambda where, side, stop, sid: told.append(stop.kind.value),
    )
    engine.execute(signal(trailing_pct=ONE))
    engine.execute(signal(signal_id="s2", trailing_pct=ONE, stop_loss=Decimal("55000")))
    assert told == ["trailing_stop", "stop_loss"]


def watched_trail(rig: Rig) -> None:
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    rig.venue.hold("0.01")
    stop = ProtectionRequest(
        venue_symbol=WHERE.venue_symbol,
        kind=ProtectionKind.TRAILING_STOP,
        side=Side.SELL,
        position_side=PositionSide.BOTH,
        quantity=Decimal("0.01"),
        trigger_price=None,
        client_order_id=TRAIL,
        callback_pct=ONE,
    )
    rig.keeper.guarded(WHERE, PositionSide.BOTH, stop, "sig-1")
    rig.clock.now += 1


def test_a_resting_trail_covers_its_side() -> None:
    rig = Rig()
    watched_trail(rig)
    rig.venue.rest(order("tr", OrderKind.TRAILING_STOP_MARKET, Side.SELL))
    rig.reconcile()
    assert rig.told == [] and rig.venue.calls["place_protection"] == 0


def test_a_missing_trail_is_reported_at_once_and_never_placed_again() -> None:
    rig = Rig()
    watched_trail(rig)
    rig.reconcile()
    rig.clock.now += RECONCILE_S
    rig.reconcile()
    assert rig.venue.calls["place_protection"] == 0
    assert rig.kinds() == [NewsKind.UNPROTECTED]
    assert "trailing stop (1 % callback) is missing" in rig.told[0].detail
    assert rig.keeper.unprotected(WHERE.venue, WHERE.account) == 1


def test_a_fired_trail_is_a_stop_hit() -> None:
    trail = order("tr", OrderKind.TRAILING_STOP_MARKET, Side.SELL)
    news = flat_news(fill("t1", "tr", Side.SELL), trail, Decimal("0.01"))
    assert news is not None and news.kind is NewsKind.STOP_HIT
