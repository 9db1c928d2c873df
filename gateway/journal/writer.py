"""The journal's one writer thread, committing in groups.

Every write is a step on a connection. The writer takes whatever queued while it was busy (up to
MAX_BATCH), runs those steps in arrival order in one transaction, commits once, and only then
answers each caller, so nothing is promised before it is durable and a burst pays one commit
(one fsync) for many writes. A lone write does not wait for company: there is no timer, the
batch is just what arrived during the previous commit.

A step that fails fails alone: the transaction is rolled back and the others run again without
it. A commit that fails fails every write of its batch, since none of them is durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Connection, Engine

T = TypeVar("T")

log = logging.getLogger("gateway.journal")

# Bounds the time a batch holds the database's write lock and the wait of its first caller.
MAX_BATCH = 256


@dataclass(frozen=True)
class Write(Generic[T]):
    step: Callable[[Connection], T]
    # After the step failed and its part was rolled back: what the caller gets instead, or raise.
    rescue: Callable[[BaseException], T] | None
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[T]


@dataclass(frozen=True)
class Failed:
    error: BaseException


class _StepFailed(Exception):
    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


class GroupWriter:
    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH, name: str = "journal-writer") -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[Write[Any] | None] = queue.SimpleQueue()
        self._closed = False
        self._in_flight = 0  # writes asked for and not yet answered, counted on the callers' side
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    async def write(
        self, step: Callable[[Connection], T], rescue: Callable[[BaseException], T] | None = None
    ) -> T:
        """Run `step` in the next group's transaction; its result once that has committed."""
        if self._closed:
            raise RuntimeError("the journal's writer is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(Write(step, rescue, loop, future))
        self._in_flight += 1
        try:
            return await future
        finally:
            self._in_flight -= 1

    async def barrier(self) -> None:
        """Returns once every write asked for before it is committed (or has failed): a read
        after it sees them. Free while nothing is in flight."""
        if self._in_flight:
            await self.write(_nothing)

    def close(self) -> None:
        """Write what is queued, then stop."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()

    # -- the writer's thread ------------------------------------------------------------------

    def _run(self) -> None:
        last = False
        while not last:
            first = self._queue.get()
            if first is None:
                return
            batch, last = self._gather(first)
            if batch:
                self._write(batch)

    def _write(self, batch: list[Write[Any]]) -> None:
        try:
            outcomes = self.commit(batch)
        except BaseException as exc:  # never leave a caller waiting on a dead writer
            outcomes = [Failed(exc)] * len(batch)
            log.exception("journal writer failed")
        _answer(batch, outcomes)

    def _gather(self, first: Write[Any]) -> tuple[list[Write[Any]], bool]:
        batch = [first]
        while len(batch) < self.max_batch:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                return _live(batch), True
            batch.append(more)
        return _live(batch), False

    def commit(self, batch: list[Write[Any]]) -> list[Any]:
        """The batch's outcomes in its order: each step's result, or a Failed."""
        outcomes: list[Any] = [None] * len(batch)
        left = list(range(len(batch)))
        while left:
            try:
                with self.engine.begin() as conn:
                    results = [_step(i, batch[i], conn) for i in left]
            except _StepFailed as failed:
                # Rolled back: that write alone fails; the others go again, still in one transaction.
                outcomes[failed.index] = _rescued(batch[failed.index], failed.error)
                left.remove(failed.index)
                continue
            except Exception as exc:  # the commit, or the database: nothing of these is durable
                for i in left:
                    outcomes[i] = Failed(exc)
                return outcomes
            for i, result in zip(left, results, strict=True):
                outcomes[i] = result
            return outcomes
        return outcomes


def _nothing(_conn: Connection) -> None:
    return None


def _live(batch: list[Write[Any]]) -> list[Write[Any]]:
    # A caller that gave up before its write began (a cancelled request) has nothing written.
    return [w for w in batch if not w.future.cancelled()]


def _step(index: int, write: Write[Any], conn: Connection) -> Any:
    try:
        return write.step(conn)
    except Exception as exc:
        raise _StepFailed(index, exc) from exc


def _rescued(write: Write[Any], error: Exception) -> Any:
    if write.rescue is None:
        return Failed(error)
    try:
        return write.rescue(error)
    except Exception as exc:
        return Failed(exc)


def _answer(batch: list[Write[Any]], outcomes: list[Any]) -> None:
    """One hop to each caller's loop per batch, the futures set in the batch's order there (a
    lane's signals are submitted in the order their admissions resolve)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any]]] = {}
    for write, outcome in zip(batch, outcomes, strict=True):
        by_loop.setdefault(write.loop, []).append((write.future, outcome))
    for loop, answers in by_loop.items():
        # A closed loop raises: nobody is waiting there any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, answers)


def _settle(answers: list[tuple[asyncio.Future[Any], Any]]) -> None:
    for future, outcome in answers:
        if future.done():
            continue
        if isinstance(outcome, Failed):
            future.set_exception(outcome.error)
        else:
            future.set_result(outcome)
