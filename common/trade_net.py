"""What a trade's money comes to, counted alike by the executor's risk limits
(executor/core/exposure/results.py), the ledger's trades (gateway/core/round_trips.py) and what
the gateway hands a restarted executor (gateway/core/risk_memory.py).

A fill's net is its realised PnL less its fee when the fee is paid in the symbol's quote asset
(USDT): a fee paid in another asset (BNB on Binance) is not converted. A trade lost when its
fills' nets came to less than zero.
"""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal(0)


def quote_of(symbol: str) -> str:
    """The quote asset of a canonical BASE-QUOTE symbol."""
    return symbol.rpartition("-")[2]


def quote_fee(fee: Decimal, fee_asset: str, quote: str) -> Decimal:
    """The part of a fee PnL is counted in: all of it when paid in the quote asset (or unnamed)."""
    return fee if fee_asset in ("", quote) else ZERO


def fill_net(realized_pnl: Decimal, fee: Decimal, fee_asset: str, symbol: str) -> Decimal:
    return realized_pnl - quote_fee(fee, fee_asset, quote_of(symbol))


def lost(net: Decimal) -> bool:
    return net < 0
