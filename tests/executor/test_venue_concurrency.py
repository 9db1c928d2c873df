"""A candle-close burst on both venues at once: 50 lanes a venue, each signal of its own symbol,
all out at the venue together, in about one venue round trip (not one per lane), on connections
the pool keeps: a second burst opens none.

The executor runs as it is deployed (its settings' defaults, gRPC in front), against the
simulator, which holds every order `DELAY_S` before answering. The venue's side is watched by
an ASGI layer in front of the simulator: the orders in flight at once, and the connections
(client ports) the requests came on.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from decimal import ROUND_UP, Decimal
from typing import Any

import grpc
import pytest
import requests
from pydantic import SecretStr

from executor.config import ExecutorSettings
from executor.server import RunningExecutor, start
from executor.venues.binance import endpoints as binance_paths
from executor.venues.bingx import endpoints as bingx_paths
from executor.venues.rest_adapter import RestVenueAdapter
from executor.wiring import build_adapters
from simulator import app as app_module
from simulator import records
from simulator.binance import instruments as binance_listings
from simulator.config import SimulatorSettings
from simulator.records import Instrument
from tests.executor.conftest import Asgi, CurrentSimulator, Receive, Scope, Send
from tests.support.inproc import API_KEY, BINANCE_API_KEY, BINANCE_SECRET_KEY, SECRET_KEY, RunningSimulator
from tools.processes import free_port
from tvbridge.executor.v1 import executor_pb2 as pb
from tvbridge.executor.v1 import executor_pb2_grpc as pb_grpc

LANES = 50  # symbols a venue, each its own lane: the burst
DELAY_S = 1.5  # every order is held this long at the venue: long enough, on a loaded
# 2-core machine, for all 50 lanes' first requests (each a new TLS connection) to be in at once
VENUES = {"bingx": ("/openApi/", bingx_paths.ORDER), "binance": ("/fapi/", binance_paths.ORDER)}
WIRE = {"bingx": pb.VENUE_BINGX, "binance": pb.VENUE_BINANCE}


def topped_up(listed: Callable[[], list[Instrument]]) -> Callable[[], list[Instrument]]:
    """A venue's listings with as many more contracts as make `LANES`."""

    def instruments() -> list[Instrument]:
        known = listed()
        more = [
            Instrument(f"LANE{n}", "USDT", 0, 4, Decimal(1), Decimal(5), 50, Decimal("1.0000"))
            for n in range(max(0, LANES - len(known)))
        ]
        return known + more

    return instruments


def quantity(instrument: Instrument) -> str:
    """Twice the contract's minimum order value, on its step."""
    steps = (2 * instrument.min_notional / instrument.price / instrument.qty_step).to_integral_value(ROUND_UP)
    return str(max(steps * instrument.qty_step, instrument.min_qty))


class VenueSide:
    """In front of the simulator: per venue, the orders in flight at once, and the client
    (host, port) of every request, one per connection."""

    def __init__(self, app: Asgi) -> None:
        self.app = app
        self.in_flight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.clients: defaultdict[str, set[tuple[str, int]]] = defaultdict(set)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        venue = next((v for v, (prefix, _) in VENUES.items() if scope.get("path", "").startswith(prefix)), "")
        if scope["type"] != "http" or not venue:
            await self.app(scope, receive, send)
            return
        self.clients[venue].add(tuple(scope["client"]))
        order = scope["method"] == "POST" and scope["path"] == VENUES[venue][1]
        if order:
            self.in_flight[venue] += 1
            self.peak[venue] = max(self.peak[venue], self.in_flight[venue])
        try:
            await self.app(scope, receive, send)
        finally:
            if order:
                self.in_flight[venue] -= 1


@pytest.fixture
def fifty(
    simulator_server: tuple[CurrentSimulator, int], monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunningSimulator]:
    """The simulator listing at least `LANES` contracts on each venue."""
    # Where the simulator takes each venue's listings from as it builds.
    monkeypatch.setattr("simulator.exchange.default_instruments", topped_up(records.default_instruments))
    monkeypatch.setattr("simulator.app.binance_instruments", topped_up(binance_listings.default_instruments))
    current, port = simulator_server
    settings = SimulatorSettings(
        _env_file=None,  # type: ignore[call-arg]
        simulator_port=port,
        simulator_start_balance=Decimal(10**8),
        bingx_api_key=SecretStr(API_KEY),
        bingx_secret_key=SecretStr(SECRET_KEY),
        binance_api_key=SecretStr(BINANCE_API_KEY),
        binance_secret_key=SecretStr(BINANCE_SECRET_KEY),
    )
    sim = app_module.build(settings)
    current.app = sim.app
    yield RunningSimulator(sim, f"http://127.0.0.1:{port}", port)
    current.app = None


