"""BingX's wire shapes that a naive reader gets wrong: 19-digit order ids above 2**53 (kept as
exact strings, REST and stream alike), SEPARATE_ISOLATED margin (isolated, never cross), and
one-way positions sent as BOTH with a signed amount."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import requests

from executor.core.events import AccountConfig, OrderUpdate, PositionUpdate
from executor.core.model import Action, MarginMode, OrderType, Outcome, PositionSide, Side, SizeKind, Venue
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


def spell(rig: VenueRig, **spellings: bool) -> None:
    resp = requests.put(
        f"{rig.sim.url}/_sim/spellings", json={"venue": "bingx", "spellings": spellings}, timeout=5
    )
    assert resp.status_code == 200, resp.text


def test_an_account_in_separate_isolated_is_not_switched_again(bingx: VenueRig) -> None:
    Bingx(bingx.sim).signed(
        "POST", "/openApi/swap/v2/trade/marginType", symbol="BTC-USDT", marginType="ISOLATED"
    )
    spell(bingx, separate_isolated=True)
    with Bingx(bingx.sim).stream() as events:
        assert bingx.adapter.margin_mode("BTC-USDT") is MarginMode.ISOLATED
        bingx.reset_requests()
        result = bingx.engine.execute(
            bingx.signal(size=(SizeKind.QUANTITY, "0.01"), margin_mode=MarginMode.ISOLATED)
        )
        assert result.outcome is Outcome.EXECUTED, result.error
        assert bingx.sent("POST", "/openApi/swap/v2/trade/marginType") == 0
        frame = events.next("ACCOUNT_UPDATE", where=lambda e: bool(e["a"]["P"]))
    [position] = frame["a"]["P"]
    assert position["mt"] == "separate_isolated"


def test_both_with_a_signed_amount_keeps_the_sign() -> None:
    assert signed_quantity(PositionSide.BOTH, Decimal("-0.5")) == Decimal("-0.5")
    assert signed_quantity(PositionSide.BOTH, Decimal("0.5")) == Decimal("0.5")
    assert signed_quantity(PositionSide.SHORT, Decimal("0.5")) == Decimal("-0.5")
    assert signed_quantity(PositionSide.LONG, Decimal("0.5")) == Decimal("0.5")


def test_rest_and_stream_positions_sent_as_both_with_a_negative_amount(bingx: VenueRig) -> None:
    spell(bingx, one_way_as_both=True, separate_isolated=True)
    with Bingx(bingx.sim).stream() as events:
        sold = bingx.engine.execute(bingx.signal(Action.SELL, size=(SizeKind.QUANTITY, "0.01")))
        assert sold.outcome is Outcome.EXECUTED, sold.error
        frame = events.next("ACCOUNT_UPDATE", where=lambda e: bool(e["a"]["P"]))
    [row] = frame["a"]["P"]
    assert (row["ps"], row["pa"]) == ("BOTH", "-0.01000000")
    [update] = [
        e for e in bingx.adapter.user_stream().read(json.dumps(frame)).events if isinstance(e, PositionUpdate)
    ]
    assert (update.position_side, update.quantity) == (PositionSide.BOTH, Decimal("-0.01"))
    [pos] = bingx.adapter.positions()
    assert (pos.position_side, pos.quantity) == (PositionSide.BOTH, Decimal("-0.0100"))
    # A close reads the short from the signed amount and buys it back, reduce-only.
    closed = bingx.engine.execute(bingx.signal(Action.CLOSE, signal_id="close-1", size=None))
    assert closed.outcome is Outcome.EXECUTED, closed.error
    [order] = closed.orders
    assert (order.side, order.quantity, order.reduce_only) == (Side.BUY, Decimal("0.01"), True)
    assert bingx.held() == 0


def test_a_margin_type_setting_event_in_separate_isolated_is_isolated(bingx: VenueRig) -> None:
    spell(bingx, separate_isolated=True)
    with Bingx(bingx.sim).stream() as events:
        Bingx(bingx.sim).signed(
            "POST", "/openApi/swap/v2/trade/marginType", symbol="BTC-USDT", marginType="SEPARATE_ISOLATED"
        )
        frame = events.next(
            "ACCOUNT_CONFIG_UPDATE", where=lambda e: e["ac"]["s"] == "BTC-USDT" and e["ac"]["mt"] != "cross"
        )
    assert frame["ac"]["mt"] == "separate_isolated"
    [setting] = bingx.adapter.user_stream().read(json.dumps(frame)).events
    assert isinstance(setting, AccountConfig) and setting.margin_mode is MarginMode.ISOLATED
    assert bingx.adapter.margin_mode("BTC-USDT") is MarginMode.ISOLATED
