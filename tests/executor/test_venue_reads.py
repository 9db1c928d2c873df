"""The REST reads the position keeper reconciles with, on both venues against the simulator:
open orders (plain and conditional), and cancelling either kind, an order already gone too."""

from __future__ import annotations

from decimal import Decimal

from executor.core.events import OrderKind
from executor.core.model import OrderStatus, OrderType, PositionSide, Side
from executor.core.ports import OrderRequest, ProtectionKind, ProtectionRequest
from tests.executor.conftest import VenueRig

QTY = Decimal("0.01")


def resting_orders(rig: VenueRig) -> tuple[str, str]:
    """A long with a stop-loss, and a limit buy below the price: (limit id, stop id)."""
    btc = rig.profile.btc
    rig.adapter.place_order(
        OrderRequest(btc, Side.BUY, PositionSide.BOTH, OrderType.MARKET, QTY, "tvb-entry")
    )
    limit = rig.adapter.place_order(
        OrderRequest(
            btc, Side.BUY, PositionSide.BOTH, OrderType.LIMIT, QTY, "tvb-limit", price=Decimal("50000")
        )
    )
    stop = rig.adapter.place_protection(
        ProtectionRequest(
            btc, ProtectionKind.STOP_LOSS, Side.SELL, PositionSide.BOTH, QTY, Decimal("55000"), "tvb-sl"
        )
    )
    return limit.order_id, stop.order_id


def test_open_orders_lists_plain_and_conditional_orders(rig: VenueRig) -> None:
    limit_id, stop_id = resting_orders(rig)
    listed = {o.order_id: o for o in rig.adapter.open_orders()}
    assert set(listed) == {limit_id, stop_id}
    limit, stop = listed[limit_id], listed[stop_id]
    assert (limit.kind, limit.client_order_id, limit.status) == (
        OrderKind.LIMIT,
        "tvb-limit",
        OrderStatus.NEW,
    )
    assert limit.quantity == QTY and limit.filled == 0 and limit.side is Side.BUY
    # BingX keeps a client id only on LIMIT and MARKET orders (docs/venues/bingx.md 5.8).
    assert (stop.kind, stop.client_order_id, stop.status) == (
        OrderKind.STOP_MARKET,
        "tvb-sl" if rig.adapter.trigger_client_ids else "",
        OrderStatus.NEW,
    )
    assert stop.kind.protective and stop.side is Side.SELL and stop.where.symbol == "BTC-USDT"
    assert [o.order_id for o in rig.adapter.open_orders(rig.profile.btc)] == [o for o in listed]
    assert rig.adapter.open_orders("ETH-USDT" if rig.profile.btc == "BTC-USDT" else "ETHUSDT") == []


def test_cancel_order_takes_either_kind_and_an_order_already_gone(rig: VenueRig) -> None:
    resting_orders(rig)
    orders = rig.adapter.open_orders(rig.profile.btc)
    for order in orders:
        rig.adapter.cancel_order(rig.profile.btc, order)
    assert rig.adapter.open_orders() == []
    for order in orders:  # already gone: not an error
        rig.adapter.cancel_order(rig.profile.btc, order)
