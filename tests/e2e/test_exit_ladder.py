"""Issue 18's take-profit ladder with break-even through the real processes, on both venues, in
one-way and hedge mode: "A 3-level ladder with breakeven_after: 1. The simulator's price walks up
through every level and back down. Each take-profit fills its share. The stop moves to entry
after the first and shrinks after each fill. The rest closes at break-even. No order is left
open."

The ladder takes 40 %, 30 % and 20 % of a 0.010 entry at +1 %, +2 % and +3 %; the 10 % left is the
runner the stop at break-even closes on the way back down. At every price step the side has a
stop, and never stops for more than it holds once the keeper has caught up with a fill.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx.adapter import BingxAdapter
from tests.e2e.conftest import PASSPHRASE
from tests.e2e.venue_calls import (
    SYMBOL,
    decided,
    hedge_keys,
    hedge_stack_fixture,
    held,
    ladder_alert,
    set_price,
    stops,
    venue_reader,
)
from tools.processes import wait_until
from tools.stack import LocalStack

pytestmark = pytest.mark.e2e

KEYS = hedge_keys("ladder")
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
START, STEP = Decimal("60000"), Decimal("150")  # a price step of 0.25 %
QTY = Decimal("0.010")
SHARES = [Decimal("0.004"), Decimal("0.003"), Decimal("0.002")]  # 40/30/20 % of 0.010
CASES = [
    ("bingx", "default", "buy"),
    ("bingx", "hedge", "sell"),
    ("binance", "default", "sell"),
    ("binance", "hedge", "buy"),
]


stack = hedge_stack_fixture("ladder-e2e", KEYS, PASSPHRASE)


def reader(stack: LocalStack, venue: str, account: str) -> BingxAdapter | BinanceAdapter:
    return venue_reader(stack, KEYS, venue, account)


@pytest.mark.parametrize(("venue", "account", "side"), CASES, ids=["-".join(c) for c in CASES])
def test_a_ladder_takes_its_shares_and_the_rest_closes_at_break_even(
    stack: LocalStack, venue: str, account: str, side: str
) -> None:
    long, symbol = side == "buy", SYMBOL[venue]
    set_price(stack, venue, START)
    adapter = reader(stack, venue, account)
    try:
        answer = decided(
            stack,
            ladder_alert(venue, account, side, f"ladder-{venue}-{account}-{side}", PASSPHRASE),
            PASSPHRASE,
        )
        entry = Decimal(next(o for o in answer["orders"] if o["purpose"] == "entry")["avg_price"])
        take_profits = [o for o in answer["orders"] if o["purpose"] == "take_profit"]
        assert [Decimal(o["quantity"]) for o in take_profits] == SHARES, answer
        rules = adapter.rules("BTC-USDT")
        even = rules.floor_price(entry)
        [stop] = stops(adapter, symbol)
        assert stop.quantity == QTY

        sign = 1 if long else -1
        price, left, filled = entry, QTY, 0
        top = entry * (1 + sign * Decimal("0.035"))
        while (price < top) if long else (price > top):
            price += sign * STEP
            set_price(stack, venue, price)
            now = held(adapter, symbol)
            assert stops(adapter, symbol), f"no stop at {price}"
            if now < left:  # a take-profit took its share
                assert left - now == SHARES[filled], (left, now)
                left, filled = now, filled + 1

                def caught_up(left: Decimal = left) -> bool:
                    resting = stops(adapter, symbol)
                    return (
                        len(resting) == 1 and resting[0].quantity == left and resting[0].trigger_price == even
                    )

                # The stop shrinks to what is left and, from the first, sits at break-even.
                assert wait_until(caught_up, timeout_s=5), (
                    [(s.quantity, s.trigger_price) for s in stops(adapter, symbol)],
                    left,
                    even,
                    # what the keeper's plan says, to tell a slow keeper from a wrong one
                    requests.get(f"{stack.gateway_url}/api/positions", headers=AUTH, timeout=5).text,
                )
        assert (filled, left) == (3, QTY - sum(SHARES))

        # Back down: the runner closes at break-even.
        while held(adapter, symbol):
            price -= sign * STEP
            set_price(stack, venue, price)
            assert (price > entry - STEP * 2) if long else (price < entry + STEP * 2), "the stop never fired"
        assert wait_until(lambda: adapter.open_orders(symbol) == [], timeout_s=5), adapter.open_orders(symbol)
    finally:
        adapter.close()
