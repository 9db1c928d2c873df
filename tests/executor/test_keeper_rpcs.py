"""The keeper's RPCs end to end in the executor: its gRPC server in this process, its keeper
streaming from and reconciling against the simulator. `WatchKeeper` replays and follows the
numbered log; `GetPositions` shows positions with their levels, the unprotected flag and the
stream's health."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
import requests

from executor.config import ExecutorSettings
from executor.core.events import OrderKind
from executor.core.model import Venue
from executor.server import RunningExecutor, start
from executor.venues.bingx import endpoints as bingx_paths
from executor.venues.bingx.adapter import BingxAdapter
from tests.support.inproc import RunningSimulator
from tools.processes import free_port, wait_until
from tvbridge.executor.v1 import executor_pb2 as pb
from tvbridge.executor.v1 import executor_pb2_grpc as pb_grpc

RECONCILE_S = 0.5


def run_executor(bingx: BingxAdapter, **settings: Any) -> RunningExecutor:
    config = ExecutorSettings(  # type: ignore[call-arg]
        _env_file=None, executor_port=free_port(), executor_grace_s=1, reconcile_s=RECONCILE_S, **settings
    )
    return start(config, {(Venue.BINGX, "default"): bingx})


@pytest.fixture
def executor(bingx: BingxAdapter) -> Iterator[RunningExecutor]:
    running = run_executor(bingx)
    yield running
    running.stop()


@pytest.fixture
def stub(executor: RunningExecutor) -> Iterator[pb_grpc.ExecutorServiceStub]:
    with grpc.insecure_channel(f"127.0.0.1:{executor.port}") as channel:
        stub = pb_grpc.ExecutorServiceStub(channel)
        stub.SetTradingEnabled(pb.SetTradingEnabledRequest(enabled=True, actor="gateway"), timeout=2)
        yield stub


def control(sim: RunningSimulator, path: str, **body: Any) -> None:
    requests.post(f"{sim.url}/_sim/{path}", json={"venue": "bingx", **body}, timeout=5).raise_for_status()


def buy(stub: pb_grpc.ExecutorServiceStub, signal_id: str, **levels: str) -> pb.ExecuteSignalResponse:
    signal = pb.Signal(
        signal_id=signal_id,
        venue=pb.VENUE_BINGX,
        symbol="BTC-USDT",
        action=pb.ACTION_BUY,
        quantity="0.01",
        **levels,  # type: ignore[arg-type]
    )
    answer: pb.ExecuteSignalResponse = stub.ExecuteSignal(pb.ExecuteSignalRequest(signal=signal), timeout=10)
    assert answer.outcome == pb.OUTCOME_EXECUTED, answer
    return answer


def positions(stub: pb_grpc.ExecutorServiceStub, **where: Any) -> pb.GetPositionsResponse:
    answer: pb.GetPositionsResponse = stub.GetPositions(pb.GetPositionsRequest(**where), timeout=5)
    return answer


def held(stub: pb_grpc.ExecutorServiceStub) -> list[pb.KeptPosition]:
    [account] = positions(stub).accounts
    return list(account.positions)


class Watching:
    """A `WatchKeeper` call read in a thread; what it delivered so far."""

    def __init__(self, stub: pb_grpc.ExecutorServiceStub, epoch: str = "", after_seq: int = 0) -> None:
        self.call = stub.WatchKeeper(pb.WatchKeeperRequest(epoch=epoch, after_seq=after_seq), timeout=30)
        self.records: list[pb.KeeperRecord] = []
        self.ended: grpc.RpcError | None = None
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for record in self.call:
                self.records.append(record)
        except grpc.RpcError as exc:
            self.ended = exc

    def fills(self) -> list[pb.KeeperFill]:
        return [r.fill for r in self.records if r.WhichOneof("item") == "fill"]

    def cancel(self) -> None:
        self.call.cancel()
        self._thread.join(timeout=5)
        assert not self._thread.is_alive()


def test_watch_keeper_replays_within_an_epoch_and_from_the_start_for_another(
    stub: pb_grpc.ExecutorServiceStub, executor: RunningExecutor
) -> None:
    placed = [buy(stub, "replayed-1").orders[0].order_id, buy(stub, "replayed-2").orders[0].order_id]
    replay = executor.keeper.replay
    assert wait_until(lambda: replay.last_seq >= 2, timeout_s=5)
    first = Watching(stub)
    assert wait_until(lambda: len(first.records) >= 2, timeout_s=5)
    first.cancel()
    assert [r.seq for r in first.records][:2] == [1, 2]
    assert {r.epoch for r in first.records} == {replay.epoch}
    # In the order the keeper learnt them: the stream or a reconciliation may tell either first.
    assert sorted(f.order_id for f in first.fills()) == sorted(placed)

    after_one = Watching(stub, replay.epoch, after_seq=1)
    assert wait_until(lambda: len(after_one.records) >= 1, timeout_s=5)
    after_one.cancel()
    assert after_one.records[0].seq == 2 and after_one.records[0] == first.records[1]

    # Numbers from another run mean nothing here: all this run holds, from the start.
    other = Watching(stub, "an-earlier-run", after_seq=1)
    assert wait_until(lambda: len(other.records) >= 2, timeout_s=5)
    other.cancel()
    assert [r.seq for r in other.records][:2] == [1, 2]


def test_watch_keeper_delivers_a_live_fill_and_ends_when_the_reader_cancels(
    stub: pb_grpc.ExecutorServiceStub, executor: RunningExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    watching = Watching(stub, executor.keeper.replay.epoch, executor.keeper.replay.last_seq)
    answer = buy(stub, "live")
    assert wait_until(watching.fills, timeout_s=5)
    [fill] = watching.fills()
    [order] = answer.orders
    assert (fill.order_id, fill.client_order_id, fill.quantity) == (
        order.order_id,
        order.client_order_id,
        "0.01",
    )
    assert fill.trade_id and fill.venue == pb.VENUE_BINGX and fill.symbol == "BTC-USDT"

    with caplog.at_level(logging.WARNING):
        watching.cancel()
        assert watching.ended is not None and watching.ended.code() == grpc.StatusCode.CANCELLED
        assert positions(stub).accounts
    assert [r for r in caplog.records if r.name.startswith("grpc")] == []


@pytest.fixture
def two_workers(bingx: BingxAdapter) -> Iterator[pb_grpc.ExecutorServiceStub]:
    running = run_executor(bingx, executor_max_workers=2)
    with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        yield pb_grpc.ExecutorServiceStub(channel)
    running.stop()


def test_a_cancelled_watch_gives_its_worker_back(two_workers: pb_grpc.ExecutorServiceStub) -> None:
    # Two workers: two watches held open would leave none for any other call.
    for _ in range(4):
        Watching(two_workers).cancel()
    assert wait_until(lambda: bool(positions(two_workers).accounts), timeout_s=3)


def test_get_positions_shows_a_position_with_its_take_profit_and_stop(
    stub: pb_grpc.ExecutorServiceStub, simulator: RunningSimulator
) -> None:
    buy(stub, "guarded", take_profit="62000", stop_loss="58000")
    assert wait_until(lambda: len(held(stub)) == 1 and len(held(stub)[0].protective) == 2, timeout_s=5)
    [kept] = held(stub)
    assert (kept.position.symbol, kept.position.quantity, kept.unprotected) == ("BTC-USDT", "0.01", False)
    levels = {(o.purpose, o.trigger_price, o.side) for o in kept.protective}
    assert levels == {
        (pb.ORDER_PURPOSE_TAKE_PROFIT, "62000", pb.SIDE_SELL),
        (pb.ORDER_PURPOSE_STOP_LOSS, "58000", pb.SIDE_SELL),
    }
    [account] = positions(stub, venue=pb.VENUE_BINGX, account="default").accounts
    assert account.stream_connected and not account.HasField("stream_down_since")
    assert account.HasField("last_reconcile")


def test_a_stop_gone_and_not_placed_again_is_flagged_unprotected(
    stub: pb_grpc.ExecutorServiceStub, simulator: RunningSimulator, bingx: BingxAdapter
) -> None:
    buy(stub, "bare", take_profit="62000", stop_loss="58000")
    assert wait_until(lambda: len(held(stub)[0].protective) == 2, timeout_s=5)
    # Every new order refused from now on, then the stop cancelled outside the keeper.
    rule = {"venue": "bingx", "kind": "http_error", "method": "POST", "path": bingx_paths.ORDER}
    requests.put(f"{simulator.url}/_sim/faults", json={"rules": [rule]}, timeout=5).raise_for_status()
    [stop] = [o for o in bingx.open_orders("BTC-USDT") if o.kind is OrderKind.STOP_MARKET]
    bingx.cancel_protection("BTC-USDT", stop.order_id)
    assert wait_until(lambda: held(stub)[0].unprotected, timeout_s=5)
    [kept] = held(stub)
    assert [o.purpose for o in kept.protective] == [pb.ORDER_PURPOSE_TAKE_PROFIT]


def test_a_refused_stream_shows_as_down_since(bingx: BingxAdapter, simulator: RunningSimulator) -> None:
    control(simulator, "streams/drop", refuse_s=60)
    running = run_executor(bingx)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            stub = pb_grpc.ExecutorServiceStub(channel)
            [account] = positions(stub).accounts
            assert not account.stream_connected and account.HasField("stream_down_since")
            assert account.stream_down_since.seconds > 0
    finally:
        running.stop()


def test_an_unknown_account_is_refused_by_name(stub: pb_grpc.ExecutorServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        positions(stub, venue=pb.VENUE_BINGX, account="nobody")
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    trailing = {md.key: md.value for md in (caught.value.trailing_metadata() or ())}
    assert str(trailing["tvbridge-error-class"]) == "unknown_account"
    assert "bingx/nobody" in str(caught.value.details())
