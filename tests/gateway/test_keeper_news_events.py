"""The keeper's news as notifications: each kind has its title and one line with the essentials."""

from __future__ import annotations

from decimal import Decimal

from common.trading import NewsKind
from gateway.core.execution import PositionSide
from gateway.notify.events import KINDS, from_news
from tests.gateway.ledger_support import news


def test_every_news_kind_is_a_notification_kind_with_its_own_title() -> None:
    titles = set()
    for kind in NewsKind:
        assert kind.value in KINDS
        event = from_news(news(kind))
        assert event.kind == kind.value and event.title != kind.value
        titles.add(event.title)
    assert len(titles) == len(NewsKind)


def test_a_position_news_line_says_what_where_how_much_and_at_what_price() -> None:
    event = from_news(news(NewsKind.STOP_HIT, price=Decimal("58000.0"), detail="stop-loss filled"))
    assert event.message() == (
        "tvbridge · Stop hit: BTC-USDT LONG 0.01 @ 58000.0 on bingx/default · stop-loss filled"
    )
    assert event.details["price"] == "58000.0" and event.details["quantity"] == "0.01"
    liquidated = from_news(
        news(
            NewsKind.LIQUIDATION,
            position_side=PositionSide.SHORT,
            quantity=Decimal("2"),
            price=None,
            detail="",
        )
    )
    assert liquidated.message() == "tvbridge · LIQUIDATED: BTC-USDT SHORT 2 on bingx/default"


def test_an_account_news_line_names_the_account() -> None:
    event = from_news(
        news(
            NewsKind.STREAM_DOWN, symbol="", position_side=None, quantity=None, price=None, detail="down 61 s"
        )
    )
    assert event.message() == "tvbridge · Stream down: account bingx/default · down 61 s"


def test_one_way_mode_says_no_side() -> None:
    event = from_news(news(NewsKind.CLOSED_OUTSIDE, position_side=PositionSide.BOTH, price=None, detail=""))
    assert event.text == "BTC-USDT 0.01 on bingx/default"
