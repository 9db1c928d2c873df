"""`/_sim` calls for what happens to a client from outside its own requests: the venue
liquidating a position, the owner closing one in the venue's app, and the user-data streams'
troubles (every connection dropped, a listen key expiring now). Tests and demo only.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from common.decimals import plain
from simulator import outside
from simulator.exchange import now_ms
from simulator.records import Account, Order, SimError
from simulator.venue import VenueFacade


class PositionCall(BaseModel):
    venue: str = "bingx"
    symbol: str  # as the control API spells it: BTC-USDT
    position_side: str = "BOTH"
    api_key_suffix: str | None = None  # one account; every account holding the position if None
    price: str | None = None  # a liquidation's fill price; the mark when None
    client_order_id: str | None = None  # an app close's id; the venue's own form when None


class StreamDrop(BaseModel):
    venue: str = "bingx"
    refuse_s: float = Field(0.0, ge=0, le=600)  # then refuse new connections this long


class KeyExpiry(BaseModel):
    venue: str = "bingx"
    listen_key: str | None = None  # every live key of the venue when None


def build_router(facades: dict[str, VenueFacade]) -> APIRouter:
    router = APIRouter(prefix="/_sim", include_in_schema=False)

    def facade(name: str) -> VenueFacade:
        found = facades.get(name)
        if found is None or found.streams is None or found.own_orders is None:
            raise HTTPException(404, f"no venue {name}")
        return found

    def holders(venue: VenueFacade, call: PositionCall) -> list[Account]:
        accounts = [
            a
            for a in venue.exchange.accounts.values()
            if (call.api_key_suffix is None or a.api_key.endswith(call.api_key_suffix))
            and (p := a.positions.get((call.symbol, call.position_side.upper()))) is not None
            and p.qty != 0
        ]
        if not accounts:
            raise HTTPException(404, f"no {call.position_side} position on {call.symbol}")
        return accounts

    @router.post("/liquidate")
    def liquidate(call: PositionCall) -> list[dict[str, Any]]:
        venue = facade(call.venue)
        assert venue.own_orders is not None
        price = _price(call.price)
        with venue.exchange.lock:
            return [
                _shown(
                    outside.liquidate(
                        venue.exchange,
                        account,
                        call.symbol,
                        call.position_side.upper(),
                        client_order_id=venue.own_orders.liquidation(now_ms()),
                        price=price,
                    )
                )
                for account in holders(venue, call)
            ]

    @router.post("/close")
    def close_from_app(call: PositionCall) -> list[dict[str, Any]]:
        venue = facade(call.venue)
        assert venue.own_orders is not None
        with venue.exchange.lock:
            try:
                return [
                    _shown(
                        outside.close_from_app(
                            venue.exchange,
                            account,
                            call.symbol,
                            call.position_side.upper(),
                            client_order_id=call.client_order_id or venue.own_orders.from_app(),
                        )
                    )
                    for account in holders(venue, call)
                ]
            except SimError as exc:
                raise HTTPException(409, exc.message) from None

    @router.get("/streams")
    def streams(venue_name: str = "bingx") -> list[dict[str, Any]]:
        hub = facade(venue_name).streams
        assert hub is not None
        return hub.describe()

    @router.post("/streams/drop")
    def drop(call: StreamDrop) -> dict[str, int]:
        hub = facade(call.venue).streams
        assert hub is not None
        return {"dropped": hub.drop(call.refuse_s)}

    @router.post("/streams/expire")
    def expire(call: KeyExpiry) -> dict[str, list[str]]:
        hub = facade(call.venue).streams
        assert hub is not None
        return {"expired": hub.expire(call.listen_key)}

    return router


def _price(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise HTTPException(422, "price must be a decimal") from None
    if not price.is_finite() or price <= 0:
        raise HTTPException(422, "price must be positive")
    return price


def _shown(order: Order) -> dict[str, Any]:
    return {
        "order_id": str(order.order_id),
        "client_order_id": order.client_order_id,
        "symbol": order.symbol,
        "side": order.side,
        "position_side": order.position_side,
        "type": order.type,
        "quantity": plain(order.qty),
        "avg_price": plain(order.avg_price),
        "status": order.status,
    }
