from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from executor.core.engine import ExecutionEngine
from executor.core.model import Action, Size, SizeKind, TradeSignal, Venue
from executor.venues.bingx.adapter import BingxAdapter
from tests.support.inproc import API_KEY, SECRET_KEY, RunningSimulator, running_simulator


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
def engine(bingx: BingxAdapter) -> ExecutionEngine:
    return ExecutionEngine({(Venue.BINGX, "default"): bingx})


def make_signal(
    action: Action = Action.BUY,
    *,
    signal_id: str = "sig-1",
    symbol: str = "BTC-USDT",
    size: tuple[SizeKind, str] | None = (SizeKind.QUANTITY, "0.01"),
    **fields: object,
) -> TradeSignal:
    return TradeSignal(
        signal_id=signal_id,
        venue=Venue.BINGX,
        symbol=symbol,
        action=action,
        size=Size(size[0], Decimal(size[1])) if size else None,
        received_at=datetime.now(UTC),
        **fields,  # type: ignore[arg-type]
    )
