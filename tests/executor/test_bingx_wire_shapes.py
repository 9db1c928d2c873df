"""BingX's wire shapes that a naive reader gets wrong: 19-digit order ids above 2**53 (kept as
exact strings, REST and stream alike), SEPARATE_ISOLATED margin (isolated, never cross), and
one-way positions sent as BOTH with a signed amount."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from executor.core.events import AccountConfig, OrderUpdate, PositionUpdate
from executor.core.model import MarginMode, OrderType, PositionSide, Side, Venue
from executor.core.ports import OrderRequest
from executor.venues.bingx.events import signed_quantity
from executor.venues.bingx.margin import margin_mode
from tests.executor.conftest import VenueRig
from tests.simulator.user_streams import Bingx


@pytest.fixture
def bingx(rig: VenueRig) -> VenueRig:
    if rig.venue is not Venue.BINGX:
        pytest.skip("BingX only")
    return rig


def test_order_ids_are_exact_19_digit_strings_through_rest_and_stream(bingx: VenueRig) -> None:
    with Bingx(bingx.sim).stream() as events:
        placed = bingx.adapter.place_order(
            OrderRequest(
                "BTC-USDT",
                Side.BUY,
                PositionSide.BOTH,
                OrderType.LIMIT,
                Decimal("0.01"),
                "tvb-id",
                price=Decimal("50000"),
            )
        )
        [held] = bingx.account.orders.values()
        exact = str(held.order_id)
        assert held.order_id > 2**53 and len(exact) == 19
        assert placed.order_id == exact
        found = bingx.adapter.find_order("BTC-USDT", "tvb-id")
        assert found is not None and found.order_id == exact
        assert [o.order_id for o in bingx.adapter.open_orders("BTC-USDT")] == [exact]
        frame = events.next("ORDER_TRADE_UPDATE")
    reading = bingx.adapter.user_stream().read(json.dumps(frame))
    updates = [e for e in reading.events if isinstance(e, OrderUpdate)]
    assert [u.order_id for u in updates] == [exact]


def test_separate_isolated_reads_as_isolated_never_cross() -> None:
    assert margin_mode("SEPARATE_ISOLATED") is MarginMode.ISOLATED
    assert margin_mode("ISOLATED") is MarginMode.ISOLATED
    assert margin_mode("isolated") is MarginMode.ISOLATED
    assert margin_mode("CROSSED") is MarginMode.CROSS
    assert margin_mode("cross") is MarginMode.CROSS
    assert margin_mode("") is None


def test_an_account_in_separate_isolated_is_not_switched_again(
    bingx: VenueRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str]] = []
    real = bingx.adapter.client.signed

    def signed(method: str, path: str, params: dict[str, object] | None = None) -> object:
        asked.append((method, path))
        if path.endswith("/trade/marginType") and method == "GET":
            return {"marginType": "SEPARATE_ISOLATED"}  # the venue's recorded shape
        return real(method, path, params) if params is not None else real(method, path)

    monkeypatch.setattr(bingx.adapter.client, "signed", signed)
    assert bingx.adapter.margin_mode("BTC-USDT") is MarginMode.ISOLATED
    assert ("POST", "/openApi/swap/v2/trade/marginType") not in asked


def test_both_with_a_signed_amount_keeps_the_sign() -> None:
    assert signed_quantity(PositionSide.BOTH, Decimal("-0.5")) == Decimal("-0.5")
    assert signed_quantity(PositionSide.BOTH, Decimal("0.5")) == Decimal("0.5")
    assert signed_quantity(PositionSide.SHORT, Decimal("0.5")) == Decimal("-0.5")
    assert signed_quantity(PositionSide.LONG, Decimal("0.5")) == Decimal("0.5")


def test_rest_and_stream_positions_sent_as_both_with_a_negative_amount(
    bingx: VenueRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bingx.adapter.client.signed
    row = {
        "symbol": "BTC-USDT",
        "positionSide": "BOTH",
        "positionAmt": "-0.0100",
        "avgPrice": "60000",
        "isolated": True,
        "leverage": 10,
    }

    def signed(method: str, path: str, params: dict[str, object] | None = None) -> object:
        if path.endswith("/user/positions"):
            return [row]
        return real(method, path, params) if params is not None else real(method, path)

    monkeypatch.setattr(bingx.adapter.client, "signed", signed)
    [pos] = bingx.adapter.positions()
    assert (pos.position_side, pos.quantity, pos.margin_mode) == (
        PositionSide.BOTH,
        Decimal("-0.0100"),
        MarginMode.ISOLATED,
    )
    frame = {
        "e": "ACCOUNT_UPDATE",
        "E": 1736012449498,
        "a": {
            "m": "ORDER",
            "B": [],
            "P": [
                {
                    "s": "BTC-USDT",
                    "pa": "-0.01000000",
                    "ep": "60000.00000000",
                    "mt": "separate_isolated",
                    "ps": "BOTH",
                },
            ],
        },
    }
    reading = bingx.adapter.user_stream().read(json.dumps(frame))
    [update] = [e for e in reading.events if isinstance(e, PositionUpdate)]
    assert (update.position_side, update.quantity) == (PositionSide.BOTH, Decimal("-0.01"))
    config = {
        "e": "ACCOUNT_CONFIG_UPDATE",
        "E": 1,
        "ac": {"s": "BTC-USDT", "l": 5, "S": 5, "mt": "separate_isolated"},
    }
    [setting] = bingx.adapter.user_stream().read(json.dumps(config)).events
    assert isinstance(setting, AccountConfig) and setting.margin_mode is MarginMode.ISOLATED
