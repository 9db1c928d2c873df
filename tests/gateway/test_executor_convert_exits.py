"""A take-profit ladder, break-even, trail_after and update on their way to the executor: every
level whole, the take-profit numbers present only when given."""

from __future__ import annotations

from decimal import Decimal

from common.trading import TakeProfitLevel
from gateway.core.parser import Defaults, parse_signal, read_json
from gateway.core.signal import Action, MarketPosition, Signal, SizeKind, Venue
from gateway.executor import convert
from tvbridge.executor.v1 import executor_pb2 as pb


def test_a_ladder_with_break_even_and_a_later_trail_reaches_the_executor() -> None:
    signal = Signal(
        signal_id="tv-ladder",
        venue=Venue.BINGX,
        account="default",
        symbol="BTC-USDT",
        action=Action.BUY,
        size_kind=SizeKind.QUANTITY,
        size=Decimal("0.03"),
        sl_pct=Decimal("2"),
        take_profits=(
            TakeProfitLevel(size_pct=Decimal("50"), price=Decimal("52000.50")),
            TakeProfitLevel(size_pct=Decimal("30"), pct=Decimal("6")),
            TakeProfitLevel(size_pct=Decimal("12.5"), pct=Decimal("1E+1")),
        ),
        breakeven_after=1,
        breakeven_offset_pct=Decimal("0.10"),
        trailing_pct=Decimal("1"),
        trail_after=2,
    )
    msg = convert.signal_to_pb(signal)
    assert [(level.price, level.pct, level.size_pct) for level in msg.take_profits] == [
        ("52000.5", "", "50"),
        ("", "6", "30"),
        ("", "10", "12.5"),
    ]
    assert (msg.breakeven_after, msg.breakeven_offset_pct, msg.trail_after) == (1, "0.1", 2)
    assert msg.HasField("breakeven_after") and msg.HasField("trail_after")
    assert (msg.take_profit, msg.tp_pct, msg.sl_pct, msg.trailing_pct) == ("", "", "2", "1")


def test_without_a_ladder_nothing_of_one_is_sent() -> None:
    msg = convert.signal_to_pb(
        Signal(
            signal_id="tv-one",
            venue=Venue.BINANCE,
            account="default",
            symbol="BTC-USDT",
            action=Action.SELL,
            size_kind=SizeKind.QUANTITY,
            size=Decimal("1"),
            tp_pct=Decimal("3"),
        )
    )
    assert len(msg.take_profits) == 0 and msg.tp_pct == "3"
    assert not msg.HasField("breakeven_after") and not msg.HasField("trail_after")
    assert msg.breakeven_offset_pct == ""


def test_an_update_from_an_alert_reaches_the_executor_as_one() -> None:
    body = read_json(
        b'{"action": "update", "ticker": "BTCUSDT", "market_position": "short", "stop_loss": "61000",'
        b' "take_profit": [{"pct": 3, "size_pct": 60}, {"pct": 5, "size_pct": 40}], "test": true}'
    )
    signal = parse_signal(body, Defaults(venue=Venue.BINGX))
    assert signal.market_position is MarketPosition.SHORT
    msg = convert.signal_to_pb(signal)
    assert (msg.action, msg.market_position, msg.WhichOneof("size")) == (
        pb.ACTION_UPDATE,
        pb.MARKET_POSITION_SHORT,
        None,
    )
    assert (msg.stop_loss, msg.test) == ("61000", True)
    assert [(level.pct, level.size_pct) for level in msg.take_profits] == [("3", "60"), ("5", "40")]
