"""Binance answer codes in the project's error taxonomy (docs/venues/binance.md section 6)."""

from __future__ import annotations

from common.errors import ErrorClass, TvbridgeError

# The codes this module and the adapter name, as the venue's error-code page spells them.
INVALID_KEY_IP_OR_PERMISSION = -2015  # invalid key, IP not whitelisted, or no permission
BAD_API_KEY_FORMAT = -2014  # key format invalid
UNAUTHORIZED = -1002  # not authorized
INVALID_SIGNATURE = -1022  # signature not valid
INVALID_TIMESTAMP = -1021  # outside recvWindow, or 1000 ms ahead
TIMESTAMP_OUTSIDE_ME_RECV_WINDOW = -5028  # outside the matching engine's recvWindow
TOO_MANY_REQUESTS = -1003  # too many requests (429), or IP banned (418)
TOO_MANY_ORDERS = -1015  # too many new orders
UNKNOWN = -1000  # unknown error
DISCONNECTED = -1001  # internal error
UNEXPECTED_RESPONSE = -1006  # unexpected response: outcome unknown
TIMEOUT = -1007  # backend timeout: execution status unknown
SERVER_BUSY = -1008  # overloaded / system-level throttle
BALANCE_NOT_SUFFICIENT = -2018  # balance insufficient
MARGIN_NOT_SUFFICIENT = -2019  # margin insufficient
CROSS_BALANCE_INSUFFICIENT = -4050  # cross balance insufficient
ISOLATED_BALANCE_INSUFFICIENT = -4051  # isolated balance insufficient
MIN_NOTIONAL = -4164  # MIN_NOTIONAL
QTY_LESS_THAN_MIN_QTY = -4004  # below LOT_SIZE.minQty
BAD_PRECISION = -1111  # more decimals than the contract allows
PRICE_NOT_INCREASED_BY_TICK_SIZE = -4014  # price off the tick
QTY_NOT_INCREASED_BY_STEP_SIZE = -4023  # quantity off the step
DUPLICATED_CLIENT_ORDER_ID = -4116
NO_SUCH_ORDER = -2013  # query: no such order
UNKNOWN_ORDER_SENT = -2011  # cancel: not an open order
LISTEN_KEY_UNKNOWN = -1125  # listen-key keep-alive: the key has lapsed (section 9.2)
BAD_SYMBOL = -1121
REDUCE_ONLY_REJECT = -2022  # reduce-only order rejected: nothing to reduce
INVALID_LEVERAGE = -4028  # leverage not valid for the symbol
# The order named the other position mode's sides: the trader switched hedge / one-way.
POSITION_SIDE_NOT_MATCH = -4061
# Not a refusal: the margin type asked for is already set.
NO_NEED_TO_CHANGE_MARGIN_TYPE = -4046

_CODES: dict[int, ErrorClass] = {
    INVALID_KEY_IP_OR_PERMISSION: ErrorClass.AUTH,
    BAD_API_KEY_FORMAT: ErrorClass.AUTH,
    UNAUTHORIZED: ErrorClass.AUTH,
    INVALID_SIGNATURE: ErrorClass.AUTH,
    INVALID_TIMESTAMP: ErrorClass.TIMESTAMP,
    TIMESTAMP_OUTSIDE_ME_RECV_WINDOW: ErrorClass.TIMESTAMP,
    TOO_MANY_REQUESTS: ErrorClass.RATE_LIMITED,
    TOO_MANY_ORDERS: ErrorClass.RATE_LIMITED,
    UNKNOWN: ErrorClass.VENUE_UNAVAILABLE,
    DISCONNECTED: ErrorClass.VENUE_UNAVAILABLE,
    UNEXPECTED_RESPONSE: ErrorClass.VENUE_UNAVAILABLE,
    TIMEOUT: ErrorClass.VENUE_UNAVAILABLE,
    SERVER_BUSY: ErrorClass.VENUE_UNAVAILABLE,
    BALANCE_NOT_SUFFICIENT: ErrorClass.INSUFFICIENT_MARGIN,
    MARGIN_NOT_SUFFICIENT: ErrorClass.INSUFFICIENT_MARGIN,
    CROSS_BALANCE_INSUFFICIENT: ErrorClass.INSUFFICIENT_MARGIN,
    ISOLATED_BALANCE_INSUFFICIENT: ErrorClass.INSUFFICIENT_MARGIN,
    MIN_NOTIONAL: ErrorClass.BELOW_MINIMUM,
    QTY_LESS_THAN_MIN_QTY: ErrorClass.BELOW_MINIMUM,
    BAD_PRECISION: ErrorClass.PRECISION,
    PRICE_NOT_INCREASED_BY_TICK_SIZE: ErrorClass.PRECISION,
    QTY_NOT_INCREASED_BY_STEP_SIZE: ErrorClass.PRECISION,
    DUPLICATED_CLIENT_ORDER_ID: ErrorClass.DUPLICATE_CLIENT_ID,
    NO_SUCH_ORDER: ErrorClass.UNKNOWN_ORDER,
    UNKNOWN_ORDER_SENT: ErrorClass.UNKNOWN_ORDER,
    BAD_SYMBOL: ErrorClass.UNKNOWN_SYMBOL,
    REDUCE_ONLY_REJECT: ErrorClass.NO_POSITION,
    INVALID_LEVERAGE: ErrorClass.RISK_LIMIT,
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
