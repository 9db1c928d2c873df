"""BingX's order status words in ours (docs/venues/bingx.md, section 5: status strings).

The swap REST answers spell a resting order `PENDING` and a cancelled one `CANCELLED`; the
websocket order event documents `NEW` and `CANCELED`. Both spellings are read.
"""

from __future__ import annotations

from executor.core.model import OrderStatus

STATUSES: dict[str, OrderStatus] = {
    "NEW": OrderStatus.NEW,
    "PENDING": OrderStatus.NEW,
    "PARTIALLY_FILLED": OrderStatus.PARTIALLY_FILLED,
    "FILLED": OrderStatus.FILLED,
    "CANCELED": OrderStatus.CANCELED,
    "CANCELLED": OrderStatus.CANCELED,
    "EXPIRED": OrderStatus.EXPIRED,
    "FAILED": OrderStatus.REJECTED,
    "TRIGGERED": OrderStatus.TRIGGERED,
}
