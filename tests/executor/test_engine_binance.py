"""The engine and the Binance adapter against the simulator, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests
from fastapi import FastAPI

from common.errors import ErrorClass, TvbridgeError
from executor.core.engine import ExecutionEngine
from executor.core.legs import client_order_id
from executor.core.model import Action, OrderType, Outcome, PositionSide, Side, SizeKind, TradeSignal, Venue
from executor.core.ports import OrderRequest
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.http import VenueHttp
from simulator.binance.api import build_router
from simulator.binance.instruments import Filters
from simulator.exchange import Exchange
from tests.conftest import make_signal
from tests.support.inproc import BINANCE_API_KEY, BINANCE_SECRET_KEY, RunningSimulator, serve_app
from tools.processes import free_port

ORDER = "/fapi/v1/order"


def signal(action: Action = Action.BUY, **fields: Any) -> TradeSignal:
    return make_signal(action, venue=Venue.BINANCE, **fields)


def sim_orders(sim: RunningSimulator) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = requests.get(
        f"{sim.url}/_sim/orders", params={"venue_name": "binance"}, timeout=5
    ).json()
    return result


def sim_positions(sim: RunningSimulator) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = requests.get(
        f"{sim.url}/_sim/positions", params={"venue_name": "binance"}, timeout=5
    ).json()
    return result


def seen(sim: RunningSimulator) -> dict[str, int]:
    result: dict[str, int] = requests.get(f"{sim.url}/_sim/requests", timeout=5).json()
    return result


def reset_requests(sim: RunningSimulator) -> None:
    requests.post(f"{sim.url}/_sim/requests/reset", timeout=5)


def set_faults(sim: RunningSimulator, *rules: dict[str, Any]) -> None:
    resp = requests.put(f"{sim.url}/_sim/faults", json={"rules": list(rules)}, timeout=5)
    assert resp.status_code == 200, resp.text


def account(sim: RunningSimulator) -> Any:
    return sim.sim.exchanges["binance"].accounts[BINANCE_API_KEY]


@pytest.fixture
def engine(binance: BinanceAdapter) -> ExecutionEngine:
    return ExecutionEngine({(Venue.BINANCE, "default"): binance})


def test_seed_balance_sizing_rounds_down_to_the_step_size(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    # 100 USDT margin x 10 leverage / 60000 = 0.01666.. BTC -> 0.016 at LOT_SIZE.stepSize 0.001
    result = engine.execute(signal(size=(SizeKind.BALANCE, "100")))
    assert result.outcome is Outcome.EXECUTED, result.error
    assert result.sizing is not None
    assert (result.sizing.quantity, result.sizing.price, result.sizing.leverage) == (
        Decimal("0.016"),
        Decimal("60000.0"),
        10,
    )
    assert result.sizing.notional == Decimal("960")
    [order] = sim_orders(simulator)
    assert (order["quantity"], order["side"], order["position_side"]) == ("0.016", "BUY", "BOTH")
    assert (order["type"], order["status"], order["reduce_only"]) == ("MARKET", "FILLED", False)
    assert order["client_order_id"] == result.orders[0].client_order_id
    # RESULT, not ACK, was asked for: the report carries the fill
    assert (result.orders[0].status, result.orders[0].avg_price) == ("FILLED", Decimal("60000.0"))


def test_client_order_ids_fit_the_venue_pattern() -> None:
    cid = client_order_id("tv-signal/with:odd chars", "close-LONG")
    assert cid == client_order_id("tv-signal/with:odd chars", "close-LONG")
    assert cid != client_order_id("tv-signal/with:odd chars", "entry-LONG")
    assert len(cid) <= 36 and cid.isalnum()


def test_fixed_quantity_market_order_costs_one_venue_request(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    assert engine.execute(signal(size=(SizeKind.QUANTITY, "0.01"))).outcome is Outcome.EXECUTED
    # the position-mode probe is cached after the first signal; a second signal pays only the order
    reset_requests(simulator)
    engine.execute(signal(signal_id="sig-2", size=(SizeKind.QUANTITY, "0.01")))
    assert seen(simulator) == {f"POST {ORDER}": 1}


def test_signal_leverage_is_set_once_then_cached(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    engine.execute(signal(size=(SizeKind.BALANCE, "100"), leverage=5))
    lev = account(simulator).leverage
    assert (lev[("BTC-USDT", "LONG")], lev[("BTC-USDT", "SHORT")]) == (5, 5)
    reset_requests(simulator)
    result = engine.execute(signal(signal_id="sig-2", size=(SizeKind.BALANCE, "100"), leverage=5))
    assert result.sizing is not None and result.sizing.leverage == 5
    # Neither leverage nor price is asked again: the first order's fill is a fresh price.
    assert seen(simulator) == {f"POST {ORDER}": 1}


def test_leverage_is_read_from_the_venue(binance: BinanceAdapter, simulator: RunningSimulator) -> None:
    account(simulator).leverage[("ETH-USDT", "LONG")] = 7
    assert binance.leverage("ETHUSDT", PositionSide.LONG) == 7


def test_close_sells_the_whole_long_reduce_only(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    engine.execute(signal(size=(SizeKind.QUANTITY, "0.05")))
    result = engine.execute(signal(Action.CLOSE, signal_id="close-1", size=None))
    assert result.outcome is Outcome.EXECUTED, result.error
    close = sim_orders(simulator)[-1]
    assert (close["side"], close["quantity"], close["reduce_only"], close["status"]) == (
        "SELL",
        "0.05",
        True,
        "FILLED",
    )
    assert sim_positions(simulator) == []


def test_close_when_flat_is_rejected_not_traded(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    result = engine.execute(signal(Action.CLOSE_LONG, size=None))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.NO_POSITION
    assert sim_orders(simulator) == []


def test_quantity_below_minimum_names_the_lot_size_filter(engine: ExecutionEngine) -> None:
    result = engine.execute(signal(size=(SizeKind.QUANTITY, "0.0009"), test=True))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.BELOW_MINIMUM
    assert "LOT_SIZE.minQty = 0.001" in result.error.message


def test_notional_below_minimum_names_the_min_notional_filter(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    # 0.5 USDT margin x 10 / 0.6 = 8.33 XRP -> 8.3 XRP = 4.98 USDT, below MIN_NOTIONAL 5
    result = engine.execute(signal(symbol="XRP-USDT", size=(SizeKind.BALANCE, "0.5")))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and "MIN_NOTIONAL.notional = 5" in result.error.message
    assert sim_orders(simulator) == []


def test_venue_side_minimum_notional_is_mapped_when_no_price_was_read(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    # 0.001 BTC is a legal quantity but only 60 USDT, below BTCUSDT's 100: the venue refuses it.
    result = engine.execute(signal(size=(SizeKind.QUANTITY, "0.001")))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    assert (result.error.error_class, result.error.venue_code) == (ErrorClass.BELOW_MINIMUM, "-4164")
    assert sim_orders(simulator) == []


def test_insufficient_margin_is_a_rejection(engine: ExecutionEngine) -> None:
    result = engine.execute(signal(size=(SizeKind.QUANTITY, "2")))  # 120000 USDT at 10x on 10000
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    assert (result.error.error_class, result.error.venue_code) == (ErrorClass.INSUFFICIENT_MARGIN, "-2019")


def test_excess_precision_is_floored_never_sent(
    engine: ExecutionEngine, binance: BinanceAdapter, simulator: RunningSimulator
) -> None:
    result = engine.execute(signal(size=(SizeKind.QUANTITY, "0.0129999")))
    assert result.outcome is Outcome.EXECUTED, result.error
    assert [o["quantity"] for o in sim_orders(simulator)] == ["0.012"]
    # Binance refuses what the engine floored, unlike BingX which would truncate it.
    raw = OrderRequest(
        "BTCUSDT", Side.BUY, PositionSide.BOTH, OrderType.MARKET, Decimal("0.0129999"), "raw-1"
    )
    with pytest.raises(TvbridgeError) as caught:
        binance.place_order(raw)
    assert (caught.value.error_class, caught.value.venue_code) == (ErrorClass.PRECISION, "-1111")


def test_unknown_symbol_is_rejected(engine: ExecutionEngine) -> None:
    result = engine.execute(signal(symbol="NOPE-USDT"))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.UNKNOWN_SYMBOL


def test_same_signal_twice_places_one_order(engine: ExecutionEngine, simulator: RunningSimulator) -> None:
    first = engine.execute(signal())
    assert engine.execute(signal()) == first
    assert len(sim_orders(simulator)) == 1


def test_redelivery_after_a_restart_finds_the_order_instead_of_doubling(
    binance: BinanceAdapter, simulator: RunningSimulator
) -> None:
    first = ExecutionEngine({(Venue.BINANCE, "default"): binance}).execute(signal())
    restarted = ExecutionEngine({(Venue.BINANCE, "default"): binance})  # no memory of the first run
    again = restarted.execute(signal(), attempt=2)
    assert again.outcome is Outcome.EXECUTED
    assert again.orders[0].order_id == first.orders[0].order_id
    assert len(sim_orders(simulator)) == 1


def test_duplicate_client_id_on_an_open_order_finds_it(
    binance: BinanceAdapter, simulator: RunningSimulator
) -> None:
    limit = signal(order_type=OrderType.LIMIT, price=Decimal("59000"))
    first = ExecutionEngine({(Venue.BINANCE, "default"): binance}).execute(limit)
    # A first delivery to a restarted engine: the venue answers -4116, the engine asks it.
    again = ExecutionEngine({(Venue.BINANCE, "default"): binance}).execute(limit)
    assert again.outcome is Outcome.EXECUTED, again.error
    assert again.orders[0].order_id == first.orders[0].order_id
    assert len(sim_orders(simulator)) == 1


def test_find_order_is_none_for_an_order_the_venue_never_saw(binance: BinanceAdapter) -> None:
    assert binance.find_order("BTCUSDT", client_order_id("never-sent", "entry-BOTH")) is None


def test_limit_order_rests_at_the_tick_until_the_price_comes(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    result = engine.execute(signal(order_type=OrderType.LIMIT, price=Decimal("59000.07")))
    assert result.outcome is Outcome.EXECUTED, result.error
    [order] = sim_orders(simulator)
    assert (order["type"], order["price"], order["status"]) == ("LIMIT", "59000", "NEW")
    requests.post(
        f"{simulator.url}/_sim/price",
        json={"venue": "binance", "symbol": "BTC-USDT", "price": "58900"},
        timeout=5,
    )
    assert sim_orders(simulator)[0]["status"] == "FILLED"


def test_hedge_mode_opens_and_closes_by_position_side(
    binance: BinanceAdapter, engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    account(simulator).hedge_mode = True
    engine.execute(signal(Action.SELL, signal_id="s1"))
    [short] = binance.positions("BTCUSDT")
    assert (short.symbol, short.position_side, short.quantity) == (
        "BTC-USDT",
        PositionSide.SHORT,
        Decimal("-0.01"),
    )
    result = engine.execute(signal(Action.CLOSE_SHORT, signal_id="s2", size=None))
    assert result.outcome is Outcome.EXECUTED, result.error
    opened, closed = sim_orders(simulator)
    assert (opened["side"], opened["position_side"]) == ("SELL", "SHORT")
    # reduceOnly is never sent in hedge mode (the venue answers -1106); the side closes
    assert (closed["side"], closed["position_side"], closed["quantity"], closed["reduce_only"]) == (
        "BUY",
        "SHORT",
        "0.01",
        False,
    )
    assert sim_positions(simulator) == []


def test_balances_pick_the_margin_asset(binance: BinanceAdapter, engine: ExecutionEngine) -> None:
    engine.execute(signal(size=(SizeKind.QUANTITY, "0.01")))
    usdt = next(b for b in binance.balances() if b.asset == "USDT")
    assert usdt.wallet == Decimal("9999.7")  # 0.05% taker fee on 600 USDT
    assert usdt.available == Decimal("9939.7")  # less 60 USDT margin at 10x
    assert binance.available("USDT") == usdt.available


def test_market_lot_size_stricter_than_lot_size_wins() -> None:
    # A venue whose DOGEUSDT market orders step by 100 while limit orders step by 1.
    exchange = Exchange("binance", truncate_excess_precision=False)
    exchange.add_account(BINANCE_API_KEY, BINANCE_SECRET_KEY, Decimal(10000))
    d = Decimal
    app = FastAPI()
    app.include_router(
        build_router(
            exchange, filters={"DOGE-USDT": Filters(d(10**7), d(10**6), d("0.00001"), d(30), d(100), d(100))}
        )
    )
    port = free_port()
    with serve_app(app, port):
        adapter = BinanceAdapter("default", f"http://127.0.0.1:{port}", BINANCE_API_KEY, BINANCE_SECRET_KEY)
        adapter.warm()
        rules = adapter.rules("DOGE-USDT")
        assert (rules.qty_step, rules.min_qty, rules.min_qty_rule) == (
            d(100),
            d(100),
            "MARKET_LOT_SIZE.minQty",
        )
        result = ExecutionEngine({(Venue.BINANCE, "default"): adapter}).execute(
            signal(symbol="DOGE-USDT", size=(SizeKind.QUANTITY, "1234"))
        )
        adapter.close()
    assert result.outcome is Outcome.EXECUTED, result.error
    assert result.orders[0].quantity == d(1200)


def test_skewed_host_clock_is_corrected_from_server_time(binance: BinanceAdapter) -> None:
    binance.client.offset_ms = -30_000  # as if our clock ran 30 s ahead
    assert binance.balances()[1].asset == "USDT"  # refused once with -1021, resynced, served
    assert abs(binance.client.offset_ms) < 1_000


def test_check_connection_reads_and_proves_trading_without_an_order(
    binance: BinanceAdapter, simulator: RunningSimulator
) -> None:
    report = binance.check_connection()
    assert (report.ok, report.can_read, report.can_trade) == (True, True, True)
    assert abs(report.clock_offset_ms) < 1_000
    assert sim_orders(simulator) == []
    assert seen(simulator).get("POST /fapi/v1/order/test") == 1


def test_wrong_secret_is_an_auth_failure(simulator: RunningSimulator) -> None:
    adapter = BinanceAdapter("default", simulator.url, BINANCE_API_KEY, "wrong-secret")
    with pytest.raises(TvbridgeError) as caught:
        adapter.balances()
    assert (caught.value.error_class, caught.value.venue_code) == (ErrorClass.AUTH, "-1022")
    assert not caught.value.retryable


def test_rate_limit_answer_is_retryable_with_the_venues_wait(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    set_faults(simulator, {"kind": "rate_limit", "venue": "binance", "path": ORDER, "retry_after_s": 7})
    with pytest.raises(TvbridgeError) as caught:
        engine.execute(signal())
    assert caught.value.error_class is ErrorClass.RATE_LIMITED and caught.value.retryable
    assert caught.value.retry_after_s == 7
    assert sim_orders(simulator) == []


def test_server_error_on_an_order_is_retryable_and_checked_first(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    set_faults(
        simulator, {"kind": "http_error", "venue": "binance", "path": ORDER, "status": 503, "count": 1}
    )
    with pytest.raises(TvbridgeError) as caught:
        engine.execute(signal())
    assert caught.value.error_class is ErrorClass.VENUE_UNAVAILABLE and caught.value.retryable
    # the engine asked the venue for the order before giving up
    assert seen(simulator)[f"GET {ORDER}"] == 1
    again = engine.execute(signal(), attempt=2)
    assert again.outcome is Outcome.EXECUTED
    assert len(sim_orders(simulator)) == 1


@pytest.fixture
def impatient(simulator: RunningSimulator) -> Iterator[BinanceAdapter]:
    http = VenueHttp(simulator.url, read_timeout_s=0.5)
    adapter = BinanceAdapter("default", simulator.url, BINANCE_API_KEY, BINANCE_SECRET_KEY, http=http)
    adapter.warm()
    yield adapter
    adapter.close()


def test_timeout_after_accept_is_recovered_by_client_id(
    impatient: BinanceAdapter, simulator: RunningSimulator
) -> None:
    set_faults(
        simulator,
        {
            "kind": "timeout_after_accept",
            "venue": "binance",
            "method": "POST",
            "path": ORDER,
            "count": 1,
            "hold_s": 2,
        },
    )
    result = ExecutionEngine({(Venue.BINANCE, "default"): impatient}).execute(signal())
    assert result.outcome is Outcome.EXECUTED
    [order] = sim_orders(simulator)
    assert result.orders[0].order_id == order["order_id"]
    assert seen(simulator)[f"POST {ORDER}"] == 1


def test_unreachable_venue_is_retryable_not_a_decision() -> None:
    adapter = BinanceAdapter(
        "default", f"http://127.0.0.1:{free_port()}", BINANCE_API_KEY, BINANCE_SECRET_KEY
    )
    engine = ExecutionEngine({(Venue.BINANCE, "default"): adapter})
    with pytest.raises(TvbridgeError) as caught:
        engine.execute(signal())
    assert caught.value.error_class is ErrorClass.VENUE_UNAVAILABLE
    assert caught.value.retryable
