"""The error taxonomy: every failure is a class, retryable or fatal. The edges translate a
class to their transport's status (executor/grpc_service.py to gRPC codes,
gateway/api/errors.py to HTTP), each from one table, so a rejection means the same thing in the journal,
in metrics and on the wire. Nothing here knows a transport.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorClass(StrEnum):
    INVALID_SIGNAL = "invalid_signal"
    UNKNOWN_SYMBOL = "unknown_symbol"
    BELOW_MINIMUM = "below_minimum"
    PRECISION = "precision"
    RISK_LIMIT = "risk_limit"
    TRADING_DISABLED = "trading_disabled"
    INSUFFICIENT_MARGIN = "insufficient_margin"
    NO_POSITION = "no_position"
    AUTH = "auth"
    TIMESTAMP = "timestamp"
    DUPLICATE_CLIENT_ID = "duplicate_client_id"
    UNKNOWN_ORDER = "unknown_order"
    RATE_LIMITED = "rate_limited"
    VENUE_UNAVAILABLE = "venue_unavailable"
    UNKNOWN_ACCOUNT = "unknown_account"
    UNSUPPORTED = "unsupported"
    STALE = "stale"
    INTERNAL = "internal"
    VENUE_REJECTED = "venue_rejected"
    # Gateway-side only: the executor could not be reached or did not answer in time.
    EXECUTOR_UNAVAILABLE = "executor_unavailable"
    UNAUTHORIZED = "unauthorized"
    JOURNAL_UNAVAILABLE = "journal_unavailable"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    TOO_MANY_REQUESTS = "too_many_requests"
    PAYLOAD_TOO_LARGE = "payload_too_large"


# Conditions that pass: the same request, later, may succeed.
RETRYABLE: frozenset[ErrorClass] = frozenset(
    {
        ErrorClass.TIMESTAMP,
        ErrorClass.RATE_LIMITED,
        ErrorClass.VENUE_UNAVAILABLE,
        ErrorClass.EXECUTOR_UNAVAILABLE,
        # Nothing is recorded, so nothing is done: TradingView's resend on a 5xx is what we want.
        ErrorClass.JOURNAL_UNAVAILABLE,
        ErrorClass.TOO_MANY_REQUESTS,
    }
)


class TvbridgeError(Exception):
    """A classified failure; `venue_code`/`venue_message` keep the venue's own words.

    `sent` is False only when the request certainly never left us (the connection was refused,
    the TLS handshake failed, our own rate-limit gate held it): nothing can have been acted on,
    so sending it again is safe. Any answer, and any silence after sending, leaves it True.
    """

    def __init__(
        self,
        error_class: ErrorClass,
        message: str,
        *,
        venue_code: str = "",
        venue_message: str = "",
        retry_after_s: float | None = None,
        sent: bool = True,
    ) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.message = message
        self.venue_code = venue_code
        self.venue_message = venue_message
        self.retry_after_s = retry_after_s
        self.sent = sent

    @property
    def retryable(self) -> bool:
        return self.error_class in RETRYABLE

    def __repr__(self) -> str:
        return f"TvbridgeError({self.error_class.value}: {self.message})"
