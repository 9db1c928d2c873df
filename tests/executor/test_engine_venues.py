"""The engine on each venue's adapter against the simulator, over real HTTP: every scenario here
is the same behaviour on both venues, written once and run once per venue (see conftest.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pytest

from common.errors import ErrorClass, TvbridgeError
from executor.core.engine import ExecutionEngine
from executor.core.legs import client_order_id
from executor.core.model import Action, OrderStatus, OrderType, Outcome, PositionSide, SizeKind, Venue
from tests.executor.conftest import VenueRig
from tools.processes import free_port

# -- sizing and what a signal costs ----------------------------------------------------------


def test_seed_balance_sizing_rounds_down_to_the_step(rig: VenueRig) -> None:
    # 100 USDT margin x 10 leverage / 60000 = 0.01666.. BTC, floored to the venue's step
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


def test_test_mode_sizes_and_places_nothing(rig: VenueRig) -> None:
    result = rig.engine.execute(rig.signal(size=(SizeKind.BALANCE, "50"), test=True))
    assert (result.outcome, result.test) == (Outcome.EXECUTED, True)
    assert result.sizing is not None and result.sizing.quantity == rig.profile.qty_for_50_usdt
    # The order it would place, listed as planned: nothing sent, so no venue id.
    [entry] = result.orders
    assert (entry.status, entry.quantity, entry.order_id) == (
        OrderStatus.PLANNED,
        rig.profile.qty_for_50_usdt,
        "",
    )
    assert rig.orders() == []


def test_fixed_quantity_market_order_costs_one_venue_request(rig: VenueRig) -> None:
    assert rig.engine.execute(rig.signal(size=(SizeKind.QUANTITY, "0.01"))).outcome is Outcome.EXECUTED
    # the position-mode probe is cached after the first signal; a second signal pays only the order
    rig.reset_requests()
    rig.engine.execute(rig.signal(signal_id="sig-2", size=(SizeKind.QUANTITY, "0.01")))
    assert rig.seen() == {f"POST {rig.profile.paths.ORDER}": 1}


def test_signal_leverage_is_set_once_then_cached(rig: VenueRig) -> None:
    rig.engine.execute(rig.signal(size=(SizeKind.BALANCE, "100"), leverage=5))
    # One-way mode: one leverage for both directions.
    lev = rig.account.leverage
    assert (lev[("BTC-USDT", "LONG")], lev[("BTC-USDT", "SHORT")]) == (5, 5)
    rig.reset_requests()
    result = rig.engine.execute(rig.signal(signal_id="sig-2", size=(SizeKind.BALANCE, "100"), leverage=5))
    assert result.sizing is not None and result.sizing.leverage == 5
    # Neither leverage nor price is asked again: the first order's fill is a fresh price.
    assert rig.seen() == {f"POST {rig.profile.paths.ORDER}": 1}


def test_leverage_is_read_from_the_venue(rig: VenueRig) -> None:
    rig.account.leverage[("ETH-USDT", "LONG")] = 7
    assert rig.adapter.leverage(rig.adapter.rules("ETH-USDT").venue_symbol, PositionSide.LONG) == 7


def test_excess_precision_is_floored_never_sent(rig: VenueRig) -> None:
    result = rig.engine.execute(rig.signal(size=(SizeKind.QUANTITY, "0.0129999")))
    assert result.outcome is Outcome.EXECUTED, result.error
    floored = Decimal("0.0129999").quantize(rig.profile.btc_step, rounding=ROUND_DOWN)
    assert [o["quantity"] for o in rig.orders()] == [str(floored)]  # 0.0129 on BingX, 0.012 on Binance


def test_balances_pick_the_margin_asset(rig: VenueRig) -> None:
    rig.engine.execute(rig.signal(size=(SizeKind.QUANTITY, "0.01")))
    usdt = next(b for b in rig.adapter.balances() if b.asset == "USDT")
    assert usdt.wallet == Decimal("9999.7")  # 0.05% taker fee on 600 USDT
    assert usdt.available == Decimal("9939.7")  # less 60 USDT margin at 10x
    assert rig.adapter.available("USDT") == usdt.available


# -- closing ------------------------------------------------------------------------------------


def test_close_sells_the_whole_long_reduce_only(rig: VenueRig) -> None:
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


def test_close_when_flat_is_rejected_not_traded(rig: VenueRig) -> None:
    result = rig.engine.execute(rig.signal(Action.CLOSE_LONG, size=None))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.NO_POSITION
    assert rig.orders() == []


def test_hedge_mode_opens_and_closes_by_position_side(rig: VenueRig) -> None:
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


def test_quantity_below_minimum_names_the_venue_rule(rig: VenueRig) -> None:
    case = rig.profile.below_min_qty
    result = rig.engine.execute(
        rig.signal(symbol=case.symbol, size=(SizeKind.QUANTITY, case.quantity), test=True)
    )
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.BELOW_MINIMUM
    assert case.says in result.error.message


def test_notional_below_minimum_names_the_venue_rule(rig: VenueRig) -> None:
    # 0.5 USDT margin x 10 / 0.6 = 8.33 XRP, floored to the step: below 5 USDT on both venues
    case = rig.profile.below_min_notional
    result = rig.engine.execute(rig.signal(symbol=case.symbol, size=(SizeKind.BALANCE, case.quantity)))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.BELOW_MINIMUM
    assert case.says in result.error.message
    assert rig.orders() == []


def test_venue_side_minimum_is_mapped_when_no_price_was_read(rig: VenueRig) -> None:
    # Fixed quantities skip the price read; the venue's own refusal must still classify.
    case = rig.profile.venue_side_minimum
    result = rig.engine.execute(rig.signal(symbol=case.symbol, size=(SizeKind.QUANTITY, case.quantity)))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    assert (result.error.error_class, result.error.venue_code) == (ErrorClass.BELOW_MINIMUM, case.says)
    assert rig.orders() == []


def test_insufficient_margin_is_a_rejection(rig: VenueRig) -> None:
    result = rig.engine.execute(rig.signal(size=(SizeKind.QUANTITY, "2")))  # 120000 USDT at 10x on 10000
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    assert (result.error.error_class, result.error.venue_code) == (
        ErrorClass.INSUFFICIENT_MARGIN,
        rig.profile.insufficient_margin_code,
    )
    assert rig.orders() == []


def test_unknown_symbol_is_rejected(rig: VenueRig) -> None:
    result = rig.engine.execute(rig.signal(symbol="NOPE-USDT"))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.UNKNOWN_SYMBOL


def test_unconfigured_venue_is_rejected(rig: VenueRig) -> None:
    [other] = [v for v in Venue if v is not rig.venue]  # a venue the engine has no adapter for
    result = rig.engine.execute(replace(rig.signal(), venue=other))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.UNKNOWN_ACCOUNT


def test_kill_switch_rejects(rig: VenueRig) -> None:
    rig.engine.switch.set(False, "test", "maintenance")
    result = rig.engine.execute(rig.signal())
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.TRADING_DISABLED
    assert rig.orders() == []


def test_stale_signal_expires(rig: VenueRig) -> None:
    old = datetime.now(UTC) - timedelta(minutes=2)
    result = rig.engine.execute(rig.signal(fired_at=old), max_age_ms=60_000)
    assert result.outcome is Outcome.EXPIRED
    assert rig.orders() == []


# -- never twice: idempotency and redelivery ----------------------------------------------------


def test_same_signal_twice_places_one_order(rig: VenueRig) -> None:
    first = rig.engine.execute(rig.signal())
    assert rig.engine.execute(rig.signal()) == first
    assert len(rig.orders()) == 1


def test_redelivery_after_a_restart_finds_the_order_instead_of_doubling(rig: VenueRig) -> None:
    first = rig.engine_on().execute(rig.signal())
    restarted = rig.engine_on()  # no memory of the first run
    again = restarted.execute(rig.signal(), attempt=2)
    assert again.outcome is Outcome.EXECUTED
    assert again.orders[0].order_id == first.orders[0].order_id
    assert len(rig.orders()) == 1


def test_a_late_redelivery_reports_the_order_that_exists_not_expired(rig: VenueRig) -> None:
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


def test_find_order_is_none_for_an_order_the_venue_never_saw(rig: VenueRig) -> None:
    assert rig.adapter.find_order(rig.profile.btc, client_order_id("never-sent", "entry-BOTH")) is None


# -- limit orders ---------------------------------------------------------------------------------


def test_limit_order_rests_at_the_tick_until_the_price_comes(rig: VenueRig) -> None:
    result = rig.engine.execute(rig.signal(order_type=OrderType.LIMIT, price=Decimal("59000.07")))
    assert result.outcome is Outcome.EXECUTED, result.error
    [order] = rig.orders()
    assert (order["type"], order["price"], order["status"]) == ("LIMIT", "59000", "NEW")
    rig.set_price("BTC-USDT", "58900")
    assert rig.orders()[0]["status"] == "FILLED"


# -- the connection and the clock -----------------------------------------------------------------


def test_check_connection_reads_and_proves_trading_without_an_order(rig: VenueRig) -> None:
    report = rig.adapter.check_connection()
    assert (report.ok, report.can_read, report.can_trade) == (True, True, True)
    assert abs(report.clock_offset_ms) < 1_000
    assert rig.orders() == []
    assert rig.sent("POST", rig.profile.paths.TEST_ORDER) == 1


def test_wrong_secret_is_an_auth_failure(rig: VenueRig) -> None:
    adapter = rig.new_adapter(keys=(rig.profile.api_key, "wrong-secret"))
    with pytest.raises(TvbridgeError) as caught:
        adapter.balances()
    adapter.close()
    assert (caught.value.error_class, caught.value.venue_code) == (ErrorClass.AUTH, rig.profile.auth_code)
    assert not caught.value.retryable


def test_skewed_host_clock_is_corrected_from_server_time(rig: VenueRig) -> None:
    rig.adapter.client.offset_ms = -30_000  # as if our clock ran 30 s ahead
    balances = rig.adapter.balances()  # refused once for its timestamp, then resynced and served
    assert tuple(b.asset for b in balances) == rig.profile.balance_assets
    assert abs(rig.adapter.client.offset_ms) < 1_000


def test_venue_clock_skew_is_learned_and_applied(rig: VenueRig) -> None:
    rig.set_faults({"kind": "skew", "skew_ms": 45_000})  # the venue runs 45 s ahead
    adapter = rig.new_adapter()
    adapter.warm()
    assert 44_000 < adapter.client.offset_ms < 46_000
    assert rig.engine_on(adapter).execute(rig.signal()).outcome is Outcome.EXECUTED
    adapter.close()


def test_skew_appearing_mid_run_is_resynced_once(rig: VenueRig) -> None:
    rig.set_faults({"kind": "skew", "skew_ms": -20_000})
    assert rig.engine.execute(rig.signal()).outcome is Outcome.EXECUTED
    assert -21_000 < rig.adapter.client.offset_ms < -19_000


def test_requests_refused_at_once_for_the_clock_share_one_resync(rig: VenueRig) -> None:
    # The venue runs 20 s ahead, and answers the account's reads late, so all ten are out, and
    # refused for their timestamp, together: the lanes of a burst, each signing a request.
    rig.set_faults(
        {"kind": "skew", "skew_ms": 20_000},
        {"kind": "latency", "method": "GET", "path": rig.profile.paths.BALANCE, "latency_ms": 300},
    )
    rig.reset_requests()
    client = rig.adapter.client
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: client.signed("GET", rig.profile.paths.BALANCE), range(10)))
    assert len(answers) == 10
    assert 19_000 < client.offset_ms < 21_000
    seen = rig.seen()
    # One read of the venue's time for all ten, not ten in turn (each a round trip).
    assert seen[f"GET {rig.profile.paths.SERVER_TIME}"] == 1
    assert seen[f"GET {rig.profile.paths.BALANCE}"] == 20


# -- faults: the venue unreachable, slow, failing or limiting -------------------------------------


def not_now(engine: ExecutionEngine, rig: VenueRig, error_class: ErrorClass, **fields: Any) -> TvbridgeError:
    """The signal raises a retryable `error_class`: no decision now, the caller is to try again."""
    with pytest.raises(TvbridgeError) as caught:
        engine.execute(rig.signal(**fields))
    assert caught.value.error_class is error_class and caught.value.retryable
    return caught.value


def test_unreachable_venue_is_retryable_not_a_decision(rig: VenueRig) -> None:
    adapter = rig.new_adapter(f"http://127.0.0.1:{free_port()}")
    not_now(rig.engine_on(adapter), rig, ErrorClass.VENUE_UNAVAILABLE)
    adapter.close()


@pytest.fixture
def impatient(rig: VenueRig) -> Iterator[ExecutionEngine]:
    """An engine whose adapter gives up on a silent venue after 0.5 s."""
    adapter = rig.new_adapter(read_timeout_s=0.5)
    adapter.warm()
    yield rig.engine_on(adapter, rate_limit_wait_s=1.5)
    adapter.close()


def test_timeout_after_accept_is_recovered_by_client_id(impatient: ExecutionEngine, rig: VenueRig) -> None:
    path = rig.fault_next_order("timeout_after_accept", hold_s=2)
    result = impatient.execute(rig.signal())
    assert result.outcome is Outcome.EXECUTED
    [order] = rig.orders()  # accepted once, found again, never re-sent
    assert result.orders[0].order_id == order["order_id"]
    assert rig.sent("POST", path) == 1


def test_server_error_on_an_order_is_retryable_checked_first_and_placed_once_on_redelivery(
    impatient: ExecutionEngine, rig: VenueRig
) -> None:
    path = rig.fault_next_order("http_error", status=503)
    not_now(impatient, rig, ErrorClass.VENUE_UNAVAILABLE)
    # the engine asked the venue for the order before giving up
    assert rig.sent("GET", path) == 1
    assert rig.orders() == []
    again = impatient.execute(rig.signal(), attempt=2)
    assert again.outcome is Outcome.EXECUTED
    assert len(rig.orders()) == 1


def test_429_with_short_retry_after_waits_and_places_once(impatient: ExecutionEngine, rig: VenueRig) -> None:
    path = rig.fault_next_order("rate_limit", retry_after_s=1)
    started = time.monotonic()
    result = impatient.execute(rig.signal())
    waited = time.monotonic() - started
    assert result.outcome is Outcome.EXECUTED
    assert waited >= 1.0  # it honoured Retry-After
    assert len(rig.orders()) == 1
    assert rig.sent("POST", path) == 2  # the refused one and the one that filled


def test_429_with_long_retry_after_stops_sending_until_the_window_reopens(
    impatient: ExecutionEngine, rig: VenueRig
) -> None:
    path = rig.fault_next_order("rate_limit", retry_after_s=30)
    assert not_now(impatient, rig, ErrorClass.RATE_LIMITED).retry_after_s == 30  # the venue's wait
    not_now(impatient, rig, ErrorClass.RATE_LIMITED, signal_id="sig-2")
    assert rig.sent("POST", path) == 1  # the second signal was held back, not sent
    assert rig.orders() == []


def test_latency_is_paid_not_failed(impatient: ExecutionEngine, rig: VenueRig) -> None:
    rig.set_faults({"kind": "latency", "latency_ms": 200})
    started = time.monotonic()
    result = impatient.execute(rig.signal())
    assert result.outcome is Outcome.EXECUTED
    assert time.monotonic() - started >= 0.2
    assert result.venue_ms >= 200
