"""Where BingX's order ids start: 19-digit integers above 2**53, as the venue's are.

The venue's ids read as a millisecond time followed by six digits (its docs and ccxt's
recorded answers show e.g. 1736012449498123456), far above 2**53, so a client that parses JSON
numbers as floats loses their last digits. Starting from the simulator's start time times 10**6
keeps them that shape, 19 digits until the year 2286, and increasing across restarts. The low six
digits start at an odd value, as the venue's do: a start of exactly time times 10**6 is a multiple
of 256 and so one of the few ids a float holds exactly, which would hide the very bug it is for.
"""

from __future__ import annotations

import secrets

from simulator.exchange import now_ms

ORDER_ID_SCALE = 10**6


def first_order_id() -> int:
    return now_ms() * ORDER_ID_SCALE + 100_001 + 2 * secrets.randbelow(400_000)
