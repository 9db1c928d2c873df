"""Where BingX's order ids start: 19-digit integers above 2**53, as the venue's are.

The venue's ids read as a millisecond time followed by six digits (its docs and ccxt's
recorded answers show e.g. 1736012449498123456), far above 2**53, so a client that parses JSON
numbers as floats loses their last digits. Starting from the simulator's start time times 10**6
keeps them that shape, 19 digits until the year 2286, and increasing across restarts.
"""

from __future__ import annotations

from simulator.exchange import now_ms

ORDER_ID_SCALE = 10**6


def first_order_id() -> int:
    return now_ms() * ORDER_ID_SCALE
