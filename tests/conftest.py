from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from executor.config import ExecutorSettings
from executor.core.engine import ExecutionEngine
from executor.core.model import Action, Size, SizeKind, TradeSignal, Venue
from executor.server import RunningExecutor, start
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx.adapter import BingxAdapter
from tests.support.inproc import (
    API_KEY,
    BINANCE_API_KEY,
    BINANCE_SECRET_KEY,
    SECRET_KEY,
    RunningSimulator,
    running_simulator,
)
from tools.processes import free_port


@pytest.fixture(autouse=True)
def private_journal(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test's gateway journals to its own SQLite file and trades.csv."""
    where = tmp_path_factory.mktemp("journal")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{where / 'journal.db'}")
    monkeypatch.setenv("TRADES_CSV", str(where / "trades.csv"))


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    with running_simulator() as sim:
        yield sim


@pytest.fixture
def bingx(simulator: RunningSimulator) -> Iterator[BingxAdapter]:
    adapter = BingxAdapter("default", simulator.url, API_KEY, SECRET_KEY)
    adapter.warm()
    yield adapter
    adapter.close()


@pytest.fixture
def binance(simulator: RunningSimulator) -> Iterator[BinanceAdapter]:
    adapter = BinanceAdapter("default", simulator.url, BINANCE_API_KEY, BINANCE_SECRET_KEY)
    adapter.warm()
    yield adapter
    adapter.close()


@pytest.fixture
def engine(bingx: BingxAdapter) -> ExecutionEngine:
    return ExecutionEngine({(Venue.BINGX, "default"): bingx})


@pytest.fixture
def executor(bingx: BingxAdapter) -> Iterator[RunningExecutor]:
    """The executor's gRPC server in this process, trading on the simulator."""
    settings = ExecutorSettings(_env_file=None, executor_port=free_port(), executor_grace_s=1)  # type: ignore[call-arg]
    running = start(settings, {(Venue.BINGX, "default"): bingx})
    yield running
    running.stop()


def make_signal(
    action: Action = Action.BUY,
    *,
    signal_id: str = "sig-1",
    symbol: str = "BTC-USDT",
    size: tuple[SizeKind, str] | None = (SizeKind.QUANTITY, "0.01"),
    venue: Venue = Venue.BINGX,
    **fields: object,
) -> TradeSignal:
    return TradeSignal(
        signal_id=signal_id,
        venue=venue,
        symbol=symbol,
        action=action,
        size=Size(size[0], Decimal(size[1])) if size else None,
        received_at=datetime.now(UTC),
        **fields,  # type: ignore[arg-type]
    )
