from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from common import jsonlog
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
    unread_params,
)
from tests.support.logscan import leaks, masked
from tests.support.tls import private_ca
from tools.processes import free_port
from tools.stack import VenueTls

IN_PROCESS_LOG = "in-process.log"


def _basetemp(config: pytest.Config) -> Path:
    factory: pytest.TempPathFactory = config._tmp_path_factory  # type: ignore[attr-defined]
    return factory.getbasetemp()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Every log line the services write in this process also goes to a file, as they would
    write it in production (JSON, scrubbed), so the session can scan it at the end."""
    if hasattr(config, "workerinput"):
        return
    handler = logging.FileHandler(_basetemp(config) / IN_PROCESS_LOG, encoding="utf-8")
    handler.setFormatter(jsonlog.JsonFormatter("tests"))
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level, logging.INFO))
    config.stash[_HANDLER] = handler


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The last check: no log written during the whole suite holds a key, secret or passphrase."""
    handler = session.config.stash.get(_HANDLER, None)
    if handler is None:
        return
    handler.flush()
    logs = list(_basetemp(session.config).rglob("*.log"))
    found = leaks(logs, jsonlog.known_secrets())
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if found:
        for path, secret in found:
            message = f"SECRET IN LOGS: {masked(secret)} in {path}"
            if reporter is not None:
                reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif reporter is not None:
        reporter.write_line(
            f"log scan: {len(logs)} log files, {len(jsonlog.known_secrets())} secrets, no leak"
        )


_HANDLER = pytest.StashKey[logging.Handler]()


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
    unread = unread_params(sim.sim)
    assert not unread, f"a client sent parameters no endpoint reads: {unread}"


@pytest.fixture(scope="module")
def venue_tls(tmp_path_factory: pytest.TempPathFactory) -> VenueTls:
    return private_ca(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_simulator(venue_tls: VenueTls) -> Iterator[RunningSimulator]:
    """The simulator over HTTPS, with a certificate from `venue_tls`'s private CA."""
    with running_simulator(tls=(venue_tls.cert, venue_tls.key)) as sim:
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
