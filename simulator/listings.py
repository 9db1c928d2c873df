"""The contracts the simulator lists beyond its first five, which both venues' lists
(simulator/records.py for BingX, simulator/binance/instruments.py for Binance) add: 45 more USDT
perpetuals, so a benchmark can spread a candle close over 50 symbols as a screener's alerts do.

One row a contract, in both venues' terms. The figures are of the venues' kind (a step that
keeps an order of a few USDT possible, the tick a contract at that price trades at, a lower
leverage cap for smaller coins), not a copy of either venue's live listing. Every contract's
minimum notional is 5 USDT on both, as both venues set it for their altcoins.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MIN_NOTIONAL = Decimal(5)


@dataclass(frozen=True)
class Listing:
    base: str
    price: str  # the opening price, written at the contract's tick
    bingx_qty_decimals: int
    binance_qty_decimals: int
    max_leverage: int

    @property
    def price_decimals(self) -> int:
        _, _, decimals = self.price.partition(".")
        return len(decimals)


MORE = (
    Listing("BNB", "600.00", 2, 2, 75),
    Listing("ADA", "0.4500", 0, 0, 75),
    Listing("AVAX", "30.000", 1, 1, 50),
    Listing("LINK", "15.000", 1, 2, 50),
    Listing("DOT", "6.500", 1, 1, 50),
    Listing("TRX", "0.12000", 0, 0, 75),
    Listing("LTC", "80.00", 2, 3, 75),
    Listing("BCH", "400.00", 3, 3, 75),
    Listing("NEAR", "5.000", 1, 0, 50),
    Listing("UNI", "8.000", 1, 0, 50),
    Listing("ATOM", "7.000", 1, 2, 50),
    Listing("ETC", "25.000", 1, 2, 50),
    Listing("FIL", "5.000", 1, 1, 50),
    Listing("APT", "9.0000", 1, 1, 50),
    Listing("ARB", "0.8000", 0, 1, 50),
    Listing("OP", "2.0000", 1, 1, 50),
    Listing("SUI", "1.5000", 0, 1, 50),
    Listing("INJ", "25.000", 1, 1, 50),
    Listing("TIA", "6.0000", 1, 0, 50),
    Listing("SEI", "0.4000", 0, 0, 50),
    Listing("AAVE", "150.00", 2, 1, 50),
    Listing("MKR", "2000.0", 3, 3, 50),
    Listing("LDO", "2.0000", 1, 0, 50),
    Listing("ICP", "10.000", 1, 0, 50),
    Listing("HBAR", "0.08000", 0, 0, 50),
    Listing("XLM", "0.10000", 0, 0, 50),
    Listing("VET", "0.030000", 0, 0, 50),
    Listing("ALGO", "0.1500", 0, 1, 50),
    Listing("SAND", "0.4000", 0, 0, 50),
    Listing("MANA", "0.4000", 0, 0, 50),
    Listing("AXS", "6.000", 1, 0, 50),
    Listing("GALA", "0.03000", 0, 0, 50),
    Listing("APE", "1.2000", 1, 0, 50),
    Listing("CRV", "0.5000", 0, 1, 50),
    Listing("DYDX", "1.500", 1, 1, 50),
    Listing("WIF", "2.0000", 0, 1, 50),
    Listing("ORDI", "35.000", 2, 1, 50),
    Listing("FET", "1.5000", 0, 0, 50),
    Listing("STX", "1.8000", 0, 0, 50),
    Listing("IMX", "1.5000", 0, 0, 50),
    Listing("GRT", "0.20000", 0, 0, 50),
    Listing("EGLD", "30.00", 2, 1, 50),
    Listing("RUNE", "4.000", 1, 0, 50),
    Listing("WLD", "2.0000", 0, 0, 50),
    Listing("JUP", "0.8000", 0, 0, 50),
)
