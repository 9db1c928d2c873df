"""Take-profit and stop-loss on both venues: placed, triggered, cleaned up, never doubled."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from common.errors import ErrorClass
from executor.core.engine import ExecutionEngine
from executor.core.model import Action, MarketPosition, OrderType, Outcome, PositionSide, Side, Venue
from executor.core.ports import VenueAdapter
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx.adapter import BingxAdapter
from executor.venues.http import VenueHttp
from simulator.exchange import Account, Exchange
from tests.conftest import make_signal
from tests.support.inproc import API_KEY, BINANCE_API_KEY, BINANCE_SECRET_KEY, RunningSimulator

VENUES = [Venue.BINGX, Venue.BINANCE]
SYMBOL = {Venue.BINGX: "BTC-USDT", Venue.BINANCE: "BTCUSDT"}


@pytest.fixture
def engine(bingx: BingxAdapter, binance: BinanceAdapter) -> ExecutionEngine:
    return ExecutionEngine({(Venue.BINGX, "default"): bingx, (Venue.BINANCE, "default"): binance})


def exchange(sim: RunningSimulator, venue: Venue) -> Exchange:
    return sim.sim.exchanges[venue.value]


def account(sim: RunningSimulator, venue: Venue) -> Account:
    return exchange(sim, venue).accounts[API_KEY if venue is Venue.BINGX else BINANCE_API_KEY]


def held(sim: RunningSimulator, venue: Venue) -> Decimal:
    return sum((p.qty for p in exchange(sim, venue).positions(account(sim, venue))), Decimal(0))


def adapter_of(engine: ExecutionEngine, venue: Venue) -> VenueAdapter:
    return engine.adapter(venue, "default")


def guards(result: Any) -> dict[str, Any]:
    return {o.purpose: o for o in result.orders if o.purpose in ("take_profit", "stop_loss")}


def hedge(sim: RunningSimulator, venue: Venue) -> None:
    account(sim, venue).hedge_mode = True


def set_faults(sim: RunningSimulator, *rules: dict[str, Any]) -> None:
    requests.put(f"{sim.url}/_sim/faults", json={"rules": list(rules)}, timeout=5).raise_for_status()


@pytest.mark.parametrize("venue", VENUES)
def test_price_levels_guard_a_long_and_the_stop_closes_it(
    engine: ExecutionEngine, simulator: RunningSimulator, venue: Venue
) -> None:
    result = engine.execute(
        make_signal(venue=venue, take_profit=Decimal("63000"), stop_loss=Decimal("58500.55"))
    )
    assert result.outcome is Outcome.EXECUTED, result
    levels = guards(result)
    assert {k: (o.side, o.trigger_price, o.quantity) for k, o in levels.items()} == {
        "take_profit": (Side.SELL, Decimal("63000"), Decimal("0.01")),
        "stop_loss": (Side.SELL, Decimal("58500.5"), Decimal("0.01")),  # down to the 0.1 tick
    }
    assert len(adapter_of(engine, venue).open_protections(SYMBOL[venue])) == 2
    exchange(simulator, venue).set_price("BTC-USDT", Decimal("59000"))
    assert held(simulator, venue) == Decimal("0.01")
    exchange(simulator, venue).set_price("BTC-USDT", Decimal("58400"))
    assert held(simulator, venue) == 0


def test_bingx_carries_price_levels_on_the_entry_in_one_request(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    engine.execute(make_signal(signal_id="warm"))  # position mode read once
    requests.post(f"{simulator.url}/_sim/requests/reset", timeout=5)
    result = engine.execute(make_signal(take_profit=Decimal("63000"), stop_loss=Decimal("58000")))
    assert {o.status for o in guards(result).values()} == {"ATTACHED"}
    assert requests.get(f"{simulator.url}/_sim/requests", timeout=5).json() == {
        "POST /openApi/swap/v2/trade/order": 1
    }


@pytest.mark.parametrize("venue", VENUES)
def test_percent_levels_are_measured_from_the_fill_of_a_short(
    engine: ExecutionEngine, simulator: RunningSimulator, venue: Venue
) -> None:
    result = engine.execute(make_signal(Action.SELL, venue=venue, tp_pct=Decimal("5"), sl_pct=Decimal("3")))
    assert result.outcome is Outcome.EXECUTED, result
    levels = guards(result)
    assert {k: (o.side, o.trigger_price) for k, o in levels.items()} == {
        "take_profit": (Side.BUY, Decimal("57000.0")),
        "stop_loss": (Side.BUY, Decimal("61800.0")),
    }
    assert all(o.client_order_id.startswith("tvb") and o.order_id for o in levels.values())
    exchange(simulator, venue).set_price("BTC-USDT", Decimal("56900"))
    assert held(simulator, venue) == 0


@pytest.mark.parametrize("venue", VENUES)
def test_hedge_mode_guards_the_side_that_was_opened(
    engine: ExecutionEngine, simulator: RunningSimulator, venue: Venue
) -> None:
    hedge(simulator, venue)
    engine.execute(make_signal(venue=venue, signal_id="long"))
    result = engine.execute(make_signal(Action.SELL, venue=venue, signal_id="short", sl_pct=Decimal("2")))
    stop = guards(result)["stop_loss"]
    assert (stop.side, stop.position_side, stop.reduce_only) == (Side.BUY, PositionSide.SHORT, False)
    exchange(simulator, venue).set_price("BTC-USDT", Decimal("61300"))
    sides = {p.side: p.qty for p in exchange(simulator, venue).positions(account(simulator, venue))}
    assert sides == {"LONG": Decimal("0.01")}  # the short stopped out, the long untouched


@pytest.mark.parametrize("venue", VENUES)
def test_levels_on_the_wrong_side_are_refused_before_anything_is_placed(
    engine: ExecutionEngine, simulator: RunningSimulator, venue: Venue
) -> None:
    result = engine.execute(make_signal(venue=venue, stop_loss=Decimal("61000")))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    if venue is Venue.BINANCE:
        # No attached levels there: the executor checks the price itself before the entry.
        assert result.error.error_class is ErrorClass.INVALID_SIGNAL
        assert "stop-loss must be below the entry price 60000" in result.error.message
    else:
        assert result.error.venue_code == "110411"  # the venue refuses entry and level together
    assert held(simulator, venue) == 0


@pytest.mark.parametrize(
    ("fields", "error_class", "words"),
    [
        (
            {"take_profit": Decimal("58000"), "stop_loss": Decimal("62000")},
            ErrorClass.INVALID_SIGNAL,
            "wrong way",
        ),
        ({"take_profit": Decimal("63000"), "tp_pct": Decimal("2")}, ErrorClass.INVALID_SIGNAL, "not both"),
        ({"action": Action.CLOSE, "sl_pct": Decimal("2")}, ErrorClass.INVALID_SIGNAL, "nothing to protect"),
        ({"reduce_only": True, "sl_pct": Decimal("2")}, ErrorClass.INVALID_SIGNAL, "nothing to protect"),
        (
            {"market_position": MarketPosition.FLAT, "tp_pct": Decimal("2")},
            ErrorClass.INVALID_SIGNAL,
            "nothing to protect",
        ),
    ],
)
def test_signals_that_cannot_be_protected_as_meant_are_refused(
    engine: ExecutionEngine,
    simulator: RunningSimulator,
    fields: dict[str, Any],
    error_class: ErrorClass,
    words: str,
) -> None:
    action = fields.pop("action", Action.BUY)
    result = engine.execute(make_signal(action, venue=Venue.BINANCE, **fields))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is error_class
    assert words in result.error.message
    assert held(simulator, Venue.BINANCE) == 0


def test_binance_refuses_levels_on_a_resting_limit_entry(engine: ExecutionEngine) -> None:
    result = engine.execute(
        make_signal(
            venue=Venue.BINANCE, order_type=OrderType.LIMIT, price=Decimal("59000"), tp_pct=Decimal("2")
        )
    )
    assert result.error is not None and result.error.error_class is ErrorClass.UNSUPPORTED


def test_bingx_arms_percent_levels_of_a_limit_entry_from_its_price(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    result = engine.execute(
        make_signal(
            order_type=OrderType.LIMIT, price=Decimal("59000"), tp_pct=Decimal("2"), sl_pct=Decimal("1")
        )
    )
    levels = guards(result)
    assert {k: o.trigger_price for k, o in levels.items()} == {
        "take_profit": Decimal("60180.0"),
        "stop_loss": Decimal("58410.0"),
    }
    assert engine.adapter(Venue.BINGX, "default").open_protections("BTC-USDT") == []
    exchange(simulator, Venue.BINGX).set_price("BTC-USDT", Decimal("58900"))  # the limit fills
    assert len(engine.adapter(Venue.BINGX, "default").open_protections("BTC-USDT")) == 2


@pytest.mark.parametrize("venue", VENUES)
def test_closing_the_position_cancels_its_levels(
    engine: ExecutionEngine, simulator: RunningSimulator, venue: Venue
) -> None:
    engine.execute(make_signal(venue=venue, signal_id="open", tp_pct=Decimal("2"), sl_pct=Decimal("2")))
    result = engine.execute(make_signal(Action.CLOSE, venue=venue, signal_id="close", size=None))
    assert result.outcome is Outcome.EXECUTED
    assert "cancelled 2 take-profit/stop-loss order(s)" in result.note
    assert adapter_of(engine, venue).open_protections(SYMBOL[venue]) == []
    # A new long later is not cut short by the old stop.
    engine.execute(make_signal(venue=venue, signal_id="again"))
    exchange(simulator, venue).set_price("BTC-USDT", Decimal("58000"))
    assert held(simulator, venue) == Decimal("0.01")


@pytest.mark.parametrize("venue", VENUES)
def test_a_target_flip_cancels_the_old_sides_levels_and_guards_the_new(
    engine: ExecutionEngine, simulator: RunningSimulator, venue: Venue
) -> None:
    long = make_signal(venue=venue, signal_id="l", market_position=MarketPosition.LONG, sl_pct=Decimal("2"))
    engine.execute(long)
    flip = make_signal(
        Action.SELL, venue=venue, signal_id="s", market_position=MarketPosition.SHORT, sl_pct=Decimal("2")
    )
    result = engine.execute(flip)
    stop = guards(result)["stop_loss"]
    assert (stop.side, stop.quantity) == (Side.BUY, Decimal("0.01"))  # the new short, not the 0.02 traded
    resting = adapter_of(engine, venue).open_protections(SYMBOL[venue])
    assert [(p.side, p.client_order_id) for p in resting] == [(Side.BUY, stop.client_order_id)]


def test_a_close_without_levels_looks_for_stale_ones_once(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    for n in range(2):
        engine.execute(make_signal(venue=Venue.BINANCE, signal_id=f"o{n}"))
        requests.post(f"{simulator.url}/_sim/requests/reset", timeout=5)
        engine.execute(make_signal(Action.CLOSE, venue=Venue.BINANCE, signal_id=f"c{n}", size=None))
        seen = requests.get(f"{simulator.url}/_sim/requests", timeout=5).json()
        assert ("GET /fapi/v1/openAlgoOrders" in seen) is (n == 0)


def test_a_level_the_venue_would_not_take_is_reported_and_the_entry_stands(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    set_faults(simulator, {"kind": "http_error", "method": "POST", "path": "/fapi/v1/algoOrder", "count": 1})
    result = engine.execute(make_signal(venue=Venue.BINANCE, tp_pct=Decimal("2"), sl_pct=Decimal("2")))
    assert result.outcome is Outcome.EXECUTED
    assert result.note.startswith("UNPROTECTED: the take-profit at 61200")
    assert list(guards(result)) == ["stop_loss"]
    assert held(simulator, Venue.BINANCE) == Decimal("0.01")


@pytest.fixture
def slow_binance(simulator: RunningSimulator) -> Iterator[BinanceAdapter]:
    adapter = BinanceAdapter(
        "default",
        simulator.url,
        BINANCE_API_KEY,
        BINANCE_SECRET_KEY,
        http=VenueHttp(simulator.url, read_timeout_s=0.5),
    )
    adapter.warm()
    yield adapter
    adapter.close()


def test_a_level_accepted_but_unanswered_is_found_by_its_client_id(
    slow_binance: BinanceAdapter, simulator: RunningSimulator
) -> None:
    engine = ExecutionEngine({(Venue.BINANCE, "default"): slow_binance})
    set_faults(
        simulator,
        {
            "kind": "timeout_after_accept",
            "method": "POST",
            "path": "/fapi/v1/algoOrder",
            "count": 1,
            "hold_s": 2,
        },
    )
    result = engine.execute(make_signal(venue=Venue.BINANCE, sl_pct=Decimal("2")))
    assert result.note == ""
    assert guards(result)["stop_loss"].order_id
    assert len(slow_binance.open_protections("BTCUSDT")) == 1


@pytest.mark.parametrize("venue", VENUES)
def test_a_redelivery_completes_missing_levels_and_never_doubles_them(
    engine: ExecutionEngine, simulator: RunningSimulator, venue: Venue
) -> None:
    signal = make_signal(venue=venue, tp_pct=Decimal("2"), sl_pct=Decimal("2"))
    first = engine.execute(signal)
    assert len(guards(first)) == 2
    # A fresh executor (no memory of the first answer) sees the redelivery.
    again = ExecutionEngine(dict(engine.adapters)).execute(signal, attempt=2)
    assert {o.order_id for o in again.orders} == {o.order_id for o in first.orders}
    assert len(adapter_of(engine, venue).open_protections(SYMBOL[venue])) == 2
    assert held(simulator, venue) == Decimal("0.01")


def test_test_mode_shows_the_levels_it_would_place(
    engine: ExecutionEngine, simulator: RunningSimulator
) -> None:
    result = engine.execute(make_signal(venue=Venue.BINANCE, tp_pct=Decimal("2"), test=True))
    assert result.note == "would place take-profit at 61200 (from 60000)"
    assert held(simulator, Venue.BINANCE) == 0
