"""Delivery off the execution path: a bounded queue, one worker, bounded retries, counted."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from gateway import metrics
from gateway.notify.channels import Channel
from gateway.notify.events import Event

log = logging.getLogger("gateway.notify")


class Notifier:
    def __init__(
        self,
        channels: list[Channel],
        *,
        attempts: int = 3,
        backoff_s: float = 0.5,
        queue_size: int = 1000,
    ) -> None:
        self.channels = channels
        self.attempts = attempts
        self.backoff_s = backoff_s
        self._queue: asyncio.Queue[Event] | None = None
        self._queue_size = queue_size
        self._worker: asyncio.Task[None] | None = None
        for channel in channels:
            for outcome in ("sent", "retried", "failed", "dropped"):
                metrics.NOTIFICATIONS.labels(channel.name, outcome)

    def start(self) -> None:
        if self.channels:
            self._queue = asyncio.Queue(self._queue_size)
            self._worker = asyncio.create_task(self._run())

    def publish(self, event: Event) -> None:
        """Never waits: a full queue drops the event (counted) rather than hold up a signal."""
        if self._queue is None:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            for channel in self.channels:
                metrics.NOTIFICATIONS.labels(channel.name, "dropped").inc()

    async def drain(self, timeout_s: float) -> None:
        """Give queued messages a chance to go out before shutdown."""
        if self._queue is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), timeout_s)
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            event = await self._queue.get()
            try:
                await asyncio.gather(*(self._deliver(channel, event) for channel in self.channels))
            finally:
                self._queue.task_done()

    async def _deliver(self, channel: Channel, event: Event) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                await asyncio.to_thread(channel.send, event)
            except Exception as exc:  # any failure of a notifier is the notifier's, never the signal's
                if attempt == self.attempts:
                    metrics.NOTIFICATIONS.labels(channel.name, "failed").inc()
                    log.warning(
                        "notification not delivered",
                        extra={"channel": channel.name, "kind": event.kind, "reason": str(exc)},
                    )
                    return
                metrics.NOTIFICATIONS.labels(channel.name, "retried").inc()
                await asyncio.sleep(self.backoff_s * 2 ** (attempt - 1))
                continue
            metrics.NOTIFICATIONS.labels(channel.name, "sent").inc()
            return
