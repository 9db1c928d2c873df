from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gateway.core.fields import SignalError
from gateway.core.parser import Defaults, parse_signal, read_json
from gateway.core.signal import Action, Signal, SizeKind, Venue

DEFAULTS = Defaults(venue=Venue.BINGX, account="default")


def parse(raw: str) -> Signal:
    return parse_signal(read_json(raw.encode()), DEFAULTS)


def test_seed_000_payload_as_written() -> None:
    signal = parse('{"accion": "BUY", "ticker": "BTCUSDT", "balance": 100}')
    assert signal.action is Action.BUY
    assert signal.symbol == "BTC-USDT"
    assert signal.size_kind is SizeKind.BALANCE
    assert signal.size == Decimal(100)
    assert signal.venue is Venue.BINGX  # seed 000 names no exchange: the default


def test_seed_004_payload_as_written() -> None:
    signal = parse('{"action": "buy", "ticker": "BTC/USDT", "quantity": 0.001, "exchange": "binance"}')
    assert (signal.action, signal.symbol, signal.venue) == (Action.BUY, "BTC-USDT", Venue.BINANCE)
    assert signal.size == Decimal("0.001")


def test_keys_and_values_are_case_insensitive() -> None:
    signal = parse('{"ACTION": "Sell", "Ticker": "ethusdt", "QTY": "2", "Exchange": "BINGX"}')
    assert (signal.action, signal.symbol, signal.size_kind) == (Action.SELL, "ETH-USDT", SizeKind.QUANTITY)


@pytest.mark.parametrize(
    ("word", "action"),
    [
        ("long", Action.BUY),
        ("short", Action.SELL),
        ("exit", Action.CLOSE),
        ("flat", Action.CLOSE),
        ("close_long", Action.CLOSE_LONG),
        ("close_short", Action.CLOSE_SHORT),
    ],
)
def test_action_aliases(word: str, action: Action) -> None:
    assert parse(f'{{"action": "{word}", "ticker": "BTCUSDT", "qty": 1}}').action is action


def test_floats_keep_their_decimal_text() -> None:
    # 0.1 + 0.2 style binary noise must never reach a quantity.
    signal = parse('{"action": "buy", "ticker": "BTCUSDT", "quantity": 0.30000000000000004}')
    assert signal.size == Decimal("0.30000000000000004")
    assert parse('{"action": "buy", "ticker": "BTCUSDT", "quantity": 0.3}').size == Decimal("0.3")


def test_close_needs_no_size() -> None:
    signal = parse('{"action": "close", "ticker": "BTCUSDT"}')
    assert signal.size is None


def test_time_iso_and_epoch() -> None:
    iso = parse('{"action": "close", "ticker": "BTCUSDT", "time": "2024-05-01T12:00:00Z"}')
    assert iso.fired_at == datetime(2024, 5, 1, 12, tzinfo=UTC)
    ms = parse('{"action": "close", "ticker": "BTCUSDT", "time": 1714564800000}')
    assert ms.fired_at == datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_alert_price_as_tradingview_writes_it() -> None:
    """{{close}} expands to a number, quoted or not; no alert price is none."""
    assert parse('{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "alert_price": 61250.5}').alert_price == (
        Decimal("61250.5")
    )
    assert parse('{"action": "close", "ticker": "BTCUSDT", "Alert_Price": " 0.1234 "}').alert_price == (
        Decimal("0.1234")
    )
    assert parse('{"action": "close", "ticker": "BTCUSDT"}').alert_price is None


