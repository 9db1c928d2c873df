"""Fixtures for scenarios that must hold on both venues alike.

A scenario is written once against `rig` and runs once per venue. What differs between
the venues (how they spell a contract, their paths, the names of their rules, what their steps
make of the same sizing) sits in that venue's `VenueProfile`, not in the test.

Here `simulator` is a fresh simulator for every test (its own exchanges, request counts and
faults) served on one loopback port for the whole session: starting and stopping a server per
test cost more than most of the tests themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import pytest
import requests
from pydantic import SecretStr

from common.errors import ErrorClass
from executor.core.engine import ExecutionEngine
from executor.core.model import Action, TradeSignal, Venue
from executor.venues.binance import endpoints as binance_paths
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx import endpoints as bingx_paths
from executor.venues.bingx.adapter import BingxAdapter
from executor.venues.http import VenueHttp
from simulator.app import build
from simulator.config import SimulatorSettings
from simulator.exchange import Account, Exchange
from tests.conftest import make_signal
from tests.support.inproc import (
    API_KEY,
    BINANCE_API_KEY,
    BINANCE_SECRET_KEY,
    SECRET_KEY,
    RunningSimulator,
    serve_app,
    unread_params,
)
from tools.processes import free_port

Adapter = BingxAdapter | BinanceAdapter

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Scope]]
Send = Callable[[Scope], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


class CurrentSimulator:
    """An ASGI app that hands each request to the simulator of the test running now."""

    def __init__(self) -> None:
        self.app: Asgi | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # the simulator's apps have no startup or shutdown work
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert self.app is not None, "no test is using the simulator"
        await self.app(scope, receive, send)


class Endpoints(Protocol):
    """The paths the shared scenarios count, as each venue's `endpoints` module names them."""

    SERVER_TIME: str
    ORDER: str  # placed with POST, looked up with GET
    MARGIN_TYPE: str
    PRICE: str
    BALANCE: str
    TEST_ORDER: str


@dataclass(frozen=True)
class MinimumCase:
    """A signal the venue's minimums refuse, and the words the refusal must carry."""

    symbol: str
    quantity: str
    says: str  # the venue's rule as the rejection quotes it, or the venue's own answer code


@dataclass(frozen=True)
class Refusal:
    """How a refusal reads: its class, the venue's code ("" when the executor refused it
    itself) and words its message carries."""

    error_class: ErrorClass
    venue_code: str
    words: str


@dataclass(frozen=True)
class VenueProfile:
    """One venue's spellings, paths and numbers, as the shared scenarios expect them."""

    venue: Venue
    adapter_type: type[Adapter]
    api_key: str
    secret_key: str
    btc: str  # BTC-USDT as the venue spells it
    # Paths, as the simulator counts requests ("METHOD path").
    paths: Endpoints
    open_protections_path: str  # where resting take-profits and stop-losses are listed
    btc_step: Decimal  # BTC-USDT's quantity step
    # 100 and 50 USDT of margin at 10x on 60,000 (0.01666.., 0.00833..), floored to the step.
    qty_for_100_usdt: Decimal
    qty_for_50_usdt: Decimal
    below_min_qty: MinimumCase  # a fixed quantity below BTC's minimum quantity
    below_min_notional: MinimumCase  # 0.5 USDT of margin on XRP: 8.. XRP at 0.6, below 5 USDT
    btc_below_min_notional: MinimumCase  # a limit order at 49,000 too small for BTC's minimum notional
    # A fixed quantity the engine passes (it reads no price for it) that the venue refuses.
    venue_side_minimum: MinimumCase
    balance_assets: tuple[str, ...]  # the assets `balances()` lists, in order
    insufficient_margin_code: str
    auth_code: str
    # A long's stop-loss above the entry price: refused before anything is placed, by the venue
    # where it arrives attached to the entry (BingX), by the executor where it would be placed
    # after the fill (Binance).
    stop_on_the_wrong_side: Refusal

    @property
    def name(self) -> str:
        return self.venue.value


