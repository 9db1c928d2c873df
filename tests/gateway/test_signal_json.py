"""The journal's own JSON form of a signal: pinned, since journals written today are read later."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from common.trading import TakeProfitLevel
from gateway.core.signal import Action, MarginMode, MarketPosition, OrderType, Signal, SizeKind, Venue
from gateway.journal import signal_json

SIGNAL = Signal(
    signal_id="tv-42",
    venue=Venue.BINGX,
    account="default",
    symbol="BTC-USDT",
    action=Action.BUY,
    size_kind=SizeKind.QUANTITY,
    size=Decimal("0.0100"),
    leverage=5,
    margin_mode=MarginMode.ISOLATED,
    take_profit=Decimal("7E+4"),
    fired_at=datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))),
    received_at=datetime(2024, 5, 1, 12, 0, 0, 210518, tzinfo=UTC),
    strategy="ema-cross",
    explicit_id=True,
    alert_price=Decimal("61250.50"),
)


def test_the_form_is_pinned() -> None:
    assert json.loads(signal_json.dumps(SIGNAL)) == {
        "v": 1,
        "signal_id": "tv-42",
        "venue": "bingx",
        "account": "default",
        "symbol": "BTC-USDT",
        "action": "buy",
        "size_kind": "quantity",
        "size": "0.01",
        "market_position": None,
        "leverage": 5,
        "margin_mode": "isolated",
        "order_type": "market",
        "price": None,
        "take_profit": "70000",
        "stop_loss": None,
        "tp_pct": None,
        "sl_pct": None,
        "trailing_pct": None,
        "trailing_activation": None,
        "trailing_activation_pct": None,
        "take_profits": [],
        "breakeven_after": None,
        "breakeven_offset_pct": None,
        "trail_after": None,
        "reduce_only": False,
        "fired_at": "2024-05-01T12:00:00.000000Z",
        "received_at": "2024-05-01T12:00:00.210518Z",
        "test": False,
        "strategy": "ema-cross",
        "explicit_id": True,
        "alert_price": "61250.5",
    }


LADDER = Signal(
    signal_id="d",
    venue=Venue.BINANCE,
    account="x",
    symbol="BTC-USDT",
    action=Action.SELL,
    size_kind=SizeKind.RISK_PCT,
    size=Decimal("1"),
    stop_loss=Decimal("61000"),
    take_profits=(
        TakeProfitLevel(size_pct=Decimal("50"), price=Decimal("58000.5")),
        TakeProfitLevel(size_pct=Decimal("30"), pct=Decimal("6")),
        TakeProfitLevel(size_pct=Decimal("12.5"), pct=Decimal("10")),
    ),
    breakeven_after=1,
    breakeven_offset_pct=Decimal("0.15"),
    trailing_pct=Decimal("1"),
    trail_after=2,
)


def test_a_ladder_is_written_as_strings_and_numbers() -> None:
    data = json.loads(signal_json.dumps(LADDER))
    assert {name: data[name] for name in signal_json.EXITS} == {
        "take_profits": [
            {"price": "58000.5", "pct": None, "size_pct": "50"},
            {"price": None, "pct": "6", "size_pct": "30"},
            {"price": None, "pct": "10", "size_pct": "12.5"},
        ],
        "breakeven_after": 1,
        "breakeven_offset_pct": "0.15",
        "trail_after": 2,
    }


@pytest.mark.parametrize(
    "signal",
    [
        SIGNAL,
        LADDER,
        Signal(
            signal_id="e",
            venue=Venue.BINGX,
            account="x",
            symbol="BTC-USDT",
            action=Action.UPDATE,
            size_kind=None,
            size=None,
            market_position=MarketPosition.SHORT,
            stop_loss=Decimal("61000"),
            test=True,
        ),
        Signal(
            signal_id="a",
            venue=Venue.BINANCE,
            account="x",
            symbol="ETH-USDT",
            action=Action.CLOSE,
            size_kind=None,
            size=None,
            market_position=MarketPosition.FLAT,
        ),
        Signal(
            signal_id="b",
            venue=Venue.BINANCE,
            account="x",
            symbol="ETH-USDT",
            action=Action.SELL,
            size_kind=SizeKind.BALANCE,
            size=Decimal("100"),
            order_type=OrderType.LIMIT,
            price=Decimal("3000.5"),
            tp_pct=Decimal("2"),
            sl_pct=Decimal("0.5"),
            test=True,
        ),
        Signal(
            signal_id="c",
            venue=Venue.BINGX,
            account="x",
            symbol="ETH-USDT",
            action=Action.BUY,
            size_kind=SizeKind.QUANTITY,
            size=Decimal("1"),
            trailing_pct=Decimal("1.5"),
            trailing_activation_pct=Decimal("2"),
        ),
    ],
)
def test_a_signal_reads_back_as_itself(signal: Signal) -> None:
    assert signal_json.loads(signal_json.dumps(signal)) == signal


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"v": 2}, "form 2"),
        ({"v": None}, "form None"),
        ({"venue": "VENUE_BINGX"}, "VENUE_BINGX"),
        ({"size": 0.01}, "decimal is a string"),
        ({"leverage": "5"}, "whole number"),
        ({"test": "false"}, "true or false"),
        ({"received_at": "2024-05-01T12:00:00"}, "names its zone"),
        ({"take_profits": None}, "list of levels"),
        ({"take_profits": [["1", None, "50"]]}, "list of levels"),
        ({"take_profits": [{"price": "1", "pct": None}]}, "size_pct"),
        ({"take_profits": [{"price": "1", "pct": None, "size_pct": None}]}, "has a size_pct"),
        ({"take_profits": [{"price": 1, "pct": None, "size_pct": "50"}]}, "decimal is a string"),
        ({"breakeven_after": "1"}, "take-profit number is a whole number"),
        ({"trail_after": True}, "take-profit number is a whole number"),
    ],
)
def test_a_form_it_does_not_know_is_refused(change: dict[str, object], words: str) -> None:
    text = json.dumps({**signal_json.to_dict(SIGNAL), **change})
    with pytest.raises(ValueError, match=words):
        signal_json.loads(text)


def test_a_missing_key_is_named() -> None:
    data = signal_json.to_dict(SIGNAL)
    del data["symbol"]
    with pytest.raises(ValueError, match="symbol"):
        signal_json.from_dict(data)


def test_a_row_written_before_trailing_stops_reads_without_them() -> None:
    data = signal_json.to_dict(SIGNAL)
    for name in signal_json.TRAILING:
        del data[name]
    assert signal_json.from_dict(data) == SIGNAL


def test_a_row_written_before_ladders_reads_without_them() -> None:
    data = signal_json.to_dict(SIGNAL)
    for name in signal_json.EXITS:
        del data[name]
    assert signal_json.from_dict(data) == SIGNAL
    assert signal_json.from_dict(data).take_profits == ()


def test_a_row_written_before_alert_prices_reads_without_one() -> None:
    data = signal_json.to_dict(SIGNAL)
    del data["alert_price"]
    assert signal_json.from_dict(data) == replace(SIGNAL, alert_price=None)
