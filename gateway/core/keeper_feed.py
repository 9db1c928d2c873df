"""The keeper feed: the executor's stream of fills and news, written to the ledger, the news
told to the owner, and fills mirrored into trades.csv.

The stored cursor says where the feed stopped, so a restarted gateway resumes there; a record
that comes again (a reconnect's replay, a second gateway on the same database) changes
nothing, because the ledger keeps a fill once per venue trade and a piece of news once per
(epoch, seq), and only the writer that inserted a piece of news tells it.

The stream is read ahead while the ledger writes: the records that arrived meanwhile (a burst's
fills) are written together, in one of the journal's transactions, and read back together.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from common.errors import TvbridgeError
from gateway import metrics
from gateway.core.fills import attributed
from gateway.core.keeper import KeeperFill, KeeperRecord
from gateway.journal.records import now_ms
from gateway.notify.events import Event, from_news

log = logging.getLogger("gateway.keeper_feed")

CURSOR = "executor"
# Records written in one step at most; the read-ahead holds a few such batches.
BATCH = 256

T = TypeVar("T")


class LedgerWrites(Protocol):
    async def cursor(self, name: str) -> tuple[str, int]: ...

    async def record(self, name: str, records: Sequence[KeeperRecord]) -> list[int | None]: ...

    async def fills_by_id(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]: ...


class KeeperSource(Protocol):
    def watch_keeper(self, epoch: str, after_seq: int) -> AsyncIterator[KeeperRecord]: ...


class KeeperFeed:
    def __init__(
        self,
        ledger: LedgerWrites,
        source: KeeperSource,
        *,
        publish: Callable[[Event], None],
        on_fill: Callable[[dict[str, Any]], None],
        name: str = CURSOR,
        backoff_min_s: float = 0.2,
        backoff_max_s: float = 5.0,
        hold_s: float = 10.0,
        channel_up: Callable[[], bool] = lambda: True,
    ) -> None:
        self.ledger = ledger
        self.source = source
        self.publish = publish
        self.on_fill = on_fill
        self.name = name
        self.backoff_min_s = backoff_min_s
        self.backoff_max_s = backoff_max_s
        self.hold_s = hold_s
        self.channel_up = channel_up
        self._tasks: list[asyncio.Task[None]] = []
        # Fills of ours (by row id) whose signal's outcome is not recorded yet: trades.csv waits
        # for it, up to hold_s (a market entry fills before the executor answers).
        self._held: dict[int, float] = {}
        self._outcomes = asyncio.Event()
        self.connected = False

    def start(self) -> None:
        metrics.KEEPER_FEED_CONNECTED.set(0)
        self._tasks = [asyncio.create_task(self._run()), asyncio.create_task(self._settle_held())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # Bounded: a shutdown never waits on the feed for long, whatever it was doing.
            await asyncio.wait(self._tasks, timeout=2.0)
        self._tasks = []
        self._connected(False)

    def outcome_recorded(self) -> None:
        """A signal's outcome (and so its orders' links) is in the journal: held fills may now
        know their signal."""
        self._outcomes.set()

    # -- reading the stream ---------------------------------------------------------------------

    async def _run(self) -> None:
        epoch: str | None = None
        seq = 0
        failures = 0
        last_reason = ""
        while True:
            try:
                if epoch is None:
                    epoch, seq = await self.ledger.cursor(self.name)
                # Open over a live connection: connected, though nothing may happen for hours.
                self._connected(self.channel_up())
                stream = self.source.watch_keeper(epoch, seq)
                async with contextlib.aclosing(read_ahead(stream, BATCH)) as batches:
                    async for records in batches:
                        self._connected(True)
                        await self._take(records)
                        epoch, seq = records[-1].epoch, records[-1].seq
                        if failures:
                            log.info("keeper feed restored", extra={"epoch": epoch, "seq": seq})
                        failures, last_reason = 0, ""
                reason = "the executor ended the keeper stream"
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the feed must never take the gateway down: read again later
                reason = exc.message if isinstance(exc, TvbridgeError) else type(exc).__name__
            self._connected(False)
            failures += 1
            if reason != last_reason:  # once per cause, not once per retry
                log.warning("keeper feed interrupted; reconnecting", extra={"reason": reason})
                last_reason = reason
            await asyncio.sleep(self._delay(failures))

    async def _take(self, records: list[KeeperRecord]) -> None:
        added = await self.ledger.record(self.name, records)
        rows = await self.ledger.fills_by_id(
            [row_id for record, row_id in zip(records, added, strict=True) if _is_fill(record) and row_id]
        )
        for record, row_id in zip(records, added, strict=True):
            item = record.item
            if not isinstance(item, KeeperFill):
                if row_id is not None:
                    self.publish(from_news(item))
                    # A guard's hit may have named the signal of a fill held back from trades.csv.
                    self._outcomes.set()
                continue
            if row_id is None:
                metrics.FILLS_DUPLICATE.inc()
                continue
            metrics.FILLS_RECORDED.inc()
            row = rows.get(row_id)
            if row is None:
                continue
            if attributed(row) or now_ms() - item.time_ms > self.hold_s * 1000:
                self.on_fill(row)
            else:
                self._held[row_id] = time.monotonic()

    def _connected(self, up: bool) -> None:
        self.connected = up
        metrics.KEEPER_FEED_CONNECTED.set(1 if up else 0)

    def _delay(self, failures: int) -> float:
        base = min(self.backoff_max_s, self.backoff_min_s * 2.0 ** min(failures - 1, 10))
        return base * random.uniform(0.8, 1.2)  # noqa: S311 - spreading reconnects, not secrets

    # -- fills waiting for their signal ----------------------------------------------------------

    async def _settle_held(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow the cancel of stop().
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await self._outcomes.wait()
            self._outcomes.clear()
            if not self._held:
                continue
            try:
                await self._release()
            except Exception as exc:  # the journal is unreachable: try again on the next round
                log.warning("held fills not settled", extra={"reason": type(exc).__name__})

    async def _release(self) -> None:
        rows = await self.ledger.fills_by_id(list(self._held))
        for row_id, since in list(self._held.items()):
            row = rows.get(row_id)
            if row is None:
                del self._held[row_id]
                continue
            if attributed(row) or time.monotonic() - since > self.hold_s:
                del self._held[row_id]
                self.on_fill(row)


def _is_fill(record: KeeperRecord) -> bool:
    return isinstance(record.item, KeeperFill)


@dataclass(frozen=True)
class _End:
    error: Exception | None


async def read_ahead(items: AsyncIterator[T], limit: int) -> AsyncGenerator[list[T], None]:
    """`items` read by a task of its own while the caller works on the last batch: each batch is
    what arrived meanwhile (at most `limit`), in order; the stream's error comes after its items."""
    queue: asyncio.Queue[T | _End] = asyncio.Queue(maxsize=4 * limit)

    async def read() -> None:
        try:
            async for item in items:
                await queue.put(item)
        except Exception as exc:  # handed to the reader, after what came before it
            await queue.put(_End(exc))
        else:
            await queue.put(_End(None))

    reader = asyncio.create_task(read())
    try:
        while True:
            batch: list[T] = []
            end: _End | None = None
            waiting = await queue.get()
            while True:
                if isinstance(waiting, _End):
                    end = waiting
                    break
                batch.append(waiting)
                if len(batch) >= limit or queue.empty():
                    break
                waiting = queue.get_nowait()
            if batch:
                yield batch
            if end is not None:
                if end.error is not None:
                    raise end.error
                return
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
