"""BingX answer codes in the project's error taxonomy (docs/venues/bingx.md, section 6)."""

from __future__ import annotations

from common.errors import ErrorClass, TvbridgeError

# The codes this module names, with what the venue's code list says of each.
SIGNATURE_FAILED = 100001  # signature verification failed
NULL_SIGNATURE = 100412  # null signature
INCORRECT_API_KEY = 100413  # incorrect API key
PERMISSION_DENIED = 100004  # key lacks the permission
IP_NOT_WHITELISTED = 100419  # IP not on the key's whitelist
TIMESTAMP_INVALID = 100421  # timestamp missing or outside recvWindow
RATE_LIMITED = 100410
SERVICE_UNAVAILABLE = 80012  # system busy
INTERNAL_ERROR = 100500  # "Internal system error"
RPC_TIMEOUT = 101500  # internal RPC timeout
INVALID_PARAMETER = 80014  # invalid parameter
BAD_REQUEST = 100400  # invalid parameter
INVALID_PARAMETERS = 109400  # invalid parameter (codes since 2025-10)
REQUEST_FAILED = 80001  # "Insufficient margin" in batch answers
INSUFFICIENT_MARGIN = 101204  # "Insufficient margin"
INSUFFICIENT_MARGIN_SKILLS = 101253  # listed for insufficient margin in the venue's skills list
INSUFFICIENT_MARGIN_SKILLS_2 = 110424  # the same list's second code for it
MIN_NOMINAL_VALUE = 101400  # minimum nominal value
BELOW_MIN_QUANTITY = 110422
PRECISION = 110425
DUPLICATE_CLIENT_ORDER_ID = 101481
ORDER_NOT_EXIST = 80016  # "order does not exist"
ORDER_NOT_EXIST_V2 = 109414  # "order not exist"
ORDER_NOT_EXIST_SKILLS = 109421  # listed for unknown orders in the skills list
POSITION_NOT_EXIST = 80017
NO_POSITION_TO_CLOSE = 101205
REDUCE_ONLY_WOULD_OPEN = 101290  # reduce-only would open a position
SYMBOL_NOT_EXIST = 109500  # "symbol not exist"

_CODES: dict[int, ErrorClass] = {
    SIGNATURE_FAILED: ErrorClass.AUTH,
    NULL_SIGNATURE: ErrorClass.AUTH,
    INCORRECT_API_KEY: ErrorClass.AUTH,
    PERMISSION_DENIED: ErrorClass.AUTH,
    IP_NOT_WHITELISTED: ErrorClass.AUTH,
    TIMESTAMP_INVALID: ErrorClass.TIMESTAMP,
    RATE_LIMITED: ErrorClass.RATE_LIMITED,
    SERVICE_UNAVAILABLE: ErrorClass.VENUE_UNAVAILABLE,
    INTERNAL_ERROR: ErrorClass.VENUE_UNAVAILABLE,
    RPC_TIMEOUT: ErrorClass.VENUE_UNAVAILABLE,
    INVALID_PARAMETER: ErrorClass.VENUE_REJECTED,
    BAD_REQUEST: ErrorClass.VENUE_REJECTED,
    INVALID_PARAMETERS: ErrorClass.VENUE_REJECTED,
    REQUEST_FAILED: ErrorClass.INSUFFICIENT_MARGIN,
    INSUFFICIENT_MARGIN: ErrorClass.INSUFFICIENT_MARGIN,
    INSUFFICIENT_MARGIN_SKILLS: ErrorClass.INSUFFICIENT_MARGIN,
    INSUFFICIENT_MARGIN_SKILLS_2: ErrorClass.INSUFFICIENT_MARGIN,
    MIN_NOMINAL_VALUE: ErrorClass.BELOW_MINIMUM,
    BELOW_MIN_QUANTITY: ErrorClass.BELOW_MINIMUM,
    PRECISION: ErrorClass.PRECISION,
    DUPLICATE_CLIENT_ORDER_ID: ErrorClass.DUPLICATE_CLIENT_ID,
    ORDER_NOT_EXIST: ErrorClass.UNKNOWN_ORDER,
    ORDER_NOT_EXIST_V2: ErrorClass.UNKNOWN_ORDER,
    ORDER_NOT_EXIST_SKILLS: ErrorClass.UNKNOWN_ORDER,
    POSITION_NOT_EXIST: ErrorClass.NO_POSITION,
    NO_POSITION_TO_CLOSE: ErrorClass.NO_POSITION,
    REDUCE_ONLY_WOULD_OPEN: ErrorClass.NO_POSITION,
    SYMBOL_NOT_EXIST: ErrorClass.UNKNOWN_SYMBOL,
}


def classify(code: int, msg: str, http_status: int) -> TvbridgeError:
    error_class = _CODES.get(code)
    if error_class is None:
        if http_status == 429:
            error_class = ErrorClass.RATE_LIMITED
        elif http_status >= 500:
            error_class = ErrorClass.VENUE_UNAVAILABLE
        else:
            error_class = ErrorClass.VENUE_REJECTED
    return TvbridgeError(
        error_class, f"BingX refused: {msg or 'code ' + str(code)}", venue_code=str(code), venue_message=msg
    )
