"""Exposure limits through the real processes: twenty alerts for twenty symbols fired at once
against RISK_MAX_OPEN_POSITIONS=2 open exactly two, with one gateway on SQLite and with two
gateways on one PostgreSQL journal (one executor serves both: its account book is the one
place the slots are counted). A losing-streak pause is journalled, survives an executor
restart, and lifts when the owner resumes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import API_KEY, PASSPHRASE, SECRET_KEY
from tests.support.postgres import fresh_database
from tools.processes import ServiceProcess, free_port, wait_until
from tools.stack import LocalStack, start_stack

pytestmark = pytest.mark.e2e

AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
BASES = "ETH SOL XRP DOGE BNB ADA AVAX LINK DOT TRX LTC BCH NEAR UNI ATOM ETC FIL APT ARB OP"
SYMBOLS = [f"{base}USDT" for base in BASES.split(" ")]
FINAL = {"executed", "rejected", "failed", "expired"}


def start(tmp_path: Path, cleanup: ExitStack, **env: str) -> LocalStack:
    stack = start_stack(
        tmp_path,
        api_key=API_KEY,
        secret_key=SECRET_KEY,
        passphrase=PASSPHRASE,
        extra_env={"LOG_LEVEL": "WARNING", **env},
    )
    cleanup.callback(stack.stop)
    return stack


def alert(symbol: str, signal_id: str, action: str = "buy") -> dict[str, Any]:
    sized = {"balance": "20"} if action == "buy" else {}
    return {"action": action, "ticker": symbol, "id": signal_id, "passphrase": PASSPHRASE, **sized}


def fire_at_once(urls: list[str], alerts: list[dict[str, Any]]) -> None:
    """Each alert to a gateway in turn, all released at the same instant."""
    start = threading.Barrier(len(alerts))

    def send(n: int) -> int:
        body = json.dumps(alerts[n])
        start.wait()
        return requests.post(f"{urls[n % len(urls)]}/webhook", data=body, timeout=10).status_code

    with ThreadPoolExecutor(len(alerts)) as pool:
        statuses = list(pool.map(send, range(len(alerts))))
    assert all(s in (200, 202, 422) for s in statuses), statuses


def final(url: str, signal_id: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def decided() -> bool:
        seen.clear()
        seen.update(requests.get(f"{url}/signals/{signal_id}", headers=AUTH, timeout=5).json())
        return seen.get("status") in FINAL

    assert wait_until(decided, timeout_s=30, interval_s=0.2), seen
    return seen


def held(stack: LocalStack) -> list[str]:
    positions: list[dict[str, Any]] = stack.venue_get("/_sim/positions?venue_name=bingx")
    return sorted(p["symbol"] for p in positions)


def check_exactly_two(stack: LocalStack, urls: list[str]) -> None:
    ids = [f"burst-{s}" for s in SYMBOLS]
    fire_at_once(urls, [alert(s, i) for s, i in zip(SYMBOLS, ids, strict=True)])
    answers = [final(urls[0], i) for i in ids]
    executed = [a for a in answers if a["status"] == "executed"]
    refused = [a for a in answers if a["status"] == "rejected"]
    assert (len(executed), len(refused)) == (2, 18), [a.get("error") for a in answers]
    for answer in refused:
        assert answer["error"]["code"] == "risk_limit"
        assert "RISK_MAX_OPEN_POSITIONS = 2: bingx/default holds 2" in answer["error"]["message"]
    assert len(held(stack)) == 2


def test_twenty_alerts_at_once_open_exactly_two_positions(tmp_path: Path) -> None:
    with ExitStack() as cleanup:
        stack = start(tmp_path, cleanup, RISK_MAX_OPEN_POSITIONS="2")
        check_exactly_two(stack, [stack.gateway_url])


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


def test_two_gateways_on_one_postgres_journal_open_exactly_two(tmp_path: Path, postgres_url: str) -> None:
    with ExitStack() as cleanup:
        stack = start(tmp_path, cleanup, RISK_MAX_OPEN_POSITIONS="2", DATABASE_URL=postgres_url)
        port = free_port()
        env = {**stack.env, "GATEWAY_PORT": str(port), "TRADES_CSV": str(tmp_path / "second-trades.csv")}
        second = ServiceProcess("gateway", env, tmp_path, port).wait_ready()
        cleanup.callback(second.terminate)
        url = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: requests.get(f"{url}/readyz", timeout=2).status_code == 200, timeout_s=30)
        check_exactly_two(stack, [stack.gateway_url, url])


def risk(stack: LocalStack) -> dict[str, Any]:
    answer: dict[str, Any] = requests.get(f"{stack.gateway_url}/api/risk", headers=AUTH, timeout=10).json()
    return answer


def test_a_losing_streak_pause_survives_an_executor_restart_until_resumed(tmp_path: Path) -> None:
    with ExitStack() as cleanup:
        stack = start(tmp_path, cleanup, RISK_MAX_CONSECUTIVE_LOSSES="1")
        url = stack.gateway_url
        requests.post(f"{url}/webhook", data=json.dumps(alert("ETHUSDT", "open")), timeout=10)
        assert final(url, "open")["status"] == "executed"
        body = {"venue": "bingx", "symbol": "ETH-USDT", "price": "2900"}
        requests.post(f"{stack.simulator_url}/_sim/price", json=body, timeout=5).raise_for_status()
        requests.post(f"{url}/webhook", data=json.dumps(alert("ETHUSDT", "close", "close")), timeout=10)
        assert final(url, "close")["status"] == "executed"

        # The keeper's fill of the close is the streak's first loss: the account pauses.
        assert wait_until(lambda: len(risk(stack)["pauses"]) == 1, timeout_s=20), risk(stack)
        [pause] = risk(stack)["pauses"]
        assert (pause["account"], pause["strategy"], pause["limit"]) == (
            "default",
            "",
            "RISK_MAX_CONSECUTIVE_LOSSES",
        )
        assert pause["reason"] == "RISK_MAX_CONSECUTIVE_LOSSES = 1: bingx/default lost its last trade"

        stack.executor.kill9()
        stack.start_executor()
        assert wait_until(stack.ready, timeout_s=30)
        requests.post(f"{url}/webhook", data=json.dumps(alert("SOLUSDT", "after-restart")), timeout=10)
        refused = final(url, "after-restart")
        assert refused["status"] == "rejected" and refused["error"]["code"] == "risk_limit"
        assert "bingx/default is paused until" in refused["error"]["message"]
        assert [p["limit"] for p in risk(stack)["executor"]["pauses"]] == ["RISK_MAX_CONSECUTIVE_LOSSES"]

        resumed = requests.post(
            f"{url}/api/risk/resume", json={"venue": "bingx", "account": "default"}, headers=AUTH, timeout=10
        )
        assert resumed.status_code == 200, resumed.text
        assert (resumed.json()["applied"], resumed.json()["pauses"]) == (True, [])
        requests.post(f"{url}/webhook", data=json.dumps(alert("SOLUSDT", "resumed")), timeout=10)
        assert final(url, "resumed")["status"] == "executed"
