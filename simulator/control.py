"""`/_sim/*`: the test and demo handle on the simulator (set prices, read what venues received).

Not part of any venue's API, and never reachable through a venue client.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from common.decimals import plain
from simulator.exchange import Exchange
from simulator.faults import FaultRule, Faults
from simulator.triggers import is_stop


class PriceUpdate(BaseModel):
    venue: str = "bingx"
    symbol: str
    price: str


class FaultPlan(BaseModel):
    rules: list[FaultRule]


def build_router(
    exchanges: dict[str, Exchange],
    requests_seen: Counter[tuple[str, str]],
    faults: Faults,
    start_balance: Decimal = Decimal("10000"),
    unknown_params: dict[str, Counter[tuple[str, str, str]]] | None = None,
) -> APIRouter:
    router = APIRouter(prefix="/_sim", include_in_schema=False)

    def venue(name: str) -> Exchange:
        exchange = exchanges.get(name)
        if exchange is None:
            raise HTTPException(404, f"no venue {name}")
        return exchange

    @router.get("/orders")
    def orders(venue_name: str = "bingx") -> list[dict[str, Any]]:
        exchange = venue(venue_name)
        with exchange.lock:
            return [
                {
                    "api_key_suffix": account.api_key[-4:],
                    "order_id": str(o.order_id),
                    "client_order_id": o.client_order_id,
                    "symbol": o.symbol,
                    "side": o.side,
                    "position_side": o.position_side,
                    "type": o.type,
                    "quantity": plain(o.qty),
                    "price": plain(o.price) if o.price is not None else None,
                    "status": o.status,
                    "avg_price": plain(o.avg_price),
                    "reduce_only": o.reduce_only,
                    # When the exchange took it, on its clock: a benchmark times execution by it.
                    "time_ms": o.time_ms,
                }
                for account in exchange.accounts.values()
                for o in account.orders.values()
            ]

    @router.get("/positions")
    def positions(venue_name: str = "bingx") -> list[dict[str, Any]]:
        exchange = venue(venue_name)
        with exchange.lock:
            return [
                {"symbol": p.symbol, "side": p.side, "quantity": plain(p.qty), "entry": plain(p.entry)}
                for account in exchange.accounts.values()
                for p in exchange.positions(account)
            ]

    @router.get("/stops")
    def stops(symbol: str, venue_name: str = "bingx") -> dict[str, Any]:
        """One symbol's price, open positions and the stops waiting beside the book, read in one
        hold of the lock: an observer polling it sees whether a position was ever left without a
        stop, and never a state between the two halves of an atomic request."""
        exchange = venue(venue_name)
        with exchange.lock:
            accounts = list(exchange.accounts.values())
            return {
                "price": plain(exchange.instrument(symbol).price),
                "positions": [
                    {"api_key_suffix": a.api_key[-4:], "side": p.side, "quantity": plain(p.qty)}
                    for a in accounts
                    for p in exchange.positions(a, symbol)
                ],
                "stops": [
                    {
                        "api_key_suffix": a.api_key[-4:],
                        "side": t.side,
                        "position_side": t.position_side,
                        "quantity": plain(t.quantity) if t.quantity is not None else None,
                    }
                    for a in accounts
                    for listed in exchange.waiting_orders
                    for t in listed(a, symbol)
                    if is_stop(t.order_type)
                ],
            }

    @router.post("/price")
    def set_price(update: PriceUpdate) -> dict[str, str]:
        exchange = venue(update.venue)
        try:
            price = Decimal(update.price)
        except InvalidOperation:
            raise HTTPException(422, "price must be a decimal") from None
        if price <= 0:
            raise HTTPException(422, "price must be positive")
        exchange.set_price(update.symbol, price)
        return {"symbol": update.symbol, "price": plain(exchange.instrument(update.symbol).price)}

    @router.put("/faults")
    def set_faults(plan: FaultPlan) -> dict[str, Any]:
        faults.set(plan.rules)
        return {"rules": [r.model_dump(mode="json") for r in faults.rules()]}

    @router.get("/faults")
    def get_faults() -> dict[str, Any]:
        return {
            "rules": [r.model_dump(mode="json") for r in faults.rules()],
            "fired": {k.value: v for k, v in faults.fired.items()},
        }

    @router.delete("/faults")
    def clear_faults() -> dict[str, Any]:
        faults.set([])
        return {"rules": []}

    @router.post("/reset")
    def reset() -> dict[str, str]:
        """Every account flat with no open orders and its starting balance (modes and leverage kept)."""
        for exchange in exchanges.values():
            exchange.reset(start_balance)
        return {"balance": plain(start_balance)}

    _requests(router, requests_seen, unknown_params or {}, venue)
    return router


def _requests(
    router: APIRouter,
    requests_seen: Counter[tuple[str, str]],
    unknown: dict[str, Counter[tuple[str, str, str]]],
    venue: Callable[[str], Exchange],
) -> None:
    """What the venues received: requests by method and path, and parameters no endpoint reads."""

    @router.get("/requests")
    def requests_count() -> dict[str, int]:
        return {f"{method} {path}": n for (method, path), n in sorted(requests_seen.items())}

    @router.post("/requests/reset")
    def requests_reset() -> dict[str, int]:
        requests_seen.clear()
        return {}

    @router.get("/unknown_params")
    def unknown_params_seen(venue_name: str = "bingx") -> list[dict[str, Any]]:
        """Each parameter a request sent that its endpoint does not read, with how many requests
        sent it (Binance refused them, BingX let them pass)."""
        venue(venue_name)
        return [
            {"method": method, "path": path, "param": name, "requests": n}
            for (method, path, name), n in sorted(unknown.get(venue_name, Counter()).items())
        ]

    @router.delete("/unknown_params")
    def unknown_params_clear() -> dict[str, int]:
        for seen in unknown.values():
            seen.clear()
        return {}
