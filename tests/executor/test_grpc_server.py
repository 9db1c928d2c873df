"""The executor as a gRPC server: health, reflection, deadlines, the contract."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from executor.core.model import Venue
from executor.server import RunningExecutor
from executor.venues.bingx.adapter import BingxAdapter
from tests.support.inproc import RunningSimulator
from tools.processes import free_port
from tvbridge.executor.v1 import executor_pb2 as pb
from tvbridge.executor.v1 import executor_pb2_grpc as pb_grpc


@pytest.fixture
def fresh_channel(executor: RunningExecutor) -> Iterator[grpc.Channel]:
    """A channel to an executor that has not been handed the kill switch yet."""
    with grpc.insecure_channel(f"127.0.0.1:{executor.port}") as ch:
        yield ch


@pytest.fixture
def channel(fresh_channel: grpc.Channel) -> grpc.Channel:
    """As the gateway leaves it on connect: the recorded switch (here: on) handed over."""
    pb_grpc.ExecutorServiceStub(fresh_channel).SetTradingEnabled(
        pb.SetTradingEnabledRequest(enabled=True, actor="gateway", reason=""), timeout=2
    )
    return fresh_channel


def _signal(**fields: object) -> pb.Signal:
    base: dict[str, object] = {
        "signal_id": "grpc-1",
        "venue": pb.VENUE_BINGX,
        "symbol": "BTC-USDT",
        "action": pb.ACTION_BUY,
        "balance": "100",
    }
    base.update(fields)
    return pb.Signal(**base)  # type: ignore[arg-type]


def test_health_reports_serving_for_the_service(channel: grpc.Channel) -> None:
    stub = health_pb2_grpc.HealthStub(channel)
    for service in ("", "tvbridge.executor.v1.ExecutorService"):
        reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=2)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_service(channel: grpc.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    replies = stub.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=2
    )
    names = {s.name for reply in replies for s in reply.list_services_response.service}
    assert "tvbridge.executor.v1.ExecutorService" in names
    assert "grpc.health.v1.Health" in names


def test_a_call_without_deadline_is_refused(channel: grpc.Channel, simulator: RunningSimulator) -> None:
    stub = pb_grpc.ExecutorServiceStub(channel)
    with pytest.raises(grpc.RpcError) as caught:
        stub.ExecuteSignal(pb.ExecuteSignalRequest(signal=_signal()))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "deadline" in (caught.value.details() or "")


def test_execute_signal_fills_at_the_venue(channel: grpc.Channel, simulator: RunningSimulator) -> None:
    reply = pb_grpc.ExecutorServiceStub(channel).ExecuteSignal(
        pb.ExecuteSignalRequest(signal=_signal(), max_age_ms=60_000, attempt=1), timeout=5
    )
    assert reply.outcome == pb.OUTCOME_EXECUTED
    assert reply.sizing.quantity == "0.0166"
    assert reply.orders[0].status == pb.ORDER_STATUS_FILLED
    assert reply.orders[0].side == pb.SIDE_BUY


def test_rejection_is_a_typed_outcome_with_reason(channel: grpc.Channel) -> None:
    reply = pb_grpc.ExecutorServiceStub(channel).ExecuteSignal(
        pb.ExecuteSignalRequest(signal=_signal(symbol="NOPE-USDT")), timeout=5
    )
    assert reply.outcome == pb.OUTCOME_REJECTED
    assert reply.error.error_class == pb.ERROR_CLASS_UNKNOWN_SYMBOL
    assert "NOPE-USDT" in reply.error.message


def test_malformed_request_is_invalid_argument(channel: grpc.Channel) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        pb_grpc.ExecutorServiceStub(channel).ExecuteSignal(
            pb.ExecuteSignalRequest(signal=_signal(balance="-5")), timeout=5
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_kill_switch_round_trip(channel: grpc.Channel) -> None:
    stub = pb_grpc.ExecutorServiceStub(channel)
    status = stub.SetTradingEnabled(
        pb.SetTradingEnabledRequest(enabled=False, actor="ops", reason="test"), timeout=2
    )
    assert not status.enabled and status.actor == "ops"
    assert not stub.GetTradingStatus(pb.GetTradingStatusRequest(), timeout=2).enabled
    reply = stub.ExecuteSignal(pb.ExecuteSignalRequest(signal=_signal()), timeout=5)
    assert reply.error.error_class == pb.ERROR_CLASS_TRADING_DISABLED


def test_a_started_executor_trades_nothing_until_handed_the_switch(
    fresh_channel: grpc.Channel, simulator: RunningSimulator
) -> None:
    stub = pb_grpc.ExecutorServiceStub(fresh_channel)
    status = stub.GetTradingStatus(pb.GetTradingStatusRequest(), timeout=2)
    assert (status.enabled, status.awaiting_gateway) == (False, True)
    with pytest.raises(grpc.RpcError) as caught:
        stub.ExecuteSignal(pb.ExecuteSignalRequest(signal=_signal(), max_age_ms=60_000), timeout=5)
    # A condition to retry, not a rejection: the signal is redelivered once the state is known.
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
    trailing = {md.key: md.value for md in (caught.value.trailing_metadata() or ())}
    assert str(trailing["tvbridge-error-class"]) == "executor_unavailable"
    assert not simulator.sim.exchanges["bingx"].positions(
        next(iter(simulator.sim.exchanges["bingx"].accounts.values()))
    )

    recorded = pb.SetTradingEnabledRequest(enabled=False, actor="dashboard", reason="news")
    recorded.changed_at.FromSeconds(1_700_000_000)
    held = stub.SetTradingEnabled(recorded, timeout=2)
    assert (held.enabled, held.awaiting_gateway, held.changed_at.seconds) == (False, False, 1_700_000_000)
    reply = stub.ExecuteSignal(pb.ExecuteSignalRequest(signal=_signal(), max_age_ms=60_000), timeout=5)
    assert reply.error.error_class == pb.ERROR_CLASS_TRADING_DISABLED


def test_account_and_connection_reads(channel: grpc.Channel) -> None:
    stub = pb_grpc.ExecutorServiceStub(channel)
    stub.ExecuteSignal(pb.ExecuteSignalRequest(signal=_signal()), timeout=5)
    account = stub.GetAccount(pb.GetAccountRequest(venue=pb.VENUE_BINGX), timeout=5)
    assert account.balances[0].asset == "USDT"
    assert [(p.symbol, p.quantity) for p in account.positions] == [("BTC-USDT", "0.0166")]
    checks = stub.TestConnection(pb.TestConnectionRequest(), timeout=5).checks
    assert [(c.venue, c.ok, c.can_read, c.can_trade) for c in checks] == [(pb.VENUE_BINGX, True, True, True)]


def test_venue_down_is_unavailable_status(executor: RunningExecutor, channel: grpc.Channel) -> None:
    # Point the adapter's transport at a closed port: the venue is "down".
    adapter = executor.engine.adapters[(Venue.BINGX, "default")]
    assert isinstance(adapter, BingxAdapter)
    adapter.http.base_url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(grpc.RpcError) as caught:
        pb_grpc.ExecutorServiceStub(channel).ExecuteSignal(
            pb.ExecuteSignalRequest(signal=_signal()), timeout=5
        )
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
    trailing = {md.key: md.value for md in (caught.value.trailing_metadata() or ())}
    assert str(trailing["tvbridge-error-class"]) == "venue_unavailable"
