"""The error taxonomy: every failure is a class, retryable or fatal, with one
gRPC status code and one HTTP status code. Both edges read the same table, so
a rejection means the same thing in the journal, in metrics and on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import grpc


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


@dataclass(frozen=True)
class ClassInfo:
    retryable: bool
    grpc_code: grpc.StatusCode
    http_status: int


_TABLE: dict[ErrorClass, ClassInfo] = {
    ErrorClass.INVALID_SIGNAL: ClassInfo(False, grpc.StatusCode.INVALID_ARGUMENT, 422),
    ErrorClass.UNKNOWN_SYMBOL: ClassInfo(False, grpc.StatusCode.FAILED_PRECONDITION, 422),
    ErrorClass.BELOW_MINIMUM: ClassInfo(False, grpc.StatusCode.FAILED_PRECONDITION, 422),
    ErrorClass.PRECISION: ClassInfo(False, grpc.StatusCode.FAILED_PRECONDITION, 422),
    ErrorClass.RISK_LIMIT: ClassInfo(False, grpc.StatusCode.FAILED_PRECONDITION, 422),
    ErrorClass.TRADING_DISABLED: ClassInfo(False, grpc.StatusCode.FAILED_PRECONDITION, 409),
    ErrorClass.INSUFFICIENT_MARGIN: ClassInfo(False, grpc.StatusCode.FAILED_PRECONDITION, 422),
    ErrorClass.NO_POSITION: ClassInfo(False, grpc.StatusCode.FAILED_PRECONDITION, 409),
    ErrorClass.AUTH: ClassInfo(False, grpc.StatusCode.PERMISSION_DENIED, 502),
    ErrorClass.TIMESTAMP: ClassInfo(True, grpc.StatusCode.UNAVAILABLE, 503),
    ErrorClass.DUPLICATE_CLIENT_ID: ClassInfo(False, grpc.StatusCode.ALREADY_EXISTS, 409),
    ErrorClass.UNKNOWN_ORDER: ClassInfo(False, grpc.StatusCode.NOT_FOUND, 404),
    ErrorClass.RATE_LIMITED: ClassInfo(True, grpc.StatusCode.RESOURCE_EXHAUSTED, 503),
    ErrorClass.VENUE_UNAVAILABLE: ClassInfo(True, grpc.StatusCode.UNAVAILABLE, 503),
    ErrorClass.UNKNOWN_ACCOUNT: ClassInfo(False, grpc.StatusCode.FAILED_PRECONDITION, 422),
    ErrorClass.UNSUPPORTED: ClassInfo(False, grpc.StatusCode.UNIMPLEMENTED, 422),
    ErrorClass.STALE: ClassInfo(False, grpc.StatusCode.FAILED_PRECONDITION, 410),
    ErrorClass.INTERNAL: ClassInfo(False, grpc.StatusCode.INTERNAL, 500),
    ErrorClass.VENUE_REJECTED: ClassInfo(False, grpc.StatusCode.FAILED_PRECONDITION, 422),
    ErrorClass.EXECUTOR_UNAVAILABLE: ClassInfo(True, grpc.StatusCode.UNAVAILABLE, 503),
    ErrorClass.UNAUTHORIZED: ClassInfo(False, grpc.StatusCode.UNAUTHENTICATED, 401),
    # Nothing is recorded, so nothing is done: TradingView's resend on a 5xx is what we want.
    ErrorClass.JOURNAL_UNAVAILABLE: ClassInfo(True, grpc.StatusCode.UNAVAILABLE, 503),
    ErrorClass.NOT_FOUND: ClassInfo(False, grpc.StatusCode.NOT_FOUND, 404),
    ErrorClass.FORBIDDEN: ClassInfo(False, grpc.StatusCode.PERMISSION_DENIED, 403),
    ErrorClass.TOO_MANY_REQUESTS: ClassInfo(True, grpc.StatusCode.RESOURCE_EXHAUSTED, 429),
    ErrorClass.PAYLOAD_TOO_LARGE: ClassInfo(False, grpc.StatusCode.INVALID_ARGUMENT, 413),
}


def info(error_class: ErrorClass) -> ClassInfo:
    return _TABLE[error_class]


class TvbridgeError(Exception):
    """A classified failure; `venue_code`/`venue_message` keep the venue's own words."""

    def __init__(
        self,
        error_class: ErrorClass,
        message: str,
        *,
        venue_code: str = "",
        venue_message: str = "",
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.message = message
        self.venue_code = venue_code
        self.venue_message = venue_message
        self.retry_after_s = retry_after_s

    @property
    def retryable(self) -> bool:
        return info(self.error_class).retryable

    @property
    def grpc_code(self) -> grpc.StatusCode:
        return info(self.error_class).grpc_code

    @property
    def http_status(self) -> int:
        return info(self.error_class).http_status

    def __repr__(self) -> str:
        return f"TvbridgeError({self.error_class.value}: {self.message})"
