"""The engine on each venue's adapter against the simulator, over real HTTP: every scenario here
is the same behaviour on both venues, written once and run once per venue (see conftest.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

import pytest

from common.errors import ErrorClass, TvbridgeError
from executor.core.engine import ExecutionEngine
from executor.core.legs import client_order_id
from executor.core.model import Action, OrderType, Outcome, PositionSide, SizeKind, Venue
from tests.executor.conftest import VenueRig
from tools.processes import free_port

# -- sizing and what a signal costs ----------------------------------------------------------


def test_seed_balance_sizing_rounds_down_to_the_step(venue_rig: VenueRig) -> None:
    # 100 USDT margin x 10 leverage / 60000 = 0.01666.. BTC, floored to the venue's step
    rig = venue_rig
    result = rig.engine.execute(rig.signal(size=(SizeKind.BALANCE, "100")))
    assert result.outcome is Outcome.EXECUTED, result.error
    assert result.sizing is not None
    assert (result.sizing.quantity, result.sizing.price, result.sizing.leverage) == (
        rig.profile.qty_for_100_usdt,
        Decimal("60000.0"),
        10,
    )
    assert result.sizing.notional == rig.profile.qty_for_100_usdt * Decimal("60000.0")
    [order] = rig.orders()
    assert (order["quantity"], order["side"], order["position_side"]) == (
        str(rig.profile.qty_for_100_usdt),
        "BUY",
        "BOTH",
    )
    assert (order["type"], order["status"], order["reduce_only"]) == ("MARKET", "FILLED", False)
    assert order["client_order_id"] == result.orders[0].client_order_id
    # The report carries the fill (Binance: RESULT was asked for, not ACK).
    assert (result.orders[0].status, result.orders[0].avg_price) == ("FILLED", Decimal("60000.0"))


def test_test_mode_sizes_and_places_nothing(venue_rig: VenueRig) -> None:
    rig = venue_rig
    result = rig.engine.execute(rig.signal(size=(SizeKind.BALANCE, "50"), test=True))
    assert (result.outcome, result.test, result.orders) == (Outcome.EXECUTED, True, ())
    assert result.sizing is not None and result.sizing.quantity == rig.profile.qty_for_50_usdt
    assert rig.orders() == []


def test_fixed_quantity_market_order_costs_one_venue_request(venue_rig: VenueRig) -> None:
    rig = venue_rig
    assert rig.engine.execute(rig.signal(size=(SizeKind.QUANTITY, "0.01"))).outcome is Outcome.EXECUTED
    # the position-mode probe is cached after the first signal; a second signal pays only the order
    rig.reset_requests()
    rig.engine.execute(rig.signal(signal_id="sig-2", size=(SizeKind.QUANTITY, "0.01")))
    assert rig.seen() == {f"POST {rig.profile.order_path}": 1}


def test_signal_leverage_is_set_once_then_cached(venue_rig: VenueRig) -> None:
    rig = venue_rig
    rig.engine.execute(rig.signal(size=(SizeKind.BALANCE, "100"), leverage=5))
    # One-way mode: one leverage for both directions.
    lev = rig.account.leverage
    assert (lev[("BTC-USDT", "LONG")], lev[("BTC-USDT", "SHORT")]) == (5, 5)
    rig.reset_requests()
    result = rig.engine.execute(rig.signal(signal_id="sig-2", size=(SizeKind.BALANCE, "100"), leverage=5))
    assert result.sizing is not None and result.sizing.leverage == 5
    # Neither leverage nor price is asked again: the first order's fill is a fresh price.
    assert rig.seen() == {f"POST {rig.profile.order_path}": 1}


def test_leverage_is_read_from_the_venue(venue_rig: VenueRig) -> None:
    rig = venue_rig
    rig.account.leverage[("ETH-USDT", "LONG")] = 7
    assert rig.adapter.leverage(rig.profile.eth, PositionSide.LONG) == 7


def test_excess_precision_is_floored_never_sent(venue_rig: VenueRig) -> None:
    rig = venue_rig
    result = rig.engine.execute(rig.signal(size=(SizeKind.QUANTITY, "0.0129999")))
    assert result.outcome is Outcome.EXECUTED, result.error
    floored = Decimal("0.0129999").quantize(rig.profile.btc_step, rounding=ROUND_DOWN)
    assert [o["quantity"] for o in rig.orders()] == [str(floored)]  # 0.0129 on BingX, 0.012 on Binance


def test_balances_pick_the_margin_asset(venue_rig: VenueRig) -> None:
    rig = venue_rig
    rig.engine.execute(rig.signal(size=(SizeKind.QUANTITY, "0.01")))
    usdt = next(b for b in rig.adapter.balances() if b.asset == "USDT")
    assert usdt.wallet == Decimal("9999.7")  # 0.05% taker fee on 600 USDT
    assert usdt.available == Decimal("9939.7")  # less 60 USDT margin at 10x
    assert rig.adapter.available("USDT") == usdt.available


# -- closing ------------------------------------------------------------------------------------


def test_close_sells_the_whole_long_reduce_only(venue_rig: VenueRig) -> None:
    rig = venue_rig
    rig.engine.execute(rig.signal(size=(SizeKind.QUANTITY, "0.05")))
    result = rig.engine.execute(rig.signal(Action.CLOSE, signal_id="close-1", size=None))
    assert result.outcome is Outcome.EXECUTED, result.error
    close = rig.orders()[-1]
    assert (close["side"], close["quantity"], close["reduce_only"], close["status"]) == (
        "SELL",
        "0.05",
        True,
        "FILLED",
    )
    assert rig.positions() == []


def test_close_when_flat_is_rejected_not_traded(venue_rig: VenueRig) -> None:
    rig = venue_rig
    result = rig.engine.execute(rig.signal(Action.CLOSE_LONG, size=None))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.NO_POSITION
    assert rig.orders() == []


def test_hedge_mode_opens_and_closes_by_position_side(venue_rig: VenueRig) -> None:
    rig = venue_rig
    rig.account.hedge_mode = True
    rig.engine.execute(rig.signal(Action.SELL, signal_id="s1"))
    [short] = rig.adapter.positions(rig.profile.btc)
    assert (short.symbol, short.position_side, short.quantity) == (
        "BTC-USDT",
        PositionSide.SHORT,
        Decimal("-0.01"),
    )
    result = rig.engine.execute(rig.signal(Action.CLOSE_SHORT, signal_id="s2", size=None))
    assert result.outcome is Outcome.EXECUTED, result.error
    opened, closed = rig.orders()
    assert (opened["side"], opened["position_side"]) == ("SELL", "SHORT")
    # reduceOnly is never sent in hedge mode (Binance answers -1106); the side closes
    assert (closed["side"], closed["position_side"], closed["quantity"], closed["reduce_only"]) == (
        "BUY",
        "SHORT",
        "0.01",
        False,
    )
    assert rig.positions() == []


# -- refusals -----------------------------------------------------------------------------------


def test_quantity_below_minimum_names_the_venue_rule(venue_rig: VenueRig) -> None:
    rig = venue_rig
    case = rig.profile.below_min_qty
    result = rig.engine.execute(
        rig.signal(symbol=case.symbol, size=(SizeKind.QUANTITY, case.quantity), test=True)
    )
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.BELOW_MINIMUM
    assert case.says in result.error.message


def test_notional_below_minimum_names_the_venue_rule(venue_rig: VenueRig) -> None:
    # 0.5 USDT margin x 10 / 0.6 = 8.33 XRP, floored to the step: below 5 USDT on both venues
    rig = venue_rig
    case = rig.profile.below_min_notional
    result = rig.engine.execute(rig.signal(symbol=case.symbol, size=(SizeKind.BALANCE, case.quantity)))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.BELOW_MINIMUM
    assert case.says in result.error.message
    assert rig.orders() == []


def test_venue_side_minimum_is_mapped_when_no_price_was_read(venue_rig: VenueRig) -> None:
    # Fixed quantities skip the price read; the venue's own refusal must still classify.
    rig = venue_rig
    case = rig.profile.venue_side_minimum
    result = rig.engine.execute(rig.signal(symbol=case.symbol, size=(SizeKind.QUANTITY, case.quantity)))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    assert (result.error.error_class, result.error.venue_code) == (ErrorClass.BELOW_MINIMUM, case.says)
    assert rig.orders() == []


def test_insufficient_margin_is_a_rejection(venue_rig: VenueRig) -> None:
    rig = venue_rig
    result = rig.engine.execute(rig.signal(size=(SizeKind.QUANTITY, "2")))  # 120000 USDT at 10x on 10000
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    assert (result.error.error_class, result.error.venue_code) == (
        ErrorClass.INSUFFICIENT_MARGIN,
        rig.profile.insufficient_margin_code,
    )
    assert rig.orders() == []


def test_unknown_symbol_is_rejected(venue_rig: VenueRig) -> None:
    rig = venue_rig
    result = rig.engine.execute(rig.signal(symbol="NOPE-USDT"))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.UNKNOWN_SYMBOL


def test_unconfigured_venue_is_rejected(venue_rig: VenueRig) -> None:
    rig = venue_rig
    [other] = [v for v in Venue if v is not rig.venue]  # a venue the engine has no adapter for
    result = rig.engine.execute(replace(rig.signal(), venue=other))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.UNKNOWN_ACCOUNT


def test_kill_switch_rejects(venue_rig: VenueRig) -> None:
    rig = venue_rig
    rig.engine.switch.set(False, "test", "maintenance")
    result = rig.engine.execute(rig.signal())
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.TRADING_DISABLED
    assert rig.orders() == []


def test_stale_signal_expires(venue_rig: VenueRig) -> None:
    rig = venue_rig
    old = datetime.now(UTC) - timedelta(minutes=2)
    result = rig.engine.execute(rig.signal(fired_at=old), max_age_ms=60_000)
    assert result.outcome is Outcome.EXPIRED
    assert rig.orders() == []


# -- never twice: idempotency and redelivery ----------------------------------------------------


def test_same_signal_twice_places_one_order(venue_rig: VenueRig) -> None:
    rig = venue_rig
    first = rig.engine.execute(rig.signal())
    assert rig.engine.execute(rig.signal()) == first
    assert len(rig.orders()) == 1


def test_redelivery_after_a_restart_finds_the_order_instead_of_doubling(venue_rig: VenueRig) -> None:
    rig = venue_rig
    first = rig.engine_on().execute(rig.signal())
    restarted = rig.engine_on()  # no memory of the first run
    again = restarted.execute(rig.signal(), attempt=2)
    assert again.outcome is Outcome.EXECUTED
    assert again.orders[0].order_id == first.orders[0].order_id
    assert len(rig.orders()) == 1


def test_a_late_redelivery_reports_the_order_that_exists_not_expired(venue_rig: VenueRig) -> None:
    rig = venue_rig
    fired = datetime.now(UTC) - timedelta(seconds=30)
    first = rig.engine.execute(rig.signal(signal_id="late", fired_at=fired), max_age_ms=60_000)
    assert first.outcome is Outcome.EXECUTED
    # A fresh executor (no memory) gets the redelivery after the signal's max age.
    again = rig.engine_on().execute(
        rig.signal(signal_id="late", fired_at=fired), max_age_ms=10_000, attempt=2
    )
    assert (again.outcome, again.orders[0].order_id) == (Outcome.EXECUTED, first.orders[0].order_id)
    never = rig.engine_on().execute(
        rig.signal(signal_id="never-sent", fired_at=fired), max_age_ms=10_000, attempt=2
    )
    assert never.outcome is Outcome.EXPIRED
    assert len(rig.orders()) == 1


def test_find_order_is_none_for_an_order_the_venue_never_saw(venue_rig: VenueRig) -> None:
    rig = venue_rig
    assert rig.adapter.find_order(rig.profile.btc, client_order_id("never-sent", "entry-BOTH")) is None


# -- limit orders ---------------------------------------------------------------------------------


def test_limit_order_rests_at_the_tick_until_the_price_comes(venue_rig: VenueRig) -> None:
    rig = venue_rig
    result = rig.engine.execute(rig.signal(order_type=OrderType.LIMIT, price=Decimal("59000.07")))
    assert result.outcome is Outcome.EXECUTED, result.error
    [order] = rig.orders()
    assert (order["type"], order["price"], order["status"]) == ("LIMIT", "59000", "NEW")
    rig.set_price("BTC-USDT", "58900")
    assert rig.orders()[0]["status"] == "FILLED"


# -- the connection and the clock -----------------------------------------------------------------


def test_check_connection_reads_and_proves_trading_without_an_order(venue_rig: VenueRig) -> None:
    rig = venue_rig
    report = rig.adapter.check_connection()
    assert (report.ok, report.can_read, report.can_trade) == (True, True, True)
    assert abs(report.clock_offset_ms) < 1_000
    assert rig.orders() == []
    assert rig.sent("POST", rig.profile.test_order_path) == 1


def test_wrong_secret_is_an_auth_failure(venue_rig: VenueRig) -> None:
    rig = venue_rig
    adapter = rig.new_adapter(keys=(rig.profile.api_key, "wrong-secret"))
    with pytest.raises(TvbridgeError) as caught:
        adapter.balances()
    adapter.close()
    assert (caught.value.error_class, caught.value.venue_code) == (ErrorClass.AUTH, rig.profile.auth_code)
    assert not caught.value.retryable


def test_skewed_host_clock_is_corrected_from_server_time(venue_rig: VenueRig) -> None:
    rig = venue_rig
    rig.adapter.client.offset_ms = -30_000  # as if our clock ran 30 s ahead
    balances = rig.adapter.balances()  # refused once for its timestamp, then resynced and served
    assert tuple(b.asset for b in balances) == rig.profile.balance_assets
    assert abs(rig.adapter.client.offset_ms) < 1_000


def test_venue_clock_skew_is_learned_and_applied(venue_rig: VenueRig) -> None:
    rig = venue_rig
    rig.set_faults({"kind": "skew", "skew_ms": 45_000})  # the venue runs 45 s ahead
    adapter = rig.new_adapter()
    adapter.warm()
    assert 44_000 < adapter.client.offset_ms < 46_000
    assert rig.engine_on(adapter).execute(rig.signal()).outcome is Outcome.EXECUTED
    adapter.close()


def test_skew_appearing_mid_run_is_resynced_once(venue_rig: VenueRig) -> None:
    rig = venue_rig
    rig.set_faults({"kind": "skew", "skew_ms": -20_000})
    assert rig.engine.execute(rig.signal()).outcome is Outcome.EXECUTED
    assert -21_000 < rig.adapter.client.offset_ms < -19_000


# -- faults: the venue unreachable, slow, failing or limiting -------------------------------------


def test_unreachable_venue_is_retryable_not_a_decision(venue_rig: VenueRig) -> None:
    rig = venue_rig
    adapter = rig.new_adapter(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(TvbridgeError) as caught:
        rig.engine_on(adapter).execute(rig.signal())
    adapter.close()
    assert caught.value.error_class is ErrorClass.VENUE_UNAVAILABLE
    assert caught.value.retryable


@pytest.fixture
def impatient(venue_rig: VenueRig) -> Iterator[ExecutionEngine]:
    """An engine whose adapter gives up on a silent venue after 0.5 s."""
    adapter = venue_rig.new_adapter(read_timeout_s=0.5)
    adapter.warm()
    yield venue_rig.engine_on(adapter, rate_limit_wait_s=1.5)
    adapter.close()


def test_timeout_after_accept_is_recovered_by_client_id(
    impatient: ExecutionEngine, venue_rig: VenueRig
) -> None:
    rig = venue_rig
    path = rig.profile.order_path
    rig.set_faults({"kind": "timeout_after_accept", "method": "POST", "path": path, "count": 1, "hold_s": 2})
    result = impatient.execute(rig.signal())
    assert result.outcome is Outcome.EXECUTED
    [order] = rig.orders()  # accepted once, found again, never re-sent
    assert result.orders[0].order_id == order["order_id"]
    assert rig.sent("POST", path) == 1


def test_server_error_on_an_order_is_retryable_checked_first_and_placed_once_on_redelivery(
    impatient: ExecutionEngine, venue_rig: VenueRig
) -> None:
    rig = venue_rig
    path = rig.profile.order_path
    rig.set_faults({"kind": "http_error", "method": "POST", "path": path, "status": 503, "count": 1})
    with pytest.raises(TvbridgeError) as caught:
        impatient.execute(rig.signal())
    assert caught.value.error_class is ErrorClass.VENUE_UNAVAILABLE and caught.value.retryable
    # the engine asked the venue for the order before giving up
    assert rig.sent("GET", path) == 1
    assert rig.orders() == []
    again = impatient.execute(rig.signal(), attempt=2)
    assert again.outcome is Outcome.EXECUTED
    assert len(rig.orders()) == 1


def test_429_with_short_retry_after_waits_and_places_once(
    impatient: ExecutionEngine, venue_rig: VenueRig
) -> None:
    rig = venue_rig
    path = rig.profile.order_path
    rig.set_faults({"kind": "rate_limit", "path": path, "count": 1, "retry_after_s": 1})
    started = time.monotonic()
    result = impatient.execute(rig.signal())
    waited = time.monotonic() - started
    assert result.outcome is Outcome.EXECUTED
    assert waited >= 1.0  # it honoured Retry-After
    assert len(rig.orders()) == 1
    assert rig.sent("POST", path) == 2  # the refused one and the one that filled


def test_429_with_long_retry_after_stops_sending_until_the_window_reopens(
    impatient: ExecutionEngine, venue_rig: VenueRig
) -> None:
    rig = venue_rig
    path = rig.profile.order_path
    rig.set_faults({"kind": "rate_limit", "path": path, "count": 1, "retry_after_s": 30})
    with pytest.raises(TvbridgeError) as caught:
        impatient.execute(rig.signal())
    assert caught.value.error_class is ErrorClass.RATE_LIMITED and caught.value.retryable
    assert caught.value.retry_after_s == 30  # the venue's wait, passed on
    with pytest.raises(TvbridgeError) as again:
        impatient.execute(rig.signal(signal_id="sig-2"))
    assert again.value.error_class is ErrorClass.RATE_LIMITED
    assert rig.sent("POST", path) == 1  # the second signal was held back, not sent
    assert rig.orders() == []


def test_latency_is_paid_not_failed(impatient: ExecutionEngine, venue_rig: VenueRig) -> None:
    rig = venue_rig
    rig.set_faults({"kind": "latency", "latency_ms": 200})
    started = time.monotonic()
    result = impatient.execute(rig.signal())
    assert result.outcome is Outcome.EXECUTED
    assert time.monotonic() - started >= 0.2
    assert result.venue_ms >= 200
