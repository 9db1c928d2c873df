"""Take-profit ladders: sizes on the step, the remainder, merging under the minimum, prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import ErrorClass, TvbridgeError
from common.ladder import after_problem, closes_all
from common.trading import TakeProfitLevel
from executor.core.ladder import breakeven, build, check_levels
from executor.core.ports import InstrumentRules

D = Decimal
RULES = InstrumentRules(
    "BTC-USDT", "BTC-USDT", D("0.001"), D("0.1"), D("0.001"), D("5"), "minQty", "minNotional"
)


def lv(size: str, *, price: str | None = None, pct: str | None = None) -> TakeProfitLevel:
    return TakeProfitLevel(D(size), D(price) if price else None, D(pct) if pct else None)


def shape(rungs: list) -> list[tuple[tuple[int, ...], str, str]]:  # type: ignore[type-arg]
    return [(r.numbers, str(r.trigger_price), str(r.quantity)) for r in rungs]


def test_shares_of_the_entry_on_the_step_with_prices_and_percents_from_the_fill() -> None:
    levels = (lv("50", price="62000"), lv("30", pct="6"), lv("20", pct="10"))
    rungs, notes = build(levels, D("0.010"), D("60000"), True, RULES)
    assert shape(rungs) == [
        ((1,), "62000.0", "0.005"),
        ((2,), "63600.0", "0.003"),
        ((3,), "66000.0", "0.002"),
    ]
    assert notes == []


def test_a_short_measures_percents_downward() -> None:
    rungs, _ = build((lv("50", pct="2"), lv("50", pct="4")), D("0.010"), D("60000"), False, RULES)
    assert shape(rungs) == [((1,), "58800.0", "0.005"), ((2,), "57600.0", "0.005")]


def test_the_rounding_remainder_goes_to_the_last_level_when_the_shares_make_the_whole() -> None:
    levels = (lv("33.33", pct="1"), lv("33.33", pct="2"), lv("33.34", pct="3"))
    rungs, _ = build(levels, D("0.011"), D("60000"), True, RULES)
    assert [str(r.quantity) for r in rungs] == ["0.003", "0.003", "0.005"]
    assert sum(r.quantity for r in rungs) == D("0.011")


def test_shares_below_the_whole_leave_a_runner() -> None:
    rungs, _ = build((lv("50", pct="1"), lv("30", pct="2")), D("0.010"), D("60000"), True, RULES)
    assert [str(r.quantity) for r in rungs] == ["0.005", "0.003"]  # 0.002 left for the stop or the trail


def test_a_level_under_the_minimum_is_merged_into_the_next_and_the_note_says_so() -> None:
    levels = (lv("10", pct="1"), lv("45", pct="2"), lv("45", pct="3"))
    rungs, notes = build(levels, D("0.004"), D("60000"), True, RULES)
    assert shape(rungs) == [((1, 2), "61200.0", "0.001"), ((3,), "61800.0", "0.003")]
    assert rungs[0].number == 2
    assert notes == [
        "take-profit 1's share (0) is below BTC-USDT's minimum (0.001, 5 notional): merged into take-profit 2"
    ]


def test_the_last_level_under_the_minimum_is_merged_into_the_one_before() -> None:
    rungs, notes = build((lv("90", pct="1"), lv("5", pct="2")), D("0.010"), D("60000"), True, RULES)
    assert shape(rungs) == [((1, 2), "60600.0", "0.009")]
    assert notes == [
        "take-profit 2's share (0) is below BTC-USDT's minimum (0.001, 5 notional): merged into take-profit 1"
    ]


def test_a_ladder_too_small_for_any_order_is_refused() -> None:
    with pytest.raises(TvbridgeError) as caught:
        build((lv("50", pct="1"),), D("0.001"), D("60000"), True, RULES)
    assert caught.value.error_class is ErrorClass.BELOW_MINIMUM


@pytest.mark.parametrize(
    ("levels", "words"),
    [
        (tuple(lv("5", pct=str(i)) for i in range(1, 12)), "at most 10"),
        ((lv("60", pct="1"), lv("50", pct="2")), "add up to 110 %, more than the whole entry"),
        ((TakeProfitLevel(D("50"), D("1"), D("2")),), "exactly one"),
        ((lv("0", pct="1"),), "size_pct must be above 0"),
    ],
)
def test_a_bad_ladder_is_refused_naming_the_level(levels: tuple[TakeProfitLevel, ...], words: str) -> None:
    with pytest.raises(TvbridgeError) as caught:
        check_levels(levels)
    assert caught.value.error_class is ErrorClass.INVALID_SIGNAL
    assert words in caught.value.message


def test_after_n_must_leave_something_after_take_profit_n() -> None:
    whole = closes_all((lv("50", pct="1"), lv("50", pct="2")))
    assert whole and not closes_all((lv("50", pct="1"),))
    assert after_problem(1, 2, whole) == ""
    assert "the last, nothing of the position is left" in after_problem(2, 2, whole)
    assert after_problem(2, 2, False) == ""  # a runner stays after the last level
    assert "is 3, but there are only 2" in after_problem(3, 2, whole)
    assert "give take_profit as a list" in after_problem(1, 0, True)


def test_break_even_moves_the_profit_way_by_the_offset() -> None:
    assert breakeven(D("60000"), None, True, RULES) == D("60000.0")
    assert breakeven(D("60000"), D("0.1"), True, RULES) == D("60060.0")
    assert breakeven(D("60000"), D("0.1"), False, RULES) == D("59940.0")
