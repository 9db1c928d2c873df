"""`/_sim` calls for what happens to a client from outside its own requests: the venue
liquidating a position, the owner closing one or changing settings in the venue's app, and the
user-data streams' troubles (every connection dropped, a listen key expiring now). Tests and
demo only.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from common.decimals import plain
from simulator import outside
from simulator.exchange import Exchange, now_ms
from simulator.records import Account, Order, SimError
from simulator.venue import VenueFacade


class PositionCall(BaseModel):
    venue: str = "bingx"
    symbol: str  # as the control API spells it: BTC-USDT
    position_side: str = "BOTH"
    api_key_suffix: str | None = None  # one account; every account holding the position if None
    price: str | None = None  # a liquidation's fill price; the mark when None
    client_order_id: str | None = None  # an app close's id; the venue's own form when None


class SettingsCall(BaseModel):
    venue: str = "bingx"
    symbol: str | None = None  # as the control API spells it: BTC-USDT; leverage and margin mode need it
    api_key_suffix: str | None = None  # one account; every account of the venue if None
    leverage: int | None = None
    position_side: str = "BOTH"  # whose leverage: BOTH, or one side (BingX keeps one a side)
    margin_mode: Literal["isolated", "cross"] | None = None
    hedge_mode: bool | None = None


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

    @router.post("/outside/settings")
    def settings_from_app(call: SettingsCall) -> list[dict[str, Any]]:
        return _change_settings(facade(call.venue), call)

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


def _settings(exchange: Exchange, account: Account, symbol: str | None) -> dict[str, Any]:
    shown: dict[str, Any] = {"hedge_mode": account.hedge_mode}
    if symbol is not None:
        shown.update(
            symbol=symbol,
            long_leverage=exchange.leverage(account, symbol, "LONG"),
            short_leverage=exchange.leverage(account, symbol, "SHORT"),
            margin_mode="isolated" if account.isolated.get(symbol, False) else "cross",
        )
    return shown


def _change_settings(venue: VenueFacade, call: SettingsCall) -> list[dict[str, Any]]:
    """The settings of every account `call` names changed as in the venue's app; what each now has."""
    side = call.position_side.upper()
    if side not in ("BOTH", "LONG", "SHORT") or (venue.name == "binance" and side != "BOTH"):
        raise HTTPException(422, "position_side: BOTH, or LONG / SHORT on a venue with one leverage a side")
    exchange = venue.exchange
    with exchange.lock:
        accounts = [
            a
            for a in exchange.accounts.values()
            if call.api_key_suffix is None or a.api_key.endswith(call.api_key_suffix)
        ]
        if not accounts:
            raise HTTPException(404, "no such account")
        try:
            for account in accounts:
                outside.change_settings(
                    exchange,
                    account,
                    call.symbol,
                    leverage=call.leverage,
                    leverage_side=side,
                    isolated=None if call.margin_mode is None else call.margin_mode == "isolated",
                    hedge_mode=call.hedge_mode,
                )
        except SimError as exc:
            raise HTTPException(409, exc.message) from None
        return [_settings(exchange, account, call.symbol) for account in accounts]
