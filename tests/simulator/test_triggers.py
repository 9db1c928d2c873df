"""The rule both venues fire their waiting conditional orders by, with a made-up venue's words."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

import pytest

from simulator.exchange import Exchange
from simulator.records import Account, Reject, SimError
from simulator.triggers import Trigger, TriggerBook, crossed, is_stop

KEY = "k-1"


@dataclass(kw_only=True)
class Waiting(Trigger):
    trigger_price: Decimal


class Book(TriggerBook[Waiting]):
    CANCELLED: ClassVar[str] = "GONE"
    REFUSED: ClassVar[str] = "NOPE"

    def reached(self, trigger: Waiting, mark: Decimal) -> bool:
        return crossed(
            stop=is_stop(trigger.order_type), side=trigger.side, trigger=trigger.trigger_price, mark=mark
        )

    def not_open(self, trigger: Waiting) -> Exception:
        return SimError(Reject.UNKNOWN_ORDER, trigger.status)

    def placed_client_id(self) -> str:
        return "from-trigger"

    def close_is_reduce_only(self, trigger: Waiting) -> bool:
        return False


def _book() -> tuple[Exchange, Account, Book]:
    exchange = Exchange("made-up")
    account = exchange.add_account(KEY, "secret", Decimal(10000))
    ticks = iter(range(1000, 2000))
    return exchange, account, Book(exchange, lambda: next(ticks))


def _wait(
    book: Book,
    n: int,
    *,
    side: str = "SELL",
    order_type: str = "STOP_MARKET",
    symbol: str = "BTC-USDT",
    quantity: Decimal | None = Decimal("0.01"),
    price: Decimal | None = None,
    reduce_only: bool = True,
    trigger_price: Decimal = Decimal(59000),
) -> Waiting:
    waiting = Waiting(
        api_key=KEY,
        symbol=symbol,
        side=side,
        position_side="BOTH",
        order_type=order_type,
        quantity=quantity,
        price=price,
        reduce_only=reduce_only,
        trigger_price=trigger_price,
    )
    book.orders[n] = waiting
    return waiting


def _long(exchange: Exchange, account: Account, quantity: str) -> None:
    exchange.place_order(
        account,
        symbol="BTC-USDT",
        side="BUY",
        position_side="BOTH",
        order_type="MARKET",
        quantity=Decimal(quantity),
        price=None,
        client_order_id="",
        reduce_only=False,
    )


@pytest.mark.parametrize(
    ("stop", "side", "mark", "fires"),
    [
        (True, "SELL", "59000", True),  # a long's stop: falling to it
        (True, "SELL", "59001", False),
        (True, "BUY", "61000", True),  # a short's stop: rising to it
        (False, "SELL", "61000", True),  # a long's target: rising to it
        (False, "BUY", "59000", True),  # a short's target: falling to it
        (False, "BUY", "59001", False),
    ],
)
def test_crossed(stop: bool, side: str, mark: str, fires: bool) -> None:
    trigger = Decimal(59000) if side == ("SELL" if stop else "BUY") else Decimal(61000)
    assert crossed(stop=stop, side=side, trigger=trigger, mark=Decimal(mark)) is fires


def test_a_reached_trigger_places_its_order_and_stamps_the_time() -> None:
    exchange, account, book = _book()
    _long(exchange, account, "0.02")
    waiting = _wait(book, 1)
    exchange.set_price("BTC-USDT", Decimal(59500))
    assert (waiting.status, waiting.actual) == ("NEW", None)
    exchange.set_price("BTC-USDT", Decimal(58900))
    assert waiting.status == "TRIGGERED" and waiting.actual is not None
    assert (waiting.actual.client_order_id, waiting.actual.qty, waiting.actual.reduce_only) == (
        "from-trigger",
        Decimal("0.01"),
        True,
    )
    assert waiting.trigger_ms == waiting.update_ms == 1000
    assert exchange.positions(account)[0].qty == Decimal("0.01")


def test_a_whole_position_close_takes_what_the_position_holds_then() -> None:
    exchange, account, book = _book()
    _long(exchange, account, "0.03")
    waiting = _wait(book, 1, quantity=None, reduce_only=False)
    exchange.set_price("BTC-USDT", Decimal(58000))
    assert waiting.actual is not None
    assert (waiting.actual.qty, waiting.actual.reduce_only) == (Decimal("0.03"), False)
    assert exchange.positions(account) == []


def test_nothing_to_close_or_a_refused_order_leaves_the_trigger_refused() -> None:
    exchange, _, book = _book()
    nothing = _wait(book, 1, quantity=None)
    refused = _wait(book, 2)  # reduce-only with no position: the exchange refuses it
    exchange.set_price("BTC-USDT", Decimal(58000))
    assert (nothing.status, refused.status) == ("NOPE", "NOPE")
    assert (nothing.actual, refused.actual) == (None, None)


def test_a_limit_trigger_places_a_limit_at_its_price() -> None:
    exchange, _, book = _book()
    waiting = _wait(
        book,
        1,
        side="BUY",
        order_type="STOP",
        price=Decimal(61500),
        reduce_only=False,
        trigger_price=Decimal(61000),
    )
    exchange.set_price("BTC-USDT", Decimal(61200))
    assert waiting.actual is not None
    assert (waiting.actual.type, waiting.actual.price, waiting.actual.status) == (
        "LIMIT",
        Decimal(61500),
        "FILLED",
    )


def test_open_orders_cancel_and_reset_in_the_venues_words() -> None:
    exchange, account, book = _book()
    first, second = _wait(book, 1), _wait(book, 2, symbol="ETH-USDT")
    assert book.open_orders(account) == [first, second]
    assert book.open_orders(account, "ETH-USDT") == [second]
    assert book.any_open(account, "ETH-USDT") and not book.any_open(account, "SOL-USDT")
    assert book.cancel(first).status == "GONE" and first.update_ms == 1000
    with pytest.raises(SimError, match="GONE"):
        book.cancel(first)
    exchange.reset(Decimal(10000))
    assert second.status == "GONE"
    assert not book.any_open(account)
