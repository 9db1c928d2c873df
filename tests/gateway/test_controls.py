"""Owner login, the audited trading switch, and CSRF protection for every state change."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from executor.server import RunningExecutor
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.journal.store import Journal
from tests.support.owner import log_in

PASSPHRASE = "controls-passphrase-9Q"
PASSWORD = "owner-password-Zk3v81"


def settings(executor: RunningExecutor, **fields: Any) -> GatewaySettings:
    return GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor.port}",
        dashboard_password=SecretStr(PASSWORD),
        cookie_secure=False,  # the test client speaks plain HTTP
        **fields,
    )


@pytest.fixture
def client(executor: RunningExecutor) -> Iterator[TestClient]:
    with TestClient(create_app(settings(executor))) as c:
        yield c


def buy(client: TestClient, signal_id: str) -> dict[str, Any]:
    body = {
        "action": "buy",
        "ticker": "BTCUSDT",
        "quantity": 0.001,
        "id": signal_id,
        "passphrase": PASSPHRASE,
    }
    answer: dict[str, Any] = client.post("/webhook", json=body).json()
    return answer


def test_login_sets_a_strict_httponly_session(client: TestClient) -> None:
    wrong = client.post("/login", json={"password": "owner-password-Zk3v82"})
    assert (wrong.status_code, wrong.json()["error"]["message"]) == (401, "password missing or wrong")
    resp = client.post("/login", json={"password": PASSWORD})
    cookies = resp.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("tvb_session="))
    assert "HttpOnly" in session and "SameSite=strict" in session and "Max-Age=43200" in session
    csrf = next(c for c in cookies if c.startswith("tvb_csrf="))
    assert "HttpOnly" not in csrf  # our page must read it to echo it


def test_the_switch_needs_a_session_and_its_csrf_token(client: TestClient) -> None:
    assert client.get("/api/trading").status_code == 401
    assert client.post("/api/trading", json={"enabled": False}).status_code == 401
    token = log_in(client, PASSWORD)
    assert client.get("/api/trading").json()["enabled"] is True
    # A cookie alone is what another site's page could make the browser send.
    assert client.post("/api/trading", json={"enabled": False}).status_code == 403
    assert (
        client.post("/api/trading", json={"enabled": False}, headers={"X-CSRF-Token": "f" * 64}).status_code
        == 403
    )
    assert buy(client, "before")["status"] == "executed"

    off = client.post(
        "/api/trading", json={"enabled": False, "reason": "news"}, headers={"X-CSRF-Token": token}
    )
    assert off.status_code == 200
    assert (off.json()["enabled"], off.json()["actor"], off.json()["reason"]) == (False, "dashboard", "news")
    refused = buy(client, "while-off")
    assert (refused["status"], refused["error"]["code"]) == ("rejected", "trading_disabled")

    on = client.post("/api/trading", json={"enabled": True}, headers={"X-CSRF-Token": token})
    assert on.json()["enabled"] is True
    assert buy(client, "after")["status"] == "executed"
    trail = Journal(os.environ["DATABASE_URL"]).audit_trail()
    assert [(a["actor"], a["action"], a["detail"]) for a in trail][:3] == [
        ("dashboard", "trading_switch", "trading switched on"),
        ("dashboard", "trading_switch", "trading switched off: news"),
        ("owner", "login", "from testclient"),
    ]


def test_a_bearer_passphrase_works_without_a_cookie_or_csrf(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {PASSPHRASE}"}
    resp = client.post("/api/trading", json={"enabled": False}, headers=auth)
    assert (resp.status_code, resp.json()["actor"]) == (200, "api")
    client.post("/api/trading", json={"enabled": True}, headers=auth)


def test_forged_and_expired_sessions_are_refused(executor: RunningExecutor) -> None:
    with TestClient(create_app(settings(executor, session_ttl_s=1))) as c:
        c.cookies.set("tvb_session", "9999999999.00aa.deadbeef")
        assert c.get("/api/trading").status_code == 401
        c.cookies.clear()
        log_in(c, PASSWORD)
        assert c.get("/api/trading").status_code == 200
        time.sleep(1.2)
        assert c.get("/api/trading").status_code == 401


def test_without_a_dashboard_password_nobody_logs_in(executor: RunningExecutor) -> None:
    config = settings(executor)
    config.dashboard_password = None
    with TestClient(create_app(config)) as c:
        assert c.post("/login", json={"password": ""}).status_code == 401
