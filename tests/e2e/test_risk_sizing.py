"""`risk_pct` through the real processes, on both venues, long and short: a webhook sized to lose
1 % of equity at a stop 2 % away; the price walks to the stop; the account's wallet has lost that
1 %, within one step of quantity, the taker fee on both legs counted, and the answer said so."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx.adapter import BingxAdapter
from tests.e2e.conftest import API_KEY, PASSPHRASE, SECRET_KEY
from tools.processes import wait_until
from tools.stack import LocalStack, start_stack

pytestmark = pytest.mark.e2e

AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
PRICE = Decimal("60000")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    running = start_stack(
        tmp_path_factory.mktemp("risk-e2e"),
        api_key=API_KEY,
        secret_key=SECRET_KEY,
        passphrase=PASSPHRASE,
        extra_env={"LOG_LEVEL": "WARNING"},
    )
    yield running
    running.stop()


def control(stack: LocalStack, path: str, **body: Any) -> None:
    resp = requests.post(f"{stack.simulator_url}/_sim/{path}", json=body, timeout=5)
    assert resp.status_code == 200, resp.text


def reader(stack: LocalStack, venue: str) -> BingxAdapter | BinanceAdapter:
    if venue == "bingx":
        return BingxAdapter("default", stack.simulator_url, API_KEY, SECRET_KEY)
    return BinanceAdapter("default", stack.simulator_url, "binance-" + API_KEY, "binance-" + SECRET_KEY)


def wallet(adapter: BingxAdapter | BinanceAdapter) -> tuple[Decimal, Decimal]:
    """(wallet, equity) in USDT, read afresh."""
    [usdt] = [b for b in adapter.balances() if b.asset == "USDT"]
    return usdt.wallet, usdt.equity


def send(stack: LocalStack, body: dict[str, Any]) -> dict[str, Any]:
    resp = requests.post(f"{stack.gateway_url}/webhook", data=json.dumps(body), timeout=10)
    assert resp.status_code in (200, 202), resp.text
    seen: dict[str, Any] = {}

    def decided() -> bool:
        url = f"{stack.gateway_url}/signals/{body['id']}"
        seen.update(requests.get(url, headers=AUTH, timeout=5).json())
        return seen.get("status") not in (None, "pending")

    assert wait_until(decided, timeout_s=15, interval_s=0.1), seen
    assert seen["status"] == "executed", seen
    return seen


@pytest.mark.parametrize("action", ["buy", "sell"])
@pytest.mark.parametrize("venue", ["bingx", "binance"])
def test_a_stop_hit_loses_one_percent_of_equity(stack: LocalStack, venue: str, action: str) -> None:
    control(stack, "reset")
    control(stack, "price", venue=venue, symbol="BTC-USDT", price=str(PRICE))
    time.sleep(1.1)  # the executor's own last fill prices a signal for a second; this is a new market
    adapter = reader(stack, venue)
    try:
        before, equity = wallet(adapter)
        answer = send(
            stack,
            {
                "action": action,
                "ticker": "BTCUSDT",
                "exchange": venue,
                "risk_pct": 1,
                "sl_pct": 2,
                "id": f"risk-{venue}-{action}",
                "passphrase": PASSPHRASE,
            },
        )
        sizing = answer["sizing"]
        stop = PRICE * (Decimal("0.98") if action == "buy" else Decimal("1.02"))
        assert Decimal(sizing["risk"]["stop"]) == stop
        assert Decimal(sizing["risk"]["fee_rate"]) == Decimal("0.0005")
        quantity = Decimal(sizing["quantity"])
        assert quantity > 0

        control(stack, "price", venue=venue, symbol="BTC-USDT", price=str(stop))
        assert wait_until(lambda: not stack.venue_get(f"/_sim/positions?venue_name={venue}"), timeout_s=5)
        after, _ = wallet(adapter)
    finally:
        adapter.close()
    lost = before - after
    # BingX shows balances to four places, so the wallet's change is read to that.
    assert abs(lost - Decimal(sizing["risk"]["loss_at_stop"])) <= Decimal("0.0001")
    step = adapter.rules("BTC-USDT").qty_step
    per_unit = abs(PRICE - stop) + Decimal("0.0005") * (PRICE + stop)
    asked = equity / 100
    assert asked - per_unit * step < lost <= asked, (lost, asked)
