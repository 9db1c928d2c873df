"""Issue 18's trailing stop through the real processes, on both venues, one-way and hedge mode:
"A trail activated at +2 %, callback 1 %. The price rises 5 % and falls back. The position closes
within one price step of peak x 0.99 (long), or the mirror for a short." The signal also carries
a distant stop-loss, so that the position keeper's one-cancels-other has something to cancel once
the trail has closed the side: no order is left open afterwards.

One stack serves every case: the default key sets trade one-way, a named key set per venue
(`account: "hedge"`) is switched to hedge mode through the venue's own API.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest

from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx.adapter import BingxAdapter
from tests.e2e.conftest import PASSPHRASE
from tests.e2e.venue_calls import (
    SYMBOL,
    decided,
    hedge_keys,
    hedge_stack_fixture,
    set_price,
    signed_call,
    venue_reader,
)
from tools.processes import wait_until
from tools.stack import LocalStack

pytestmark = pytest.mark.e2e

KEYS = hedge_keys("trail")
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
START, STEP = Decimal("60000"), Decimal("150")  # the walk's price step: 0.25 %
QTY = Decimal("0.01")
CASES = [
    (venue, account, side)
    for venue in ("bingx", "binance")
    for account in ("default", "hedge")
    for side in ("buy", "sell")
]


def _signed(stack: LocalStack, venue: str, account: str, method: str, path: str, **params: Any) -> Any:
    return signed_call(stack, venue, KEYS[(venue, account)], method, path, **params)


stack = hedge_stack_fixture("trailing-e2e", KEYS, PASSPHRASE)


def reader(stack: LocalStack, venue: str, account: str) -> BingxAdapter | BinanceAdapter:
    return venue_reader(stack, KEYS, venue, account)


@pytest.mark.parametrize(("venue", "account", "side"), CASES, ids=["-".join(c) for c in CASES])
def test_a_trail_closes_one_step_past_the_callback_from_its_best(
    stack: LocalStack, venue: str, account: str, side: str
) -> None:
    long = side == "buy"
    set_price(stack, venue, START)
    time.sleep(1.1)  # the executor prices from its own last fill for up to a second
    adapter = reader(stack, venue, account)
    try:
        since_ms = int(time.time() * 1000) - 1000
        answer = decided(
            stack,
            {
                "action": side,
                "ticker": "BTCUSDT",
                "exchange": venue,
                "account": account,
                "quantity": str(QTY),
                "trailing_pct": "1",
                "trailing_activation_pct": "2",
                "sl_pct": "10",
                "id": f"trail-{venue}-{account}-{side}",
                "passphrase": PASSPHRASE,
            },
            PASSPHRASE,
        )
        purposes = sorted(o["purpose"] for o in answer["orders"])
        assert purposes == ["entry", "stop_loss", "trailing_stop"], answer
        entry = Decimal(next(o for o in answer["orders"] if o["purpose"] == "entry")["avg_price"])
        symbol = SYMBOL[venue]
        assert wait_until(lambda: len(adapter.open_protections(symbol)) == 2, timeout_s=5)

        # Up (a short: down) 5 % from the fill in steps, through the activation at 2 %, then back.
        sign = 1 if long else -1
        peak = entry * (1 + sign * Decimal("0.05"))
        price = entry
        while (price < peak) if long else (price > peak):
            price += sign * STEP
            set_price(stack, venue, price)
        best = price
        while adapter.positions(symbol) and any(p.quantity for p in adapter.positions(symbol)):
            price -= sign * STEP
            set_price(stack, venue, price)
            assert abs(price - best) < best * Decimal("0.05"), "the trail never fired"

        level = best * (1 - sign * Decimal("0.01"))
        closes = [f for f in adapter.fills(symbol, since_ms) if f.side.value == ("SELL" if long else "BUY")]
        assert len(closes) == 1, closes
        assert abs(closes[0].price - level) <= STEP, (closes[0].price, level)
        # One-cancels-other: the stop-loss of the closed side goes too.
        assert wait_until(lambda: adapter.open_orders(symbol) == [], timeout_s=5), adapter.open_orders(symbol)
    finally:
        adapter.close()
