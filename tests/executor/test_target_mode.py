"""Target mode, on both venues: a signal says where the position should be; only the
difference is traded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from executor.core.model import Action, MarketPosition, Outcome, SizeKind
from tests.executor.conftest import VenueRig

LONG, SHORT, FLAT = MarketPosition.LONG, MarketPosition.SHORT, MarketPosition.FLAT


def target(rig: VenueRig, n: int, want: MarketPosition, qty: str | None) -> Any:
    size = (SizeKind.QUANTITY, qty) if qty else None
    action = {LONG: Action.BUY, SHORT: Action.SELL, FLAT: Action.CLOSE}[want]
    result = rig.engine.execute(rig.signal(action, signal_id=f"t{n}", size=size, market_position=want))
    assert result.outcome is Outcome.EXECUTED, result.error
    return result


def orders(rig: VenueRig) -> list[tuple[str, str, str, bool]]:
    return [(o["side"], o["position_side"], o["quantity"], o["reduce_only"]) for o in rig.orders()]


def position(rig: VenueRig) -> list[tuple[str, str]]:
    return sorted((p["side"], p["quantity"]) for p in rig.positions())


def test_one_way_life_of_a_strategy(rig: VenueRig) -> None:
    target(rig, 1, LONG, "0.02")  # flat -> long
    dup = target(rig, 2, LONG, "0.02")  # the same alert again: nothing to do
    assert dup.orders == () and "already at the target" in dup.note
    target(rig, 3, LONG, "0.01")  # scale out: reduce-only
    target(rig, 4, SHORT, "0.01")  # flip through zero in one order
    target(rig, 5, FLAT, None)  # out, reduce-only
    assert orders(rig) == [
        ("BUY", "BOTH", "0.02", False),
        ("SELL", "BOTH", "0.01", True),
        ("SELL", "BOTH", "0.02", False),
        ("BUY", "BOTH", "0.01", True),
    ]
    assert position(rig) == []


def test_a_missed_alert_is_caught_up(rig: VenueRig) -> None:
    # The strategy went long 0.01 then added 0.02; the first alert never arrived.
    target(rig, 1, LONG, "0.03")
    assert position(rig) == [("BOTH", "0.03")]
    flat = target(rig, 2, FLAT, None)
    at_step = Decimal("0.03").quantize(rig.profile.btc_step)  # 0.0300 on BingX, 0.030 on Binance
    assert [str(o.quantity) for o in flat.orders] == [str(at_step)]
    assert target(rig, 3, FLAT, None).orders == ()  # flat again: nothing


def test_differences_below_the_venue_minimum_are_already_in_step(rig: VenueRig) -> None:
    target(rig, 1, LONG, "0.0200")
    near = target(rig, 2, LONG, "0.02004")  # 0.00004 BTC: below step and minimum
    assert near.orders == ()


def test_hedge_mode_moves_each_side_separately(rig: VenueRig) -> None:
    rig.account.hedge_mode = True
    target(rig, 1, LONG, "0.02")
    target(rig, 2, SHORT, "0.01")
    assert orders(rig) == [
        ("BUY", "LONG", "0.02", False),
        ("SELL", "LONG", "0.02", False),  # hedge mode closes by position side, not reduceOnly
        ("SELL", "SHORT", "0.01", False),
    ]
    assert position(rig) == [("SHORT", "0.01")]


def test_target_redelivery_finds_its_orders(rig: VenueRig) -> None:
    first = target(rig, 1, LONG, "0.02")
    again = rig.engine_on().execute(
        rig.signal(Action.BUY, signal_id="t1", size=(SizeKind.QUANTITY, "0.02"), market_position=LONG),
        attempt=2,
    )
    assert [o.order_id for o in again.orders] == [o.order_id for o in first.orders]
    assert len(orders(rig)) == 1


def test_margin_sized_target(rig: VenueRig) -> None:
    # 100 USDT margin x 10 / 60000 = 0.01666.. BTC target, floored to the venue's step
    result = rig.engine.execute(
        rig.signal(Action.BUY, signal_id="m", size=(SizeKind.BALANCE, "100"), market_position=LONG)
    )
    assert result.sizing is not None and str(result.sizing.quantity) == str(rig.profile.qty_for_100_usdt)
    assert position(rig) == [("BOTH", str(rig.profile.qty_for_100_usdt))]
