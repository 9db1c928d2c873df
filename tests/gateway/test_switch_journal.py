"""The kill switch in the journal: migration 0005 on both engines, its history, and
`TRADING_ENABLED` applying only while nothing has been recorded."""

from __future__ import annotations

import os
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr

from executor.server import RunningExecutor
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.journal import engine as db
from gateway.journal.store import Journal
from tests.support.inproc import RunningSimulator
from tools.processes import wait_until

PASSPHRASE = "switch-passphrase-7Hw2"
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}


def tables(journal: Journal) -> set[str]:
    return set(sa.inspect(journal.engine).get_table_names())


def test_migration_0005_adds_the_switch_history_and_takes_it_back(journal_url: str) -> None:
    journal = Journal(journal_url)
    try:
        db.upgrade(journal.engine, "0004")
        assert "switch_changes" not in tables(journal)
        journal.migrate()
        assert "switch_changes" in tables(journal)
        assert journal.switch_history() == []
        journal.record_switch(False, "dashboard", "news", "trading switched off: news")
        journal.record_switch(True, "api", "", "trading switched on")
        history = journal.switch_history()
        assert [(h["enabled"], h["actor"], h["reason"]) for h in history] == [
            (True, "api", ""),
            (False, "dashboard", "news"),
        ]
        assert history[0]["time_ms"] >= history[1]["time_ms"] > 0
        assert [a["action"] for a in journal.audit_trail()] == ["trading_switch", "trading_switch"]
        db.downgrade(journal.engine, "0004")
        assert "switch_changes" not in tables(journal)
        journal.migrate()
        assert journal.switch_history() == []
    finally:
        journal.close()


def settings(executor: RunningExecutor, **fields: Any) -> GatewaySettings:
    return GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor.port}",
        **fields,
    )


def buy(client: TestClient, signal_id: str) -> dict[str, Any]:
    body = {
        "action": "buy",
        "ticker": "BTCUSDT",
        "quantity": 0.001,
        "id": signal_id,
        "passphrase": PASSPHRASE,
    }
    client.post("/webhook", json=body)
    seen: dict[str, Any] = {}

    def decided() -> bool:
        seen.update(client.get(f"/signals/{signal_id}", headers=AUTH).json())
        return seen.get("status") != "pending"

    assert wait_until(decided, timeout_s=15, interval_s=0.1), seen
    return seen


def in_sync(client: TestClient) -> bool:
    return bool(client.get("/api/trading", headers=AUTH).json()["executor"].get("in_sync"))


@pytest.mark.usefixtures("simulator")
def test_trading_enabled_false_applies_on_an_empty_journal_only(executor: RunningExecutor) -> None:
    with TestClient(create_app(settings(executor, trading_enabled=False))) as client:
        state = client.get("/api/trading", headers=AUTH).json()
        assert (state["enabled"], state["actor"], state["recorded"], state["history"]) == (
            False,
            "config",
            False,
            [],
        )
        assert wait_until(lambda: in_sync(client), timeout_s=10)
        refused = buy(client, "config-off")
        assert (refused["status"], refused["error"]["code"]) == ("rejected", "trading_disabled")
        switched = client.post("/api/trading", json={"enabled": True, "reason": "go"}, headers=AUTH).json()
        assert (switched["enabled"], switched["applied"]) == (True, True)

    # Once a change is recorded, the journal wins over TRADING_ENABLED on every start.
    with TestClient(create_app(settings(executor, trading_enabled=False))) as client:
        state = client.get("/api/trading", headers=AUTH).json()
        assert (state["enabled"], state["actor"], state["reason"], state["recorded"]) == (
            True,
            "api",
            "go",
            True,
        )
        assert wait_until(lambda: in_sync(client), timeout_s=10)
        assert buy(client, "recorded-on")["status"] == "executed"
    assert Journal(os.environ["DATABASE_URL"]).switch_history()[0]["enabled"] is True


@pytest.mark.usefixtures("simulator")
def test_a_change_is_recorded_even_when_the_executor_is_gone(executor: RunningExecutor) -> None:
    with TestClient(create_app(settings(executor))) as client:
        executor.stop()
        answer = client.post("/api/trading", json={"enabled": False, "reason": "x"}, headers=AUTH).json()
        assert (answer["enabled"], answer["applied"]) == (False, False)
        assert answer["executor_error"]["code"] == "executor_unavailable"
        status = client.get("/api/status", headers=AUTH).json()["trading"]
        assert (status["enabled"], status["history"][0]["reason"]) == (False, "x")


def test_the_switch_is_handed_over_on_connect(executor: RunningExecutor, simulator: RunningSimulator) -> None:
    journal = Journal(os.environ["DATABASE_URL"])
    journal.migrate()
    journal.record_switch(False, "dashboard", "weekend", "trading switched off: weekend")
    journal.close()
    assert executor.engine.switch.state.awaiting_gateway
    with TestClient(create_app(settings(executor))) as client:
        assert wait_until(lambda: not executor.engine.switch.state.awaiting_gateway, timeout_s=10)
        held = executor.engine.switch.state
        assert (held.enabled, held.actor, held.reason) == (False, "dashboard", "weekend")
        assert client.get("/api/trading", headers=AUTH).json()["executor"]["in_sync"] is True
