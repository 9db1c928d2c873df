"""The wallet's coin list (`/openApi/wallets/v1/capital/config/getall`), which clients such as
ccxt read with the contracts when they load a venue's markets.

The simulator moves no coins on or off the venue, so each coin is listed with no network to
deposit or withdraw on.
"""

from __future__ import annotations

from typing import Any

from simulator.coins import coins
from simulator.exchange import Exchange
from simulator.records import Account
from simulator.routes import Routes


def register(route: Routes, exchange: Exchange) -> None:
    @route("GET", "/openApi/wallets/v1/capital/config/getall", signed=True)
    async def coin_config(params: dict[str, str], account: Account | None) -> Any:
        wanted = params.get("coin")
        return [
            {"coin": coin, "name": coin, "displayName": coin, "networkList": []}
            for coin in coins(exchange)
            if wanted is None or wanted == coin
        ]
