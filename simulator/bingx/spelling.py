"""Two spellings BingX uses for the same state, which a test switches on through
`PUT /_sim/spellings`, so the executor's readers are proved over HTTP against both.

- `one_way_as_both`: a one-way position reported as `positionSide` `BOTH` with a signed amount
  (negative for a short), REST and stream alike, instead of `LONG`/`SHORT` with a positive one
  (docs/venues/bingx.md §5.7: one-way orders and positions are `BOTH`).
- `separate_isolated`: isolated margin named `SEPARATE_ISOLATED` (`separate_isolated` on the
  stream), the separate-isolated mode added on 2025-03-13 (docs/venues/bingx.md, "Change Margin
  Type"). It is isolated margin, never cross.
"""

from __future__ import annotations

from decimal import Decimal

from simulator.exchange import Exchange

ONE_WAY_AS_BOTH = "one_way_as_both"
SEPARATE_ISOLATED = "separate_isolated"
KNOWN = frozenset({ONE_WAY_AS_BOTH, SEPARATE_ISOLATED})


def position_side(exchange: Exchange, side: str, direction: str) -> str:
    """`side` is how the exchange keeps it (BOTH in one-way mode), `direction` where it points."""
    return "BOTH" if side == "BOTH" and exchange.spellings.get(ONE_WAY_AS_BOTH) else direction


def amount(exchange: Exchange, side: str, qty: Decimal) -> Decimal:
    """The amount shown: signed only when a one-way position is spelled BOTH."""
    return qty if side == "BOTH" and exchange.spellings.get(ONE_WAY_AS_BOTH) else abs(qty)


def margin_word(exchange: Exchange, isolated: bool) -> str:
    """REST's word for the margin type."""
    if not isolated:
        return "CROSSED"
    return "SEPARATE_ISOLATED" if exchange.spellings.get(SEPARATE_ISOLATED) else "ISOLATED"


def stream_margin_word(exchange: Exchange, isolated: bool) -> str:
    """The stream's word for the margin type (`mt`)."""
    return margin_word(exchange, isolated).lower() if isolated else "cross"
