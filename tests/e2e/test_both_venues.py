"""A signal for each venue flows gateway -> executor -> simulator, in the venue's own terms."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.e2e.conftest import PASSPHRASE
from tools.stack import LocalStack

pytestmark = pytest.mark.e2e


def post(stack: LocalStack, body: dict[str, object]) -> dict[str, Any]:
    resp = requests.post(
        f"{stack.gateway_url}/webhook", data=json.dumps({**body, "passphrase": PASSPHRASE}), timeout=10
    )
    result: dict[str, Any] = resp.json()
    return result


@pytest.mark.parametrize(
    ("exchange", "ticker", "venue_symbol"),
    [("BINGX", "BINGX:BTCUSDT.P", "BTC-USDT"), ("BINANCE", "BINANCE:BTCUSDT.P", "BTCUSDT")],
)
def test_seed_style_signal_on_each_venue(
    stack: LocalStack, exchange: str, ticker: str, venue_symbol: str
) -> None:
    reply = post(stack, {"action": "buy", "ticker": ticker, "exchange": exchange, "balance": 100})
    assert reply["status"] == "executed", reply
    [order] = reply["orders"]
    assert order["venue"] == exchange.lower()
    assert order["symbol"] == venue_symbol
    at_venue = stack.venue_get(f"/_sim/orders?venue_name={exchange.lower()}")
    assert [(o["order_id"], o["quantity"], o["status"]) for o in at_venue] == [
        (order["order_id"], "0.016" if exchange == "BINANCE" else "0.0166", "FILLED")
    ]
    closed = post(stack, {"action": "close", "ticker": ticker, "exchange": exchange})
    assert closed["status"] == "executed", closed
    assert stack.venue_get(f"/_sim/positions?venue_name={exchange.lower()}") == []
