"""Binance answer codes in the project's error taxonomy (docs/venues/binance.md section 6)."""

from __future__ import annotations

from common.errors import ErrorClass, TvbridgeError

_CODES: dict[int, ErrorClass] = {
    -2015: ErrorClass.AUTH,  # invalid key, IP not whitelisted, or no permission
    -2014: ErrorClass.AUTH,  # key format invalid
    -1002: ErrorClass.AUTH,  # not authorized
    -1022: ErrorClass.AUTH,  # signature not valid
    -1021: ErrorClass.TIMESTAMP,  # outside recvWindow, or 1000 ms ahead
    -5028: ErrorClass.TIMESTAMP,  # outside the matching engine's recvWindow
    -1003: ErrorClass.RATE_LIMITED,  # too many requests (429), or IP banned (418)
    -1015: ErrorClass.RATE_LIMITED,  # too many new orders
    -1000: ErrorClass.VENUE_UNAVAILABLE,  # unknown error
    -1001: ErrorClass.VENUE_UNAVAILABLE,  # internal error
    -1006: ErrorClass.VENUE_UNAVAILABLE,  # unexpected response: outcome unknown
    -1007: ErrorClass.VENUE_UNAVAILABLE,  # backend timeout: execution status unknown
    -1008: ErrorClass.VENUE_UNAVAILABLE,  # overloaded / system-level throttle
    -2018: ErrorClass.INSUFFICIENT_MARGIN,  # balance insufficient
    -2019: ErrorClass.INSUFFICIENT_MARGIN,  # margin insufficient
    -4050: ErrorClass.INSUFFICIENT_MARGIN,  # cross balance insufficient
    -4051: ErrorClass.INSUFFICIENT_MARGIN,  # isolated balance insufficient
    -4164: ErrorClass.BELOW_MINIMUM,  # MIN_NOTIONAL
    -4004: ErrorClass.BELOW_MINIMUM,  # below LOT_SIZE.minQty
    -1111: ErrorClass.PRECISION,  # more decimals than the contract allows
    -4014: ErrorClass.PRECISION,  # price off the tick
    -4023: ErrorClass.PRECISION,  # quantity off the step
    -4116: ErrorClass.DUPLICATE_CLIENT_ID,
    -2013: ErrorClass.UNKNOWN_ORDER,  # query: no such order
    -2011: ErrorClass.UNKNOWN_ORDER,  # cancel: not an open order
    -1121: ErrorClass.UNKNOWN_SYMBOL,
    -2022: ErrorClass.NO_POSITION,  # reduce-only order rejected: nothing to reduce
    -4028: ErrorClass.RISK_LIMIT,  # leverage not valid for the symbol
}


def classify(code: int | None, msg: str, http_status: int) -> TvbridgeError:
    error_class = _CODES.get(code) if code is not None else None
    if http_status >= 500 or http_status == 408:
        # Sent, but no verdict: the venue may have acted; the engine asks before resending.
        error_class = ErrorClass.VENUE_UNAVAILABLE
    elif http_status in (418, 429) or (http_status == 403 and error_class is None):
        # 403 is the web firewall's limit: back off as for 429.
        error_class = ErrorClass.RATE_LIMITED
    elif error_class is None:
        error_class = ErrorClass.AUTH if http_status == 401 else ErrorClass.VENUE_REJECTED
    shown = msg or (f"code {code}" if code is not None else f"HTTP {http_status}")
    return TvbridgeError(
        error_class,
        f"Binance refused: {shown}",
        venue_code=str(code) if code is not None else str(http_status),
        venue_message=msg,
    )
