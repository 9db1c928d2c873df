"""Reading a venue's order, fill and position fields into the keeper's events
(`executor/core/events.py`): the conversions both venues share. Each venue's modules say which
field holds what; the words themselves are translated here or in its `statuses.py`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from common.decimals import parse_decimal
from executor.core.events import OrderKind
from executor.core.model import PositionSide, Side

# Both venues spell the order types the keeper knows exactly as `OrderKind` does; any other
# (BingX's TRIGGER_MARKET, TRAILING_TP_SL, ...) is kept as OTHER and never acted on.
_KINDS = {kind.value: kind for kind in OrderKind}

# Execution types that carry a fill: a trade, or the venue's liquidation ("CALCULATED").
TRADE = "TRADE"
LIQUIDATION_EXECUTION = "CALCULATED"
FILL_EXECUTIONS = frozenset({TRADE, LIQUIDATION_EXECUTION})


def order_kind(word: object) -> OrderKind:
    return _KINDS.get(str(word or "").upper(), OrderKind.OTHER)


def decimal(value: Any) -> Decimal:
    """A decimal field; absent or empty reads as zero."""
    return parse_decimal(value) if value not in (None, "") else Decimal(0)


def price_or_none(value: Any) -> Decimal | None:
    """A price the venue writes as zero (or empty) until there is one."""
    amount = decimal(value)
    return amount if amount else None


def side(value: Any) -> Side:
    return Side(str(value).upper())


def position_side(value: Any) -> PositionSide:
    return PositionSide(str(value or "BOTH").upper())


def flag(value: Any) -> bool:
    """A boolean the venues send as JSON true or as "true"."""
    return value is True or str(value).lower() == "true"


def millis(value: Any) -> int:
    """A time in ms; Binance sends some event times as strings."""
    try:
        return int(str(value))
    except ValueError:
        return 0


@dataclass(frozen=True)
class OrderOrigin:
    """What a REST trade row does not say about its order, read once from the order itself."""

    client_order_id: str
    liquidation: bool
    realized_pnl: Decimal = Decimal(0)  # the whole order's (BingX's rows carry none per trade)
    executed: Decimal = Decimal(0)
