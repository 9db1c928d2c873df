"""GET /api/fills through the real app: the owner only, newest first, each filter, a bad value
named in its 422, and the row's keys with decimals as strings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.core.execution import OrderPurpose, Side
from gateway.core.keeper import KeeperRecord
from gateway.core.signal import Venue
from gateway.journal.ledger import Ledger
from gateway.journal.records import NewSignal, OrderLink, Outcome, now_ms
from gateway.journal.store import Journal
from tests.gateway.ledger_support import OURS, fill
from tests.support.owner import log_in
from tools.processes import free_port

PASSPHRASE = "fills-passphrase-3Kd9"
PASSWORD = "fills-owner-password-8Qz"
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z
KEYS = {
    "venue",
    "account",
    "symbol",
    "side",
    "quantity",
    "price",
    "fee",
    "fee_asset",
    "realized_pnl",
    "time",
    "order_id",
    "client_order_id",
    "signal_id",
    "strategy",
    "source",
    "trade_id",
    "position_side",
    "purpose",
    "liquidation",
}


def journal_with_fills() -> None:
    store = Journal(os.environ["DATABASE_URL"])
    store.migrate()
    store.admit(NewSignal("sig-ema", "pending", "{}", now_ms(), venue="bingx", strategy="ema"))
    links = [
        OrderLink("bingx", "default", "o-entry", OURS, "entry"),
        OrderLink("bingx", "default", "o-tp", "tvb-tp", "take_profit"),
    ]
    store.finish("sig-ema", Outcome("executed", {"status": "executed"}, links=links))
    ledger = Ledger(store.engine)
    fills = [
        fill("1", order_id="o-entry", time_ms=T0),
        fill(
            "2",
            order_id="o-tp",
            client_order_id="tvb-tp",
            side=Side.SELL,
            price=Decimal("61800"),
            realized_pnl=Decimal("18.00"),
            time_ms=T0 + 60_000,
        ),
        fill(
            "3",
            venue=Venue.BINANCE,
            account="main",
            symbol="ETH-USDT",
            venue_symbol="ETHUSDT",
            order_id="o-app",
            client_order_id="web_1",
            time_ms=T0 + 120_000,
        ),
        fill("4", order_id="o-liq", client_order_id="", liquidation=True, purpose=None, time_ms=T0 + 180_000),
        fill(
            "5",
            order_id="o-sl",
            client_order_id="tvb-sl",
            signal_id="sig-ema",
            purpose=OrderPurpose.STOP_LOSS,
            time_ms=T0 + 240_000,
        ),
    ]
    for n, f in enumerate(fills, start=1):
        ledger.record("executor", KeeperRecord("e1", n, f))
    store.close()


@pytest.fixture
def client() -> Iterator[TestClient]:
    journal_with_fills()
    settings = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{free_port()}",  # nobody there: the feed keeps trying, harmlessly
        dashboard_password=SecretStr(PASSWORD),
        cookie_secure=False,
    )
    with TestClient(create_app(settings)) as c:
        yield c


def ids(client: TestClient, **query: Any) -> list[str]:
    resp = client.get("/api/fills", params=query, headers=AUTH)
    assert resp.status_code == 200, resp.text
    return [f["trade_id"] for f in resp.json()["fills"]]


def test_the_owner_reads_the_ledger_newest_first(client: TestClient) -> None:
    assert client.get("/api/fills").status_code == 401
    assert client.get("/api/fills", headers={"Authorization": "Bearer wrong-guess-123"}).status_code == 401
    resp = client.get("/api/fills", headers=AUTH)
    fills = resp.json()["fills"]
    assert [f["trade_id"] for f in fills] == ["5", "4", "3", "2", "1"]
    assert all(set(f) == KEYS for f in fills)
    by_id = {f["trade_id"]: f for f in fills}
    assert by_id["1"] == {
        "venue": "bingx",
        "account": "default",
        "symbol": "BTC-USDT",
        "side": "buy",
        "quantity": "0.0100",
        "price": "60000.5",
        "fee": "0.3",
        "fee_asset": "USDT",
        "realized_pnl": "0",
        "time": "2026-01-01T00:00:00.000Z",
        "order_id": "o-entry",
        "client_order_id": OURS,
        "signal_id": "sig-ema",
        "strategy": "ema",
        "source": "signal",
        "trade_id": "1",
        "position_side": "LONG",
        "purpose": "entry",
        "liquidation": False,
    }
    assert [(by_id[t]["source"], by_id[t]["strategy"]) for t in "2345"] == [
        ("protection", "ema"),
        ("external", ""),
        ("external", ""),
        ("protection", "ema"),
    ]
    assert by_id["2"]["realized_pnl"] == "18.00"
    log_in(client, PASSWORD)  # and the dashboard's session
    client.headers.pop("Authorization", None)
    assert client.get("/api/fills").status_code == 200


def test_each_filter(client: TestClient) -> None:
    assert ids(client, venue="binance") == ["3"]
    assert ids(client, account="main") == ["3"]
    assert ids(client, symbol="eth-usdt") == ["3"]
    assert ids(client, strategy="ema") == ["5", "2", "1"]
    assert ids(client, since=str(T0 + 60_000), until=str(T0 + 180_000)) == ["4", "3", "2"]
    assert ids(client, since="2026-01-01T00:02:00Z") == ["5", "4", "3"]
    assert ids(client, until="2026-01-01T01:00:30+01:00") == ["1"]
    assert ids(client, limit=2) == ["5", "4"]
    assert ids(client, venue="bingx", strategy="ema", limit=1) == ["5"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("venue", "kraken"), ("since", "yesterday"), ("until", "2026-13-01"), ("limit", "0"), ("limit", "1001")],
)
def test_a_bad_filter_is_a_422_naming_the_field(client: TestClient, field: str, value: str) -> None:
    resp = client.get("/api/fills", params={field: value}, headers=AUTH)
    assert resp.status_code == 422
    assert field in resp.json()["error"]["message"]
