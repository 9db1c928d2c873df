"""`"action": "update"` in the engine against the simulator: a test update places nothing and
lists what it would; an update with nothing open is refused; a ladder's take-profits are swapped."""

from __future__ import annotations

from decimal import Decimal

from common.errors import ErrorClass
from common.trading import TakeProfitLevel
from executor.core.model import Action, OrderPurpose, OrderStatus, Outcome, SizeKind
from tests.executor.conftest import VenueRig

D = Decimal


def test_a_test_update_lists_the_new_stop_and_moves_nothing(rig: VenueRig) -> None:
    opened = rig.engine.execute(rig.signal(size=(SizeKind.QUANTITY, "0.01"), stop_loss=D(55000)))
    assert opened.outcome is Outcome.EXECUTED, opened.error
    before = rig.adapter.open_protections(rig.profile.btc)
    result = rig.engine.execute(
        rig.signal(Action.UPDATE, size=None, signal_id="upd-test", stop_loss=D(58000), test=True)
    )
    assert result.outcome is Outcome.EXECUTED and result.test, result.error
    [stop] = result.orders
    assert (stop.status, stop.purpose, stop.trigger_price, stop.quantity) == (
        OrderStatus.PLANNED,
        OrderPurpose.STOP_LOSS,
        D(58000),
        D("0.01"),
    )
    assert rig.adapter.open_protections(rig.profile.btc) == before


def test_an_update_with_nothing_open_is_refused(rig: VenueRig) -> None:
    result = rig.engine.execute(
        rig.signal(Action.UPDATE, size=None, signal_id="upd-none", stop_loss=D(58000))
    )
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None and result.error.error_class is ErrorClass.NO_POSITION


def test_an_update_swaps_the_take_profits_for_a_ladder_and_keeps_the_stop(rig: VenueRig) -> None:
    opened = rig.engine.execute(
        rig.signal(size=(SizeKind.QUANTITY, "0.01"), stop_loss=D(55000), take_profit=D(70000))
    )
    assert opened.outcome is Outcome.EXECUTED, opened.error
    ladder = (TakeProfitLevel(D(50), price=D(62000)), TakeProfitLevel(D(50), price=D(64000)))
    result = rig.engine.execute(
        rig.signal(Action.UPDATE, size=None, signal_id="upd-ladder", take_profits=ladder)
    )
    assert result.outcome is Outcome.EXECUTED, result.error
    resting = rig.adapter.open_protections(rig.profile.btc)
    take_profits = sorted(
        (o.trigger_price, o.quantity) for o in resting if o.order_type == "TAKE_PROFIT_MARKET"
    )
    assert take_profits == [(D(62000), D("0.005")), (D(64000), D("0.005"))]
    assert [o.trigger_price for o in resting if o.order_type == "STOP_MARKET"] == [D(55000)]
