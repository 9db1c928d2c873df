"""`"action": "update"`: new protective levels for the open position, nothing else. It carries at
least one level, no size and no limit price; its market_position names a side, never a target."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from common.trading import TakeProfitLevel
from gateway.core.fields import SignalError
from gateway.core.parser import Defaults, parse_signal, read_json
from gateway.core.signal import Action, MarketPosition, OrderType, Signal, Venue

DEFAULTS = Defaults(venue=Venue.BINGX, account="default")
UPDATE = '"action": "update", "ticker": "BTCUSDT"'


def parse(extra: str) -> Signal:
    return parse_signal(read_json(("{" + UPDATE + ", " + extra + "}").encode()), DEFAULTS)


def test_an_update_moves_the_stop() -> None:
    signal = parse('"stop_loss": "61250.5", "id": "trail-7"')
    assert (signal.action, signal.stop_loss, signal.size_kind, signal.size) == (
        Action.UPDATE,
        Decimal("61250.5"),
        None,
        None,
    )
    assert (signal.market_position, signal.order_type, signal.signal_id) == (
        None,
        OrderType.MARKET,
        "trail-7",
    )


@pytest.mark.parametrize(
    ("extra", "check"),
    [
        ('"sl_pct": 1', lambda s: s.sl_pct == Decimal(1)),
        ('"tp_pct": 4', lambda s: s.tp_pct == Decimal(4)),
        ('"take_profit": 70000', lambda s: s.take_profit == Decimal(70000)),
        (
            '"take_profit": [{"pct": 3, "size_pct": 50}, {"price": 72000, "size_pct": 50}]',
            lambda s: (
                s.take_profits
                == (
                    TakeProfitLevel(size_pct=Decimal(50), pct=Decimal(3)),
                    TakeProfitLevel(size_pct=Decimal(50), price=Decimal(72000)),
                )
            ),
        ),
        (
            '"trailing_pct": 1, "trailing_activation_pct": 2',
            lambda s: s.trailing_activation_pct == Decimal(2),
        ),
        ('"stop_loss": 60000, "order_type": "market"', lambda s: s.order_type is OrderType.MARKET),
    ],
)
def test_any_level_field_makes_an_update(extra: str, check: Callable[[Signal], bool]) -> None:
    signal = parse(extra)
    assert signal.action is Action.UPDATE
    assert check(signal)


@pytest.mark.parametrize("side", ["long", "short"])
def test_market_position_names_the_side_and_is_no_target(side: str) -> None:
    # A target needs a size; an update has none, and is still an update.
    signal = parse(f'"market_position": "{side}", "sl_pct": 2')
    assert (signal.action, signal.market_position, signal.size) == (Action.UPDATE, MarketPosition(side), None)


def test_a_test_update_is_a_test() -> None:
    assert parse('"stop_loss": 60000, "test": true').test


def test_accion_update_is_the_same() -> None:
    signal = parse_signal(read_json(b'{"accion": "UPDATE", "ticker": "BTCUSDT", "sl_pct": 2}'), DEFAULTS)
    assert signal.action is Action.UPDATE


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ('"id": "u-1"', "action", "give the new ones"),
        ('"test": true', "action", "give the new ones"),
        ('"market_position": "flat", "sl_pct": 2', "market_position", "not flat"),
        ('"quantity": 0.01, "sl_pct": 2', "quantity", "not its size"),
        ('"qty": 0, "sl_pct": 2', "qty", "not its size"),
        ('"market_position": "long", "quantity": "0.02", "sl_pct": 2', "quantity", "not its size"),
        ('"position_pct": 50, "sl_pct": 2', "position_pct", "not its size"),
        ('"risk_pct": 1, "sl_pct": 2', "risk_pct", "not its size"),
        ('"balance": 100, "stop_loss": 60000', "balance", "not its size"),
        ('"order_type": "limit", "sl_pct": 2', "order_type", "trigger orders only"),
        ('"order_type": "limit", "price": 60000, "sl_pct": 2', "price", "trigger orders only"),
        ('"price": 60000, "sl_pct": 2', "price", "trigger orders only"),
        (
            '"take_profit": [{"pct": 3, "size_pct": 50}, {"pct": 5, "size_pct": 30}], "breakeven_after": 1',
            "breakeven_after",
            "only with an entry",
        ),
        ('"trailing_pct": 1, "trail_after": 1', "trail_after", "only with an entry"),
        ('"sl_pct": 2, "leverage": 5', "leverage", "only with an entry"),
        ('"sl_pct": 2, "margin_mode": "cross"', "margin_mode", "only with an entry"),
        ('"sl_pct": 0', "sl_pct", "greater than zero"),
        ('"trailing_activation": 61000', "trailing_activation", "trailing_pct"),
        ('"stop_loss": "{{plot_0}}"', "stop_loss", "placeholder"),
    ],
)
def test_what_an_update_cannot_carry_is_named(extra: str, field: str, words: str) -> None:
    with pytest.raises(SignalError) as caught:
        parse(extra)
    assert (caught.value.field, words in caught.value.message) == (field, True), caught.value.message
