"""Issue 18's `"action": "update"` through the real processes, on both venues, in one-way and
hedge mode: "The stop moves up and the position is never without a stop, checked at every step."

A strategy trails its own stop from Pine: as the price rises, each bar sends an update with the
stop 1 % under the price. A reader polls the venue's open orders all along, from its own thread,
and records any moment the side had no stop. An update with no open position is rejected; and
the levels of a limit entry are measured from its fill (Binance cannot arm them with the entry,
so the keeper places them once it fills).
"""

from __future__ import annotations

import threading
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
    venue_reader,
)
from tools.processes import wait_until
from tools.stack import LocalStack

pytestmark = pytest.mark.e2e

KEYS = hedge_keys("update")
START, STEP = Decimal("60000"), Decimal("300")
QTY = Decimal("0.010")
CASES = [
    ("bingx", "default", "buy"),
    ("bingx", "hedge", "sell"),
    ("binance", "default", "buy"),
    ("binance", "hedge", "sell"),
]


stack = hedge_stack_fixture("update-e2e", KEYS, PASSPHRASE)


def reader(stack: LocalStack, venue: str, account: str) -> BingxAdapter | BinanceAdapter:
    return venue_reader(stack, KEYS, venue, account)


def alert(venue: str, account: str, signal_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "ticker": "BTCUSDT",
        "exchange": venue,
        "account": account,
        "id": signal_id,
        "passphrase": PASSPHRASE,
        **fields,
    }


class StopWatch:
    """Reads the side's stops as fast as the venue answers, until stopped; remembers every read
    that found none."""

    def __init__(self, adapter: BingxAdapter | BinanceAdapter, symbol: str) -> None:
        self.adapter, self.symbol = adapter, symbol
        self.reads, self.bare = 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            resting = self.adapter.open_protections(self.symbol)
            self.reads += 1
            if not any(o.order_type == "STOP_MARKET" for o in resting):
                self.bare += 1

    def __enter__(self) -> StopWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


@pytest.mark.parametrize(("venue", "account", "side"), CASES, ids=["-".join(c) for c in CASES])
def test_update_moves_the_stop_and_the_side_is_never_without_one(
    stack: LocalStack, venue: str, account: str, side: str
) -> None:
    long, symbol = side == "buy", SYMBOL[venue]
    set_price(stack, venue, START)
    adapter, watcher = reader(stack, venue, account), reader(stack, venue, account)
    base = f"upd-{venue}-{account}-{side}"
    try:
        decided(
            stack, alert(venue, account, f"{base}-0", action=side, quantity=str(QTY), sl_pct="2"), PASSPHRASE
        )
        sign = 1 if long else -1
        price = START
        with StopWatch(watcher, symbol) as watch:
            for bar in range(1, 6):
                price += sign * STEP
                set_price(stack, venue, price)
                stop = price * (1 - sign * Decimal("0.01"))
                answer = decided(
                    stack,
                    alert(venue, account, f"{base}-{bar}", action="update", stop_loss=str(stop)),
                    PASSPHRASE,
                )
                assert [o["purpose"] for o in answer["orders"]] == ["stop_loss"], answer
                [resting] = [o for o in adapter.open_protections(symbol) if o.order_type == "STOP_MARKET"]
                assert (resting.trigger_price, resting.quantity) == (
                    adapter.rules("BTC-USDT").floor_price(stop),
                    QTY,
                )
        assert watch.reads > 20 and watch.bare == 0, (watch.reads, watch.bare)
        decided(stack, alert(venue, account, f"{base}-close", action="close"), PASSPHRASE)
        assert wait_until(lambda: adapter.open_orders(symbol) == [], timeout_s=5), adapter.open_orders(symbol)
    finally:
        adapter.close()
        watcher.close()


@pytest.mark.parametrize("venue", ["bingx", "binance"])
def test_an_update_without_a_position_is_rejected(stack: LocalStack, venue: str) -> None:
    answer = decided(
        stack,
        alert(venue, "default", f"upd-none-{venue}", action="update", stop_loss="50000"),
        PASSPHRASE,
        "rejected",
    )
    assert answer["error"]["code"] == "no_position", answer


def test_the_levels_of_a_limit_entry_are_measured_from_its_fill(stack: LocalStack) -> None:
    venue, symbol = "binance", "BTCUSDT"
    set_price(stack, venue, START)
    adapter = reader(stack, venue, "default")
    try:
        limit = START - STEP
        answer = decided(
            stack,
            alert(
                venue,
                "default",
                "limit-fill-levels",
                action="buy",
                quantity=str(QTY),
                order_type="limit",
                price=str(limit),
                tp_pct="2",
                sl_pct="1",
            ),
            PASSPHRASE,
        )
        assert "once the limit entry fills" in answer["note"], answer
        assert adapter.open_protections(symbol) == []
        set_price(stack, venue, limit - STEP)  # the limit fills at its price
        fill = limit
        assert wait_until(lambda: len(adapter.open_protections(symbol)) == 2, timeout_s=5)
        by_type = {o.order_type: o for o in adapter.open_protections(symbol)}
        rules = adapter.rules("BTC-USDT")
        assert by_type["TAKE_PROFIT_MARKET"].trigger_price == rules.floor_price(fill * Decimal("1.02"))
        assert by_type["STOP_MARKET"].trigger_price == rules.floor_price(fill * Decimal("0.99"))
        assert by_type["STOP_MARKET"].quantity == QTY
        decided(stack, alert(venue, "default", "limit-fill-close", action="close"), PASSPHRASE)
        assert wait_until(lambda: adapter.open_orders(symbol) == [], timeout_s=5)
    finally:
        adapter.close()
