"""What rests on a position side: the order an attempt sent, told by its shape where the venue
keeps no client id, and the room a cumulative stop rule leaves."""

from __future__ import annotations

from decimal import Decimal

from common.trading import Position
from executor.core.model import PositionSide, Side
from executor.core.ports import OpenProtection, ProtectionKind, ProtectionRequest
from executor.core.resting import held, resting_total, sent_one

D = Decimal
STOP = ProtectionRequest(
    "BTC-USDT", ProtectionKind.STOP_LOSS, Side.SELL, PositionSide.BOTH, D("0.01"), D("58000"), "tvb1"
)


def resting(
    order_id: str,
    order_type: str = "STOP_MARKET",
    quantity: str = "0.01",
    trigger: str = "58000",
    *,
    side: Side = Side.SELL,
    position_side: PositionSide = PositionSide.BOTH,
    client_order_id: str = "",
    close_position: bool = False,
) -> OpenProtection:
    return OpenProtection(
        order_id, client_order_id, side, position_side, order_type, D(quantity), D(trigger), close_position
    )


def test_an_order_is_ours_only_in_every_part_of_its_shape() -> None:
    others = [
        resting("1", "STOP"),  # the limit variant
        resting("2", quantity="0.02"),
        resting("3", trigger="57000"),
        resting("4", side=Side.BUY),
        resting("5", position_side=PositionSide.LONG),
        resting("6", quantity="0", close_position=True),
        resting("7", "TAKE_PROFIT_MARKET"),
    ]
    assert sent_one(others, STOP) is None
    assert sent_one([*others, resting("8")], STOP) == resting("8")


def test_an_order_resting_before_the_send_is_not_it_and_a_kept_client_id_wins() -> None:
    old, new = resting("1"), resting("2")
    assert sent_one([old, new], STOP, before={"1"}) == new
    kept = resting("3", quantity="0.005", client_order_id="tvb1")  # the venue kept our id after all
    assert sent_one([old, kept], STOP) == kept


def test_the_rule_counts_its_kind_on_the_side_it_closes() -> None:
    orders = [
        resting("1"),
        resting("2", "STOP", "0.02"),
        resting("3", "TRAILING_STOP_MARKET"),  # not a stop-loss order in the rule's words
        resting("4", "TAKE_PROFIT_MARKET", "0.04", "63000"),
        resting("5", side=Side.BUY, trigger="61000"),  # guards a short
        resting("6", quantity="0", close_position=True),
    ]
    assert resting_total(orders, ProtectionKind.STOP_LOSS, PositionSide.BOTH, Side.SELL) == D("0.03")
    assert resting_total(orders, ProtectionKind.TAKE_PROFIT, PositionSide.BOTH, Side.SELL) == D("0.04")
    assert resting_total(orders, ProtectionKind.STOP_LOSS, PositionSide.BOTH, Side.BUY) == D("0.01")


def position(side: PositionSide, quantity: str) -> Position:
    return Position("BTC-USDT", "BTC-USDT", side, D(quantity), D(0), D(0), D(0), 10, None)


def test_a_sell_closes_what_is_long_and_a_buy_what_is_short() -> None:
    hedge = [position(PositionSide.LONG, "0.02"), position(PositionSide.SHORT, "-0.01")]
    assert held(hedge, PositionSide.LONG, Side.SELL) == D("0.02")
    assert held(hedge, PositionSide.SHORT, Side.BUY) == D("0.01")
    one_way = [position(PositionSide.BOTH, "-0.03")]
    assert (held(one_way, PositionSide.BOTH, Side.BUY), held(one_way, PositionSide.BOTH, Side.SELL)) == (
        D("0.03"),
        D(0),
    )
