"""Exit plans survive an executor restart: the gateway hands the journal's recent entries back on
reconnect (`ResumeExits`), and the executor takes each up again from what the venue holds.

A ladder's first take-profit fills while the executor is down: once it is back, the stop shrinks
to what is left and moves to break-even; the rest of the ladder is then followed live, and the
runner closes at break-even. A Binance limit entry that fills while the executor is down gets
its exits, measured from its fill, once it is back.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

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

KEYS = hedge_keys("resume")
START, STEP = Decimal("60000"), Decimal("150")
QTY = Decimal("0.010")
CASES = [("bingx", "hedge", "buy"), ("binance", "default", "sell")]


stack = hedge_stack_fixture("resume-e2e", KEYS, PASSPHRASE)


def reader(stack: LocalStack, venue: str, account: str) -> BingxAdapter | BinanceAdapter:
    return venue_reader(stack, KEYS, venue, account)


def restart_executor(stack: LocalStack) -> None:
    stack.start_executor()
    assert wait_until(stack.ready, timeout_s=30)


def walk(stack: LocalStack, venue: str, start: Decimal, to: Decimal) -> Decimal:
    sign = 1 if to > start else -1
    price = start
    while (price < to) if sign > 0 else (price > to):
        price += sign * STEP
        set_price(stack, venue, price)
    return price


@pytest.mark.parametrize(("venue", "account", "side"), CASES, ids=["-".join(c) for c in CASES])
def test_a_take_profit_filled_while_the_executor_was_down_moves_the_stop_once_it_is_back(
    stack: LocalStack, venue: str, account: str, side: str
) -> None:
    long, symbol = side == "buy", SYMBOL[venue]
    sign = 1 if long else -1
    set_price(stack, venue, START)
    adapter = reader(stack, venue, account)
    try:
        alert = ladder_alert(venue, account, side, f"resume-{venue}-{account}-{side}", PASSPHRASE)
        answer = decided(stack, alert, PASSPHRASE)
        entry = Decimal(next(o for o in answer["orders"] if o["purpose"] == "entry")["avg_price"])
        even = adapter.rules("BTC-USDT").floor_price(entry)

        stack.executor.terminate()
        # Take-profit 1 (0.004 at +1 %) fills with nobody watching: the stop stays as it was.
        price = walk(stack, venue, entry, entry * (1 + sign * Decimal("0.012")))
        assert held(adapter, symbol) == Decimal("0.006")
        assert [(s.quantity, s.trigger_price == even) for s in stops(adapter, symbol)] == [(QTY, False)]

        restart_executor(stack)

        def caught_up(left: Decimal) -> bool:
            resting = stops(adapter, symbol)
            return len(resting) == 1 and (resting[0].quantity, resting[0].trigger_price) == (left, even)

        assert wait_until(lambda: caught_up(Decimal("0.006")), timeout_s=10), stops(adapter, symbol)
        # Followed live from here: take-profit 2 shrinks it again; the runner closes at break-even.
        price = walk(stack, venue, price, entry * (1 + sign * Decimal("0.022")))
        assert held(adapter, symbol) == Decimal("0.003")
        assert wait_until(lambda: caught_up(Decimal("0.003")), timeout_s=5), stops(adapter, symbol)
        while held(adapter, symbol):
            price -= sign * STEP
            set_price(stack, venue, price)
            assert sign * (price - entry) > -3 * STEP, "the stop at break-even never fired"
        assert wait_until(lambda: adapter.open_orders(symbol) == [], timeout_s=5), adapter.open_orders(symbol)
    finally:
        adapter.close()


def test_a_limit_entry_filled_while_the_executor_was_down_gets_its_exits_from_its_fill(
    stack: LocalStack,
) -> None:
    venue, symbol = "binance", "BTCUSDT"
    set_price(stack, venue, START)
    adapter = reader(stack, venue, "default")
    try:
        limit = START - STEP
        alert = {
            "action": "buy",
            "ticker": "BTCUSDT",
            "exchange": venue,
            "quantity": str(QTY),
            "order_type": "limit",
            "price": str(limit),
            "tp_pct": "2",
            "sl_pct": "1",
            "id": "resume-limit-binance",
            "passphrase": PASSPHRASE,
        }
        decided(stack, alert, PASSPHRASE)
        stack.executor.terminate()
        set_price(stack, venue, limit - STEP)  # fills at its limit, unwatched
        assert held(adapter, symbol) == QTY and adapter.open_protections(symbol) == []

        restart_executor(stack)
        assert wait_until(lambda: len(adapter.open_protections(symbol)) == 2, timeout_s=10)
        by_type = {o.order_type: o for o in adapter.open_protections(symbol)}
        rules = adapter.rules("BTC-USDT")
        assert by_type["TAKE_PROFIT_MARKET"].trigger_price == rules.floor_price(limit * Decimal("1.02"))
        assert by_type["STOP_MARKET"].trigger_price == rules.floor_price(limit * Decimal("0.99"))
        close = {"action": "close", "ticker": "BTCUSDT", "exchange": venue, "id": "resume-limit-close"}
        decided(stack, {**close, "passphrase": PASSPHRASE}, PASSPHRASE)
        assert wait_until(lambda: adapter.open_orders(symbol) == [], timeout_s=5)
    finally:
        adapter.close()


@pytest.mark.parametrize("venue", ["bingx", "binance"])
def test_a_trail_oversized_while_the_executor_was_down_is_resized_once_it_is_back(
    stack: LocalStack, venue: str
) -> None:
    # Hedge mode, where a trail for more than the side holds is refused when it fires.
    account, symbol = "hedge", SYMBOL[venue]
    set_price(stack, venue, START)
    adapter = reader(stack, venue, account)

    def trails() -> list[tuple[Decimal, str]]:
        return [
            (o.quantity, o.order_id)
            for o in adapter.open_protections(symbol)
            if o.order_type == "TRAILING_STOP_MARKET"
        ]

    try:
        alert = {
            "action": "buy",
            "ticker": "BTCUSDT",
            "exchange": venue,
            "account": account,
            "quantity": str(QTY),
            "take_profit": [{"pct": "1", "size_pct": "50"}, {"pct": "2", "size_pct": "30"}],
            "sl_pct": "2",
            "trailing_pct": "1",
            "trail_after": 1,
            "id": f"resume-trail-{venue}",
            "passphrase": PASSPHRASE,
        }
        entry = Decimal(
            next(o for o in decided(stack, alert, PASSPHRASE)["orders"] if o["purpose"] == "entry")[
                "avg_price"
            ]
        )
        price = walk(stack, venue, entry, entry * Decimal("1.012"))  # take-profit 1: the trail starts
        assert wait_until(lambda: [q for q, _ in trails()] == [Decimal("0.005")], timeout_s=5), trails()

        stack.executor.terminate()
        price = walk(stack, venue, price, entry * Decimal("1.021"))  # take-profit 2, unwatched
        assert held(adapter, symbol) == Decimal("0.002")
        assert [q for q, _ in trails()] == [Decimal("0.005")]

        restart_executor(stack)
        assert wait_until(lambda: [q for q, _ in trails()] == [Decimal("0.002")], timeout_s=10), trails()
        close = {"action": "close", "ticker": "BTCUSDT", "exchange": venue, "account": account}
        decided(stack, {**close, "id": f"resume-trail-close-{venue}", "passphrase": PASSPHRASE}, PASSPHRASE)
        assert wait_until(lambda: adapter.open_orders(symbol) == [], timeout_s=5), adapter.open_orders(symbol)
    finally:
        adapter.close()
