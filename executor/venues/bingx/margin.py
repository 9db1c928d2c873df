"""BingX's margin-type spellings read as our two margin modes.

The swap v2 "Change Margin Type" (POST /openApi/swap/v2/trade/marginType,
https://bingx-api.github.io/docs/#/en-us/swapV2/trade-api.html) lists three: ISOLATED,
CROSSED and SEPARATE_ISOLATED ("separated isolated margin"). The last keeps each position's
margin apart, so it is isolated for us: reading it as cross would size against the whole
wallet and would make every isolated signal try to "change" a symbol that already is isolated.
The user-data stream spells the same modes in lower case (`mt`: "isolated", "cross").
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