BINGX = VenueProfile(
    venue=Venue.BINGX,
    adapter_type=BingxAdapter,
    api_key=API_KEY,
    secret_key=SECRET_KEY,
    btc="BTC-USDT",
    paths=bingx_paths,
    open_protections_path=bingx_paths.OPEN_ORDERS,
    btc_step=Decimal("0.0001"),
    qty_for_100_usdt=Decimal("0.0166"),
    qty_for_50_usdt=Decimal("0.0083"),
    below_min_qty=MinimumCase("BTC-USDT", "0.00009", "tradeMinQuantity = 0.0001"),
    below_min_notional=MinimumCase("XRP-USDT", "0.5", "tradeMinUSDT = 5"),  # 8 XRP = 4.8 USDT
    btc_below_min_notional=MinimumCase("BTC-USDT", "0.0001", "tradeMinUSDT = 5"),
    venue_side_minimum=MinimumCase("DOGE-USDT", "10", "101400"),  # 1.5 USDT
    balance_assets=("USDT",),
    insufficient_margin_code="101204",
    auth_code="100001",
    stop_on_the_wrong_side=Refusal(
        ErrorClass.VENUE_REJECTED, "110411", "Stop Loss price should be lower than the current price"
    ),
)

BINANCE = VenueProfile(
    venue=Venue.BINANCE,
    adapter_type=BinanceAdapter,
    api_key=BINANCE_API_KEY,
    secret_key=BINANCE_SECRET_KEY,
    btc="BTCUSDT",
    paths=binance_paths,
    open_protections_path=binance_paths.OPEN_ALGO_ORDERS,
    btc_step=Decimal("0.001"),
    qty_for_100_usdt=Decimal("0.016"),
    qty_for_50_usdt=Decimal("0.008"),
    below_min_qty=MinimumCase("BTC-USDT", "0.0009", "LOT_SIZE.minQty = 0.001"),
    below_min_notional=MinimumCase("XRP-USDT", "0.5", "MIN_NOTIONAL.notional = 5"),  # 8.3 XRP = 4.98
    btc_below_min_notional=MinimumCase("BTC-USDT", "0.002", "MIN_NOTIONAL.notional = 100"),
    # A legal quantity, but 60 USDT: below BTCUSDT's 100.
    venue_side_minimum=MinimumCase("BTC-USDT", "0.001", "-4164"),
    balance_assets=("USDC", "USDT"),  # USDC listed empty, before USDT
    insufficient_margin_code="-2019",
    auth_code="-1022",
    stop_on_the_wrong_side=Refusal(
        ErrorClass.INVALID_SIGNAL, "", "a long's stop-loss must be below the entry price 60000; 61000 is not"
    ),
)


@pytest.fixture(scope="session")
def simulator_server() -> Iterator[tuple[CurrentSimulator, int]]:
    current, port = CurrentSimulator(), free_port()
    with serve_app(current, port):  # type: ignore[arg-type]
        yield current, port


@pytest.fixture
def simulator(simulator_server: tuple[CurrentSimulator, int]) -> Iterator[RunningSimulator]:
    """A fresh simulator for this test, with an account for each venue profile's keys."""
    current, port = simulator_server
    keys: dict[str, Any] = {
        f"{profile.name}_{field}": SecretStr(key)
        for profile in (BINGX, BINANCE)
        for field, key in (("api_key", profile.api_key), ("secret_key", profile.secret_key))
    }
    settings = SimulatorSettings(_env_file=None, simulator_port=port, **keys)  # type: ignore[call-arg]
    sim = build(settings)
    current.app = sim.app
    yield RunningSimulator(sim, f"http://127.0.0.1:{port}", port)
    current.app = None
    assert not unread_params(sim), f"the executor sent parameters no endpoint reads: {unread_params(sim)}"


