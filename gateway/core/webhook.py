"""Handling one webhook: authenticate, parse, forward, answer. No HTTP here: the answer is a
Reply, decided, pending or refused, and the route gives it its status code."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Gauge

from common import jsonlog
from common.errors import ErrorClass
from common.jsonlog import signal_context
from gateway import metrics
from gateway.config import GatewaySettings
from gateway.core.dispatcher import Dispatcher, Job, answer_of
from gateway.core.fields import SignalError
from gateway.core.parser import Defaults, parse_signal, read_json
from gateway.core.refusal_log import RefusalLog
from gateway.core.reply import Reply, error_reply
from gateway.core.signal import Signal, Venue
from gateway.journal import signal_json
from gateway.journal.aio import AsyncJournal
from gateway.journal.records import FINAL, NewSignal, now_ms
from gateway.notify.events import Event
from gateway.notify.sender import Notifier

log = logging.getLogger("gateway.webhook")

# The same whatever was sent, so that a near miss answers exactly like a wild guess; one object,
# so the HTTP edge renders it once (gateway/api/routes/webhook.py).
PASSPHRASE_REFUSED = error_reply(ErrorClass.UNAUTHORIZED, "passphrase missing or wrong")


class WebhookService:
    def __init__(
        self,
        settings: GatewaySettings,
        journal: AsyncJournal,
        dispatcher: Dispatcher,
        notifier: Notifier | None = None,
        refusals: RefusalLog | None = None,
    ) -> None:
        self.journal = journal
        self.dispatcher = dispatcher
        self.notifier = notifier
        self.refusals = refusals if refusals is not None else RefusalLog()
        assert settings.webhook_passphrase is not None  # the settings refuse to load without one
        self._passphrase = settings.webhook_passphrase.get_secret_value().encode()
        self._strategy_passphrases = {
            name: passphrase.encode() for name, passphrase in settings.strategy_passphrase_map().items()
        }
        self.defaults = Defaults(venue=Venue(settings.default_exchange), account=settings.default_account)
        self.max_age_ms = int(settings.signal_max_age_s * 1000)
        self.dedupe_window_ms = int(settings.dedupe_window_s * 1000)
        self.wait_s = settings.webhook_wait_s
        self.watched = settings.watched_strategies()
        # When each watched strategy was last heard (monotonic), and which are reported quiet.
        self.last_heard: dict[str, float] = dict.fromkeys(self.watched, time.monotonic())
        self.reported_quiet: set[str] = set()
        # The series of each strategy label heard so far, resolved once (created when first heard).
        self._last_signal: dict[str, Gauge] = {}
        for name in self.watched:
            # Until a strategy speaks, silence is counted from our own start, so a restart
            # neither hides a dead alert nor raises a false one.
            metrics.LAST_SIGNAL.labels(name).set_to_current_time()
            metrics.HEARTBEATS.labels(name)

    def heard(self, label: str) -> None:
        series = self._last_signal.get(label)
        if series is None:
            series = self._last_signal[label] = metrics.LAST_SIGNAL.labels(label)
        series.set_to_current_time()
        if label in self.last_heard:
            self.last_heard[label] = time.monotonic()
            self.reported_quiet.discard(label)

    def quiet_strategies(self, silence_s: float) -> list[tuple[str, float]]:
        """Watched strategies silent for silence_s, each reported once per silence."""
        now = time.monotonic()
        quiet = []
        for name, heard in self.last_heard.items():
            if now - heard >= silence_s and name not in self.reported_quiet:
                self.reported_quiet.add(name)
                quiet.append((name, now - heard))
        return quiet

    def strategy_label(self, strategy: object) -> str:
        name = strategy.strip().lower() if isinstance(strategy, str) else ""
        if not name:
            return "unnamed"
        return name if name in self.watched else "other"

    def _heartbeat(self, body: dict[str, Any], client_ip: str) -> Reply:
        """A strategy saying it is alive: counted and timed, journalled nowhere, never traded."""
        label = self.strategy_label(body.get("strategy"))
        metrics.HEARTBEATS.labels(label).inc()  # handle() has already noted it as heard
        log.info("heartbeat", extra={"client_ip": client_ip, "strategy": label})
        return Reply({"status": "heartbeat", "strategy": label})

    def authorised(self, passphrase: object, strategy: object = None) -> bool:
        given_bytes = passphrase.encode() if isinstance(passphrase, str) else b""
        # A strategy with its own passphrase accepts that one only; names are not secret.
        expected = self.passphrase_for(strategy).encode()
        # compare_digest takes the same time whatever the overlap, so a near miss
        # answers exactly like a wild guess.
        return hmac.compare_digest(given_bytes, expected)

    def passphrase_for(self, strategy: object) -> str:
        """The passphrase an alert for `strategy` must carry (the dashboard's test form sends it)."""
        expected = self._passphrase
        if isinstance(strategy, str):
            expected = self._strategy_passphrases.get(strategy.strip().lower(), self._passphrase)
        return expected.decode()

    @staticmethod
    def password_ok(given: str, expected: str) -> bool:
        return hmac.compare_digest(given.encode(), expected.encode())

    def owner(self, passphrase: str) -> bool:
        """Any configured passphrase opens the read-only views of signals and trades."""
        given = passphrase.encode()
        known = [self._passphrase, *self._strategy_passphrases.values()]
        return any(hmac.compare_digest(given, k) for k in known)

    async def handle(self, raw: bytes, *, client_ip: str, arrived: float | None = None) -> Reply:
        """`arrived` (time.monotonic()) is when the request reached us: the outcome is awaited
        until WEBHOOK_WAIT_S after that, so time spent queueing in a burst counts against it and
        TradingView hears back inside its 3 s either way."""
        received_at = datetime.now(UTC)
        arrived = arrived if arrived is not None else time.monotonic()
        try:
            body = read_json(raw)
        except SignalError as exc:
            metrics.WEBHOOK_OUTCOME["invalid"].inc()
            self.refusals.refused(
                log,
                logging.INFO,
                "webhook body refused",
                client_ip=client_ip,
                outcome="invalid",
                field=exc.field,
            )
            return error_reply(ErrorClass.INVALID_SIGNAL, exc.message, field=exc.field)
        if not self.authorised(body.get("passphrase"), body.get("strategy")):
            metrics.WEBHOOK_OUTCOME["unauthorized"].inc()
            self.refusals.refused(
                log,
                logging.WARNING,
                "webhook with a missing or wrong passphrase",
                client_ip=client_ip,
                outcome="unauthorized",
            )
            return PASSPHRASE_REFUSED
        self.heard(self.strategy_label(body.get("strategy")))
        action = body.get("action", body.get("accion"))
        if isinstance(action, str) and action.strip().lower() in ("heartbeat", "ping"):
            return self._heartbeat(body, client_ip)
        stored_body = jsonlog.scrub(json.dumps(jsonlog.redact_mapping(body), default=str))
        try:
            signal = parse_signal(body, self.defaults, received_at=received_at)
        except SignalError as exc:
            metrics.WEBHOOK_OUTCOME["invalid"].inc()
            log.info(
                "signal refused", extra={"client_ip": client_ip, "field": exc.field, "reason": exc.message}
            )
            reply = error_reply(ErrorClass.INVALID_SIGNAL, exc.message, field=exc.field)
            metrics.REJECTIONS.labels(ErrorClass.INVALID_SIGNAL.value).inc()
            if self.notifier is not None:
                self.notifier.publish(Event("rejection", f"not a signal: {exc.field}: {exc.message}"))
            await self._journal_refusal(stored_body, received_at, reply)
            return reply

        with signal_context(signal.signal_id):
            log.info(
                "signal received",
                extra={
                    "client_ip": client_ip,
                    "venue": signal.venue.value,
                    "symbol": signal.symbol,
                    "action": signal.action.value,
                    "test": signal.test,
                },
            )
            new = self._new_signal(signal, body, stored_body)
            try:
                admission = await self.journal.admit(new)
            except Exception as exc:  # the database is down or full: record nothing, promise nothing
                log.error("journal unavailable", extra={"reason": type(exc).__name__})
                metrics.WEBHOOK_OUTCOME["unavailable"].inc()
                return error_reply(
                    ErrorClass.JOURNAL_UNAVAILABLE, "the signal could not be recorded; nothing was placed"
                )
            if not admission.new:
                return await self._repeat(admission.row, arrived)
            journalled = now_ms()
            if signal.fired_at is not None and signal.received_at is not None:
                fired_for = (signal.received_at - signal.fired_at).total_seconds()
                if fired_for >= 0:  # TradingView's clock ahead of ours says nothing useful
                    metrics.STAGE["fired_to_received"].observe(fired_for)
            metrics.STAGE["received_to_journalled"].observe(
                max(0, journalled - admission.row["received_ms"]) / 1000
            )
            row = admission.row
            job = Job(
                signal.signal_id,
                (row["venue"], row["account"], row["symbol"]),
                signal,
                row["expires_ms"],
                row["journalled_ms"],
                begun=1 if new.first_attempt else 0,
            )
            return await self._await_outcome(job, arrived)

    def _new_signal(self, signal: Signal, body: dict[str, Any], stored_body: str) -> NewSignal:
        received_ms = _ms(signal.received_at) or now_ms()
        fired_ms = _ms(signal.fired_at)
        if signal.explicit_id:
            key, until = f"id:{signal.signal_id}", None
        else:
            # The same alert resent (TradingView's retry) or fired twice: the body without the
            # passphrase, which is not part of what the alert says.
            canonical = json.dumps(
                {k: v for k, v in body.items() if k != "passphrase"}, sort_keys=True, default=str
            )
            key = "body:" + hashlib.sha256(canonical.encode()).hexdigest()
            until = received_ms + self.dedupe_window_ms
        return NewSignal(
            signal_id=signal.signal_id,
            status="pending",
            body=stored_body,
            received_ms=received_ms,
            venue=signal.venue.value,
            account=signal.account,
            symbol=signal.symbol,
            action=signal.action.value,
            strategy=signal.strategy,
            test=signal.test,
            normalized=signal_json.dumps(signal),
            fired_ms=fired_ms,
            expires_ms=(fired_ms or received_ms) + self.max_age_ms if self.max_age_ms else None,
            dedupe_key=key,
            dedupe_until_ms=until,
            first_attempt=self.dispatcher.connected(),
        )

    async def _journal_refusal(self, stored_body: str, received_at: datetime, reply: Reply) -> None:
        error = reply.body["error"]
        try:
            await self.journal.admit(
                NewSignal(
                    signal_id=f"rejected-{uuid.uuid4().hex}",
                    status="rejected",
                    body=stored_body,
                    received_ms=_ms(received_at) or now_ms(),
                    error_code=error["code"],
                    reason=f"{error.get('field', '')}: {error['message']}",
                    result={"status": "rejected", **reply.body},
                )
            )
        except Exception as exc:  # a refusal stands whether or not it could be written down
            log.error("journal unavailable for a refused signal", extra={"reason": type(exc).__name__})

    async def _repeat(self, row: dict[str, Any], arrived: float) -> Reply:
        """A signal seen before answers with the first one's outcome and places nothing."""
        metrics.WEBHOOK_OUTCOME["duplicate"].inc()
        log.info("repeated signal", extra={"first_status": row["status"]})
        if row["status"] not in FINAL:
            waiting = self.dispatcher.waiting(row["signal_id"])
            if waiting is not None:
                try:
                    result = await asyncio.wait_for(asyncio.shield(waiting), self._left(arrived))
                    return Reply({**result, "duplicate": True})
                except TimeoutError:
                    pass
            return Reply({**answer_of(row), "status": "pending", "duplicate": True}, pending=True)
        return Reply({**answer_of(row), "duplicate": True})

    async def _await_outcome(self, job: Job, arrived: float) -> Reply:
        future = self.dispatcher.submit(job)
        try:
            left = self._left(arrived)
            if self.dispatcher.foreseen_wait_s(job.lane) > left:
                # A burst on this symbol: its outcome cannot come within the wait, so the
                # connection is not held for it (TradingView needs only the recorded answer).
                raise TimeoutError
            result = await asyncio.wait_for(asyncio.shield(future), left)
        except TimeoutError:
            metrics.WEBHOOK_OUTCOME["pending"].inc()
            return Reply(
                {
                    "signal_id": job.signal_id,
                    "status": "pending",
                    "reason": "recorded; the outcome is not known yet (GET /signals/{id})",
                },
                pending=True,
            )
        metrics.webhook_outcome(result["status"]).inc()
        # From the request's arrival to its answer, our whole part plus the venue's: the one
        # figure that says how long an alert took here. The journal keeps the executor's.
        spent = round((time.monotonic() - arrived) * 1000, 1)
        timings = {**result.get("timings_ms", {}), "gateway": spent}
        answered = result.get("venue_answered_ms")
        if answered:
            # Received -> acknowledged by the venue, on the wall clock both services share.
            arrived_ms = (time.time() - (time.monotonic() - arrived)) * 1000
            timings["received_to_venue_ack"] = round(answered - arrived_ms, 1)
        return Reply({**result, "timings_ms": timings})

    def _left(self, arrived: float) -> float:
        """What is left of the wait; never zero, so an outcome already there is still taken."""
        return max(0.001, arrived + self.wait_s - time.monotonic())

    async def signal_view(self, signal_id: str) -> Reply:
        row = await self.journal.get(signal_id)
        if row is None:
            return error_reply(ErrorClass.NOT_FOUND, f"no signal {signal_id}")
        answer = answer_of(row)
        answer["journal"] = {
            "received_ms": row["received_ms"],
            "fired_ms": row["fired_ms"],
            "journalled_ms": row["journalled_ms"],
            "finished_ms": row["finished_ms"],
            "attempts": row["attempts"],
            "body": json.loads(row["body"]),
        }
        return Reply(answer)


def _ms(value: datetime | None) -> int | None:
    return int(value.timestamp() * 1000) if value is not None else None
