"""BingX answer codes in the project's error taxonomy."""

from __future__ import annotations

from common.errors import ErrorClass, TvbridgeError

# From the venue's published code list (see docs/venues/bingx.md, section 6).
_CODES: dict[int, ErrorClass] = {
    100001: ErrorClass.AUTH,  # signature verification failed
    100412: ErrorClass.AUTH,  # null signature
    100413: ErrorClass.AUTH,  # incorrect API key
    100004: ErrorClass.AUTH,  # key lacks the permission
    100419: ErrorClass.AUTH,  # IP not on the key's whitelist
    100421: ErrorClass.TIMESTAMP,  # timestamp missing or outside recvWindow
    100410: ErrorClass.RATE_LIMITED,
    80012: ErrorClass.VENUE_UNAVAILABLE,  # system busy
    100500: ErrorClass.VENUE_UNAVAILABLE,
    101500: ErrorClass.VENUE_UNAVAILABLE,  # internal RPC timeout
    80014: ErrorClass.VENUE_REJECTED,  # invalid parameter
    100400: ErrorClass.VENUE_REJECTED,
    109400: ErrorClass.VENUE_REJECTED,  # invalid parameter (codes since 2025-10)
    80001: ErrorClass.INSUFFICIENT_MARGIN,
    101204: ErrorClass.INSUFFICIENT_MARGIN,
    101253: ErrorClass.INSUFFICIENT_MARGIN,
    110424: ErrorClass.INSUFFICIENT_MARGIN,
    101400: ErrorClass.BELOW_MINIMUM,  # minimum nominal value
    110422: ErrorClass.BELOW_MINIMUM,
    110425: ErrorClass.PRECISION,
    101481: ErrorClass.DUPLICATE_CLIENT_ID,
    80016: ErrorClass.UNKNOWN_ORDER,
    109414: ErrorClass.UNKNOWN_ORDER,
    109421: ErrorClass.UNKNOWN_ORDER,
    80017: ErrorClass.NO_POSITION,
    101205: ErrorClass.NO_POSITION,
    101290: ErrorClass.NO_POSITION,  # reduce-only would open a position
    109500: ErrorClass.UNKNOWN_SYMBOL,  # "symbol not exist"
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
