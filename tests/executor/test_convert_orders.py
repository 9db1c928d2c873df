"""An order of a journalled answer, handed back by the gateway, reads as the executor wrote it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import TvbridgeError
from executor import convert
from executor.core.model import OrderPurpose, OrderReport, OrderStatus, OrderType, PositionSide, Side, Venue
from tvbridge.executor.v1 import executor_pb2 as pb

STOP = OrderReport(
    venue=Venue.BINANCE,
    venue_symbol="BTCUSDT",
    order_id="1796000000000000001",
    client_order_id="tvb0123",
    side=Side.SELL,
    position_side=PositionSide.LONG,
    order_type=OrderType.MARKET,
    quantity=Decimal("0.010"),
    price=None,
    avg_price=None,
    status=OrderStatus.NEW,
    reduce_only=False,
    purpose=OrderPurpose.STOP_LOSS,
    trigger_price=Decimal("58800.0"),
)


def test_an_order_comes_back_as_it_left() -> None:
    assert convert.order_from_pb(convert.order_to_pb(STOP)) == STOP


def test_an_order_without_a_venue_is_refused() -> None:
    with pytest.raises(TvbridgeError, match="venue"):
        convert.order_from_pb(pb.Order(order_id="1"))
