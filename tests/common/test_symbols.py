from __future__ import annotations

import pytest

from common.symbols import canonical_symbol


@pytest.mark.parametrize(
    "raw",
    [
        "BTCUSDT",
        "BTCUSDT.P",
        "BINANCE:BTCUSDT.P",
        "BTC/USDT",
        "BTC-USDT",
        "BTC/USDT:USDT",
        "btcusdt",
        " btc_usdt ",
    ],
)
def test_every_pasted_form_is_btc_usdt(raw: str) -> None:
    assert canonical_symbol(raw) == "BTC-USDT"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1000PEPEUSDT", "1000PEPE-USDT"), ("ETHUSDC", "ETH-USDC"), ("BINGX:SOLUSDT.P", "SOL-USDT")],
)
def test_other_bases_and_quotes(raw: str, expected: str) -> None:
    assert canonical_symbol(raw) == expected


@pytest.mark.parametrize("raw", ["", "BTC", "USDT", "BTC/USDT/EXTRA", "BTC$USDT", "{{ticker}}"])
def test_unreadable_symbols_say_what_was_expected(raw: str) -> None:
    with pytest.raises(ValueError, match="BTC"):
        canonical_symbol(raw)
