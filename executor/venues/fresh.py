"""Reads from a venue served again while they are fresh: a price, a balance, a fee rate.

A value is as old as the request that read it: its age runs from the moment the request left,
so an answer that took long to come is never served past its window. Concurrent reads of one
key make one request (single flight): whoever asks while it is out waits for its answer, or
its failure, rather than sending the same request again; that read has the transport's
timeout. A failure is never kept, and an answer read before `forget` is never kept after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class _Flight(Generic[V]):
    """One read out at the venue, and who waits for it."""

    generation: int
    done: threading.Event = field(default_factory=threading.Event)
    value: V | None = None
    error: BaseException | None = None


class FreshReads(Generic[K, V]):
    """Values by key, each served for `max_age_s` after its read left; 0 reads every time."""

    def __init__(self, max_age_s: float, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.max_age_s = max_age_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._values: dict[K, tuple[float, V]] = {}
        self._flights: dict[K, _Flight[V]] = {}
        self._generation = 0  # moved by `forget`: reads out before it are not kept

    def get(self, key: K, read: Callable[[], V]) -> V:
        """The fresh value of `key`, else the answer of the read out for it, else `read()`."""
        if self.max_age_s <= 0:
            return read()
        with self._lock:
            sent = self._monotonic()
            hit = self._values.get(key)
            if hit is not None and sent - hit[0] < self.max_age_s:
                return hit[1]
            flight = self._flights.get(key)
            if flight is None:
                flight = self._flights[key] = _Flight(self._generation)
                leads = True
            else:
                leads = False
        if not leads:
            return self._answer(flight)
        try:
            value = read()
        except BaseException as exc:
            flight.error = exc
            self._land(key, flight, None)
            raise
        flight.value = value
        self._land(key, flight, (sent, value))
        return value

    def _land(self, key: K, flight: _Flight[V], kept: tuple[float, V] | None) -> None:
        """The read is back: its answer kept (unless `forget` came meanwhile), its waiters woken."""
        with self._lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
            if kept is not None and flight.generation == self._generation:
                self._keep(key, *kept)
        flight.done.set()

    @staticmethod
    def _answer(flight: _Flight[V]) -> V:
        flight.done.wait()
        if flight.error is not None:
            # The same failure, told to each caller that waited for it.
            raise flight.error
        return flight.value  # type: ignore[return-value]

    def put(self, key: K, value: V, *, at: float | None = None) -> None:
        """A value learnt without asking (a fill's price), as of `at` (monotonic, default now)."""
        with self._lock:
            self._keep(key, self._monotonic() if at is None else at, value)

    def _keep(self, key: K, at: float, value: V) -> None:
        held = self._values.get(key)
        if held is None or held[0] <= at:  # never over a newer one
            self._values[key] = (at, value)

    def forget(self) -> None:
        """Every value is read afresh from here: what changed on the venue makes them stale."""
        with self._lock:
            self._values.clear()
            self._flights.clear()
            self._generation += 1
