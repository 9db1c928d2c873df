"""Trailing stops on both venues against the simulator over HTTP, in each venue's own params
(Binance: algo TRAILING_STOP_MARKET, callbackRate in percent, activatePrice; BingX:
TRAILING_STOP_MARKET, priceRate a fraction, activationPrice): placed after the fill for the
entry's quantity, closing the position once the price comes back by the callback from its best;
found once after a lost answer or a redelivery; each venue's refusals classified."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from common.errors import ErrorClass, TvbridgeError
from executor.core.legs import client_order_id, protection_tag
from executor.core.model import Action, Outcome, PositionSide, Side, Venue
from executor.core.ports import OpenProtection, ProtectionKind, ProtectionRequest
from executor.venues.binance import endpoints as binance_paths
from executor.venues.bingx import endpoints as bingx_paths
from tests.executor.conftest import VenueRig

ONE, TWO = Decimal(1), Decimal(2)
TRAIL_POST: dict[Venue, dict[str, Any]] = {
    Venue.BINGX: {"path": bingx_paths.ORDER, "query": {"type": "TRAILING_STOP_MARKET"}},
    Venue.BINANCE: {"path": binance_paths.ALGO_ORDER},
}


def trails(rig: VenueRig) -> list[OpenProtection]:
    return [
        o for o in rig.adapter.open_protections(rig.profile.btc) if o.order_type == "TRAILING_STOP_MARKET"
    ]


def walk(rig: VenueRig, *prices: str) -> None:
    for price in prices:
        rig.set_price("BTC-USDT", price)


def test_a_long_trail_activates_follows_the_high_and_closes_on_the_callback(rig: VenueRig) -> None:
    result = rig.engine.execute(rig.signal(trailing_pct=ONE, trailing_activation_pct=TWO))
    assert result.outcome is Outcome.EXECUTED and result.note == "", result.error
    [trail] = trails(rig)
    assert (trail.side, trail.position_side, trail.quantity) == (
        Side.SELL,
        PositionSide.BOTH,
        Decimal("0.01"),
    )
    assert (trail.activation_price, trail.callback_pct) == (Decimal("61200"), ONE)
    assert result.orders[-1].order_id == trail.order_id
    walk(rig, "61000", "61200", "62000", "63000", "62400")  # 63000 x 0.99 = 62370: not yet
    assert rig.held() == Decimal("0.01")
    walk(rig, "62300")
    assert rig.held() == 0 and trails(rig) == []


def test_a_hedge_short_trail_follows_the_low(rig: VenueRig) -> None:
    rig.account.hedge_mode = True
    result = rig.engine.execute(rig.signal(Action.SELL, trailing_pct=ONE, trailing_activation_pct=TWO))
    assert result.note == "", result.error
    [trail] = trails(rig)
    assert (trail.side, trail.position_side, trail.activation_price) == (
        Side.BUY,
        PositionSide.SHORT,
        Decimal("58800"),
    )
    walk(rig, "58800", "57000", "57500")  # 57000 x 1.01 = 57570: not yet
    assert rig.held() == Decimal("0.01")  # the SHORT side's size
    walk(rig, "57600")
    assert rig.held() == 0 and trails(rig) == []


def test_a_trail_without_activation_starts_from_the_price_at_placement(rig: VenueRig) -> None:
    rig.engine.execute(rig.signal(trailing_pct=Decimal("0.5")))
    [trail] = trails(rig)
    assert trail.callback_pct == Decimal("0.5")
    walk(rig, "59750")  # 60000 x 0.995 = 59700: not yet
    assert rig.held() == Decimal("0.01")
    walk(rig, "59700")
    assert rig.held() == 0


def test_a_lost_answer_is_found_and_a_redelivery_places_no_second_trail(rig: VenueRig) -> None:
    slow = rig.new_adapter(read_timeout_s=0.5)
    slow.warm()
    try:
        rig.set_faults(
            {
                "kind": "timeout_after_accept",
                "count": 1,
                "hold_s": 2,
                "method": "POST",
                **TRAIL_POST[rig.venue],
            }
        )
        signal = rig.signal(trailing_pct=ONE, trailing_activation=Decimal("61000"))
        first = rig.engine_on(slow).execute(signal)
        assert first.outcome is Outcome.EXECUTED and first.note == "", first.error
        again = rig.engine_on(slow).execute(signal, attempt=2)
        assert again.note == "" and [o.purpose.value for o in again.orders] == ["entry", "trailing_stop"]
    finally:
        slow.close()
    [trail] = trails(rig)
    assert first.orders[-1].order_id == again.orders[-1].order_id == trail.order_id


@pytest.mark.parametrize(
    ("callback", "activation", "codes"),
    [
        ("25", None, {Venue.BINANCE: "-2007", Venue.BINGX: ""}),
        ("0.05", None, {Venue.BINANCE: "-2007", Venue.BINGX: "110415"}),
        ("95", None, {Venue.BINANCE: "-2007", Venue.BINGX: "110416"}),
        ("1", "59000", {Venue.BINANCE: "-2021", Venue.BINGX: "110419"}),
    ],
)
def test_the_venues_trailing_refusals_are_final(
    rig: VenueRig, callback: str, activation: str | None, codes: dict[Venue, str]
) -> None:
    rig.engine.execute(rig.signal())
    request = ProtectionRequest(
        venue_symbol=rig.profile.btc,
        kind=ProtectionKind.TRAILING_STOP,
        side=Side.SELL,
        position_side=PositionSide.BOTH,
        quantity=Decimal("0.01"),
        trigger_price=Decimal(activation) if activation else None,
        client_order_id=client_order_id(
            f"refused-{callback}", protection_tag(ProtectionKind.TRAILING_STOP, PositionSide.BOTH)
        ),
        callback_pct=Decimal(callback),
    )
    if not codes[rig.venue]:
        rig.adapter.place_protection(request)  # within BingX's 90 %
        return
    with pytest.raises(TvbridgeError) as caught:
        rig.adapter.place_protection(request)
    assert caught.value.venue_code == codes[rig.venue]
    assert caught.value.error_class is ErrorClass.VENUE_REJECTED and not caught.value.retryable
