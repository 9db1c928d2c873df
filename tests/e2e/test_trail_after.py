"""Issue 18's `trail_after` through the real processes, on both venues, one-way and hedge mode:
"`trail_after: N` starts the trail only once take-profit N has filled, for the rest of the
position."

The ladder takes 50 % of a 0.010 entry at +1 % and 30 % at +3 %; the 20 % left is the runner. No
trail rests after the entry; once take-profit 1 fills, one rests for the 0.005 left. The price
walks on up through take-profit 2, after which the trail is for the runner alone (a trail for
more than the side holds is refused when it fires in hedge mode, docs/venues/binance.md 5.9 and
docs/venues/bingx.md 5.8), then up to +4.5 % and back down: the runner closes within one price
step of peak x 0.99 (long; the mirror for a short), and nothing is left open.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
import requests

from executor.core.ports import OpenProtection
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx.adapter import BingxAdapter
from tests.e2e.conftest import PASSPHRASE
from tests.e2e.venue_calls import (
    SYMBOL,
    decided,
    hedge_keys,
    hedge_stack_fixture,
    held,
    set_price,
    venue_reader,
)
from tools.processes import wait_until
from tools.stack import LocalStack

pytestmark = pytest.mark.e2e

KEYS = hedge_keys("after")
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
START, STEP = Decimal("60000"), Decimal("150")  # a price step of 0.25 %
QTY = Decimal("0.010")
SHARES = [Decimal("0.005"), Decimal("0.003")]  # 50 % and 30 % of 0.010
RUNNER = QTY - sum(SHARES)
CASES = [
    ("bingx", "default", "buy"),
    ("bingx", "hedge", "sell"),
    ("binance", "default", "sell"),
    ("binance", "hedge", "buy"),
]


stack = hedge_stack_fixture("trail-after-e2e", KEYS, PASSPHRASE)


def trails(adapter: BingxAdapter | BinanceAdapter, symbol: str) -> list[OpenProtection]:
    return [o for o in adapter.open_protections(symbol) if o.order_type == "TRAILING_STOP_MARKET"]


def alert(venue: str, account: str, side: str) -> dict[str, Any]:
    return {
        "action": side,
        "ticker": "BTCUSDT",
        "exchange": venue,
        "account": account,
        "quantity": str(QTY),
        "take_profit": [{"pct": "1", "size_pct": "50"}, {"pct": "3", "size_pct": "30"}],
        "trailing_pct": "1",
        "trail_after": 1,
        "id": f"after-{venue}-{account}-{side}",
        "passphrase": PASSPHRASE,
    }


@pytest.mark.parametrize(("venue", "account", "side"), CASES, ids=["-".join(c) for c in CASES])
def test_the_trail_starts_after_take_profit_1_and_closes_the_runner_from_its_peak(
    stack: LocalStack, venue: str, account: str, side: str
) -> None:
    long, symbol = side == "buy", SYMBOL[venue]
    set_price(stack, venue, START)
    time.sleep(1.1)  # the executor prices from its own last fill for up to a second
    adapter = venue_reader(stack, KEYS, venue, account)
    try:
        answer = decided(stack, alert(venue, account, side), PASSPHRASE)
        entry = Decimal(next(o for o in answer["orders"] if o["purpose"] == "entry")["avg_price"])
        take_profits = [o for o in answer["orders"] if o["purpose"] == "take_profit"]
        assert [Decimal(o["quantity"]) for o in take_profits] == SHARES, answer
        assert trails(adapter, symbol) == [], "a trail before take-profit 1"

        sign = 1 if long else -1
        price, left, filled = entry, QTY, 0
        since_ms = 0
        top = entry * (1 + sign * Decimal("0.045"))
        while (price < top) if long else (price > top):
            price += sign * STEP
            set_price(stack, venue, price)
            now = held(adapter, symbol)
            if now == QTY:
                assert trails(adapter, symbol) == [], f"a trail before take-profit 1, at {price}"
            if now < left:  # a take-profit took its share
                assert left - now == SHARES[filled], (left, now)
                left, filled = now, filled + 1

                def in_line(left: Decimal = left) -> bool:
                    resting = trails(adapter, symbol)
                    return len(resting) == 1 and resting[0].quantity == left

                # The trail rests for what is left: the rest after 1, the runner after 2.
                assert wait_until(in_line, timeout_s=5), (
                    [(t.quantity, t.callback_pct) for t in trails(adapter, symbol)],
                    left,
                    requests.get(f"{stack.gateway_url}/api/positions", headers=AUTH, timeout=5).text,
                )
                since_ms = int(time.time() * 1000)
        assert (filled, left) == (2, RUNNER)
        [trail] = trails(adapter, symbol)
        assert trail.callback_pct == Decimal("1")

        # Back down (a short: up): the runner closes one step past the callback from the peak.
        best = price
        while held(adapter, symbol):
            price -= sign * STEP
            set_price(stack, venue, price)
            assert abs(price - best) < best * Decimal("0.03"), "the trail never fired"
        level = best * (1 - sign * Decimal("0.01"))
        closing = "SELL" if long else "BUY"
        [close] = [f for f in adapter.fills(symbol, since_ms) if f.side.value == closing]
        assert close.quantity == RUNNER
        assert abs(close.price - level) <= STEP, (close.price, level)
        assert wait_until(lambda: adapter.open_orders(symbol) == [], timeout_s=5), adapter.open_orders(symbol)
    finally:
        adapter.close()
