"""SIGNED account reads under `/fapi`: balances, the account, position risk and leverage brackets."""

from __future__ import annotations

from typing import Any

from simulator.binance import render
from simulator.binance.brackets import bracket_json
from simulator.binance.orders import instrument_for
from simulator.exchange import Exchange
from simulator.records import Account
from simulator.routes import Routes
from simulator.venue import Clock


def register(route: Routes, exchange: Exchange, clock: Clock) -> None:
    @route("GET", "/fapi/v2/balance", "/fapi/v3/balance", signed=True, weight=5)
    async def balance(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            return render.balance_rows(exchange, account, clock())

    @route("GET", "/fapi/v2/account", signed=True, weight=5)
    async def account_v2(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            return render.account_json(exchange, account, clock(), version=2)

    @route("GET", "/fapi/v3/account", signed=True, weight=5)
    async def account_v3(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            return render.account_json(exchange, account, clock(), version=3)

    def instruments(params: dict[str, str]) -> list[Any]:
        if params.get("symbol"):
            return [instrument_for(exchange, params)]
        return list(exchange.instruments.values())

    @route("GET", "/fapi/v1/commissionRate", signed=True, weight=20)
    async def commission_rate(params: dict[str, str], account: Account | None) -> Any:
        inst = instrument_for(exchange, params)
        return {
            "symbol": f"{inst.base}{inst.quote}",
            "makerCommissionRate": render.money(exchange.maker_fee),
            "takerCommissionRate": render.money(exchange.taker_fee),
        }

    @route("GET", "/fapi/v2/positionRisk", signed=True, weight=5)
    async def position_risk_v2(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            now = clock()
            return [
                render.position_risk_v2(exchange, account, inst, side, now)
                for inst in instruments(params)
                for side in render.sides(account)
            ]

    @route("GET", "/fapi/v3/positionRisk", signed=True, weight=5)
    async def position_risk_v3(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            now = clock()
            # Only symbols holding a position (or open orders) are listed.
            busy = {o.symbol for o in exchange.open_orders(account)}
            return [
                render.position_risk_v3(exchange, account, inst, side, now)
                for inst in instruments(params)
                for side in render.sides(account)
                if render.position_of(account, inst.symbol, side).qty or inst.symbol in busy
            ]

    @route("GET", "/fapi/v1/leverageBracket", signed=True)
    async def leverage_brackets(params: dict[str, str], account: Account | None) -> Any:
        # One object for the symbol asked for, an array of every symbol otherwise.
        if params.get("symbol"):
            return bracket_json(instrument_for(exchange, params))
        return [bracket_json(inst) for inst in exchange.instruments.values()]