@pytest.fixture
def venue_side(fifty: RunningSimulator, simulator_server: tuple[CurrentSimulator, int]) -> VenueSide:
    current, _ = simulator_server
    assert current.app is not None
    side = VenueSide(current.app)
    current.app = side
    return side


@pytest.fixture
def deployed(fifty: RunningSimulator, venue_side: VenueSide) -> Iterator[RunningExecutor]:
    """The executor with its settings' defaults for workers and pools, on both venues."""
    settings = ExecutorSettings(
        _env_file=None,  # type: ignore[call-arg]
        executor_port=free_port(),
        executor_grace_s=1,
        bingx_api_key=SecretStr(API_KEY),
        bingx_secret_key=SecretStr(SECRET_KEY),
        bingx_base_url=fifty.url,
        binance_api_key=SecretStr(BINANCE_API_KEY),
        binance_secret_key=SecretStr(BINANCE_SECRET_KEY),
        binance_base_url=fifty.url,
        venue_keepalive_s=0,
        reconcile_s=3600,
    )
    running = start(settings, build_adapters(settings))
    yield running
    running.stop()


def burst(
    channel: grpc.Channel, sim: RunningSimulator, tag: str
) -> tuple[float, list[pb.ExecuteSignalResponse]]:
    """One order on each of `LANES` symbols of each venue, all sent at once: the seconds until
    the last answer, and the answers."""
    lanes = {venue: list(sim.sim.exchanges[venue].instruments.values())[:LANES] for venue in VENUES}
    stub = pb_grpc.ExecutorServiceStub(channel)
    started = time.perf_counter()
    calls: list[Any] = [
        stub.ExecuteSignal.future(
            pb.ExecuteSignalRequest(
                signal=pb.Signal(
                    signal_id=f"{tag}-{venue}-{instrument.symbol}",
                    venue=WIRE[venue],
                    symbol=instrument.symbol,
                    action=pb.ACTION_BUY,
                    quantity=quantity(instrument),
                ),
                max_age_ms=60_000,
                attempt=1,
            ),
            timeout=30,
        )
        for venue, instruments in lanes.items()
        for instrument in instruments
    ]
    replies = [call.result() for call in calls]
    return time.perf_counter() - started, replies


def test_a_burst_over_50_symbols_a_venue_takes_one_round_trip_on_kept_connections(
    fifty: RunningSimulator,
    venue_side: VenueSide,
    deployed: RunningExecutor,
    caplog: pytest.LogCaptureFixture,
) -> None:
    adapters = {v.value: a for (v, _), a in deployed.engine.adapters.items()}
    plan = {
        "rules": [
            {"kind": "latency", "method": "POST", "path": order, "latency_ms": int(DELAY_S * 1000)}
            for _, order in VENUES.values()
        ]
    }
    requests.put(f"{fifty.url}/_sim/faults", json=plan, timeout=5).raise_for_status()
    with grpc.insecure_channel(f"127.0.0.1:{deployed.port}") as channel:
        pb_grpc.ExecutorServiceStub(channel).SetTradingEnabled(
            pb.SetTradingEnabledRequest(enabled=True, actor="test", reason=""), timeout=2
        )
        caplog.set_level(logging.WARNING, logger="urllib3.connectionpool")
        elapsed, replies = burst(channel, fifty, "first")
        assert [r.outcome for r in replies] == [pb.OUTCOME_EXECUTED] * len(replies)
        # Every lane's order was at the venue at the same time: nothing held one behind another.
        assert venue_side.peak == {venue: LANES for venue in VENUES}
        assert elapsed < 3 * DELAY_S  # one round trip and the work around it, not one per lane
        opened = {venue: set(clients) for venue, clients in venue_side.clients.items()}
        for venue in VENUES:
            adapter = adapters[venue]
            assert isinstance(adapter, RestVenueAdapter)
            http = adapter.http
            assert LANES <= len(opened[venue]) == http.connections_opened <= http.pool_size

        venue_side.peak.clear()
        elapsed, replies = burst(channel, fifty, "second")
    assert [r.outcome for r in replies] == [pb.OUTCOME_EXECUTED] * len(replies)
    assert venue_side.peak == {venue: LANES for venue in VENUES}
    assert elapsed < 3 * DELAY_S
    # The second burst came on the connections of the first: none was thrown away.
    assert {venue: set(clients) for venue, clients in venue_side.clients.items()} == opened
    assert [r.getMessage() for r in caplog.records if "pool is full" in r.getMessage()] == []