@dataclass
class VenueRig:
    """One venue's adapter and an engine on it, against the simulator, with readers for what
    the simulator's venue received and holds."""

    profile: VenueProfile
    sim: RunningSimulator
    adapter: Adapter
    engine: ExecutionEngine

    @property
    def venue(self) -> Venue:
        return self.profile.venue

    def signal(self, action: Action = Action.BUY, **fields: Any) -> TradeSignal:
        return make_signal(action, venue=self.venue, **fields)

    def new_adapter(
        self,
        base_url: str | None = None,
        *,
        account: str = "default",
        keys: tuple[str, str] | None = None,
        read_timeout_s: float | None = None,
    ) -> Adapter:
        """Another adapter on this venue, on the default key set unless `keys` (api key, secret)
        are given; not warmed. Close it when done."""
        url = base_url or self.sim.url
        http = VenueHttp(url, read_timeout_s=read_timeout_s) if read_timeout_s is not None else None
        api_key, secret_key = keys or (self.profile.api_key, self.profile.secret_key)
        return self.profile.adapter_type(account, url, api_key, secret_key, http=http)

    def engine_on(self, adapter: Adapter | None = None, **options: Any) -> ExecutionEngine:
        """A new engine (no memory of earlier signals) on `adapter`, or on the rig's own."""
        return ExecutionEngine({(self.venue, "default"): adapter or self.adapter}, **options)

    # -- the simulator's side ------------------------------------------------------

    @property
    def exchange(self) -> Exchange:
        return self.sim.sim.exchanges[self.profile.name]

    @property
    def account(self) -> Account:
        return self.exchange.accounts[self.profile.api_key]

    def held(self) -> Decimal:
        return sum((p.qty for p in self.exchange.positions(self.account)), Decimal(0))

    def orders(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = requests.get(
            f"{self.sim.url}/_sim/orders", params={"venue_name": self.profile.name}, timeout=5
        ).json()
        return result

    def positions(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = requests.get(
            f"{self.sim.url}/_sim/positions", params={"venue_name": self.profile.name}, timeout=5
        ).json()
        return result

    def set_price(self, symbol: str, price: str) -> None:
        body = {"venue": self.profile.name, "symbol": symbol, "price": price}
        requests.post(f"{self.sim.url}/_sim/price", json=body, timeout=5).raise_for_status()

    def seen(self) -> dict[str, int]:
        """Requests the simulator received since the last reset, as {"METHOD path": count}."""
        result: dict[str, int] = requests.get(f"{self.sim.url}/_sim/requests", timeout=5).json()
        return result

    def sent(self, method: str, path: str) -> int:
        return self.seen().get(f"{method} {path}", 0)

    def reset_requests(self) -> None:
        requests.post(f"{self.sim.url}/_sim/requests/reset", timeout=5).raise_for_status()

    def fault_next_order(self, kind: str, **rule: Any) -> str:
        """`kind` strikes the venue's next order request once; the order path, to count on."""
        path = self.profile.paths.ORDER
        self.set_faults({"kind": kind, "method": "POST", "path": path, "count": 1, **rule})
        return path

    def set_faults(self, *rules: dict[str, Any]) -> None:
        """Fault rules for this venue only (see simulator/faults.py)."""
        plan = {"rules": [{"venue": self.profile.name, **rule} for rule in rules]}
        requests.put(f"{self.sim.url}/_sim/faults", json=plan, timeout=5).raise_for_status()


@pytest.fixture(params=[BINGX, BINANCE], ids=lambda p: p.name)
def venue_profile(request: pytest.FixtureRequest) -> VenueProfile:
    profile: VenueProfile = request.param
    return profile


@pytest.fixture
def rig(venue_profile: VenueProfile, request: pytest.FixtureRequest) -> Iterator[VenueRig]:
    """An engine on one venue's adapter against the simulator, once per venue."""
    simulator: RunningSimulator = request.getfixturevalue("simulator")
    adapter: Adapter = request.getfixturevalue(venue_profile.name)  # the `bingx` or `binance` fixture
    yield VenueRig(
        venue_profile, simulator, adapter, ExecutionEngine({(venue_profile.venue, "default"): adapter})
    )


def on_venues(*profiles: VenueProfile, xfail: dict[Venue, str] | None = None) -> pytest.MarkDecorator:
    """Run a `rig` test on these venues (both when none is named), marking the ones in
    `xfail` (venue -> the finding) strictly expected to fail."""
    known = xfail or {}
    return pytest.mark.parametrize(
        "venue_profile",
        [
            pytest.param(p, id=p.name, marks=pytest.mark.xfail(strict=True, reason=known[p.venue]))
            if p.venue in known
            else pytest.param(p, id=p.name)
            for p in profiles or (BINGX, BINANCE)
        ],
    )
