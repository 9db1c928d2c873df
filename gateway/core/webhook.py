"""Handling one webhook: authenticate, parse, forward, answer. No HTTP here."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from common.errors import ErrorClass, TvbridgeError
from common.jsonlog import signal_context
from gateway import metrics
from gateway.config import GatewaySettings
from gateway.core.executor_client import response_to_dict
from gateway.core.parser import Defaults, SignalError, parse_signal, read_json
from gateway.core.signal import Signal
from tvbridge.executor.v1 import executor_pb2 as pb

log = logging.getLogger("gateway.webhook")


class Executor(Protocol):
    async def execute(
        self, signal: Signal, *, max_age_ms: int, attempt: int = 1
    ) -> pb.ExecuteSignalResponse: ...


@dataclass(frozen=True)
class Reply:
    status_code: int
    body: dict[str, Any]


def error_reply(error_class: ErrorClass, message: str, *, field: str | None = None, **extra: Any) -> Reply:
    error: dict[str, Any] = {"code": error_class.value, "message": message}
    if field is not None:
        error["field"] = field
    body: dict[str, Any] = {"error": error, **extra}
    return Reply(TvbridgeError(error_class, message).http_status, body)


class WebhookService:
    def __init__(self, settings: GatewaySettings, executor: Executor) -> None:
        self.executor = executor
        assert settings.webhook_passphrase is not None  # the settings refuse to load without one
        self._passphrase = settings.webhook_passphrase.get_secret_value().encode()
        self._strategy_passphrases = {
            name: passphrase.encode() for name, passphrase in settings.strategy_passphrase_map().items()
        }
        self.defaults = Defaults(exchange=settings.default_exchange, account=settings.default_account)
        self.max_age_ms = int(settings.signal_max_age_s * 1000)

    def _authorised(self, body: dict[str, Any]) -> bool:
        given = body.get("passphrase")
        given_bytes = given.encode() if isinstance(given, str) else b""
        strategy = body.get("strategy")
        # A strategy with its own passphrase accepts that one only; names are not secret.
        expected = self._passphrase
        if isinstance(strategy, str):
            expected = self._strategy_passphrases.get(strategy.strip().lower(), self._passphrase)
        # compare_digest takes the same time whatever the overlap, so a near miss
        # answers exactly like a wild guess.
        return hmac.compare_digest(given_bytes, expected)

    async def handle(self, raw: bytes, *, client_ip: str) -> Reply:
        received_at = datetime.now(UTC)
        try:
            body = read_json(raw)
        except SignalError as exc:
            metrics.WEBHOOKS.labels("invalid").inc()
            log.info("webhook body refused", extra={"client_ip": client_ip, "field": exc.field})
            return error_reply(ErrorClass.INVALID_SIGNAL, exc.message, field=exc.field)
        if not self._authorised(body):
            metrics.WEBHOOKS.labels("unauthorized").inc()
            log.warning("webhook with a missing or wrong passphrase", extra={"client_ip": client_ip})
            return error_reply(ErrorClass.UNAUTHORIZED, "passphrase missing or wrong")
        try:
            signal = parse_signal(body, self.defaults, received_at=received_at)
        except SignalError as exc:
            metrics.WEBHOOKS.labels("invalid").inc()
            log.info(
                "signal refused", extra={"client_ip": client_ip, "field": exc.field, "reason": exc.message}
            )
            return error_reply(ErrorClass.INVALID_SIGNAL, exc.message, field=exc.field)

        with signal_context(signal.signal_id):
            log.info(
                "signal received",
                extra={
                    "client_ip": client_ip,
                    "exchange": signal.exchange,
                    "symbol": signal.symbol,
                    "action": signal.action.value,
                    "test": signal.test,
                },
            )
            return await self._forward(signal)

    async def _forward(self, signal: Signal) -> Reply:
        try:
            reply = await self.executor.execute(signal, max_age_ms=self.max_age_ms)
        except TvbridgeError as exc:
            if exc.error_class is ErrorClass.EXECUTOR_UNAVAILABLE and exc.venue_code == "deadline":
                # The executor may have acted: answer 2xx so TradingView does not resend.
                metrics.WEBHOOKS.labels("pending").inc()
                log.warning("executor answer overdue", extra={"reason": exc.message})
                return Reply(202, {"signal_id": signal.signal_id, "status": "pending", "reason": exc.message})
            metrics.WEBHOOKS.labels("unavailable" if exc.retryable else "failed").inc()
            log.warning(
                "signal not executed", extra={"error_class": exc.error_class.value, "reason": exc.message}
            )
            return error_reply(exc.error_class, exc.message, signal_id=signal.signal_id)
        result = response_to_dict(reply)
        metrics.WEBHOOKS.labels(result["status"]).inc()
        log.info(
            "signal %s",
            result["status"],
            extra={"reason": result.get("reason"), "orders": [o["order_id"] for o in result["orders"]]},
        )
        return Reply(200, result)
