"""The risk limits remember across an executor crash, through the real processes: part of
RISK_MAX_DAILY_LOSS_USDT lost (a close at a loss, a stop hit), the executor killed with SIGKILL
and started again, the rest lost: the account pauses, its loss counted once from the ledger's
fills, and the stopped symbol is still cooling down after the restart.

The figures, from the simulator's 0.05% taker fee and the account's 10x: ETH 0.06 bought at 3000
and sold at 2900 (-6.177 with fees), SOL 1.3 bought at 150 and stopped out near 139: about 20.7
lost before the crash; ETH 0.06 again from 2900 to 2700 after it (about -12.2). A limit of 25
holds before the crash and breaks after it only when what came before is remembered.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from common.decimals import plain
from common.pauses import DAY_MS
from tests.e2e.test_risk_limits import AUTH, alert, final, risk, start
from tools.processes import wait_until
from tools.stack import LocalStack

pytestmark = pytest.mark.e2e

LIMIT = Decimal(25)


def send(stack: LocalStack, body: dict[str, Any]) -> dict[str, Any]:
    requests.post(f"{stack.gateway_url}/webhook", data=json.dumps(body), timeout=10)
    return final(stack.gateway_url, str(body["id"]))


def price(stack: LocalStack, symbol: str, value: str) -> None:
    body = {"venue": "bingx", "symbol": symbol, "price": value}
    requests.post(f"{stack.simulator_url}/_sim/price", json=body, timeout=5).raise_for_status()


def ledger_loss(stack: LocalStack) -> tuple[int, Decimal]:
    """How many fills the ledger holds, and what they lost (realised less USDT fees)."""
    rows = requests.get(f"{stack.gateway_url}/api/fills", headers=AUTH, timeout=5).json()["fills"]
    net = sum((Decimal(r["realized_pnl"]) - Decimal(r["fee"]) for r in rows), Decimal(0))
    return len(rows), -net


def stop_journalled(stack: LocalStack, symbol: str) -> bool:
    journal = stack.log_dir / "data" / "tvbridge.db"
    with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM keeper_news WHERE kind = 'stop_hit' AND symbol = ?", (symbol,)
        ).fetchone()
    return bool(row[0])


def test_a_daily_loss_and_a_cooldown_survive_an_executor_crash(tmp_path: Path) -> None:
    if DAY_MS - int(time.time() * 1000) % DAY_MS < 180_000:
        pytest.skip("too close to 00:00 UTC: the day's loss would start over mid-test")
    with ExitStack() as cleanup:
        stack = start(
            tmp_path, cleanup, RISK_MAX_DAILY_LOSS_USDT=str(LIMIT), RISK_COOLDOWN_AFTER_STOP_S="600"
        )
        assert send(stack, alert("ETHUSDT", "eth-open"))["status"] == "executed"
        price(stack, "ETH-USDT", "2900")
        assert send(stack, alert("ETHUSDT", "eth-close", "close"))["status"] == "executed"
        stopped = {**alert("SOLUSDT", "sol-open"), "stop_loss": "140"}
        assert send(stack, stopped)["status"] == "executed"
        price(stack, "SOL-USDT", "139")
        assert wait_until(lambda: ledger_loss(stack)[0] == 4 and stop_journalled(stack, "SOL-USDT"), 20)
        _, before = ledger_loss(stack)
        assert Decimal(15) < before < LIMIT, before
        assert risk(stack)["pauses"] == []

        stack.executor.kill9()
        stack.start_executor()
        assert wait_until(stack.ready, timeout_s=30)

        cooling = send(stack, alert("SOLUSDT", "sol-again"))
        assert (cooling["status"], cooling.get("error", {}).get("code")) == ("rejected", "risk_limit"), (
            cooling
        )
        assert "RISK_COOLDOWN_AFTER_STOP_S = 600: SOL-USDT's stop was hit" in cooling["error"]["message"]

        assert send(stack, alert("ETHUSDT", "eth-reopen"))["status"] == "executed"
        price(stack, "ETH-USDT", "2700")
        assert send(stack, alert("ETHUSDT", "eth-reclose", "close"))["status"] == "executed"
        assert wait_until(lambda: len(risk(stack)["pauses"]) == 1, timeout_s=20), risk(stack)
        count, lost = ledger_loss(stack)
        assert count == 6 and lost >= LIMIT, (count, lost)
        [pause] = risk(stack)["pauses"]
        assert (pause["account"], pause["strategy"], pause["limit"]) == (
            "default",
            "",
            "RISK_MAX_DAILY_LOSS_USDT",
        )
        # Counted once: exactly what the ledger's six fills lost.
        assert pause["reason"] == (
            f"RISK_MAX_DAILY_LOSS_USDT = 25: bingx/default realised a loss of {plain(lost)} today"
        )
        refused = send(stack, alert("XRPUSDT", "after-pause"))
        assert (
            refused["status"] == "rejected" and "bingx/default is paused until" in refused["error"]["message"]
        )
