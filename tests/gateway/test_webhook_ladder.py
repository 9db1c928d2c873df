"""A list-valued take_profit through the real webhook: the 422 names the level, the dedupe key and
the journal take the list, and the journalled signal reads back with its ladder. No executor
listens, so nothing here depends on how the executor trades a ladder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from common.trading import TakeProfitLevel
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.journal import signal_json
from gateway.journal.store import Journal
from tools.processes import free_port

PASSPHRASE = "ladder-route-passphrase-5"
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
LADDER = [{"price": 52000, "size_pct": 50}, {"pct": "6", "size_pct": 30}, {"pct": 10.5, "size_pct": 20}]


@pytest.fixture
def client() -> Iterator[TestClient]:
    settings = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{free_port()}",
        webhook_wait_s=0.2,
        gateway_grace_s=0.2,
    )
    with TestClient(create_app(settings)) as c:
        yield c


def alert(**fields: Any) -> dict[str, Any]:
    return {
        "action": "buy",
        "ticker": "BTCUSDT",
        "quantity": "0.03",
        "take_profit": LADDER,
        "breakeven_after": 1,
        "sl_pct": 2,
        "passphrase": PASSPHRASE,
        **fields,
    }


def test_a_ladder_is_journalled_and_its_resend_is_a_repeat(client: TestClient) -> None:
    first = client.post("/webhook", json=alert())
    resent = client.post("/webhook", json=alert())
    assert (first.status_code, first.json()["status"]) == (202, "pending")
    assert resent.json()["duplicate"] is True
    assert resent.json()["signal_id"] == first.json()["signal_id"]
    other = client.post("/webhook", json=alert(take_profit=[*LADDER[:2], {"pct": 11, "size_pct": 20}]))
    assert other.json()["signal_id"] != first.json()["signal_id"]  # another ladder, another signal

    row = Journal(os.environ["DATABASE_URL"]).get(first.json()["signal_id"])
    assert row is not None
    signal = signal_json.loads(row["normalized"])
    assert signal.take_profits == (
        TakeProfitLevel(size_pct=Decimal(50), price=Decimal(52000)),
        TakeProfitLevel(size_pct=Decimal(30), pct=Decimal(6)),
        TakeProfitLevel(size_pct=Decimal(20), pct=Decimal("10.5")),
    )
    assert signal.breakeven_after == 1
    view = client.get(f"/signals/{first.json()['signal_id']}", headers=AUTH).json()
    assert view["journal"]["body"]["take_profit"][2] == {"pct": "10.5", "size_pct": 20}


def test_a_bad_level_is_a_422_naming_it(client: TestClient) -> None:
    resp = client.post("/webhook", json=alert(take_profit=[LADDER[0], {"pct": 6, "size_pct": 130}]))
    assert resp.status_code == 422
    assert resp.json()["error"]["field"] == "take_profit[2].size_pct"
    assert resp.json()["error"]["code"] == "invalid_signal"
