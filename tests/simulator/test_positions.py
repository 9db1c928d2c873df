"""Position arithmetic: fills in one-way and hedge mode, what an order may close, and profit."""

from __future__ import annotations

from decimal import Decimal

from simulator.positions import closable, closes, direction, fill, pnl
from simulator.records import Account, Order, Position

FEE = Decimal("0.0005")


def _order(side: str, qty: str, position_side: str = "BOTH") -> Order:
    return Order(1, "", "BTC-USDT", side, position_side, "MARKET", Decimal(qty), None, False)


def test_one_way_fill_flips_through_zero_at_the_fill_price() -> None:
    account = Account("k", "s", Decimal(1000))
    fill(account, _order("BUY", "2"), Decimal(100), FEE)
    sell = _order("SELL", "3")
    fill(account, sell, Decimal(110), FEE)
    pos = account.positions[("BTC-USDT", "BOTH")]
    assert (pos.qty, pos.entry, direction(pos)) == (Decimal(-1), Decimal(110), "SHORT")
    assert sell.realized_pnl == Decimal(20)  # 2 closed at +10
    assert account.wallet == Decimal(1000) - Decimal("0.1") + Decimal(20) - Decimal("0.165")


def test_hedged_fills_open_and_close_their_own_side() -> None:
    account = Account("k", "s", Decimal(1000), hedge_mode=True)
    fill(account, _order("SELL", "2", "SHORT"), Decimal(100), FEE)
    close = _order("BUY", "2", "SHORT")
    fill(account, close, Decimal(90), FEE)
    pos = account.positions[("BTC-USDT", "SHORT")]
    assert (pos.qty, pos.entry, close.realized_pnl) == (Decimal(0), Decimal(0), Decimal(20))


def test_closable_counts_only_the_side_an_order_reduces() -> None:
    account = Account("k", "s", Decimal(1000))
    account.positions[("BTC-USDT", "BOTH")] = Position("BTC-USDT", "BOTH", Decimal("-0.5"), Decimal(100))
    assert closable(account, "BTC-USDT", "BOTH", "BUY") == Decimal("0.5")
    assert closable(account, "BTC-USDT", "BOTH", "SELL") == 0
    assert closable(account, "ETH-USDT", "BOTH", "BUY") == 0
    assert closes("LONG", "SELL") and closes("SHORT", "BUY") and not closes("BOTH", "SELL")


def test_pnl_is_signed_by_the_positions_direction() -> None:
    assert pnl(Position("BTC-USDT", "SHORT", Decimal(2), Decimal(100)), Decimal(90)) == Decimal(20)
    assert pnl(Position("BTC-USDT", "BOTH", Decimal(-2), Decimal(100)), Decimal(90)) == Decimal(20)
    assert pnl(Position("BTC-USDT", "LONG"), Decimal(90)) == 0
