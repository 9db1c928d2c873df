"""BingX's margin-type spellings read as our two margin modes.

The swap v2 "Change Margin Type" and "Query Margin Type" (/openApi/swap/v2/trade/marginType;
docs/venues/bingx.md 5.7, [DOCV3] modules `jY7o` and `JII+`, [SKILLS] swap-trade §18) name
three: ISOLATED, CROSSED and SEPARATE_ISOLATED ("separated isolated margin", several isolated
positions on one pair). The last keeps each position's margin apart, so it is isolated for us:
reading it as cross would size against the whole wallet and would make every isolated signal
try to "change" a symbol that already is isolated. The user-data stream spells the modes in
lower case (`mt`: "isolated", "cross"; the coin-M example "Cross"; bingx.md 9.4).
"""

from __future__ import annotations

from typing import Any

from executor.core.model import MarginMode

_ISOLATED = frozenset({"ISOLATED", "SEPARATE_ISOLATED"})
_CROSS = frozenset({"CROSSED", "CROSS"})


def margin_mode(value: Any) -> MarginMode | None:
    """The mode a venue spelling names, None for an absent or unknown one."""
    wire = str(value or "").strip().upper()
    if wire in _ISOLATED:
        return MarginMode.ISOLATED
    if wire in _CROSS:
        return MarginMode.CROSS
    return None
