"""How the engine words a signal's result: executed, expired, refused or failed, with its timing."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import UTC, datetime

from common.errors import ErrorClass, TvbridgeError
from executor.core.model import ErrorInfo, ExecutionResult, OrderReport, Outcome, Sizing, TradeSignal
from executor.core.ports import venue_answered_ns, venue_seconds

log = logging.getLogger("executor.engine")

# Outcomes that are the signal's fault or the account's state; anything else
# non-retryable means our side is broken and is reported as failed.
_REJECTION_CLASSES = {
    ErrorClass.INVALID_SIGNAL,
    ErrorClass.UNKNOWN_SYMBOL,
    ErrorClass.BELOW_MINIMUM,
    ErrorClass.PRECISION,
    ErrorClass.RISK_LIMIT,
    ErrorClass.TRADING_DISABLED,
    ErrorClass.INSUFFICIENT_MARGIN,
    ErrorClass.NO_POSITION,
    ErrorClass.UNKNOWN_ACCOUNT,
    ErrorClass.UNSUPPORTED,
    ErrorClass.VENUE_REJECTED,
}


def executed(
    signal: TradeSignal, sizing: Sizing, orders: tuple[OrderReport, ...] = (), note: str = ""
) -> ExecutionResult:
    return ExecutionResult(
        signal.signal_id, Outcome.EXECUTED, sizing=sizing, orders=orders, test=signal.test, note=note
    )


def expired(signal: TradeSignal, max_age_ms: int) -> ExecutionResult | None:
    born = signal.fired_at or signal.received_at
    if max_age_ms <= 0 or born is None:
        return None
    age_ms = (datetime.now(UTC) - born).total_seconds() * 1000
    if age_ms <= max_age_ms:
        return None
    error = ErrorInfo(
        ErrorClass.STALE,
        f"signal is {age_ms / 1000:.1f}s old, older than the {max_age_ms / 1000:.1f}s max age",
    )
    return ExecutionResult(signal.signal_id, Outcome.EXPIRED, error=error, test=signal.test)


def refusal(signal: TradeSignal, exc: TvbridgeError) -> ExecutionResult:
    outcome = Outcome.REJECTED if exc.error_class in _REJECTION_CLASSES else Outcome.FAILED
    log.info("signal %s", outcome.value, extra={"error_class": exc.error_class.value, "reason": exc.message})
    error = ErrorInfo(exc.error_class, exc.message, exc.retryable, exc.venue_code, exc.venue_message)
    return ExecutionResult(signal.signal_id, outcome, error=error, test=signal.test)


def with_timing(result: ExecutionResult, started: float) -> ExecutionResult:
    spent, venue = time.perf_counter() - started, venue_seconds.get()
    return replace(
        result,
        executor_ms=int(spent * 1000),
        venue_ms=int(venue * 1000),
        executor_us=int(spent * 1_000_000),
        venue_us=int(venue * 1_000_000),
        venue_answered_ns=venue_answered_ns.get(),
    )
