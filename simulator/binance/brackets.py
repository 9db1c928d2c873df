"""Notional and leverage brackets (`GET /fapi/v1/leverageBracket`), and the largest position a
leverage allows (the `maxNotionalValue` of a leverage change and of position risk).

Each contract's brackets step down the venue's usual leverages from its maximum; a bracket's
maintenance margin rate is half its initial margin rate, and `cum` is the maintenance amount
that keeps the margin continuous from one bracket to the next, as the venue defines it. The caps
are of the venue's kind (BTC's first bracket holds 50,000 USDT at 125x), not a copy of its
live values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from simulator.binance.instruments import venue_symbol
from simulator.records import Instrument

LEVERAGES = (125, 100, 75, 50, 25, 20, 10, 5, 4, 3, 2, 1)
# Each bracket's cap as a multiple of the first bracket's.
GROWTH = (1, 12, 60, 240, 1400, 2000, 4600, 9600, 12000, 16000, 24000, 36000)
FIRST_CAP = {"BTC-USDT": 50_000, "ETH-USDT": 50_000}
DEFAULT_FIRST_CAP = 5_000
_RATE = Decimal("0.0001")


@dataclass(frozen=True)
class Bracket:
    number: int
    leverage: int
    floor: int
    cap: int
    maint_rate: Decimal
    cum: Decimal


def brackets(inst: Instrument) -> list[Bracket]:
    first = FIRST_CAP.get(inst.symbol, DEFAULT_FIRST_CAP)
    ladder = [lev for lev in LEVERAGES if lev <= inst.max_leverage]
    if ladder[0] != inst.max_leverage:
        ladder.insert(0, inst.max_leverage)
    out: list[Bracket] = []
    floor, cum, rate_before = 0, Decimal(0), Decimal(0)
    for n, leverage in enumerate(ladder):
        rate = (Decimal(1) / (2 * leverage)).quantize(_RATE, rounding=ROUND_DOWN)
        cum += floor * (rate - rate_before)
        cap = first * GROWTH[min(n, len(GROWTH) - 1)]
        out.append(Bracket(n + 1, leverage, floor, cap, rate, cum))
        floor, rate_before = cap, rate
    return out


def max_notional(inst: Instrument, leverage: int) -> int:
    """The cap of the last bracket whose leverage still allows `leverage`."""
    return max(b.cap for b in brackets(inst) if b.leverage >= leverage)


def bracket_json(inst: Instrument) -> dict[str, Any]:
    return {
        "symbol": venue_symbol(inst.symbol),
        "brackets": [
            {
                "bracket": b.number,
                "initialLeverage": b.leverage,
                "notionalCap": b.cap,
                "notionalFloor": b.floor,
                "maintMarginRatio": float(b.maint_rate),
                "cum": float(b.cum),
            }
            for b in brackets(inst)
        ],
    }
