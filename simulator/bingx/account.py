"""Signed account reads: the balance (v3 as an array, v2 as an object) and open positions."""

from __future__ import annotations

from typing import Any

from simulator.bingx import render
from simulator.exchange import Exchange
from simulator.records import Account
from simulator.routes import Routes
from simulator.venue import Clock


def register(route: Routes, exchange: Exchange, clock: Clock) -> None:
    def balance(account: Account) -> dict[str, str]:
        with exchange.lock:
            return render.balance(exchange, account)

    @route("GET", "/openApi/swap/v3/user/balance", signed=True)
    async def balance_v3(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return [balance(account)]

    @route("GET", "/openApi/swap/v2/user/balance", signed=True)
    async def balance_v2(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return {"balance": balance(account)}

    @route("GET", "/openApi/swap/v2/user/commissionRate", signed=True)
    async def commission_rate(params: dict[str, str], account: Account | None) -> Any:
        # The venue answers JSON numbers here, not strings ("Query Trading Commission Rate").
        return {
            "commission": {
                "takerCommissionRate": float(exchange.taker_fee),
                "makerCommissionRate": float(exchange.maker_fee),
            }
        }

    @route("GET", "/openApi/swap/v2/user/positions", signed=True)
    async def positions(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            return [
                render.position(exchange, account, pos, clock())
                for pos in exchange.positions(account, params.get("symbol"))
            ]
