"""The ledger through real processes: a buy with its levels, the price through the take-profit,
and GET /api/fills and trades.csv show the entry and the take-profit fill, each once, each
with its signal; GET /api/analytics counts them as one trade, with the entry's slippage against
the alert's price and its time from the alert's fire."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import requests

from common.decimals import plain
from tests.e2e.conftest import PASSPHRASE
from tools.processes import wait_until
from tools.stack import LocalStack as Stack

pytestmark = pytest.mark.e2e

AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}


def fills(stack: Stack) -> list[dict[str, Any]]:
    resp = requests.get(f"{stack.gateway_url}/api/fills", headers=AUTH, timeout=5)
    resp.raise_for_status()
    rows: list[dict[str, Any]] = resp.json()["fills"]
    return rows


def csv_lines(stack: Stack) -> list[dict[str, str]]:
    written = stack.log_dir / "data" / "trades.csv"
    return list(csv.DictReader(io.StringIO(written.read_text(encoding="utf-8")))) if written.exists() else []


def test_the_entry_and_its_take_profit_are_each_one_fill_of_the_signal(stack: Stack) -> None:
    signal = {
        "action": "buy",
        "ticker": "BTCUSDT",
        "quantity": "0.01",
        "take_profit": "61800",
        "stop_loss": "58000",
        "strategy": "ledger-e2e",
        "id": "tv-ledger-1",
        "alert_price": "59990",
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "passphrase": PASSPHRASE,
    }
    answer = requests.post(f"{stack.gateway_url}/webhook", json=signal, timeout=10).json()
    assert answer["status"] == "executed", answer
    orders = {o["purpose"]: o for o in answer["orders"]}
    assert wait_until(lambda: len(fills(stack)) == 1, 10)

    price = {"venue": "bingx", "symbol": "BTC-USDT", "price": "61900"}
    requests.post(f"{stack.simulator_url}/_sim/price", json=price, timeout=5).raise_for_status()
    assert wait_until(lambda: len(fills(stack)) >= 2 and len(csv_lines(stack)) >= 2, 15)

    take_profit, entry = fills(stack)
    assert (entry["order_id"], entry["side"], entry["quantity"]) == (
        orders["entry"]["order_id"],
        "buy",
        "0.01",
    )
    assert (entry["source"], entry["signal_id"], entry["strategy"]) == ("signal", "tv-ledger-1", "ledger-e2e")
    # The answer may name a trigger order by its client id alone: the ledger links it by that.
    tp_order = orders["take_profit"]
    assert (take_profit["client_order_id"], take_profit["side"]) == (tp_order["client_order_id"], "sell")
    assert (take_profit["source"], take_profit["signal_id"], take_profit["strategy"]) == (
        "protection",
        "tv-ledger-1",
        "ledger-e2e",
    )
    assert take_profit["purpose"] == "take_profit" and take_profit["realized_pnl"] not in ("", "0")

    lines = csv_lines(stack)
    assert sorted((r["order_id"], r["source"], r["signal_id"], r["strategy"]) for r in lines) == sorted(
        [
            (entry["order_id"], "signal", "tv-ledger-1", "ledger-e2e"),
            (take_profit["order_id"], "protection", "tv-ledger-1", "ledger-e2e"),
        ]
    )
    # Stream and REST reconciliation both saw them: still one row each.
    assert wait_until(lambda: len(fills(stack)) > 2, 2) is False

    resp = requests.get(f"{stack.gateway_url}/api/analytics", headers=AUTH, timeout=5)
    resp.raise_for_status()
    report = resp.json()
    assert list(report["strategies"]) == ["ledger-e2e"]
    figures = report["strategies"]["ledger-e2e"]
    fees = Decimal(entry["fee"]) + Decimal(take_profit["fee"])
    net = Decimal(take_profit["realized_pnl"]) - fees
    assert (figures["trades"], figures["wins"], figures["win_rate"]) == (1, 1, "1")
    assert Decimal(figures["realized_pnl"]) == Decimal(take_profit["realized_pnl"])
    assert (Decimal(figures["fees"]), Decimal(figures["net_pnl"])) == (fees, net)
    bps = (Decimal(entry["price"]) - Decimal("59990")) / Decimal("59990") * 10_000
    assert figures["slippage_bps"]["values"] == [plain(bps.quantize(Decimal("0.01")))]
    assert figures["fire_to_fill_ms"]["count"] == 1
    assert 0 <= Decimal(figures["fire_to_fill_ms"]["p50"]) < 10_000
