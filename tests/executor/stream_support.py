"""A user stream run in a thread, and what it delivered, for the stream tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from executor.core.events import StreamState, StreamStatus, VenueEvent
from executor.venues.stream_base import StreamTiming, UserStreamClient

E = TypeVar("E")
WAIT_S = 5.0
# Quick reconnects for tests: the production backoff starts at a second.
FAST = StreamTiming(backoff_initial_s=0.05, backoff_max_s=0.3, call_timeout_s=3.0, poll_s=0.05)


@dataclass
class Collected:
    events: list[VenueEvent] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def __call__(self, event: VenueEvent) -> None:
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    def wait_for(
        self, kind: type[E], test: Callable[[E], bool] = lambda e: True, timeout: float = WAIT_S
    ) -> E:
        """The first delivered event of `kind` that passes `test`, waiting for it if need be."""

        def found() -> E | None:
            return next((e for e in self.events if isinstance(e, kind) and test(e)), None)

        with self.changed:
            self.changed.wait_for(lambda: found() is not None, timeout)
            hit = found()
        assert hit is not None, f"no {kind.__name__} as expected within {timeout}s: {self.events}"
        return hit

    def count(self, kind: type[E], test: Callable[[E], bool] = lambda e: True) -> int:
        with self.changed:
            return sum(1 for e in self.events if isinstance(e, kind) and test(e))

    def states(self, status: StreamStatus) -> int:
        return self.count(StreamState, lambda s: s.status is status)

    def wait_states(self, status: StreamStatus, n: int, timeout: float = WAIT_S) -> None:
        with self.changed:
            ok = self.changed.wait_for(lambda: self.states(status) >= n, timeout)
        assert ok, f"fewer than {n} {status} states within {timeout}s: {self.events}"


@contextmanager
def streaming(stream: UserStreamClient) -> Iterator[tuple[Collected, threading.Event, threading.Thread]]:
    """Run the stream in a thread until the block ends; connected on entry."""
    stream.timing = FAST
    sink, stop = Collected(), threading.Event()
    thread = threading.Thread(target=stream.run, args=(sink, stop), daemon=True)
    thread.start()
    try:
        sink.wait_states(StreamStatus.CONNECTED, 1)
        yield sink, stop, thread
    finally:
        stop.set()
        thread.join(timeout=WAIT_S)
