"""An action and a target that ask for the same order are sized by the same rule, on both venues."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import ErrorClass
from executor.core.engine import ExecutionEngine
from executor.core.model import Action, MarketPosition, OrderType, Outcome, SizeKind, Venue
from executor.core.ports import VenueAdapter
from tests.conftest import make_signal
from tests.executor.test_engine_bingx import sim_orders
from tests.support.inproc import RunningSimulator

# Below each venue's minimum notional at 49,000: Binance's BTCUSDT needs 100 USDT
# (MIN_NOTIONAL.notional), BingX's BTC-USDT 5 (tradeMinUSDT).
TOO_SMALL = {
    Venue.BINANCE: ("0.002", "MIN_NOTIONAL.notional = 100"),
    Venue.BINGX: ("0.0001", "tradeMinUSDT = 5"),
}


@pytest.mark.parametrize("as_target", [False, True], ids=["action", "target"])
def test_an_order_below_the_minimum_notional_is_refused_as_action_and_as_target(
    venue_engine: tuple[Venue, VenueAdapter, ExecutionEngine], simulator: RunningSimulator, as_target: bool
) -> None:
    venue, _, engine = venue_engine
    quantity, rule = TOO_SMALL[venue]
    signal = make_signal(
        Action.BUY,
        venue=venue,
        size=(SizeKind.QUANTITY, quantity),
        order_type=OrderType.LIMIT,
        price=Decimal("49000"),
        market_position=MarketPosition.LONG if as_target else None,
    )
    result = engine.execute(signal)
    assert result.outcome is Outcome.REJECTED, result.note
    assert result.error is not None and result.error.error_class is ErrorClass.BELOW_MINIMUM
    assert rule in result.error.message
    assert sim_orders(simulator) == []


def test_a_target_refuses_a_limit_without_a_price_as_an_action_does(
    venue_engine: tuple[Venue, VenueAdapter, ExecutionEngine], simulator: RunningSimulator
) -> None:
    venue, _, engine = venue_engine
    for as_target in (False, True):
        signal = make_signal(
            Action.BUY,
            signal_id=f"no-price-{as_target}",
            venue=venue,
            size=(SizeKind.QUANTITY, "0.01"),
            order_type=OrderType.LIMIT,
            market_position=MarketPosition.LONG if as_target else None,
        )
        result = engine.execute(signal)
        assert result.outcome is Outcome.REJECTED
        assert result.error is not None and result.error.message == "a limit order needs a price"
    assert sim_orders(simulator) == []
