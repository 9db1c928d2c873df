"""The keeper's counters and the streams' reports as Prometheus series, per venue and account."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from prometheus_client import REGISTRY

from common.pauses import PauseChange, PauseEvent
from executor.core.events import OrderKind, StreamStatus
from executor.core.exposure.guard import ExposureGuard
from executor.core.exposure.limits import ExposureLimits, RiskPlan
from executor.core.model import OrderStatus, Side, Venue
from executor.metrics import KeeperMetrics, RiskMetrics, StreamMetrics
from tests.executor.core.keeper_support import RECONCILE_S, Rig
from tests.executor.core.test_keeper_watch import guarded_long
from tests.support.fake_venue import unreachable
from tests.support.fake_watch import fill, order, position, stream_state

ACCOUNT = {"venue": "binance", "account": "default"}
TP = order("tp", OrderKind.TAKE_PROFIT_MARKET, Side.SELL)
SL = order("sl", OrderKind.STOP_MARKET, Side.SELL)


def value(name: str, **labels: str) -> float:
    found = REGISTRY.get_sample_value(name, {**ACCOUNT, **labels})
    assert found is not None, f"{name} {labels} is not exported"
    return found


class Bridge:
    """A keeper over the fake account, its metrics bridge, and the counters as they stood."""

    def __init__(self) -> None:
        self.rig = Rig()
        self.metrics = KeeperMetrics(self.rig.keeper, [(Venue.BINANCE, "default")])
        self.metrics.update()
        self._before: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

    def mark(self, name: str, **labels: str) -> None:
        self._before[(name, tuple(sorted(labels.items())))] = value(name, **labels)

    def grown(self, name: str, **labels: str) -> float:
        self.metrics.update()
        return value(name, **labels) - self._before[(name, tuple(sorted(labels.items())))]


@pytest.fixture
def bridge() -> Iterator[Bridge]:
    built = Bridge()
    yield built
    # Gauges are absolute: leave the shared registry as a fresh executor would show it.
    built.rig = Rig()
    KeeperMetrics(built.rig.keeper, [(Venue.BINANCE, "default")])


def test_every_series_is_there_at_zero_before_anything_happens(bridge: Bridge) -> None:
    assert value("tvbridge_unprotected_positions") == 0
    assert value("tvbridge_executor_watching_rest_only") == 0
    for kind in ("fill", "order", "position"):
        assert value("tvbridge_executor_reconcile_differences_total", kind=kind) >= 0
    assert value("tvbridge_executor_oco_cancels_total") >= 0
    assert value("tvbridge_executor_sibling_cancel_seconds_count") >= 0


def test_a_take_profit_fill_counts_the_cancel_and_times_the_sibling(bridge: Bridge) -> None:
    rig = bridge.rig
    bridge.mark("tvbridge_executor_oco_cancels_total")
    bridge.mark("tvbridge_executor_sibling_cancel_seconds_count")
    bridge.mark("tvbridge_executor_sibling_cancel_seconds_bucket", le="0.01")
    rig.venue.rest(TP, SL)
    for event in (position("0.01"), TP, SL):
        rig.keeper.handle(event)
    rig.keeper.handle(replace(TP, status=OrderStatus.FILLED, filled=TP.quantity, time_ms=2_000))
    rig.keeper.handle(fill("t1", "tp", Side.SELL))
    rig.keeper.handle(position("0", time_ms=2_000))
    assert bridge.grown("tvbridge_executor_oco_cancels_total") == 1
    assert bridge.grown("tvbridge_executor_sibling_cancel_seconds_count") == 1
    # The test's clock stands still: the sibling went "at once".
    assert bridge.grown("tvbridge_executor_sibling_cancel_seconds_bucket", le="0.01") == 1
    assert bridge.grown("tvbridge_executor_oco_cancels_total") == 1  # counted once, not per update


def test_a_fill_only_rest_found_is_a_reconcile_difference(bridge: Bridge) -> None:
    rig = bridge.rig
    for kind in ("fill", "order", "position"):
        bridge.mark("tvbridge_executor_reconcile_differences_total", kind=kind)
    rig.venue.hold("0.01")
    rig.venue.rest(TP, SL)
    assert rig.reconcile()  # the baseline
    rig.clock.now += RECONCILE_S
    rig.venue.trade(fill("t1", "tp", Side.SELL, time_ms=38_000))
    assert rig.reconcile()
    grown = {
        kind: bridge.grown("tvbridge_executor_reconcile_differences_total", kind=kind)
        for kind in ("fill", "order", "position")
    }
    assert grown == {"fill": 1, "order": 1, "position": 1}


def test_an_unprotected_position_is_counted_under_the_issues_name(bridge: Bridge) -> None:
    rig = bridge.rig
    guarded_long(rig)
    rig.venue.fail_next("place_protection", unreachable())
    rig.reconcile()
    rig.clock.now += RECONCILE_S
    rig.reconcile()
    bridge.metrics.update()
    assert value("tvbridge_unprotected_positions") == 1
    assert REGISTRY.get_sample_value("tvbridge_executor_unprotected_positions", ACCOUNT) is None
    rig.keeper.handle(position("0", time_ms=100_000))  # closed: nothing left to protect
    bridge.metrics.update()
    assert value("tvbridge_unprotected_positions") == 0


def test_a_stream_down_shows_its_time_and_the_rest_watch(bridge: Bridge) -> None:
    rig = bridge.rig
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    bridge.metrics.update()
    assert value("tvbridge_executor_stream_down_seconds") == 0
    rig.keeper.handle(stream_state(StreamStatus.DISCONNECTED))
    rig.clock.now += 90
    assert rig.reconcile()
    rig.clock.now += 30
    bridge.metrics.update()
    assert value("tvbridge_executor_stream_down_seconds") == 120
    assert value("tvbridge_executor_watching_rest_only") == 1
    rig.keeper.handle(stream_state(StreamStatus.CONNECTED))
    bridge.metrics.update()
    assert value("tvbridge_executor_stream_down_seconds") == 0
    assert value("tvbridge_executor_watching_rest_only") == 0


def test_the_stream_reports_connection_and_events_by_type_per_account() -> None:
    labels = {"venue": "bingx", "account": "metrics-test"}
    stream = StreamMetrics("bingx", "metrics-test")
    assert REGISTRY.get_sample_value("tvbridge_executor_stream_connected", labels) == 0
    stream.connected(True)
    assert REGISTRY.get_sample_value("tvbridge_executor_stream_connected", labels) == 1
    stream.event("ORDER_TRADE_UPDATE")
    stream.event("ORDER_TRADE_UPDATE")
    stream.event("SNAPSHOT")  # a type we have no word for: counted, under a bounded label
    events = "tvbridge_executor_stream_events_total"
    assert REGISTRY.get_sample_value(events, {**labels, "event": "ORDER_TRADE_UPDATE"}) == 2
    assert REGISTRY.get_sample_value(events, {**labels, "event": "other"}) == 1
    stream.connected(False)
    stream.reconnect()
    assert REGISTRY.get_sample_value("tvbridge_executor_stream_connected", labels) == 0
    assert REGISTRY.get_sample_value("tvbridge_executor_stream_reconnects_total", labels) == 1


def test_a_risk_pause_shows_while_it_holds_and_each_account_starts_at_zero() -> None:
    guard = ExposureGuard(RiskPlan(ExposureLimits(max_consecutive_losses=1)))
    bridge = RiskMetrics(guard, [(Venue.BINANCE, "default"), (Venue.BINGX, "main")])
    bridge.update()
    assert value("tvbridge_executor_risk_paused", strategy="") == 0
    assert (
        REGISTRY.get_sample_value(
            "tvbridge_executor_risk_paused", {"venue": "bingx", "account": "main", "strategy": ""}
        )
        == 0
    )
    now = int(time.time() * 1000)
    paused = PauseEvent(
        PauseChange.PAUSED, "binance", "default", "scalper", now, now + 60_000, "RISK_MAX_CONSECUTIVE_LOSSES"
    )
    guard.sync([paused])
    bridge.update()
    assert value("tvbridge_executor_risk_paused", strategy="scalper") == 1
    guard.sync([PauseEvent(PauseChange.RESUMED, "binance", "default", "scalper", now + 1)])
    bridge.update()
    assert value("tvbridge_executor_risk_paused", strategy="scalper") == 0
