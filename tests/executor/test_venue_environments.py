"""Which hosts each venue environment picks, and BingX demo (VST) over real HTTP: sizing from VST,
and VST named alike by REST and the user-data stream."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from pydantic import SecretStr, ValidationError

from common.errors import ErrorClass
from executor.config import ExecutorSettings
from executor.core.engine import ExecutionEngine
from executor.core.events import Fill
from executor.core.model import OrderType, Outcome, PositionSide, Side, SizeKind, Venue
from executor.core.ports import OrderRequest
from executor.venues.bingx.adapter import BingxAdapter
from executor.wiring import build_adapters
from simulator.app import build
from simulator.config import SimulatorSettings
from tests.conftest import make_signal
from tests.executor.conftest import BINGX, CurrentSimulator
from tests.executor.stream_support import streaming
from tests.simulator.user_streams import Bingx
from tests.support.inproc import RunningSimulator

_NAMES = (
    "BINANCE_ENV",
    "BINANCE_TESTNET",
    "BINANCE_BASE_URL",
    "BINANCE_WS_URL",
    "BINGX_DEMO",
    "BINGX_BASE_URL",
)


@pytest.fixture(autouse=True)
def no_venue_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)


def settings(**fields: object) -> ExecutorSettings:
    return ExecutorSettings(_env_file=None, **fields)  # type: ignore[call-arg, arg-type]


def hosts(s: ExecutorSettings) -> tuple[str, str]:
    return s.base_url(Venue.BINANCE), s.ws_url(Venue.BINANCE)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, ("https://fapi.binance.com", "wss://fstream.binance.com")),
        ({"binance_env": "live"}, ("https://fapi.binance.com", "wss://fstream.binance.com")),
        ({"binance_env": "demo"}, ("https://demo-fapi.binance.com", "wss://fstream.binancefuture.com")),
        (
            {"binance_env": "testnet"},
            ("https://testnet.binancefuture.com", "wss://fstream.binancefuture.com"),
        ),
        # The older switch still means the testnet, alone or agreeing with BINANCE_ENV.
        ({"binance_testnet": True}, ("https://testnet.binancefuture.com", "wss://fstream.binancefuture.com")),
        ({"binance_testnet": False}, ("https://fapi.binance.com", "wss://fstream.binance.com")),
        (
            {"binance_testnet": True, "binance_env": "testnet"},
            ("https://testnet.binancefuture.com", "wss://fstream.binancefuture.com"),
        ),
        (
            {"binance_testnet": False, "binance_env": "demo"},
            ("https://demo-fapi.binance.com", "wss://fstream.binancefuture.com"),
        ),
        # An explicit host overrides any environment.
        (
            {"binance_env": "demo", "binance_base_url": "http://sim:8900"},
            ("http://sim:8900", "ws://sim:8900"),
        ),
        (
            {"binance_env": "testnet", "binance_ws_url": "wss://elsewhere"},
            ("https://testnet.binancefuture.com", "wss://elsewhere"),
        ),
    ],
)
def test_binance_environment_picks_its_hosts(fields: dict[str, object], expected: tuple[str, str]) -> None:
    assert hosts(settings(**fields)) == expected


@pytest.mark.parametrize(("switch", "env"), [(True, "demo"), (True, "live"), (False, "testnet")])
def test_a_contradiction_is_a_startup_error_naming_both(switch: bool, env: str) -> None:
    with pytest.raises(ValidationError) as raised:
        settings(binance_testnet=switch, binance_env=env)
    assert "BINANCE_TESTNET" in str(raised.value) and f"BINANCE_ENV={env}" in str(raised.value)


def test_environment_is_read_from_the_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BINANCE_ENV", "demo")
    assert settings().environment(Venue.BINANCE) == "demo"
    monkeypatch.setenv("BINANCE_ENV", "staging")
    with pytest.raises(ValidationError):
        settings()


def test_wiring_marks_demo_adapters() -> None:
    keys = {"binance_api_key": SecretStr("k" * 64), "binance_secret_key": SecretStr("s" * 64)}
    assert build_adapters(settings(binance_env="demo", **keys))[(Venue.BINANCE, "default")].demo  # type: ignore[attr-defined]
    assert not build_adapters(settings(**keys))[(Venue.BINANCE, "default")].demo  # type: ignore[attr-defined]


@pytest.fixture
def vst_simulator(simulator_server: tuple[CurrentSimulator, int]) -> Iterator[RunningSimulator]:
    """The simulator as a BingX demo venue: its account holds VST, not USDT."""
    current, port = simulator_server
    sim_settings = SimulatorSettings(  # type: ignore[call-arg]
        _env_file=None,
        simulator_port=port,
        bingx_api_key=SecretStr(BINGX.api_key),
        bingx_secret_key=SecretStr(BINGX.secret_key),
        bingx_demo=True,
    )
    sim = build(sim_settings)
    current.app = sim.app
    yield RunningSimulator(sim, f"http://127.0.0.1:{port}", port)
    current.app = None


def test_bingx_demo_sizes_balance_pct_from_vst(vst_simulator: RunningSimulator) -> None:
    demo = settings(
        bingx_api_key=SecretStr(BINGX.api_key),
        bingx_secret_key=SecretStr(BINGX.secret_key),
        bingx_demo=True,
        bingx_base_url=vst_simulator.url,
    )
    adapters = build_adapters(demo)
    adapter = adapters[(Venue.BINGX, "default")]
    assert isinstance(adapter, BingxAdapter) and adapter.demo
    assert [b.asset for b in adapter.balances()] == ["VST"]
    signal = make_signal(venue=Venue.BINGX, signal_id="vst", size=(SizeKind.BALANCE_PCT, "10"))
    result = ExecutionEngine(dict(adapters)).execute(signal)
    assert result.outcome is Outcome.EXECUTED
    assert result.sizing is not None and result.sizing.quantity > Decimal(0)
    # The same account read as live money has no USDT: the order would be refused as too small.
    live = BingxAdapter("default", vst_simulator.url, BINGX.api_key, BINGX.secret_key)
    try:
        refused = ExecutionEngine({(Venue.BINGX, "default"): live}).execute(
            make_signal(venue=Venue.BINGX, signal_id="usdt", size=(SizeKind.BALANCE_PCT, "10"))
        )
    finally:
        live.close()
    assert refused.outcome is Outcome.REJECTED
    assert refused.error is not None and refused.error.error_class is ErrorClass.BELOW_MINIMUM


def test_bingx_demo_names_vst_on_the_stream_as_over_rest(vst_simulator: RunningSimulator) -> None:
    adapter = BingxAdapter("default", vst_simulator.url, BINGX.api_key, BINGX.secret_key)
    adapter.demo = True
    request = OrderRequest(
        "BTC-USDT", Side.BUY, PositionSide.BOTH, OrderType.MARKET, Decimal("0.01"), "tvb-vst"
    )
    try:
        with Bingx(vst_simulator).stream() as frames, streaming(adapter.user_stream()) as (sink, _, _):
            placed = adapter.place_order(request)
            account = frames.next("ACCOUNT_UPDATE")
            fee_assets = {e["o"]["N"] for e in frames.skipped if e.get("e") == "ORDER_TRADE_UPDATE"}
            streamed = sink.wait_for(Fill, lambda f: f.order_id == placed.order_id)
        by_rest = adapter.fills("BTC-USDT", 0)
        balances = adapter.balances()
    finally:
        adapter.close()
    assert [b["a"] for b in account["a"]["B"]] == ["VST"]  # the wallet's asset, as REST's balance
    assert fee_assets == {"VST"}  # the fee's, on the order's events before the balance moved
    assert streamed.fee_asset == "VST"
    assert [(f.trade_id, f.fee_asset) for f in by_rest] == [(streamed.trade_id, "VST")]
    assert [b.asset for b in balances] == ["VST"]


def test_empty_values_from_docker_compose_mean_unset() -> None:
    settings = ExecutorSettings(_env_file=None, binance_env="", binance_testnet="")  # type: ignore[call-arg,arg-type]
    assert settings.environment(Venue.BINANCE) == "live"
