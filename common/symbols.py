"""Symbols in every form traders paste, to the canonical BASE-QUOTE form.

Accepted: BTCUSDT, BTCUSDT.P, BINANCE:BTCUSDT.P, BTC/USDT, BTC-USDT,
BTC/USDT:USDT, btc_usdt, BTCUSDTPERP. Venues spell them BTC-USDT (BingX) and
BTCUSDT (Binance); the executor maps canonical to venue form.
"""

from __future__ import annotations

import re

# Longest first, so USDT wins over USD and FDUSD over USD.
QUOTES = ("FDUSD", "USDT", "USDC", "BUSD", "USD")
_SEPARATORS = re.compile(r"[/\-_]")
_VALID = re.compile(r"^[A-Z0-9]{1,20}$")


def canonical_symbol(raw: str) -> str:
    """Return BASE-QUOTE or raise ValueError saying what was expected."""
    text = raw.strip().upper()
    if ":" in text:
        prefix, _, rest = text.partition(":")
        # "BINANCE:BTCUSDT.P" names an exchange first; "BTC/USDT:USDT" names the settle coin last.
        text = rest if "/" not in prefix and "-" not in prefix else prefix
    for suffix in (".P", ".PERP", "PERP", "-SWAP", "_PERP"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    parts = [p for p in _SEPARATORS.split(text) if p]
    if len(parts) == 2:
        base, quote = parts
    elif len(parts) == 1:
        base, quote = _split_joined(parts[0])
    else:
        raise ValueError(f"cannot read a symbol from {raw!r}; expected e.g. BTCUSDT or BTC/USDT")
    if not (_VALID.match(base) and _VALID.match(quote)):
        raise ValueError(f"cannot read a symbol from {raw!r}; expected e.g. BTCUSDT or BTC/USDT")
    return f"{base}-{quote}"


def _split_joined(text: str) -> tuple[str, str]:
    for quote in QUOTES:
        if text.endswith(quote) and len(text) > len(quote):
            return text[: -len(quote)], quote
    raise ValueError(f"cannot tell base from quote in {text!r}; write it as BASE/QUOTE, e.g. BTC/USDT")
