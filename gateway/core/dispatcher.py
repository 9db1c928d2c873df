"""From the journal to the executor: ordered per account and symbol, redelivered until decided.

Each journalled signal joins the lane of its (venue, account, symbol); a lane runs one signal
at a time in arrival order, so a close never overtakes the open before it, while other
symbols run in parallel. A signal leaves its lane only with a final state in the journal. An
attempt is counted in the journal before it is sent, so after any crash the next one carries
a higher number, and the executor then asks the venue before placing anything.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from common.errors import TvbridgeError
from common.jsonlog import signal_context
from common.trading import OrderStatus
from gateway import metrics
from gateway.core.execution import Execution, text, word
from gateway.core.signal import Signal
from gateway.journal import signal_json
from gateway.journal.aio import AsyncJournal
from gateway.journal.records import FINAL, OrderLink, Outcome, Trade, now_ms

log = logging.getLogger("gateway.dispatcher")


class Executor(Protocol):
    def connected(self) -> bool: ...

    async def wait_ready(self, timeout_s: float) -> bool: ...

    async def execute(self, signal: Signal, *, max_age_ms: int, attempt: int = 1) -> Execution: ...


@dataclass(frozen=True)
class Job:
    signal_id: str
    lane: tuple[str, str, str]
    signal: Signal
    expires_ms: int | None
    journalled_ms: int = 0
    # The attempt number the journal counted at admission, not yet sent (0: none).
    begun: int = 0


def job_from_row(row: Mapping[str, Any]) -> Job:
    signal = signal_json.loads(row["normalized"])
    lane = (row["venue"], row["account"], row["symbol"])
    return Job(row["signal_id"], lane, signal, row["expires_ms"], row["journalled_ms"])


def trades_of(execution: Execution) -> list[Trade]:
    """The orders that traded, as the ledger and trades.csv record them."""
    return [
        Trade(
            venue=word(order.venue),
            symbol=order.venue_symbol,
            side=word(order.side),
            quantity=text(order.quantity) or "",
            price=text(order.avg_price if order.avg_price is not None else order.price) or "",
            order_id=order.order_id,
            purpose=word(order.purpose),
        )
        for order in execution.orders
        if order.traded
    ]


def links_of(execution: Execution, signal: Signal) -> list[OrderLink]:
    """Every order of the answer, traded or resting (a take-profit fills later): how the ledger
    finds the signal of a fill."""
    return [
        OrderLink(
            venue=word(order.venue or signal.venue),
            account=signal.account,
            order_id=order.order_id,
            client_order_id=order.client_order_id,
            purpose=word(order.purpose, ""),
            venue_symbol=order.venue_symbol,
        )
        for order in execution.orders
        # A test signal's orders were never sent: nothing on the venue is theirs.
        if order.status is not OrderStatus.PLANNED
    ]


class Dispatcher:
    def __init__(
        self,
        journal: AsyncJournal,
        executor: Executor,
        *,
        max_age_ms: int,
        on_trades: Callable[[str, int, list[Trade]], None] | None = None,
        on_decided: Callable[[Job, dict[str, Any]], None] | None = None,
        backoff_min_s: float = 0.2,
        backoff_max_s: float = 5.0,
    ) -> None:
        self.journal = journal
        self.executor = executor
        self.max_age_ms = max_age_ms
        self.on_trades = on_trades
        self.on_decided = on_decided
        self.backoff_min_s = backoff_min_s
        self.backoff_max_s = backoff_max_s
        self._lanes: dict[tuple[str, str, str], asyncio.Queue[Job]] = {}
        self._workers: dict[tuple[str, str, str], asyncio.Task[None]] = {}
        self._waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        # Lanes now delivering a signal, and how long a delivery has lately taken (a moving
        # average): what a new signal's wait for its outcome is foreseen from.
        self._delivering: dict[tuple[str, str, str], float] = {}
        self._delivery_s = 0.0
        self._accepting = True

    # -- the outside ---------------------------------------------------------------------

    async def resume(self) -> int:
        """Queue every signal the journal still holds pending, in arrival order."""
        rows = await self.journal.pending()
        for row in rows:
            self.submit(job_from_row(row))
        if rows:
            log.info("resumed pending signals", extra={"count": len(rows)})
        return len(rows)

    def submit(self, job: Job) -> asyncio.Future[dict[str, Any]]:
        future = self.outcome(job.signal_id)
        queue = self._lanes.get(job.lane)
        if queue is None:
            queue = self._lanes[job.lane] = asyncio.Queue()
        queue.put_nowait(job)
        worker = self._workers.get(job.lane)
        if worker is None or worker.done():
            self._workers[job.lane] = asyncio.create_task(self._lane(job.lane, queue))
        return future

    def outcome(self, signal_id: str) -> asyncio.Future[dict[str, Any]]:
        """A future that resolves with the signal's final answer, shared by everyone who waits."""
        future = self._waiters.get(signal_id)
        if future is None:
            future = self._waiters[signal_id] = asyncio.get_running_loop().create_future()
        return future

    def foreseen_wait_s(self, lane: tuple[str, str, str]) -> float:
        """Roughly how long until a signal just queued on `lane` is decided: the signals ahead of
        it and itself, at the recent time a delivery takes, or the time the lane's delivery in
        flight has taken so far if longer (the first of a burst tells how slow the burst is)."""
        queue = self._lanes.get(lane)
        queued = queue.qsize() if queue is not None else 0
        started = self._delivering.get(lane)
        if started is None:
            return queued * self._delivery_s
        return (queued + 1) * max(self._delivery_s, time.monotonic() - started)

    def connected(self) -> bool:
        """Whether a signal admitted now would be sent at once (the executor's channel is up)."""
        return self.executor.connected()

    def waiting(self, signal_id: str) -> asyncio.Future[dict[str, Any]] | None:
        return self._waiters.get(signal_id)

    async def stop(self, grace_s: float) -> None:
        """Let in-flight signals finish for up to grace_s; whatever is left stays pending in the
        journal and is resumed by the next start."""
        self._accepting = False
        workers = [w for w in self._workers.values() if not w.done()]
        if workers:
            _, running = await asyncio.wait(workers, timeout=grace_s)
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    # -- one lane ----------------------------------------------------------------------------

    async def _lane(self, lane: tuple[str, str, str], queue: asyncio.Queue[Job]) -> None:
        while self._accepting:
            try:
                job = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = self._delivering[lane] = time.monotonic()
            with signal_context(job.signal_id):
                try:
                    await self._deliver(job)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # Never lose the lane to one bad signal: it stays pending in the journal.
                    log.exception("dispatch failed; the signal stays pending")
                finally:
                    del self._delivering[lane]
            took = time.monotonic() - started
            self._delivery_s = took if not self._delivery_s else 0.8 * self._delivery_s + 0.2 * took

    async def _deliver(self, job: Job) -> None:
        failures = 0
        begun = job.begun
        while self._accepting:
            if not await self.executor.wait_ready(self._delay(failures)):
                failures += 1
                if await self._expire_unsent(job):
                    return
                await self.journal.retry_later(job.signal_id, now_ms(), "the executor is unreachable")
                continue
            number = begun or await self.journal.begin_attempt(job.signal_id)
            begun = 0  # a retry is a new attempt, counted before it is sent
            if number == 0:
                await self._settle_from_journal(job.signal_id)  # decided elsewhere already
                return
            try:
                execution = await self.executor.execute(
                    job.signal, max_age_ms=self.max_age_ms, attempt=number
                )
            except TvbridgeError as exc:
                if not exc.retryable:
                    await self._finish(job, number, _failure(job, exc))
                    return
                failures += 1
                delay = self._delay(failures)
                await self.journal.end_attempt(
                    job.signal_id,
                    number,
                    exc.error_class.value,
                    exc.message,
                    retry_at_ms=now_ms() + int(delay * 1000),
                )
                metrics.REDELIVERIES.labels(exc.error_class.value).inc()
                log.warning(
                    "signal will be redelivered",
                    extra={
                        "attempt": number,
                        "error_class": exc.error_class.value,
                        "retry_in_s": round(delay, 2),
                    },
                )
                await asyncio.sleep(delay)
                continue
            links = links_of(execution, job.signal)
            await self._finish(job, number, execution.answer(), trades_of(execution), links)
            return

    async def _expire_unsent(self, job: Job) -> bool:
        """Past its max age with no attempt ever sent: nothing can have been placed."""
        if job.expires_ms is None or now_ms() <= job.expires_ms:
            return False
        row = await self.journal.get(job.signal_id)
        if row is None or row["attempts"]:
            return False  # an attempt may have reached the venue: only the executor may decide
        reason = "the executor could not be reached before the signal's max age; nothing was placed"
        result = {"signal_id": job.signal_id, "status": "expired", "reason": reason, "orders": []}
        await self._finish(job, 0, result)
        return True

    async def _finish(
        self,
        job: Job,
        number: int,
        result: dict[str, Any],
        trades: list[Trade] | None = None,
        links: list[OrderLink] | None = None,
    ) -> None:
        # The answer goes out before the outcome is written: the signal is already journalled, and
        # should we die before this commit it stays pending and its redelivery (a higher attempt
        # number, so the executor asks the venue first) returns this same outcome.
        self._resolve(job.signal_id, result)
        # Let the waiting webhook write its answer before this commit competes with it.
        await asyncio.sleep(0)
        status = str(result["status"])
        error = result.get("error") or {}
        timings = result.get("timings_ms") or {}
        trades = trades or []
        at = now_ms()
        if job.journalled_ms:
            metrics.STAGE_SECONDS.labels("journalled_to_decided").observe(
                max(0, at - job.journalled_ms) / 1000
            )
        for stage in ("executor", "venue"):
            if timings.get(stage) is not None:
                metrics.STAGE_SECONDS.labels(stage).observe(timings[stage] / 1000)
        first = await self.journal.finish(
            job.signal_id,
            Outcome(
                status=status,
                result=result,
                error_code=error.get("code"),
                reason=result.get("reason"),
                executor_ms=_whole_ms(timings.get("executor")),
                venue_ms=_whole_ms(timings.get("venue")),
                trades=trades,
                links=links or [],
                finished_ms=at,
            ),
            number,
        )
        if first and trades and self.on_trades is not None:
            self.on_trades(job.signal_id, at, trades)
        if first and self.on_decided is not None:
            self.on_decided(job, result)
        if first:
            metrics.SIGNALS_FINISHED.labels(status).inc()
            if error.get("code"):
                metrics.REJECTIONS.labels(str(error["code"])).inc()
            log.info("signal %s", status, extra={"reason": result.get("reason"), "attempts": number})

    async def _settle_from_journal(self, signal_id: str) -> None:
        row = await self.journal.get(signal_id)
        if row is not None and row["status"] in FINAL:
            self._resolve(signal_id, answer_of(row))

    def _resolve(self, signal_id: str, result: dict[str, Any]) -> None:
        future = self._waiters.pop(signal_id, None)
        if future is not None and not future.done():
            future.set_result(result)

    def _delay(self, failures: int) -> float:
        if failures == 0:
            return self.backoff_min_s
        base = min(self.backoff_max_s, self.backoff_min_s * 2.0 ** min(failures, 10))
        return base * random.uniform(0.8, 1.2)  # noqa: S311 - spreading retries, not secrets


def _whole_ms(value: float | None) -> int | None:
    return round(value) if value is not None else None  # the journal's columns hold whole ms


def _failure(job: Job, exc: TvbridgeError) -> dict[str, Any]:
    return {
        "signal_id": job.signal_id,
        "status": "failed",
        "reason": exc.message,
        "error": {"code": exc.error_class.value, "message": exc.message},
        "orders": [],
    }


def answer_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """What the webhook and GET /signals/{id} say of a journalled signal."""
    if row["status"] in FINAL and row["result"]:
        result: dict[str, Any] = json.loads(row["result"])
        return result
    answer: dict[str, Any] = {"signal_id": row["signal_id"], "status": row["status"]}
    if row.get("reason"):
        answer["reason"] = row["reason"]
    if row["status"] not in FINAL:
        answer["attempts"] = row["attempts"]
    return answer
