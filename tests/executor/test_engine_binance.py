"""What only Binance does, against the simulator over real HTTP: its client id pattern, its
refusal of excess precision, its -4116 on a client id an open order holds, MARKET_LOT_SIZE.

Scenarios that hold on both venues are in test_engine_venues.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi import FastAPI

from common.errors import ErrorClass, TvbridgeError
from executor.core.engine import ExecutionEngine
from executor.core.legs import client_order_id
from executor.core.model import OrderType, Outcome, PositionSide, Side, SizeKind, Venue
from executor.core.ports import OrderRequest
from executor.venues.binance.adapter import BinanceAdapter
from simulator.binance.api import build_router
from simulator.binance.instruments import Filters
from simulator.exchange import Exchange
from tests.conftest import make_signal
from tests.executor.conftest import BINANCE, VenueRig, on_venues
from tests.support.inproc import BINANCE_API_KEY, BINANCE_SECRET_KEY, serve_app
from tools.processes import free_port


def test_client_order_ids_fit_the_venue_pattern() -> None:
    cid = client_order_id("tv-signal/with:odd chars", "close-LONG")
    assert cid == client_order_id("tv-signal/with:odd chars", "close-LONG")
    assert cid != client_order_id("tv-signal/with:odd chars", "entry-LONG")
    assert len(cid) <= 36 and cid.isalnum()


@on_venues(BINANCE)
def test_excess_precision_sent_raw_is_refused(rig: VenueRig) -> None:
    # The engine floors it first (test_engine_venues.py); Binance refuses what was not floored,
    # unlike BingX which would truncate it.
    raw = OrderRequest(
        "BTCUSDT", Side.BUY, PositionSide.BOTH, OrderType.MARKET, Decimal("0.0129999"), "raw-1"
    )
    with pytest.raises(TvbridgeError) as caught:
        rig.adapter.place_order(raw)
    assert (caught.value.error_class, caught.value.venue_code) == (ErrorClass.PRECISION, "-1111")
    assert rig.orders() == []


@on_venues(BINANCE)
def test_duplicate_client_id_on_an_open_order_finds_it(rig: VenueRig) -> None:
    limit = rig.signal(order_type=OrderType.LIMIT, price=Decimal("59000"))
    first = rig.engine_on().execute(limit)
    # A first delivery to a restarted engine: the venue answers -4116, the engine asks it.
    again = rig.engine_on().execute(limit)
    assert again.outcome is Outcome.EXECUTED, again.error
    assert again.orders[0].order_id == first.orders[0].order_id
    assert len(rig.orders()) == 1


def test_market_lot_size_stricter_than_lot_size_wins() -> None:
    # A venue whose DOGEUSDT market orders step by 100 while limit orders step by 1.
    exchange = Exchange("binance", truncate_excess_precision=False)
    exchange.add_account(BINANCE_API_KEY, BINANCE_SECRET_KEY, Decimal(10000))
    d = Decimal
    app = FastAPI()
    app.include_router(
        build_router(
            exchange, filters={"DOGE-USDT": Filters(d(10**7), d(10**6), d("0.00001"), d(30), d(100), d(100))}
        )
    )
    port = free_port()
    with serve_app(app, port):
        adapter = BinanceAdapter("default", f"http://127.0.0.1:{port}", BINANCE_API_KEY, BINANCE_SECRET_KEY)
        adapter.warm()
        rules = adapter.rules("DOGE-USDT")
        assert (rules.qty_step, rules.min_qty, rules.min_qty_rule) == (
            d(100),
            d(100),
            "MARKET_LOT_SIZE.minQty",
        )
        result = ExecutionEngine({(Venue.BINANCE, "default"): adapter}).execute(
            make_signal(venue=Venue.BINANCE, symbol="DOGE-USDT", size=(SizeKind.QUANTITY, "1234"))
        )
        adapter.close()
    assert result.outcome is Outcome.EXECUTED, result.error
    assert result.orders[0].quantity == d(1200)
