"""The unprotected-position watch: a missing stop is placed again once, then reported."""

from __future__ import annotations

from decimal import Decimal

from common.trading import NewsKind
from executor.core.events import OrderKind, StreamStatus
from executor.core.legs import client_order_id, protection_tag, replacement_tag
from executor.core.model import PositionSide, Side
from executor.core.ports import ProtectionKind, ProtectionRequest
from tests.executor.core.keeper_support import RECONCILE_S, Rig
from tests.support.fake_venue import unreachable
from tests.support.fake_watch import WHERE, order, position, stream_state

SIGNAL = "sig-1"
STOP = ProtectionRequest(
    venue_symbol=WHERE.venue_symbol,
    kind=ProtectionKind.STOP_LOSS,
    side=Side.SELL,
    position_side=PositionSide.BOTH,
    quantity=Decimal("0.01"),
    trigger_price=Decimal("59000"),
    client_order_id=client_order_id(SIGNAL, protection_tag(ProtectionKind.STOP_LOSS, PositionSide.BOTH)),
)
REPLACED = client_order_id(SIGNAL, replacement_tag(ProtectionKind.STOP_LOSS, PositionSide.BOTH))


def guarded_long(rig: Rig) -> None:
    """A long whose signal asked for a stop that is no longer on the venue (stream up)."""
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    rig.venue.hold("0.01")
    rig.keeper.guarded(WHERE, PositionSide.BOTH, STOP, SIGNAL)
    rig.clock.now += 1


def test_a_missing_stop_is_placed_again_once_under_its_own_client_id() -> None:
    rig = Rig()
    guarded_long(rig)
    rig.reconcile()
    assert list(rig.venue.protections) == [REPLACED]
    assert rig.venue.protections[REPLACED][0].quantity == Decimal("0.01")
    rig.clock.now += RECONCILE_S
    rig.reconcile()
    assert rig.venue.calls["place_protection"] == 1
    assert (rig.stats.stops_replaced, rig.keeper.unprotected(WHERE.venue, WHERE.account)) == (1, 0)
    assert rig.told == []


def test_a_stop_that_cannot_be_placed_again_is_reported_once_and_counted() -> None:
    rig = Rig()
    guarded_long(rig)
    rig.venue.fail_next("place_protection", unreachable())
    rig.reconcile()
    rig.clock.now += RECONCILE_S
    rig.reconcile()
    assert rig.venue.calls["place_protection"] == 1  # once, never again
    assert rig.kinds() == [NewsKind.UNPROTECTED]
    assert rig.told[0].price == Decimal("59000")
    assert rig.keeper.unprotected(WHERE.venue, WHERE.account) == 1


def test_the_watch_ends_when_the_side_goes_flat() -> None:
    rig = Rig()
    guarded_long(rig)
    rig.venue.fail_next("place_protection", unreachable())
    rig.reconcile()
    rig.venue.hold("0")
    rig.clock.now += RECONCILE_S
    rig.reconcile()
    assert rig.keeper.unprotected(WHERE.venue, WHERE.account) == 0


def test_a_stop_covering_the_size_is_protection_enough() -> None:
    rig = Rig()
    guarded_long(rig)
    rig.venue.rest(order("sl", OrderKind.STOP_MARKET, Side.SELL, quantity="0", close_position=True))
    rig.reconcile()
    assert rig.venue.calls["place_protection"] == 0


def test_a_stop_smaller_than_the_position_is_completed_for_the_part_it_leaves_bare() -> None:
    rig = Rig()
    guarded_long(rig)
    rig.venue.hold("0.02")
    rig.venue.rest(order("sl", OrderKind.STOP_MARKET, Side.SELL, quantity="0.01"))
    rig.reconcile()
    # Not the whole 0.02: the stops would then total more than the position (BingX refuses that).
    assert rig.venue.protections[REPLACED][0].quantity == Decimal("0.01")


def test_a_take_profit_is_no_stop() -> None:
    rig = Rig()
    guarded_long(rig)
    rig.venue.rest(order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL))
    rig.reconcile()
    assert list(rig.venue.protections) == [REPLACED]


def test_a_view_older_than_the_guard_is_not_judged() -> None:
    rig = Rig()
    rig.venue.hold("0.01")
    rig.clock.now -= 1  # the reads began before the engine reported its stop
    rig.keeper.guarded(WHERE, PositionSide.BOTH, STOP, SIGNAL)
    rig.clock.now -= 1
    rig.reconcile()
    assert rig.venue.calls["place_protection"] == 0


def test_a_flat_heard_on_the_stream_ends_the_count_at_once() -> None:
    rig = Rig()
    guarded_long(rig)
    rig.venue.fail_next("place_protection", unreachable())
    rig.reconcile()
    assert rig.keeper.unprotected(WHERE.venue, WHERE.account) == 1
    rig.keeper.handle(position("0", time_ms=20_000))
    assert rig.keeper.unprotected(WHERE.venue, WHERE.account) == 0
