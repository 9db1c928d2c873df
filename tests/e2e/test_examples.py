"""Every example alert, sent by the CLI as TradingView would, trades through the real stack."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from executor.venues.bingx.adapter import BingxAdapter
from tests.e2e.conftest import API_KEY, PASSPHRASE, SECRET_KEY
from tools.processes import ROOT, wait_until
from tools.stack import LocalStack

pytestmark = pytest.mark.e2e

ALERTS = ROOT / "examples" / "alerts"
# An order in which every close has something to close, like a strategy's life.
SEQUENCE = [
    ("seed_000_balance.json", {}),
    ("seed_004_quantity.json", {}),
    ("buy_quantity.json", {}),
    ("close_half.json", {}),
    ("close_long.json", {}),
    ("short_quantity.json", {}),
    ("close_short.json", {}),
    ("long_with_tp_sl_pct.json", {}),
    ("close_long.json", {}),
    ("long_risk_pct_tp_sl.json", {}),
    ("close_long.json", {}),
    ("long_tp_ladder_breakeven.json", {}),
    ("update_stop.json", {"plot_0": "59400"}),
    ("close_long.json", {}),
    ("short_with_tp_sl_prices.json", {"plot_0": "57000", "plot_1": "61500"}),
    ("close_short.json", {}),
    ("long_balance_pct.json", {}),
    ("sell_balance_leverage.json", {}),
    ("limit_buy.json", {"close": "60000"}),
    ("exit_all.json", {}),
    ("test_only.json", {}),
    (
        "strategy_order.json",
        {"strategy.order.action": "buy", "strategy.order.contracts": "0.002", "strategy.order.id": "Long"},
    ),
    (
        "strategy_target.json",
        {
            "strategy.market_position": "short",
            "strategy.market_position_size": "0.003",
            "strategy.order.id": "S",
        },
    ),
]

# The take-profits and stops each example leaves resting on the venue: the ladder's three and its
# stop; an update swaps the stop and leaves the take-profits.
PROTECTED = {
    "long_with_tp_sl_pct.json": 2,
    "long_risk_pct_tp_sl.json": 2,
    "short_with_tp_sl_prices.json": 2,
    "long_tp_ladder_breakeven.json": 4,
    "update_stop.json": 4,
}
# Examples that place no order the venue fills: a test, and an update's trigger orders only.
NO_FILL = {"test_only.json", "update_stop.json"}


def send(stack: LocalStack, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "gateway.send",
            "--url",
            f"{stack.gateway_url}/webhook",
            "--passphrase",
            PASSPHRASE,
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def open_levels(stack: LocalStack) -> list[str]:
    """The take-profits and stops resting on the default venue (BingX), as the venue lists them."""
    reader = BingxAdapter("default", stack.simulator_url, API_KEY, SECRET_KEY)
    try:
        return [o.order_id for o in reader.open_orders(None) if o.kind.protective]
    finally:
        reader.close()


def test_every_example_is_in_the_sequence() -> None:
    assert sorted({name for name, _ in SEQUENCE}) == sorted(p.name for p in ALERTS.glob("*.json"))


def test_each_example_trades_as_meant(stack: LocalStack) -> None:
    guarded = False
    sent: set[str] = set()
    for name, variables in SEQUENCE:
        if name in sent:
            # The same message again within the same second ({{timenow}} has second precision)
            # is the same alert to the gateway, and answers as a repeat; this one is meant anew.
            time.sleep(1.1)
        sent.add(name)
        extra = [arg for key, value in variables.items() for arg in ("--var", f"{key}={value}")]
        result = send(stack, *extra, str(ALERTS / name))
        assert result.returncode == 0, f"{name}:\n{result.stdout}\n{result.stderr}"
        assert "HTTP 200 executed" in result.stdout, f"{name}:\n{result.stdout}"
        levels = PROTECTED.get(name, 0)
        if guarded and not levels:
            # The close after a guarded entry takes its take-profit and stop-loss with it: the
            # close's own clean-up or the position keeper's one-cancels-other, whichever is first.
            assert wait_until(lambda: open_levels(stack) == [], timeout_s=5), open_levels(stack)
        guarded = levels > 0
        if guarded:
            assert len(open_levels(stack)) == levels, (name, open_levels(stack))
            assert '"purpose": "stop_loss"' in result.stdout, result.stdout
        if guarded and name != "update_stop.json":
            assert '"purpose": "take_profit"' in result.stdout, result.stdout
        if name == "update_stop.json":
            assert f'"trigger_price": "{variables["plot_0"]}"' in result.stdout, result.stdout
    orders = stack.venue_get("/_sim/orders")
    # Every other example placed exactly one order, which filled.
    assert len(orders) == sum(1 for name, _ in SEQUENCE if name not in NO_FILL)
    assert all(o["status"] == "FILLED" for o in orders)
    by_client = {o["client_order_id"] for o in orders}
    assert len(by_client) == len(orders)


def test_cli_builds_a_signal_from_flags(stack: LocalStack) -> None:
    result = send(stack, "--action", "buy", "--ticker", "ETHUSDT", "--quantity", "0.05", "--test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"test": true' in result.stdout
    assert stack.venue_get("/_sim/orders") == []


def test_cli_sizes_by_risk_from_flags(stack: LocalStack) -> None:
    result = send(
        stack, "--action", "buy", "--ticker", "BTCUSDT", "--risk-usdt", "25", "--sl-pct", "2", "--test"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"loss_at_stop"' in result.stdout and '"stop": "58800' in result.stdout, result.stdout
    assert stack.venue_get("/_sim/orders") == []


def test_cli_exits_nonzero_on_a_refusal(stack: LocalStack) -> None:
    result = send(stack, "--action", "close", "--ticker", "SOLUSDT")
    assert result.returncode == 1
    assert "rejected" in result.stdout


def test_cli_refuses_to_send_unfilled_placeholders(tmp_path: Path, stack: LocalStack) -> None:
    result = send(stack, str(ALERTS / "limit_buy.json"))
    assert result.returncode != 0
    assert "no value for close" in result.stderr
