"""Take-profit ladders, break-even and trail_after in the signal language: each level a price or a
percent with its share of the entry, levels counted from 1 in refusals, and take-profit N having
to exist and leave something of the position; a bad one is a 422 naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.trading import MAX_TAKE_PROFITS, TakeProfitLevel
from gateway.core.fields import SignalError
from gateway.core.parser import Defaults, parse_signal, read_json
from gateway.core.signal import Signal, Venue

DEFAULTS = Defaults(venue=Venue.BINGX, account="default")
BUY = '"action": "buy", "ticker": "BTCUSDT", "quantity": 0.01'
LADDER = '[{"price": 52000, "size_pct": 50}, {"pct": 6, "size_pct": 30}, {"pct": "10", "size_pct": "20"}]'


def parse(extra: str, head: str = BUY) -> Signal:
    return parse_signal(read_json(("{" + head + ", " + extra + "}").encode()), DEFAULTS)


def refusal(extra: str, head: str = BUY) -> SignalError:
    with pytest.raises(SignalError) as caught:
        parse(extra, head)
    return caught.value


def test_a_ladder_of_prices_and_percents_with_break_even() -> None:
    signal = parse(f'"take_profit": {LADDER}, "sl_pct": 2, "breakeven_after": 1, "breakeven_offset_pct": 0.1')
    assert signal.take_profits == (
        TakeProfitLevel(size_pct=Decimal(50), price=Decimal(52000)),
        TakeProfitLevel(size_pct=Decimal(30), pct=Decimal(6)),
        TakeProfitLevel(size_pct=Decimal(20), pct=Decimal(10)),
    )
    assert (signal.take_profit, signal.tp_pct) == (None, None)  # the single form stays empty
    assert (signal.breakeven_after, signal.breakeven_offset_pct, signal.trail_after) == (
        1,
        Decimal("0.1"),
        None,
    )


def test_the_single_take_profit_stays_as_it_was() -> None:
    signal = parse('"take_profit": 58000.5')
    assert (signal.take_profit, signal.take_profits, signal.breakeven_after) == (Decimal("58000.5"), (), None)


def test_level_keys_are_case_insensitive_and_a_ladder_may_leave_a_runner() -> None:
    signal = parse('"take_profit": [{"PCT": 2, "Size_Pct": 40}, {"Price": "61000", "size_pct": 25}]')
    assert signal.take_profits == (
        TakeProfitLevel(size_pct=Decimal(40), pct=Decimal(2)),
        TakeProfitLevel(size_pct=Decimal(25), price=Decimal(61000)),
    )


def test_ten_levels_are_allowed() -> None:
    levels = ", ".join(f'{{"pct": {n}, "size_pct": 10}}' for n in range(1, MAX_TAKE_PROFITS + 1))
    assert len(parse(f'"take_profit": [{levels}]').take_profits) == MAX_TAKE_PROFITS


ELEVEN = ", ".join(f'{{"pct": {n}, "size_pct": 5}}' for n in range(1, MAX_TAKE_PROFITS + 2))


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ('"take_profit": []', "take_profit", "empty list"),
        (f'"take_profit": [{ELEVEN}]', "take_profit", "at most 10"),
        ('"take_profit": {"pct": 2, "size_pct": 50}', "take_profit", "list of levels"),
        ('"take_profit": [52000]', "take_profit[1]", "must be a level"),
        ('"take_profit": ["{{plot_0}}"]', "take_profit[1]", "placeholder"),
        (
            '"take_profit": [{"pct": 2, "size_pct": 50}, {"price": 1, "pct": 2, "size_pct": 10}]',
            "take_profit[2].pct",
            "not both",
        ),
        ('"take_profit": [{"pct": 2, "size_pct": 50}, {"size_pct": 10}]', "take_profit[2]", "price or a pct"),
        ('"take_profit": [{"pct": 2, "size_pct": 50}, {"pct": 3}]', "take_profit[2].size_pct", "required"),
        ('"take_profit": [{"pct": 2, "size_pct": 0}]', "take_profit[1].size_pct", "greater than zero"),
        ('"take_profit": [{"pct": 2, "size_pct": 101}]', "take_profit[1].size_pct", "at most 100"),
        ('"take_profit": [{"pct": -2, "size_pct": 10}]', "take_profit[1].pct", "greater than zero"),
        ('"take_profit": [{"price": "abc", "size_pct": 10}]', "take_profit[1].price", "must be a number"),
        ('"take_profit": [{"price": true, "size_pct": 10}]', "take_profit[1].price", "true/false"),
        (
            '"take_profit": [{"pct": "{{plot_1}}", "size_pct": 10}]',
            "take_profit[1].pct",
            "placeholder",
        ),
        ('"take_profit": [{"pct": 2, "size_pct": 10, "qty": 1}]', "take_profit[1].qty", "not a field"),
        ('"take_profit": [{"pct": 2, "sizepct": 10}]', "take_profit[1].sizepct", "not a field"),
        (
            '"take_profit": [{"pct": 2, "size_pct": 60}, {"pct": 4, "size_pct": 40.5}]',
            "take_profit",
            "add up to 100.5 %",
        ),
        ('"take_profit": [{"pct": 2, "size_pct": 60}], "tp_pct": 3', "tp_pct", "not both"),
    ],
)
def test_a_bad_ladder_names_the_level_and_field(extra: str, field: str, words: str) -> None:
    refused = refusal(extra)
    assert (refused.field, words in refused.message) == (field, True), refused.message


@pytest.mark.parametrize(
    ("extra", "n"),
    [
        (f'"take_profit": {LADDER}, "breakeven_after": "2"', 2),  # a string, as Pine may send it
        ('"take_profit": [{"pct": 2, "size_pct": 50}], "breakeven_after": 1', 1),  # a runner is left
        (
            '"take_profit": [{"pct": 2, "size_pct": 50}, {"pct": 4, "size_pct": 50}], "breakeven_after": 1.0',
            1,
        ),
    ],
)
def test_break_even_after_a_level_that_leaves_something(extra: str, n: int) -> None:
    signal = parse(extra)  # no stop: the executor places one at break-even after take-profit N
    assert (signal.breakeven_after, signal.stop_loss, signal.sl_pct) == (n, None, None)


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        (f'"take_profit": {LADDER}, "breakeven_after": 1.5', "breakeven_after", "whole number"),
        (f'"take_profit": {LADDER}, "breakeven_after": 0', "breakeven_after", "greater than zero"),
        (f'"take_profit": {LADDER}, "breakeven_after": -1', "breakeven_after", "greater than zero"),
        (f'"take_profit": {LADDER}, "breakeven_after": true', "breakeven_after", "true/false"),
        (f'"take_profit": {LADDER}, "breakeven_after": "one"', "breakeven_after", "must be a number"),
        ('"sl_pct": 2, "breakeven_after": 1', "breakeven_after", "list of levels"),
        (f'"take_profit": {LADDER}, "breakeven_after": 4', "breakeven_after", "only 3 take-profit levels"),
        (
            f'"take_profit": {LADDER}, "breakeven_after": 3',
            "breakeven_after",
            "nothing of the position is left",
        ),
        ('"take_profit": 60000, "breakeven_after": 1', "breakeven_after", "nothing of the position is left"),
        ('"tp_pct": 3, "breakeven_after": 1', "breakeven_after", "nothing of the position is left"),
        ('"tp_pct": 3, "breakeven_after": 2', "breakeven_after", "only 1 take-profit level"),
        (
            '"take_profit": [{"pct": 2, "size_pct": 40}, {"pct": 4, "size_pct": 60}], "breakeven_after": 2',
            "breakeven_after",
            "use 1,",
        ),
        (f'"take_profit": {LADDER}, "breakeven_offset_pct": 0.1', "breakeven_offset_pct", "breakeven_after"),
        (
            f'"take_profit": {LADDER}, "breakeven_after": 1, "breakeven_offset_pct": -0.1',
            "breakeven_offset_pct",
            "from 0",
        ),
        (
            f'"take_profit": {LADDER}, "breakeven_after": 1, "breakeven_offset_pct": 100',
            "breakeven_offset_pct",
            "below 100",
        ),
    ],
)
def test_a_bad_break_even_names_the_field(extra: str, field: str, words: str) -> None:
    refused = refusal(extra)
    assert (refused.field, words in refused.message) == (field, True), refused.message


def test_break_even_offset_may_be_zero() -> None:
    signal = parse(f'"take_profit": {LADDER}, "breakeven_after": 2, "breakeven_offset_pct": "0"')
    assert signal.breakeven_offset_pct == Decimal(0)


def test_a_trail_after_a_take_profit() -> None:
    signal = parse(
        f'"take_profit": {LADDER}, "trailing_pct": 1, "trailing_activation_pct": 2, "trail_after": 2'
    )
    assert (signal.trail_after, signal.trailing_pct, signal.trailing_activation_pct) == (
        2,
        Decimal(1),
        Decimal(2),
    )
    both = parse(f'"take_profit": {LADDER}, "trailing_pct": 1, "trail_after": 1, "breakeven_after": 1')
    assert (both.trail_after, both.breakeven_after) == (1, 1)


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        (f'"take_profit": {LADDER}, "trail_after": 1', "trail_after", "trailing_pct"),
        ('"trailing_pct": 1, "trail_after": 1', "trail_after", "list of levels"),
        (
            f'"take_profit": {LADDER}, "trailing_pct": 1, "trail_after": 3',
            "trail_after",
            "nothing of the position is left",
        ),
        (f'"take_profit": {LADDER}, "trailing_pct": 1, "trail_after": 9', "trail_after", "only 3"),
        (
            '"tp_pct": 2, "trailing_pct": 1, "trail_after": 1',
            "trail_after",
            "nothing of the position is left",
        ),
        (f'"take_profit": {LADDER}, "trailing_pct": 1, "trail_after": 0.5', "trail_after", "whole number"),
        (f'"take_profit": {LADDER}, "trailing_pct": 1, "trail_after": false', "trail_after", "true/false"),
    ],
)
def test_a_bad_trail_after_names_the_field(extra: str, field: str, words: str) -> None:
    refused = refusal(extra)
    assert (refused.field, words in refused.message) == (field, True), refused.message


@pytest.mark.parametrize(
    "head",
    [
        '"action": "close", "ticker": "BTCUSDT"',
        '"action": "sell", "ticker": "BTCUSDT", "quantity": 1, "reduce_only": true',
        '"market_position": "flat", "ticker": "BTCUSDT", "quantity": 0',
    ],
)
def test_only_an_entry_or_an_update_carries_a_ladder(head: str) -> None:
    refused = refusal(f'"take_profit": {LADDER}', head)
    assert (refused.field, "opens a position" in refused.message) == ("take_profit", True)


def test_a_target_and_a_limit_entry_carry_a_ladder() -> None:
    target = parse(
        f'"take_profit": {LADDER}, "breakeven_after": 1',
        '"market_position": "short", "ticker": "BTCUSDT", "quantity": 0.02',
    )
    assert len(target.take_profits) == 3
    limit = parse(f'"take_profit": {LADDER}, "order_type": "limit", "price": 50000')
    assert limit.take_profits == target.take_profits
