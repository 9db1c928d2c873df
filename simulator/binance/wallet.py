"""What the venue's spot host (api.binance.com, `/sapi`) lists for a client loading the venue's
markets, as ccxt does with exchangeInfo: the wallet's coins (`capital/config/getall`) and the
cross-margin pairs (`margin/allPairs`).

The simulator keeps only futures wallets, moves no coins on or off the venue and lends nothing:
each coin is listed with a zero spot balance, deposits and withdrawals off and no network, and
no pair is marginable. Their weight counts in the same `X-MBX-USED-WEIGHT-1M` as the futures
API's, where the venue counts each host apart.
"""

from __future__ import annotations

from typing import Any

from simulator.coins import coins
from simulator.exchange import Exchange
from simulator.records import Account
from simulator.routes import Routes

ZERO = "0.00000000"


def coin_row(coin: str) -> dict[str, Any]:
    return {
        "coin": coin,
        "depositAllEnable": False,
        "withdrawAllEnable": False,
        "name": coin,
        "free": ZERO,
        "locked": ZERO,
        "freeze": ZERO,
        "withdrawing": ZERO,
        "ipoing": ZERO,
        "ipoable": ZERO,
        "storage": ZERO,
        "isLegalMoney": False,
        "trading": True,
        "networkList": [],
    }


def register(route: Routes, exchange: Exchange) -> None:
    @route("GET", "/sapi/v1/capital/config/getall", signed=True, weight=10)
    async def coin_config(params: dict[str, str], account: Account | None) -> Any:
        return [coin_row(coin) for coin in coins(exchange)]

    # MARKET_DATA: the API key is checked, a signature is not asked for.
    @route("GET", "/sapi/v1/margin/allPairs", signed=False, keyed=True)
    async def cross_margin_pairs(params: dict[str, str], account: Account | None) -> Any:
        return []
