"""GET /api/analytics and the ledger's exports (GET /trades.csv, GET /trades.json) through the
real app over the hand-worked ledger of tests/gateway/analytics_support.py: the owner only, the
same filters for all, a bad value named in its 422; a bad alert_price named in the webhook's."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.journal.store import Journal
from tests.gateway.analytics_support import write_ledger
from tests.support.owner import log_in
from tools.processes import free_port

PASSPHRASE = "analytics-passphrase-7Rw2"
PASSWORD = "analytics-owner-password-4Hn"
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    journal = Journal(os.environ["DATABASE_URL"])
    journal.migrate()
    write_ledger(journal)
    journal.close()
    settings = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{free_port()}",  # nobody there: the feed keeps trying, harmlessly
        dashboard_password=SecretStr(PASSWORD),
        cookie_secure=False,
    )
    with TestClient(create_app(settings)) as c:
        yield c


def get(client: TestClient, path: str, **query: str) -> Any:
    resp = client.get(path, params=query, headers=AUTH)
    assert resp.status_code == 200, resp.text
    return resp


def test_the_owner_reads_the_figures_per_strategy_and_in_total(client: TestClient) -> None:
    assert client.get("/api/analytics").status_code == 401
    assert (
        client.get("/api/analytics", headers={"Authorization": "Bearer wrong-guess-123"}).status_code == 401
    )
    report = get(client, "/api/analytics").json()
    assert set(report) == {"total", "strategies"}
    assert list(report["strategies"]) == ["", "ema", "rsi"]
    total = report["total"]
    assert (total["realized_pnl"], total["fees"], total["net_pnl"]) == ("9.2", "5.268", "3.932")
    assert (total["trades"], total["win_rate"], total["profit_factor"], total["max_drawdown"]) == (
        5,
        "0.6",
        "1.0911",
        "38.61",
    )
    for figures in (total, *report["strategies"].values()):
        assert {
            "realized_pnl",
            "fees",
            "net_pnl",
            "trades",
            "win_rate",
            "profit_factor",
            "max_drawdown",
        } <= set(figures)
        assert {
            "equity_curve",
            "daily_pnl",
            "slippage_bps",
            "fire_to_fill_ms",
            "largest_win",
            "largest_loss",
        } <= set(figures)
    log_in(client, PASSWORD)  # and the dashboard's session
    client.headers.pop("Authorization", None)
    assert client.get("/api/analytics").json() == report


def test_filters_as_the_ledger_takes_them(client: TestClient) -> None:
    window = get(client, "/api/analytics", since="2026-01-02T00:00:00Z", until="2026-01-04T00:00:00Z").json()
    assert (window["total"]["net_pnl"], window["total"]["trades"]) == ("-26.618", 3)
    rsi = get(client, "/api/analytics", strategy="rsi", venue="binance", account="main").json()
    assert list(rsi["strategies"]) == ["rsi"] and rsi["total"]["net_pnl"] == "8.792"
    assert get(client, "/api/analytics", symbol="sol-usdt").json()["total"]["net_pnl"] == "29.19"


@pytest.mark.parametrize("path", ["/api/analytics", "/trades.csv", "/trades.json"])
@pytest.mark.parametrize(
    ("field", "value"), [("venue", "kraken"), ("since", "yesterday"), ("until", "2026-13-01")]
)
def test_a_bad_filter_is_a_422_naming_the_field(
    client: TestClient, path: str, field: str, value: str
) -> None:
    resp = client.get(path, params={field: value}, headers=AUTH)
    assert resp.status_code == 422
    assert field in resp.json()["error"]["message"]


def test_the_exports_hold_every_fill_of_the_filter_oldest_first(client: TestClient) -> None:
    assert client.get("/trades.json").status_code == 401
    assert client.get("/trades.csv").status_code == 401
    every = [f["trade_id"] for f in get(client, "/trades.json").json()["fills"]]
    assert every == [str(n) for n in range(1, 12)]
    query = {"strategy": "ema", "since": "2026-01-01T01:00:00Z", "until": "2026-01-02T01:00:00Z"}
    as_json = get(client, "/trades.json", **query).json()["fills"]
    download = get(client, "/trades.csv", **query)
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    as_csv = list(csv.DictReader(io.StringIO(download.text)))
    assert [f["trade_id"] for f in as_json] == [r["trade_id"] for r in as_csv] == ["2", "3", "4", "5"]
    assert [(f["strategy"], f["source"], f["realized_pnl"]) for f in as_json] == [
        ("ema", "protection", "4.85"),
        ("ema", "protection", "-2.65"),
        ("ema", "signal", "0"),
        ("ema", "signal", "-33.00"),
    ]
    assert [(r["qty"], r["price"], r["fee"]) for r in as_csv] == [
        ("0.005", "61000", "0.15"),
        ("0.005", "59500", "0.15"),
        ("1", "2997", "1.20"),
        ("1", "3030", "1.21"),
    ]
    page = get(client, "/api/fills", **query).json()["fills"]
    assert page == list(reversed(as_json))  # the same fills, newest first
    binance = get(client, "/trades.json", venue="binance", account="main").json()["fills"]
    assert [f["trade_id"] for f in binance] == ["6", "7", "8"]


@pytest.mark.parametrize(("value", "words"), [('"{{close}}"', "placeholder"), ("0", "greater than zero")])
def test_a_bad_alert_price_is_a_422_naming_it(client: TestClient, value: str, words: str) -> None:
    fields = '"action": "buy", "ticker": "BTCUSDT", "quantity": 0.01, "alert_price": ' + value
    body = "{" + fields + f', "passphrase": "{PASSPHRASE}"' + "}"
    resp = client.post("/webhook", content=body.encode(), headers={"Content-Type": "text/plain"})
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["field"] == "alert_price" and words in error["message"]


def test_points_ask_for_a_charts_view(client: TestClient) -> None:
    chart = get(client, "/api/analytics", points="10").json()["total"]
    assert len(chart["equity_curve"]) <= 10 and "values" not in chart["slippage_bps"]
    assert chart["net_pnl"] == "3.932"
    resp = client.get("/api/analytics", params={"points": "5"}, headers=AUTH)
    assert resp.status_code == 422 and "points" in resp.json()["error"]["message"]
