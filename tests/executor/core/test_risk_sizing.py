"""Sizing by risk: the stop being hit loses the amount asked, the taker fee counted on both legs,
rounded down to the step; and every way a risk size cannot be measured is refused up front."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import ErrorClass
from executor.core.engine import ExecutionEngine
from executor.core.model import Action, ExecutionResult, MarketPosition, OrderType, Outcome, SizeKind, Venue
from executor.core.ports import ProtectionKind
from tests.conftest import make_signal
from tests.support.fake_venue import FakeVenue

D = Decimal


def run(venue: FakeVenue, action: Action = Action.BUY, **fields: object) -> ExecutionResult:
    engine = ExecutionEngine({(Venue.BINANCE, "default"): venue})
    fields.setdefault("venue", Venue.BINANCE)
    return engine.execute(make_signal(action, **fields))  # type: ignore[arg-type]


def test_a_long_loses_the_amount_at_its_stop_fees_on_both_legs_counted() -> None:
    venue = FakeVenue()  # last price 60000, taker fee 0.05 %
    result = run(venue, size=(SizeKind.RISK_USDT, "100"), stop_loss=D("58800"))
    assert result.outcome is Outcome.EXECUTED, result.error
    # Per unit: 1200 to the stop, plus 0.0005 x (60000 + 58800) = 59.4 in fees; 100 / 1259.4.
    assert venue.placed[0].quantity == D("0.079")
    sizing = result.sizing
    assert sizing is not None
    assert (sizing.risk_stop, sizing.fee_rate, sizing.risk) == (D("58800"), D("0.0005"), D("99.4926"))
    assert venue.calls["taker_fee"] == 1


def test_risk_pct_is_a_share_of_equity_and_sl_pct_is_measured_from_the_entry_price() -> None:
    venue = FakeVenue()  # equity 12000: 1 % is 120
    result = run(venue, size=(SizeKind.RISK_PCT, "1"), sl_pct=D("2"))
    assert result.outcome is Outcome.EXECUTED, result.error
    assert result.sizing is not None and result.sizing.risk_stop == D("58800")
    assert venue.placed[0].quantity == D("0.095")  # 120 / 1259.4 = 0.0952..
    assert result.sizing.risk is not None and result.sizing.risk <= D("120")
    assert venue.calls["equity"] == 1


def test_a_short_is_sized_against_a_stop_above_the_entry() -> None:
    venue = FakeVenue()
    result = run(venue, Action.SELL, size=(SizeKind.RISK_USDT, "126.06"), stop_loss=D("61200"))
    assert result.outcome is Outcome.EXECUTED, result.error
    # Per unit: 1200 + 0.0005 x (60000 + 61200) = 1260.6.
    assert venue.placed[0].quantity == D("0.1")
    assert result.sizing is not None and result.sizing.risk == D("126.06")


def test_a_limit_entry_is_sized_from_its_own_price() -> None:
    venue = FakeVenue()
    venue.attaches_protection = True  # a resting limit carries its stop on this venue
    result = run(
        venue,
        size=(SizeKind.RISK_USDT, "100"),
        order_type=OrderType.LIMIT,
        price=D("50000"),
        sl_pct=D("1"),
    )
    assert result.outcome is Outcome.EXECUTED, result.error
    # Stop 49500; per unit 500 + 0.0005 x 99500 = 549.75; 100 / 549.75 = 0.1818..
    assert result.sizing is not None and result.sizing.risk_stop == D("49500")
    assert venue.placed[0].quantity == D("0.181")
    assert venue.calls["price"] == 0


def test_the_stop_placed_is_the_stop_sized_against() -> None:
    venue = FakeVenue()
    result = run(venue, size=(SizeKind.RISK_USDT, "100"), stop_loss=D("58800"))
    stops = [r for r, _ in venue.protections.values() if r.kind is ProtectionKind.STOP_LOSS]
    assert [s.trigger_price for s in stops] == [D("58800")]
    assert [s.quantity for s in stops] == [venue.placed[0].quantity]
    assert result.sizing is not None and result.sizing.risk_stop == D("58800")


@pytest.mark.parametrize(
    ("action", "fields", "words"),
    [
        (Action.BUY, {"stop_loss": D("61000")}, "a long's stop-loss must be below the entry price 60000"),
        (Action.SELL, {"stop_loss": D("59000")}, "a short's stop-loss must be above the entry price 60000"),
        (Action.BUY, {}, "sizing by risk needs a stop"),
        (Action.BUY, {"take_profit": D("65000")}, "sizing by risk needs a stop"),
        (Action.CLOSE, {}, "risk_usdt sizes an entry by its stop"),
    ],
    ids=["long-stop-above", "short-stop-below", "no-stop", "take-profit-only", "close"],
)
def test_a_risk_size_that_cannot_be_measured_is_refused_and_nothing_placed(
    action: Action, fields: dict[str, object], words: str
) -> None:
    venue = FakeVenue()
    venue.hold("0.01")
    result = run(venue, action, size=(SizeKind.RISK_USDT, "100"), **fields)
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.INVALID_SIGNAL
    assert words in result.error.message
    assert venue.placed == [] and venue.protections == {}


def test_an_account_without_equity_is_refused_naming_it() -> None:
    venue = FakeVenue()
    venue.equity_value = D("0")
    result = run(venue, size=(SizeKind.RISK_PCT, "1"), sl_pct=D("2"))
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.INSUFFICIENT_MARGIN
    assert "equity" in result.error.message
    assert venue.placed == []


def test_a_target_sized_by_risk_holds_that_risk() -> None:
    venue = FakeVenue()
    result = run(
        venue, size=(SizeKind.RISK_USDT, "100"), market_position=MarketPosition.LONG, stop_loss=D("58800")
    )
    assert result.outcome is Outcome.EXECUTED, result.error
    assert venue.placed[0].quantity == D("0.079")


def test_test_signals_report_the_risk_and_place_nothing() -> None:
    venue = FakeVenue()
    result = run(venue, size=(SizeKind.RISK_PCT, "1"), sl_pct=D("2"), test=True)
    assert result.outcome is Outcome.EXECUTED and result.test
    assert result.sizing is not None and result.sizing.quantity == D("0.095")
    assert result.sizing.risk is not None and D("119") < result.sizing.risk <= D("120")
    assert venue.placed == []
