"""BingX answer codes in the project's error taxonomy."""

from __future__ import annotations

from common.errors import ErrorClass, TvbridgeError

_CODES: dict[int, ErrorClass] = {
    100001: ErrorClass.AUTH,  # signature verification failed
    100413: ErrorClass.AUTH,  # incorrect apiKey
    100419: ErrorClass.AUTH,  # IP not on the key's whitelist
    100421: ErrorClass.TIMESTAMP,  # timestamp missing or outside recvWindow
    100410: ErrorClass.RATE_LIMITED,
    100500: ErrorClass.VENUE_UNAVAILABLE,
    100503: ErrorClass.VENUE_UNAVAILABLE,
    80012: ErrorClass.VENUE_UNAVAILABLE,
    80014: ErrorClass.VENUE_REJECTED,  # invalid parameter
    101204: ErrorClass.INSUFFICIENT_MARGIN,
    80016: ErrorClass.UNKNOWN_ORDER,  # order does not exist
    80017: ErrorClass.NO_POSITION,
    101400: ErrorClass.BELOW_MINIMUM,
    109400: ErrorClass.UNKNOWN_SYMBOL,
    109421: ErrorClass.UNKNOWN_ORDER,
    101209: ErrorClass.DUPLICATE_CLIENT_ID,
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
