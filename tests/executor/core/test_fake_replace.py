"""The in-memory venue's `replace_protection`, which the core's tests lean on: the new order
rests in the old one's place, a refusal leaves the old one, a lost answer has replaced it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import ErrorClass, TvbridgeError
from executor.core.model import PositionSide, Side
from executor.core.ports import ProtectionKind, ProtectionRequest
from tests.support.fake_venue import FakeVenue, lost_answer, refused


def stop(quantity: str, trigger: str, cid: str) -> ProtectionRequest:
    return ProtectionRequest(
        "BTCUSDT",
        ProtectionKind.STOP_LOSS,
        Side.SELL,
        PositionSide.BOTH,
        Decimal(quantity),
        Decimal(trigger),
        cid,
    )


def resting(venue: FakeVenue) -> list[tuple[str, Decimal, Decimal | None]]:
    return [(o.client_order_id, o.quantity, o.trigger_price) for o in venue.open_protections("BTCUSDT")]


def test_the_new_stop_rests_in_the_old_ones_place() -> None:
    venue = FakeVenue()
    venue.place_protection(stop("0.01", "59000", "sl-1"))
    (old,) = venue.open_protections("BTCUSDT")
    placed = venue.replace_protection(old, stop("0.005", "60000", "sl-2"))
    assert resting(venue) == [("sl-2", Decimal("0.005"), Decimal("60000"))]
    assert placed.order_id != old.order_id
    # One already gone is no error.
    venue.replace_protection(old, stop("0.005", "60100", "sl-3"))
    assert resting(venue) == [
        ("sl-2", Decimal("0.005"), Decimal("60000")),
        ("sl-3", Decimal("0.005"), Decimal("60100")),
    ]


def test_a_refused_replacement_leaves_the_old_stop_and_a_lost_answer_has_replaced_it() -> None:
    venue = FakeVenue()
    venue.place_protection(stop("0.01", "59000", "sl-1"))
    (old,) = venue.open_protections("BTCUSDT")
    venue.fail_next("replace_protection", refused(ErrorClass.VENUE_REJECTED, "would trigger", "-2021"))
    with pytest.raises(TvbridgeError):
        venue.replace_protection(old, stop("0.01", "61000", "sl-2"))
    assert resting(venue) == [("sl-1", Decimal("0.01"), Decimal("59000"))]
    venue.fail_next("replace_protection", lost_answer())
    with pytest.raises(TvbridgeError):
        venue.replace_protection(old, stop("0.01", "59500", "sl-3"))
    assert resting(venue) == [("sl-3", Decimal("0.01"), Decimal("59500"))]
    assert venue.calls["replace_protection"] == 2
