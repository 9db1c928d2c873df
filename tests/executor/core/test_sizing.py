"""One sizing path: price, leverage, raw quantity, rounding, minimums, risk, the reported Sizing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import ErrorClass
from executor.core.engine import ExecutionEngine
from executor.core.model import Action, MarketPosition, OrderType, Outcome, SizeKind, Venue
from executor.core.risk import RiskLimits
from tests.conftest import make_signal
from tests.support.fake_venue import FakeVenue

D = Decimal


def run(venue: FakeVenue, *, risk: RiskLimits | None = None, **fields: object):
    engine = ExecutionEngine({(Venue.BINANCE, "default"): venue}, risk=risk)
    fields.setdefault("venue", Venue.BINANCE)
    return engine.execute(make_signal(**fields))  # type: ignore[arg-type]


def test_margin_is_sized_at_the_venue_leverage_and_rounded_down() -> None:
    venue = FakeVenue()
    result = run(venue, size=(SizeKind.BALANCE, "100"))  # 100 x 10 / 60000 = 0.01666..
    assert result.outcome is Outcome.EXECUTED, result.error
    assert result.sizing is not None
    assert (result.sizing.quantity, result.sizing.leverage, result.sizing.margin) == (D("0.016"), 10, D("96"))
    assert venue.placed[0].quantity == D("0.016")


def test_a_signal_leverage_is_set_before_sizing() -> None:
    venue = FakeVenue()
    result = run(venue, size=(SizeKind.BALANCE_PCT, "10"), leverage=20)  # 1000 x 20 / 60000
    assert result.sizing is not None and result.sizing.quantity == D("0.333")
    assert venue.lev == 20 and venue.calls["set_leverage"] == 1


def test_a_quantity_asks_the_venue_for_nothing_but_the_order() -> None:
    venue = FakeVenue()
    run(venue, size=(SizeKind.QUANTITY, "0.01"))
    assert set(venue.calls) <= {"rules", "place_order"}


@pytest.mark.parametrize("market_position", [None, MarketPosition.LONG], ids=["action", "target"])
def test_below_the_minimum_quantity_is_refused_naming_the_rule(
    market_position: MarketPosition | None,
) -> None:
    venue = FakeVenue()
    result = run(venue, size=(SizeKind.QUANTITY, "0.0009"), market_position=market_position)
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.BELOW_MINIMUM
    assert result.error.message == (
        "quantity 0.0009 rounds down to 0 at step 0.001, below the venue's minimum quantity "
        "(LOT_SIZE.minQty = 0.001)"
    )
    assert venue.placed == []


def test_a_target_move_below_the_minimum_is_left_out_and_said() -> None:
    venue = FakeVenue()
    venue.hold("0.010")
    # 66 USDT x 10 / 60000 = 0.011: a move of 0.001, 60 USDT, under the 100 minimum.
    result = run(venue, size=(SizeKind.BALANCE, "66"), market_position=MarketPosition.LONG)
    assert result.outcome is Outcome.EXECUTED and result.orders == ()
    assert result.note == (
        "the move of 0.001 toward the target is not traded: order notional 60 is below the "
        "venue's minimum (MIN_NOTIONAL.notional = 100); nothing to trade"
    )
    assert venue.placed == []


def test_a_target_already_met_says_so() -> None:
    venue = FakeVenue()
    venue.hold("0.010")
    result = run(venue, size=(SizeKind.QUANTITY, "0.0104"), market_position=MarketPosition.LONG)
    assert result.note == "BTCUSDT is already at the target position; nothing to trade"


def test_a_close_by_position_pct_rounds_down_and_never_exceeds_the_position() -> None:
    venue = FakeVenue()
    venue.hold("0.015")
    half = run(venue, action=Action.CLOSE, size=(SizeKind.POSITION_PCT, "50"))
    assert half.sizing is not None and half.sizing.quantity == D("0.007")
    everything = run(venue, action=Action.CLOSE, signal_id="all", size=(SizeKind.QUANTITY, "5"))
    assert everything.sizing is not None and everything.sizing.quantity == D("0.008")
    assert venue.held[venue.placed[-1].position_side] == 0


def test_position_pct_does_not_size_an_entry_nor_a_target() -> None:
    entry = run(FakeVenue(), size=(SizeKind.POSITION_PCT, "50"))
    target = run(FakeVenue(), size=(SizeKind.POSITION_PCT, "50"), market_position=MarketPosition.LONG)
    assert entry.error is not None and "position_pct sizes only close actions" in entry.error.message
    assert (
        target.error is not None and target.error.message == "a target is a position size, not position_pct"
    )


def test_a_limit_price_that_rounds_to_zero_is_refused() -> None:
    result = run(FakeVenue(), order_type=OrderType.LIMIT, price=D("0.04"))
    assert result.error is not None and result.error.error_class is ErrorClass.PRECISION


def test_size_limits_bind_what_opens_not_what_closes() -> None:
    limits = RiskLimits(max_order_notional=D("500"))
    venue = FakeVenue()
    venue.hold("0.05")
    entry = run(venue, risk=limits, size=(SizeKind.QUANTITY, "0.01"))  # 600 notional
    assert entry.error is not None and "RISK_MAX_ORDER_NOTIONAL" in entry.error.message
    close = run(venue, risk=limits, action=Action.CLOSE, signal_id="out", size=None)  # 3,000 notional
    assert close.outcome is Outcome.EXECUTED, close.error


def test_the_position_limit_counts_the_position_a_signal_leaves() -> None:
    limits = RiskLimits(max_position_notional=D("1000"))
    venue = FakeVenue()
    venue.hold("0.015")  # 900
    add = run(venue, risk=limits, size=(SizeKind.QUANTITY, "0.002"))  # to 1,020
    assert add.error is not None and "position would be 1020" in add.error.message
    target = run(
        venue,
        risk=limits,
        signal_id="t",
        size=(SizeKind.QUANTITY, "0.02"),
        market_position=MarketPosition.LONG,
    )
    assert target.error is not None and "position would be 1200" in target.error.message
