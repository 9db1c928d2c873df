"""Both venues' user-data stream clients against the simulator's streams, over real websockets:
an order's life as events, liquidation and app close, drops, expired keys, BingX's heartbeat,
and `stop`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests
from pydantic import SecretStr

from executor.core.events import (
    AccountConfig,
    Fill,
    OrderKind,
    OrderUpdate,
    PositionUpdate,
    StreamState,
    StreamStatus,
)
from executor.core.model import OrderStatus, OrderType, PositionSide, Side
from executor.core.ports import OrderRequest, ProtectionKind, ProtectionRequest
from simulator.app import build
from simulator.config import SimulatorSettings
from tests.executor.conftest import BINANCE, BINGX, CurrentSimulator, VenueRig
from tests.executor.stream_support import WAIT_S, streaming
from tests.support.inproc import RunningSimulator, unread_params

QTY = Decimal("0.01")


@pytest.fixture
def simulator(simulator_server: tuple[CurrentSimulator, int]) -> Iterator[RunningSimulator]:
    """The shared server with a simulator whose BingX heartbeat is quick (0.3 s, so two unanswered
    Pings close a socket within a second)."""
    current, port = simulator_server
    keys: dict[str, Any] = {
        f"{profile.name}_{field}": SecretStr(key)
        for profile in (BINGX, BINANCE)
        for field, key in (("api_key", profile.api_key), ("secret_key", profile.secret_key))
    }
    settings = SimulatorSettings(  # type: ignore[call-arg]
        _env_file=None, simulator_port=port, simulator_bingx_heartbeat_s=0.3, **keys
    )
    sim = build(settings)
    current.app = sim.app
    yield RunningSimulator(sim, f"http://127.0.0.1:{port}", port)
    current.app = None
    assert not unread_params(sim), f"the executor sent parameters no endpoint reads: {unread_params(sim)}"


def buy(rig: VenueRig, client_id: str = "tvb-stream-1") -> str:
    order = rig.adapter.place_order(
        OrderRequest(rig.profile.btc, Side.BUY, PositionSide.BOTH, OrderType.MARKET, QTY, client_id)
    )
    return order.order_id


def control(rig: VenueRig, path: str, **body: Any) -> None:
    body = {"venue": rig.profile.name, **body}
    requests.post(f"{rig.sim.url}/_sim/{path}", json=body, timeout=5).raise_for_status()


def test_an_orders_life_arrives_as_events(rig: VenueRig) -> None:
    with streaming(rig.adapter.user_stream()) as (sink, _, _):
        order_id = buy(rig)
        filled = sink.wait_for(
            OrderUpdate, lambda u: u.order_id == order_id and u.status is OrderStatus.FILLED
        )
        assert filled.kind is OrderKind.MARKET and filled.client_order_id == "tvb-stream-1"
        assert filled.where.symbol == "BTC-USDT" and filled.where.venue_symbol == rig.profile.btc
        fill = sink.wait_for(Fill, lambda f: f.order_id == order_id)
        assert fill.trade_id and fill.quantity == QTY and fill.price > 0
        assert fill.fee == (fill.price * QTY * Decimal("0.0005"))  # a taker's 0.05 %, positive: paid
        assert not fill.liquidation
        position = sink.wait_for(PositionUpdate, lambda p: p.quantity == QTY)
        assert position.position_side is PositionSide.BOTH and position.entry_price == fill.price

        stop = rig.adapter.place_protection(
            ProtectionRequest(
                rig.profile.btc,
                ProtectionKind.STOP_LOSS,
                Side.SELL,
                PositionSide.BOTH,
                QTY,
                Decimal("59000"),
                "tvb-stream-sl",
            )
        )
        sink.wait_for(OrderUpdate, lambda u: u.order_id == stop.order_id and u.kind is OrderKind.STOP_MARKET)
        rig.set_price("BTC-USDT", "58000")  # sets the stop off: it closes the long at a loss
        close = sink.wait_for(Fill, lambda f: f.side is Side.SELL)
        assert close.realized_pnl < 0 and close.trade_id != fill.trade_id
        sink.wait_for(PositionUpdate, lambda p: p.quantity == 0)
        # REST lists the same trades under the same ids.
        by_rest = rig.adapter.fills(rig.profile.btc, fill.time_ms - 1000)
        assert [f.trade_id for f in by_rest] == [fill.trade_id, close.trade_id]
        assert by_rest[0].client_order_id == "tvb-stream-1" and by_rest[1].realized_pnl == close.realized_pnl


def test_liquidation_and_app_close_arrive_as_fills(rig: VenueRig) -> None:
    with streaming(rig.adapter.user_stream()) as (sink, _, _):
        buy(rig, "tvb-liq")
        control(rig, "liquidate", symbol="BTC-USDT", position_side="BOTH", price="55000")
        liquidation = sink.wait_for(Fill, lambda f: f.liquidation)
        assert liquidation.side is Side.SELL and liquidation.quantity == QTY
        sink.wait_for(PositionUpdate, lambda p: p.quantity == 0)
        assert [f.liquidation for f in rig.adapter.fills(rig.profile.btc, liquidation.time_ms - 60_000)] == [
            False,
            True,
        ]

        buy(rig, "tvb-app")
        control(rig, "close", symbol="BTC-USDT", position_side="BOTH")
        closed = sink.wait_for(Fill, lambda f: f.side is Side.SELL and not f.liquidation)
        assert closed.client_order_id != "tvb-app"


def test_a_dropped_stream_reconnects_and_says_so(rig: VenueRig) -> None:
    with streaming(rig.adapter.user_stream()) as (sink, _, _):
        control(rig, "streams/drop", refuse_s=0.5)
        lost = sink.wait_for(StreamState, lambda s: s.status is StreamStatus.DISCONNECTED)
        assert lost.venue is rig.venue and lost.account == "default"
        sink.wait_states(StreamStatus.CONNECTED, 2)
        order_id = buy(rig)  # and events flow again
        sink.wait_for(OrderUpdate, lambda u: u.order_id == order_id)


def test_an_expired_listen_key_is_replaced(rig: VenueRig) -> None:
    with streaming(rig.adapter.user_stream()) as (sink, _, _):
        control(rig, "streams/expire")
        sink.wait_for(StreamState, lambda s: s.status is StreamStatus.EXPIRED)
        sink.wait_states(StreamStatus.CONNECTED, 2)
        order_id = buy(rig)
        sink.wait_for(OrderUpdate, lambda u: u.order_id == order_id)


def test_stop_ends_run_promptly(rig: VenueRig) -> None:
    with streaming(rig.adapter.user_stream()) as (sink, stop, thread):
        started = time.monotonic()
        stop.set()
        thread.join(timeout=WAIT_S)
        assert not thread.is_alive() and time.monotonic() - started < 1.5
    assert sink.events[-1] == StreamState(rig.venue, "default", StreamStatus.DISCONNECTED, "stopped")


@pytest.mark.parametrize("venue_profile", [BINGX], ids=["bingx"])
def test_bingx_pings_are_answered_and_settings_arrive(rig: VenueRig) -> None:
    with streaming(rig.adapter.user_stream()) as (sink, _, _):
        config = sink.wait_for(AccountConfig, lambda c: c.venue_symbol == "BTC-USDT")
        assert config.leverage is not None and config.margin_mode is not None
        # The simulator closes a socket that leaves two Pings (0.3 s apart) unanswered.
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            assert sink.states(StreamStatus.DISCONNECTED) == 0
            time.sleep(0.1)  # observing a quiet period, not synchronising
        assert sink.states(StreamStatus.CONNECTED) == 1


def test_the_trades_of_an_order_binance_placed_for_us_are_read_back_without_asking_whose(
    rig: VenueRig,
) -> None:
    if rig.profile.name != "binance":
        pytest.skip("BingX's trade rows need their order's profit, read once it has finished")
    order_id = buy(rig, "tvb-own-order")
    rig.reset_requests()
    trades = rig.adapter.fills(rig.profile.btc, int(time.time() * 1000) - 60_000)
    [trade] = [t for t in trades if t.order_id == order_id]
    assert trade.client_order_id == "tvb-own-order"
    assert rig.sent("GET", rig.profile.paths.ORDER) == 0  # known from the placing
