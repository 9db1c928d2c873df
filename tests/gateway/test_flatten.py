"""POST /api/flatten through the gateway, the executor and the simulator, on both venues: our
orders cancelled, every position side closed, a hand-placed order left alone, trading off."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from executor.config import ExecutorSettings
from executor.core.legs import client_order_id
from executor.core.model import OrderType, PositionSide, Side, Venue
from executor.core.ports import OrderRequest, ProtectionKind, ProtectionRequest, VenueAdapter
from executor.server import RunningExecutor, start
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx.adapter import BingxAdapter
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.journal.store import Journal
from tests.support.inproc import API_KEY, BINANCE_API_KEY, RunningSimulator, running_simulator
from tests.support.owner import log_in
from tools.processes import free_port, wait_until

PASSPHRASE = "flatten-passphrase-3Rt8"
PASSWORD = "owner-password-Fl4tt3n"
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
KEYS = {Venue.BINGX: API_KEY, Venue.BINANCE: BINANCE_API_KEY}


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    """Flatten tells its orders by client id. BingX keeps none on a trigger order (docs/venues/
    bingx.md 5.8), so there it cancels every id-less guard of a side it closes (tested in
    tests/executor/test_bingx_trigger_orders.py); this simulator keeps the ids, to see the
    client-id rule, and a hand-placed order left alone, on both venues."""
    with running_simulator(simulator_bingx_trigger_client_ids=True) as sim:
        yield sim


@pytest.fixture
def both(
    bingx: BingxAdapter, binance: BinanceAdapter, simulator: RunningSimulator
) -> Iterator[RunningExecutor]:
    """The executor on both venues in hedge mode, handed over by the gateway when it connects.
    Hedge mode is set before it starts: its position keeper reads the accounts at once."""
    for venue, key in KEYS.items():
        simulator.sim.exchanges[venue.value].accounts[key].hedge_mode = True
    settings = ExecutorSettings(_env_file=None, executor_port=free_port(), executor_grace_s=1)  # type: ignore[call-arg]
    running = start(settings, {(Venue.BINGX, "default"): bingx, (Venue.BINANCE, "default"): binance})
    yield running
    running.stop()


@pytest.fixture
def client(both: RunningExecutor) -> Iterator[TestClient]:
    settings = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{both.port}",
        dashboard_password=SecretStr(PASSWORD),
        cookie_secure=False,
    )
    with TestClient(create_app(settings)) as c:
        yield c


def open_both_sides(adapter: VenueAdapter, simulator: RunningSimulator) -> tuple[str, str, str]:
    """A long and a short (hedge mode), a stop-loss of ours and one placed by hand, each for half
    the long (BingX refuses stops totalling more than the position).
    Returns (venue symbol, our stop's client id, the hand-placed one's)."""
    symbol = adapter.rules("BTC-USDT").venue_symbol
    for n, (side, pside) in enumerate(((Side.BUY, PositionSide.LONG), (Side.SELL, PositionSide.SHORT))):
        adapter.place_order(
            OrderRequest(symbol, side, pside, OrderType.MARKET, Decimal("0.01"), f"handopen{n}x")
        )
    price = adapter.price(symbol)
    ours = client_order_id("sig-flat", "stop_loss-LONG")
    by_hand = "manualstop1"
    for client_id in (ours, by_hand):
        adapter.place_protection(
            ProtectionRequest(
                symbol,
                ProtectionKind.STOP_LOSS,
                Side.SELL,
                PositionSide.LONG,
                Decimal("0.005"),
                adapter.rules("BTC-USDT").floor_price(price * Decimal("0.8")),
                client_id,
            )
        )
    return symbol, ours, by_hand


@pytest.mark.parametrize("venue", [Venue.BINGX, Venue.BINANCE], ids=lambda v: v.value)
def test_flatten_one_venue(
    venue: Venue,
    client: TestClient,
    both: RunningExecutor,
    simulator: RunningSimulator,
) -> None:
    adapter = both.engine.adapters[(venue, "default")]
    other = both.engine.adapters[(Venue.BINANCE if venue is Venue.BINGX else Venue.BINGX, "default")]
    symbol, ours, _by_hand = open_both_sides(adapter, simulator)
    # A resting limit entry of ours on a symbol this executor never traded: flatten finds it
    # in the one read of every open order, and cancels it with the rest.
    eth = adapter.rules("ETH-USDT")
    resting = client_order_id("sig-flat", "entry")
    adapter.place_order(
        OrderRequest(
            eth.venue_symbol,
            Side.BUY,
            PositionSide.LONG,
            OrderType.LIMIT,
            Decimal("0.1"),
            resting,
            price=eth.floor_price(adapter.price(eth.venue_symbol) * Decimal("0.5")),
        )
    )
    assert [o.client_order_id for o in adapter.open_orders(eth.venue_symbol)] == [resting]  # type: ignore[attr-defined]
    other_symbol = other.rules("BTC-USDT").venue_symbol
    other.place_order(
        OrderRequest(other_symbol, Side.BUY, PositionSide.LONG, OrderType.MARKET, Decimal("0.01"), "k1")
    )

    resp = client.post("/api/flatten", json={"venue": venue.value}, headers=AUTH)
    assert resp.status_code == 200, resp.text
    [account] = resp.json()["accounts"]
    assert (account["venue"], account["account"], account["failures"]) == (venue.value, "default", [])
    assert sorted(c["client_order_id"] for c in account["cancelled"]) == sorted([ours, resting])
    assert adapter.open_orders(eth.venue_symbol) == []  # type: ignore[attr-defined]
    assert sorted((c["position_side"], c["quantity"]) for c in account["closed"]) == [
        ("LONG", "0.01"),
        ("SHORT", "0.01"),
    ]
    assert all(c["client_order_id"].startswith("tvb") for c in account["closed"])

    assert adapter.positions() == []
    # Flatten cancels only ours; the hand-placed stop is left on a flat side, where it could close
    # a later position, so the position keeper cancels it (one-cancels-other) within moments.
    assert wait_until(lambda: adapter.open_protections(symbol) == [], timeout_s=5)
    assert [p.quantity for p in other.positions()] == [Decimal("0.01")]  # the other venue untouched

    # The panic button stops new entries too, and both acts are on the audit trail.
    trading = client.get("/api/trading", headers=AUTH).json()
    assert (trading["enabled"], trading["reason"]) == (False, f"flatten {venue.value}/all accounts")
    trail = Journal(os.environ["DATABASE_URL"]).audit_trail()
    assert (trail[0]["action"], trail[1]["action"]) == ("flatten", "trading_switch")
    assert trail[0]["detail"].startswith(
        f"flatten {venue.value}/all accounts: {venue.value}/default: 2 orders"
    )


def test_flatten_needs_the_owner_and_csrf(client: TestClient) -> None:
    assert client.post("/api/flatten", json={}).status_code == 401
    token = log_in(client, PASSWORD)
    assert client.post("/api/flatten", json={}).status_code == 403
    assert client.post("/api/flatten", json={}, headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    assert (
        client.post("/api/flatten", json={"venue": "kraken"}, headers={"X-CSRF-Token": token}).status_code
        == 422
    )
    resp = client.post("/api/flatten", json={}, headers={"X-CSRF-Token": token})
    assert resp.status_code == 200, resp.text
    assert sorted(a["venue"] for a in resp.json()["accounts"]) == ["binance", "bingx"]
    assert resp.json()["trading"]["actor"] == "dashboard"


def test_flatten_of_an_unknown_account_is_refused(client: TestClient) -> None:
    resp = client.post("/api/flatten", json={"venue": "bingx", "account": "nope"}, headers=AUTH)
    assert (resp.status_code, resp.json()["error"]["code"]) == (422, "unknown_account")
