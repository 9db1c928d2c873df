"""The dashboard's pages and JSON API, through the real app and an in-process executor."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from executor.server import RunningExecutor
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.core.overview import _Shared
from gateway.dashboard.pages import STATIC, TEMPLATES
from tests.support.owner import log_in
from tools.processes import wait_until

PASSPHRASE = "dashboard-passphrase-4Rt"
SCALPER_PASSPHRASE = "scalper-passphrase-8Yw2"
PASSWORD = "owner-password-Pq7c20"
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
PAGES = (
    "/dashboard",
    "/dashboard/signals",
    "/dashboard/signals/x-1",
    "/dashboard/account",
    "/dashboard/test",
    "/dashboard/analytics",
)


def settings(executor: RunningExecutor, **fields: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "webhook_passphrase": SecretStr(PASSPHRASE),
        "executor_addr": f"127.0.0.1:{executor.port}",
        "dashboard_password": SecretStr(PASSWORD),
        "cookie_secure": False,  # the test client speaks plain HTTP
        "strategy_passphrases": SecretStr(f"scalper={SCALPER_PASSPHRASE}"),
        "strategies": "ema-cross",
        **fields,
    }
    return GatewaySettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def client(executor: RunningExecutor) -> Iterator[TestClient]:
    with TestClient(create_app(settings(executor))) as c:
        yield c


def send(client: TestClient, **body: Any) -> dict[str, Any]:
    reply: dict[str, Any] = client.post("/webhook", json={**body, "passphrase": PASSPHRASE}).json()
    return reply


def test_pages_need_the_login_and_come_back_after_it(client: TestClient) -> None:
    root = client.get("/", follow_redirects=False)
    assert (root.status_code, root.headers["location"]) == (303, "/dashboard")
    for path in PAGES:
        resp = client.get(path + "?status=executed", follow_redirects=False)
        assert resp.status_code == 303, path
        assert resp.headers["location"] == "/login?next=" + path.replace("/", "%2F") + "%3Fstatus%3Dexecuted"
    login = client.get("/login")
    assert login.status_code == 200 and 'data-page="login"' in login.text and "data-state" not in login.text
    log_in(client, PASSWORD)
    for path in PAGES:
        resp = client.get(path)
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html"), path
        assert "script-src 'self'" in resp.headers["content-security-policy"]
        assert resp.headers["x-frame-options"] == "DENY" and resp.headers["cache-control"] == "no-store"
    assert client.get("/login", follow_redirects=False).headers["location"] == "/dashboard"


def test_a_forged_or_expired_session_is_no_session(client: TestClient) -> None:
    client.cookies.set("tvb_session", "9999999999.abcdef.0123")
    assert client.get("/dashboard", follow_redirects=False).status_code == 303
    assert client.get("/api/status").status_code == 401


def test_the_login_page_says_when_the_dashboard_is_off(executor: RunningExecutor) -> None:
    with TestClient(create_app(settings(executor, dashboard_password=None))) as c:
        assert 'data-state="off"' in c.get("/login").text
        assert c.post("/login", json={"password": ""}).status_code == 401


def test_the_pages_load_nothing_from_elsewhere() -> None:
    """Assets come from the gateway only: no CDN, no inline script or style for the CSP to allow."""
    for path in [*TEMPLATES.glob("*.html"), *STATIC.glob("*.js"), *STATIC.glob("*.css")]:
        source = path.read_text()
        assert not re.search(r"(?:src|href)\s*=\s*[\"'](?:https?:)?//", source), path
        assert "<style" not in source and " style=" not in source and "onclick" not in source, path
        assert "innerHTML" not in source and "insertAdjacentHTML" not in source, path
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", (TEMPLATES / "base.html").read_text(), re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)


def test_our_assets_are_served(client: TestClient) -> None:
    for name in ("dashboard.js", "dashboard.css", "favicon.svg"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/../gateway/config.py").status_code == 404


def test_the_json_api_needs_the_owner(client: TestClient) -> None:
    for path in ("/api/status", "/api/signals", "/api/accounts", "/api/audit"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers={"Authorization": "Bearer not-a-passphrase"}).status_code == 401
        assert client.get(path, headers=AUTH).status_code == 200, path


def test_status_reports_every_part(client: TestClient) -> None:
    send(client, id="st-1", action="buy", symbol="BTC-USDT", quantity="0.001", strategy="ema-cross")
    send(client, id="st-2", action="buy", symbol="BTC-USDT", quantity="0.001", strategy="Breakout", test=True)
    status = client.get("/api/status", headers=AUTH).json()
    assert status["executor"]["ok"] is True and status["gateway"]["ok"] is True
    assert status["trading"]["enabled"] is True
    [check] = status["venues"]["checks"]
    assert (check["venue"], check["account"], check["ok"], check["can_trade"]) == (
        "bingx",
        "default",
        True,
        True,
    )
    assert status["backlog"] == {"pending": 0, "oldest_age_s": 0}
    assert status["last_24h"] == {"executed": 2}
    by_name = {s["strategy"]: s for s in status["strategies"]}
    assert by_name["ema-cross"]["watched"] and by_name["ema-cross"]["last_signal_id"] == "st-1"
    assert by_name["breakout"]["last_status"] == "executed" and not by_name["breakout"]["watched"]
    assert status["defaults"] == {"exchange": "bingx", "account": "default"}


def test_status_says_so_when_the_executor_is_gone(executor: RunningExecutor) -> None:
    with TestClient(create_app(settings(executor))) as c:
        executor.stop()
        status = c.get("/api/status?refresh=1", headers=AUTH).json()
    assert status["executor"]["ok"] is False
    # The switch's state is the journal's; only the executor's copy cannot be read.
    trading = status["trading"]
    assert trading["enabled"] is True and trading["executor"]["error"]["code"] == "executor_unavailable"
    assert status["venues"]["checks"] == [] and status["venues"]["error"]["code"] == "executor_unavailable"


def test_signals_newest_first_with_filters_and_paging(client: TestClient) -> None:
    send(client, id="f-1", action="buy", symbol="BTC-USDT", quantity="0.001")
    send(client, id="f-2", action="sell", symbol="ETH-USDT", balance="50", leverage=5)
    send(
        client, id="f-3", action="buy", symbol="BTC-USDT", quantity="0.001", exchange="binance"
    )  # not configured
    client.post(
        "/webhook", json={"action": "buy", "passphrase": PASSPHRASE}
    )  # refused at the edge: no symbol

    rows = client.get("/api/signals", headers=AUTH).json()["signals"]
    assert [r["signal_id"] for r in rows[1:]] == ["f-3", "f-2", "f-1"]
    assert rows[0]["status"] == "rejected" and rows[0]["error_code"] == "invalid_signal"
    first = rows[3]
    assert first["status"] == "executed" and first["requested"] == {"kind": "quantity", "value": "0.001"}
    assert first["quantity"] == "0.001" and first["price"] and len(first["order_ids"]) == 1
    latency = first["latency_ms"]
    assert latency["total"] is not None and latency["total"] >= latency["received_to_journalled"] >= 0
    assert latency["executor"] is not None and latency["venue"] is not None
    assert rows[2]["requested"] == {"kind": "balance", "value": "50"}
    assert rows[1]["status"] == "rejected" and rows[1]["reason"]

    def ids(query: str) -> list[str]:
        return [r["signal_id"] for r in client.get("/api/signals?" + query, headers=AUTH).json()["signals"]]

    assert ids("symbol=btc-usdt") == ["f-3", "f-1"]
    assert ids("venue=binance") == ["f-3"]
    assert ids("venue=bingx&status=executed") == ["f-2", "f-1"]
    assert ids("status=nonsense&symbol=ETH-USDT") == ["f-2"]  # an unknown status filters nothing
    assert ids("limit=2") == [rows[0]["signal_id"], "f-3"]
    assert ids(f"limit=2&before={rows[1]['seq']}") == ["f-2", "f-1"]
    assert client.get("/api/signals?limit=0", headers=AUTH).status_code == 422


def test_the_test_form_goes_through_the_webhook(client: TestClient) -> None:
    form = {
        "action": "buy",
        "symbol": "BTC-USDT",
        "size_kind": "quantity",
        "size": "0.003",
        "exchange": "bingx",
    }
    assert client.post("/api/test-signal", json=form).status_code == 401
    token = log_in(client, PASSWORD)
    assert client.post("/api/test-signal", json=form).status_code == 403  # a cookie alone, no CSRF token
    resp = client.post("/api/test-signal", json=form, headers={"X-CSRF-Token": token})
    assert resp.status_code == 200, resp.text
    reply = resp.json()
    assert reply["message"] == {
        "action": "buy",
        "symbol": "BTC-USDT",
        "quantity": "0.003",
        "exchange": "bingx",
        "test": True,
    }
    outcome = reply["outcome"]
    assert outcome["status"] == "executed" and outcome["test"] is True
    # What it would place, sent nowhere.
    [planned] = outcome["orders"]
    assert (planned["status"], planned["quantity"], planned["order_id"]) == ("PLANNED", "0.003", "")
    assert PASSPHRASE not in resp.text
    # Journalled like any alert, the passphrase removed.
    view = client.get(f"/signals/{outcome['signal_id']}", headers=AUTH).json()
    assert view["journal"]["body"]["passphrase"] == "***" and view["journal"]["body"]["test"] is True

    # A strategy with its own passphrase is sent with that one.
    scalper = {**form, "strategy": "scalper"}
    assert (
        client.post("/api/test-signal", json=scalper, headers={"X-CSRF-Token": token}).json()["outcome"][
            "status"
        ]
        == "executed"
    )
    # What the webhook refuses, the form shows refused, naming the field.
    bad = client.post("/api/test-signal", json={**form, "size": "-1"}, headers={"X-CSRF-Token": token})
    assert bad.status_code == 422 and bad.json()["outcome"]["error"]["field"] == "quantity"
    unknown = client.post(
        "/api/test-signal", json={**form, "action": "moon"}, headers={"X-CSRF-Token": token}
    )
    assert unknown.status_code == 422 and unknown.json()["outcome"]["error"]["field"] == "action"


def test_a_real_order_from_the_form_is_audited(client: TestClient) -> None:
    token = log_in(client, PASSWORD)
    form = {"action": "sell", "symbol": "ETH-USDT", "size_kind": "quantity", "size": "0.01", "test": False}
    reply = client.post("/api/test-signal", json=form, headers={"X-CSRF-Token": token}).json()
    assert reply["outcome"]["status"] == "executed" and len(reply["outcome"]["orders"]) == 1
    entries = client.get("/api/audit", headers=AUTH).json()["entries"]
    assert [(e["actor"], e["action"], e["detail"]) for e in entries[:2]] == [
        ("dashboard", "real_signal_from_dashboard", "sell ETH-USDT"),
        ("owner", "login", "from testclient"),
    ]


def test_accounts_show_balances_and_positions(client: TestClient) -> None:
    send(client, id="acc-1", action="buy", symbol="BTC-USDT", quantity="0.01")
    [account] = client.get("/api/accounts", headers=AUTH).json()["accounts"]
    assert (account["venue"], account["account"], account["hedge_mode"]) == ("bingx", "default", False)
    usdt = next(b for b in account["balances"] if b["asset"] == "USDT")
    assert float(usdt["wallet"]) > 0
    [position] = account["positions"]
    assert (position["symbol"], position["quantity"]) == ("BTC-USDT", "0.01")


def test_the_switch_is_on_the_audit_trail(client: TestClient) -> None:
    token = log_in(client, PASSWORD)
    client.post("/api/trading", json={"enabled": False, "reason": "news"}, headers={"X-CSRF-Token": token})
    assert wait_until(lambda: client.get("/api/audit", headers=AUTH).json()["entries"], 5)
    entry = client.get("/api/audit", headers=AUTH).json()["entries"][0]
    assert (entry["actor"], entry["action"], entry["detail"]) == (
        "dashboard",
        "trading_switch",
        "trading switched off: news",
    )
    refused = send(client, id="off-1", action="buy", symbol="BTC-USDT", quantity="0.001")
    assert refused["error"]["code"] == "trading_disabled"
    rows = client.get("/api/signals?status=rejected", headers=AUTH).json()["signals"]
    assert rows[0]["signal_id"] == "off-1" and rows[0]["reason"] == "trading is switched off"


def test_one_venue_check_serves_every_caller_until_it_goes_stale() -> None:
    calls = 0

    async def fetch() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        if calls == 2:
            raise RuntimeError("venue down")
        return calls

    async def scenario() -> list[object]:
        shared = _Shared(fetch, ttl_s=60)
        together = await asyncio.gather(shared.get(), shared.get(), shared.get())
        cached = await shared.get()
        try:
            await shared.get(refresh=True)
            failed: object = "no error"
        except RuntimeError as exc:
            failed = str(exc)
        retried = await shared.get()  # a failure is not kept
        return [together, cached, failed, retried]

    assert asyncio.run(scenario()) == [[1, 1, 1], 1, "venue down", 3]
    assert calls == 3
