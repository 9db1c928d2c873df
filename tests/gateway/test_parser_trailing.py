"""The trailing-stop fields of the signal language: a callback within the venue's limits, one
kind of activation, only with an opening signal; a bad one is a 422 naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.trailing import CALLBACK_LIMITS
from gateway.core.fields import SignalError
from gateway.core.parser import Defaults, parse_signal, read_json
from gateway.core.signal import Signal, Venue

DEFAULTS = Defaults(venue=Venue.BINGX, account="default")
BUY = '"action": "buy", "ticker": "BTCUSDT", "quantity": 0.01'


def parse(raw: str, defaults: Defaults = DEFAULTS) -> Signal:
    return parse_signal(read_json(raw.encode()), defaults)


def test_a_trail_with_an_activation_price_or_percent() -> None:
    priced = parse("{" + BUY + ', "trailing_pct": 1, "trailing_activation": "61000"}')
    assert (priced.trailing_pct, priced.trailing_activation, priced.trailing_activation_pct) == (
        Decimal(1),
        Decimal(61000),
        None,
    )
    by_pct = parse("{" + BUY + ', "trailing_pct": "0.5", "trailing_activation_pct": 2}')
    assert (by_pct.trailing_pct, by_pct.trailing_activation_pct) == (Decimal("0.5"), Decimal(2))
    at_once = parse("{" + BUY + ', "trailing_pct": 1}')
    assert at_once.trailing_activation is None and at_once.trailing_activation_pct is None


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ('"trailing_pct": 0', "trailing_pct", "greater than zero"),
        ('"trailing_pct": "abc"', "trailing_pct", "must be a number"),
        (
            '"trailing_pct": 1, "trailing_activation": 1, "trailing_activation_pct": 2',
            "trailing_activation_pct",
            "not both",
        ),
        ('"trailing_activation": 61000', "trailing_activation", "trailing_pct"),
        ('"trailing_activation_pct": 2', "trailing_activation_pct", "trailing_pct"),
        ('"trailing_pct": 1, "trailing_activation_pct": -1', "trailing_activation_pct", "greater than zero"),
    ],
)
def test_bad_trail_fields_are_named(extra: str, field: str, words: str) -> None:
    with pytest.raises(SignalError) as caught:
        parse("{" + BUY + ", " + extra + "}")
    assert caught.value.field == field
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("venue", "pct", "ok"),
    [
        ("binance", "0.1", True),
        ("binance", "20", True),
        ("binance", "0.09", False),
        ("binance", "20.1", False),
        ("bingx", "0.1", True),
        ("bingx", "90", True),
        ("bingx", "25", True),
        ("bingx", "90.5", False),
        ("bingx", "0.05", False),
    ],
)
def test_a_callback_outside_the_venues_limits_names_them(venue: str, pct: str, ok: bool) -> None:
    raw = "{" + BUY + f', "exchange": "{venue}", "trailing_pct": "{pct}"' + "}"
    if ok:
        assert parse(raw).trailing_pct == Decimal(pct)
        return
    with pytest.raises(SignalError) as caught:
        parse(raw)
    limits = CALLBACK_LIMITS[Venue(venue)]
    assert caught.value.field == "trailing_pct"
    assert f"{limits.low_pct} % to {limits.high_pct} %" in caught.value.message
    assert limits.parameter in caught.value.message


def test_the_default_venue_sets_the_limits() -> None:
    raw = "{" + BUY + ', "trailing_pct": 25}'
    assert parse(raw).trailing_pct == Decimal(25)  # BingX allows up to 90 %
    with pytest.raises(SignalError, match="binance"):
        parse(raw, Defaults(venue=Venue.BINANCE, account="default"))


@pytest.mark.parametrize(
    "body",
    [
        '{"action": "close", "ticker": "BTCUSDT", "trailing_pct": 1}',
        '{"action": "sell", "ticker": "BTCUSDT", "quantity": 1, "reduce_only": true, "trailing_pct": 1}',
        '{"action": "sell", "ticker": "BTCUSDT", "market_position": "flat", "quantity": 0, '
        '"trailing_pct": 1}',
    ],
)
def test_only_an_opening_signal_trails(body: str) -> None:
    with pytest.raises(SignalError) as caught:
        parse(body)
    assert caught.value.field == "trailing_pct"
    assert "opens a position" in caught.value.message