def test_explicit_id_is_kept_and_generated_otherwise() -> None:
    assert parse('{"action": "close", "ticker": "BTCUSDT", "id": "L1_2024"}').signal_id == "L1_2024"
    generated = parse('{"action": "close", "ticker": "BTCUSDT"}')
    assert len(generated.signal_id) == 32
    assert not generated.explicit_id


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ('{"ticker": "BTCUSDT", "qty": 1}', "action", "required"),
        ('{"action": "hodl", "ticker": "BTCUSDT", "qty": 1}', "action", "not one of"),
        ('{"action": "buy", "qty": 1}', "ticker", "required"),
        ('{"action": "buy", "ticker": "BTCUSDT"}', "quantity", "needs exactly one size"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": "{{close}}"}', "qty", "placeholder"),
        ('{"action": "buy", "ticker": "{{ticker}}", "qty": 1}', "ticker", "placeholder"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": -1}', "qty", "greater than zero"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": 0}', "qty", "greater than zero"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": "lots"}', "qty", "must be a number"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": true}', "qty", "true/false"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": [1]}', "qty", "must be a number"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "balance": 5}', "balance", "exactly one size"),
        ('{"action": "buy", "ticker": "BTCUSDT", "balance_pct": 150}', "balance_pct", "at most 100"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "leverage": 2.5}', "leverage", "whole number"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "exchange": "ftx"}', "exchange", "not one of"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "order_type": "limit"}', "price", "limit order"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "time": "yesterday"}', "time", "ISO-8601"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "test": "maybe"}', "test", "true or false"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "id": "has space"}', "id", "printable"),
        (
            '{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "stop_loss": 1, "sl_pct": 2}',
            "sl_pct",
            "not both",
        ),
        ('{"action": "close", "ticker": "BTCUSDT", "take_profit": 70000}', "take_profit", "opens a position"),
        (
            '{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "reduce_only": true, "sl_pct": 1}',
            "sl_pct",
            "opens",
        ),
        ('{"market_position": "flat", "ticker": "BTCUSDT", "tp_pct": 3}', "tp_pct", "opens a position"),
        ('{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "sl_pct": 100}', "sl_pct", "below 100"),
        (
            '{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "take_profit": "{{plot_0}}"}',
            "take_profit",
            "placeholder",
        ),
        (
            '{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "alert_price": "{{close}}"}',
            "alert_price",
            "placeholder",
        ),
        (
            '{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "alert_price": "n/a"}',
            "alert_price",
            "must be a number",
        ),
        (
            '{"action": "buy", "ticker": "BTCUSDT", "qty": 1, "alert_price": 0}',
            "alert_price",
            "greater than zero",
        ),
        ('{"action": "close", "ticker": "BTCUSDT", "alert_price": -5}', "alert_price", "greater than zero"),
    ],
)
def test_bad_fields_are_named(body: str, field: str, words: str) -> None:
    with pytest.raises(SignalError) as caught:
        parse(body)
    assert caught.value.field == field
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "empty"),
        (b"buy BTCUSDT", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"action": "buy", "qty": NaN}', "NaN"),
        (b'{"action": "buy", "qty": Infinity}', "Infinity"),
        (b"\xff\xfe", "UTF-8"),
        (b'{"action": "buy", "qty": {{close}}}', "placeholder"),
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 8 levels"),
    ],
)
def test_bad_bodies_are_named(raw: bytes, words: str) -> None:
    with pytest.raises(SignalError) as caught:
        read_json(raw)
    assert caught.value.field == "body"
    assert words in caught.value.message


def test_target_from_tradingview_strategy_placeholders() -> None:
    signal = parse('{"action": "sell", "market_position": "long", "ticker": "BTCUSDT", "quantity": "0.02"}')
    assert (signal.market_position, signal.size) == ("long", Decimal("0.02"))


def test_flat_target_accepts_size_zero_and_needs_no_action() -> None:
    signal = parse('{"market_position": "flat", "ticker": "BTCUSDT", "quantity": "0"}')
    assert (signal.market_position, signal.action, signal.size) == ("flat", Action.CLOSE, None)


def test_long_target_without_size_names_the_field() -> None:
    with pytest.raises(SignalError) as caught:
        parse('{"market_position": "long", "ticker": "BTCUSDT"}')
    assert caught.value.field == "quantity"
    assert "market_position_size" in caught.value.message


def test_take_profit_and_stop_loss_by_price_or_percent() -> None:
    signal = parse(
        '{"action": "sell", "ticker": "BTCUSDT", "qty": 1, "take_profit": 58000.5, "sl_pct": "1.5"}'
    )
    assert (signal.take_profit, signal.stop_loss, signal.tp_pct, signal.sl_pct) == (
        Decimal("58000.5"),
        None,
        None,
        Decimal("1.5"),
    )
    target = parse('{"market_position": "long", "ticker": "BTCUSDT", "qty": 1, "tp_pct": 2}')
    assert target.tp_pct == Decimal(2)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ('{"action": "buy", "ticker": "BTCUSDT", "risk_pct": 1, "sl_pct": 2}', SizeKind.RISK_PCT),
        (
            '{"action": "sell", "ticker": "BTCUSDT", "risk_usdt": "50", "stop_loss": 61000}',
            SizeKind.RISK_USDT,
        ),
        (
            '{"market_position": "long", "ticker": "BTCUSDT", "risk_pct": 0.5, "stop_loss": 59000}',
            SizeKind.RISK_PCT,
        ),
    ],
)
def test_risk_sizes_go_with_a_stop(body: str, kind: SizeKind) -> None:
    signal = parse(body)
    assert signal.size_kind is kind
    assert signal.stop_loss is not None or signal.sl_pct is not None


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ('{"action": "buy", "ticker": "BTCUSDT", "risk_pct": 1}', "risk_pct", "needs a stop"),
        ('{"action": "buy", "ticker": "BTCUSDT", "risk_usdt": 10, "tp_pct": 3}', "risk_usdt", "needs a stop"),
        ('{"action": "close", "ticker": "BTCUSDT", "risk_pct": 1}', "risk_pct", "sizes an entry"),
        ('{"action": "buy", "ticker": "BTCUSDT", "risk_pct": 150, "sl_pct": 2}', "risk_pct", "at most 100"),
        (
            '{"action": "buy", "ticker": "BTCUSDT", "risk_usdt": 0, "sl_pct": 2}',
            "risk_usdt",
            "greater than zero",
        ),
        (
            '{"action": "buy", "ticker": "BTCUSDT", "risk_pct": 1, "quantity": 1, "sl_pct": 2}',
            "risk_pct",
            "exactly one size",
        ),
    ],
)
def test_a_risk_size_without_its_stop_or_out_of_range_names_the_field(
    body: str, field: str, words: str
) -> None:
    with pytest.raises(SignalError) as caught:
        parse(body)
    assert caught.value.field == field
    assert words in caught.value.message
