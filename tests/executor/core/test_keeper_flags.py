"""What a stream leaves unsaid: a protective order reported without its reduce-only flag (as
BingX's order events are) makes the keeper read that symbol's open orders at once, so that when
its position goes flat, the stream's word alone cancels it, with no reconciliation in between.
A trailing stop told without its callback and activation (as both venues' order events are)
takes them from the next REST read, and keeps them through later reports that lack them."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from common.errors import ErrorClass
from executor.core.events import OrderKind
from executor.core.keeper.state import AccountState
from executor.core.model import OrderStatus, Side, Venue
from tests.executor.core.keeper_support import Rig
from tests.support.fake_venue import refused
from tests.support.fake_watch import order, position
from tools.processes import wait_until

# As the venue lists them (reduce-only), and as its stream tells them (no flag).
TP = order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL)
SL = order("sl", OrderKind.STOP_MARKET, Side.SELL)
TOLD_TP, TOLD_SL = replace(TP, reduce_only=False), replace(SL, reduce_only=False)
# A trail as REST lists it (binance.md 5.9), and as the stream tells it (9.4: no terms).
TRAIL = replace(
    order("trail", OrderKind.TRAILING_STOP_MARKET, Side.SELL),
    trigger_price=None,
    activation_price=Decimal("61200"),
    callback_pct=Decimal("1"),
)
TOLD_TRAIL = replace(TRAIL, activation_price=None, callback_pct=None)


def started(rig: Rig) -> None:
    """Past the start-up reconciliation, with the long and its levels at the venue."""
    rig.venue.rest(TP, SL)
    rig.venue.hold("0.01")
    assert rig.reconcile()
    rig.venue.calls.clear()


def test_unflagged_levels_are_read_once_and_the_flat_then_cancels_the_stop_at_once() -> None:
    rig = Rig()
    assert rig.reconcile()  # at start: nothing held
    rig.venue.calls.clear()
    rig.venue.rest(TP, SL)
    for event in (position("0.01"), TOLD_TP, TOLD_SL):
        rig.keeper.handle(event)
    rig.keeper.learn_due()  # the learner thread's turn
    assert rig.venue.calls["open_orders"] == 1 and rig.stats.reconciles == 1

    rig.venue.open.pop("tp")  # the take-profit fills
    rig.keeper.handle(replace(TOLD_TP, status=TOLD_TP.status.FILLED, filled=TP.quantity, time_ms=2_000))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert rig.venue.cancelled == ["sl"]
    assert rig.stats.reconciles == 1  # cancelled on the stream's word alone


def test_without_the_read_the_flat_leaves_an_unflagged_stop_to_the_reconciliation() -> None:
    rig = Rig()
    for event in (position("0.01"), TOLD_SL, position("0", time_ms=2_000)):
        rig.keeper.handle(event)
    assert rig.venue.cancelled == []  # a stop not known to only close may be a stop entry


def test_levels_known_to_close_are_not_read_again() -> None:
    rig = Rig()
    started(rig)
    rig.keeper.handle(TP)
    rig.keeper.learn_due()
    assert rig.venue.calls["open_orders"] == 0


def test_a_stop_entry_is_read_about_once_and_left_alone() -> None:
    rig = Rig()
    entry = order("entry", OrderKind.STOP_MARKET, Side.BUY, reduce_only=False)
    rig.venue.rest(entry)
    rig.keeper.handle(entry)
    for _ in range(3):
        rig.keeper.learn_due()
        rig.keeper.reconcile_due()
    assert rig.venue.calls["open_orders"] == 2  # the start-up reconciliation's, and the one read
    assert rig.venue.cancelled == []


def test_a_failed_read_is_left_to_the_next_reconciliation() -> None:
    rig = Rig()
    started(rig)
    rig.venue.fail_next("open_orders", refused(ErrorClass.VENUE_UNAVAILABLE, "busy"))
    rig.keeper.handle(replace(TOLD_SL, order_id="sl2"))
    rig.keeper.learn_due()
    rig.keeper.learn_due()
    assert rig.venue.calls["open_orders"] == 1  # not retried in a loop


def test_a_flat_with_an_unflagged_stop_still_resting_reads_it_at_once() -> None:
    rig = Rig()
    started(rig)
    rig.venue.fail_next("open_orders", refused(ErrorClass.VENUE_UNAVAILABLE, "busy"))
    rig.venue.rest(replace(SL, order_id="sl2"))
    # Later than the start-up reconciliation's reads (the rig's clock: 10 s).
    for event in (position("0.01", time_ms=11_000), replace(TOLD_SL, order_id="sl2", time_ms=11_000)):
        rig.keeper.handle(event)
    rig.keeper.learn_due()  # the read at placement fails
    rig.keeper.handle(position("0", time_ms=12_000))  # read there and then, not behind the timer
    assert "sl2" in rig.venue.cancelled and rig.stats.reconciles == 1


def test_flats_with_nothing_unsaid_read_nothing() -> None:
    rig = Rig()
    started(rig)
    for n in range(5):
        rig.keeper.handle(position("0.01" if n % 2 else "0", time_ms=11_000 + n))
        rig.keeper.learn_due()
        rig.keeper.reconcile_due()
    assert rig.venue.cancelled == ["tp", "sl"]  # the first flat's, known to close: no read for them
    assert rig.venue.calls["open_orders"] == 0 and rig.stats.reconciles == 1


def test_the_learner_thread_reads_as_soon_as_an_unflagged_stop_is_told() -> None:
    rig = Rig()
    rig.keeper.start()
    try:
        assert wait_until(lambda: rig.stats.reconciles == 1, timeout_s=5)  # the start-up one
        rig.keeper.handle(TOLD_SL)
        # The timer sleeps RECONCILE_S on the rig's still clock: only the learner reads now.
        assert wait_until(lambda: rig.venue.calls["open_orders"] == 2, timeout_s=5)
    finally:
        rig.keeper.stop()


def shown_trail(rig: Rig) -> tuple[Decimal | None, Decimal | None]:
    [trail] = [o for o in rig.keeper.view(Venue.BINANCE, "default").protective if o.order_id == "trail"]
    return trail.activation_price, trail.callback_pct


def test_a_trail_told_by_the_stream_is_read_at_once_for_its_terms() -> None:
    rig = Rig()
    started(rig)
    rig.venue.rest(TRAIL)
    rig.keeper.handle(TOLD_TRAIL)
    assert shown_trail(rig) == (None, None)
    rig.keeper.learn_due()  # the learner thread's turn
    assert rig.venue.calls["open_orders"] == 1
    assert shown_trail(rig) == (Decimal("61200"), Decimal("1"))
    assert not rig.stats.reconcile_differences  # nothing the stream had wrong, only unsaid
    rig.keeper.handle(TOLD_TRAIL)  # a repeat of the stream's word neither takes them away
    rig.keeper.learn_due()
    assert shown_trail(rig) == (Decimal("61200"), Decimal("1"))
    assert rig.venue.calls["open_orders"] == 1  # nor is read for again


def test_without_the_read_the_next_reconciliation_tells_a_trail_its_terms() -> None:
    rig = Rig()
    started(rig)
    rig.venue.rest(TRAIL)
    rig.keeper.handle(TOLD_TRAIL)
    rig.clock.now += 30
    assert rig.reconcile()
    assert shown_trail(rig) == (Decimal("61200"), Decimal("1"))


def test_a_trail_told_with_its_terms_is_not_read() -> None:
    rig = Rig()
    started(rig)
    rig.keeper.handle(TRAIL)
    rig.keeper.learn_due()
    assert rig.venue.calls["open_orders"] == 0


def test_what_one_report_says_of_an_order_outlives_later_reports_that_leave_it_unsaid() -> None:
    state = AccountState(Venue.BINANCE, "default")
    assert state.apply_order(TOLD_TRAIL)
    assert not state.apply_order(TOLD_TRAIL)  # a repeat says nothing new
    assert state.apply_order(TRAIL)  # same state, more said: taken
    assert not state.apply_order(TRAIL)
    assert state.apply_order(replace(TOLD_TRAIL, time_ms=2_000))  # later, saying less
    assert state.order("trail") == replace(TRAIL, time_ms=2_000)
    # The BingX case: reduce-only from the REST row, kept through the stream's later frames.
    assert state.apply_order(TOLD_SL) and state.apply_order(SL)
    assert state.apply_order(replace(TOLD_SL, status=OrderStatus.FILLED, filled=SL.quantity, time_ms=3_000))
    finished = state.order("sl")
    assert finished is not None and finished.reduce_only and finished.status is OrderStatus.FILLED
