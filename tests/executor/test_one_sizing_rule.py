"""An action and a target that ask for the same order are sized by the same rule, on both venues."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import ErrorClass
from executor.core.model import Action, MarketPosition, OrderType, Outcome, SizeKind
from tests.executor.conftest import VenueRig


@pytest.mark.parametrize("as_target", [False, True], ids=["action", "target"])
def test_an_order_below_the_minimum_notional_is_refused_as_action_and_as_target(
    rig: VenueRig, as_target: bool
) -> None:
    # Below each venue's minimum notional at 49,000: Binance's BTCUSDT needs 100 USDT
    # (MIN_NOTIONAL.notional), BingX's BTC-USDT 5 (tradeMinUSDT).
    case = rig.profile.btc_below_min_notional
    signal = rig.signal(
        Action.BUY,
        symbol=case.symbol,
        size=(SizeKind.QUANTITY, case.quantity),
        order_type=OrderType.LIMIT,
        price=Decimal("49000"),
        market_position=MarketPosition.LONG if as_target else None,
    )
    result = rig.engine.execute(signal)
    assert result.outcome is Outcome.REJECTED, result.note
    assert result.error is not None and result.error.error_class is ErrorClass.BELOW_MINIMUM
    assert case.says in result.error.message
    assert rig.orders() == []


def test_a_target_refuses_a_limit_without_a_price_as_an_action_does(rig: VenueRig) -> None:
    for as_target in (False, True):
        signal = rig.signal(
            Action.BUY,
            signal_id=f"no-price-{as_target}",
            size=(SizeKind.QUANTITY, "0.01"),
            order_type=OrderType.LIMIT,
            market_position=MarketPosition.LONG if as_target else None,
        )
        result = rig.engine.execute(signal)
        assert result.outcome is Outcome.REJECTED
        assert result.error is not None and result.error.message == "a limit order needs a price"
    assert rig.orders() == []
