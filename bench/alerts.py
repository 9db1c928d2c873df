"""What the bench sends: its credentials, the symbols it trades and the alerts themselves."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal
from typing import Any

from simulator.binance.instruments import default_instruments as binance_instruments
from simulator.records import default_instruments as bingx_instruments

PASSPHRASE = "bench-passphrase-3c9d1e"
API_KEY = "bench-key-5a6b7c8d9e0f"
SECRET_KEY = "bench-secret-0f1e2d3c4b5a69788796a5b4"
# An order's notional, at least: above both venues' 5 USDT minimum with room to spare.
ORDER_USDT = Decimal(6)
# The quantities the bench always traded on the first five; every other symbol's is worked out.
FIRST_FIVE = {"BTCUSDT": "0.001", "ETHUSDT": "0.01", "SOLUSDT": "0.1", "XRPUSDT": "10", "DOGEUSDT": "100"}


def _quantities() -> dict[str, str]:
    """TradingView's ticker -> a small order's quantity, for every contract the simulator lists:
    whole steps of the coarser of the two venues' steps, worth at least ORDER_USDT."""
    out: dict[str, str] = {}
    for bingx, binance in zip(bingx_instruments(), binance_instruments(), strict=True):
        ticker = bingx.base + bingx.quote
        if ticker in FIRST_FIVE:
            out[ticker] = FIRST_FIVE[ticker]
            continue
        step = max(bingx.qty_step, binance.qty_step)
        steps = max(Decimal(1), (ORDER_USDT / (step * bingx.price)).to_integral_value(ROUND_CEILING))
        out[ticker] = f"{(step * steps).normalize():f}"
    return out


# The simulator's 50 contracts, each with its order's quantity.
SYMBOLS = _quantities()
# None: each symbol's own fixed quantity (SYMBOLS).
SIZES: dict[str, dict[str, str] | None] = {
    "quantity": None,
    "balance": {"balance": "20"},
    # 0.00002 % of the bench account's 100 M USDT: 20 USDT of margin, like the row above.
    "balance_pct": {"balance_pct": "0.00002"},
}


def alert(n: int, tag: str, symbol: str = "BTCUSDT", size: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "action": "buy" if n % 2 == 0 else "sell",
        "ticker": symbol,
        "id": f"{tag}-{n}",
        "passphrase": PASSPHRASE,
        **(size or {"quantity": SYMBOLS[symbol]}),
    }


def spread(n: int, tag: str, symbols: list[str], *, unique: bool = True, **extra: Any) -> bytes:
    """Alert `n` of a run spread over `symbols` in turn, as the body the load generators send.
    Each round over the symbols buys, the next sells, so positions stay small. `unique`: the
    quantity is the symbol's own times the round (1 for the first len(symbols) alerts, 2 for
    the next...), so (symbol, quantity) names one alert and the venue's orders can be told
    apart by it."""
    symbol = symbols[n % len(symbols)]
    rounds = n // len(symbols)
    quantity = Decimal(SYMBOLS[symbol]) * (1 + rounds if unique else 1)
    body = alert(rounds, tag, symbol, {"quantity": f"{quantity.normalize():f}"}) | {"id": f"{tag}-{n}"}
    return json.dumps(body | extra).encode()


def spreader(tag: str, symbols: list[str], *, unique: bool = True, **extra: Any) -> Callable[[int], bytes]:
    """`spread` for a load generator: alert n's body from n."""
    return lambda n: spread(n, tag, symbols, unique=unique, **extra)
