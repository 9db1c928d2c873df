"""Reads served while fresh (executor/venues/fresh.py): the window runs from the moment a read
was sent, callers asking while it is out share it, and a failure or a read overtaken by
`forget` is never kept."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from common.errors import ErrorClass, TvbridgeError
from executor.venues.fresh import FreshReads


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Venue:
    """Answers each read with the next number; a read can be held until the test lets it go."""

    def __init__(self, clock: Clock, takes_s: float = 0.0) -> None:
        self.clock = clock
        self.takes_s = takes_s  # the clock moves this much while a read is out
        self.reads = 0
        self.held: threading.Event | None = None
        self.started = threading.Event()
        self.fail: TvbridgeError | None = None

    def read(self) -> int:
        self.reads += 1
        self.started.set()
        if self.held is not None:
            assert self.held.wait(5)
        self.clock.now += self.takes_s
        if self.fail is not None:
            raise self.fail
        return self.reads


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_value_serves_until_its_window_has_passed_since_the_read_was_sent(clock: Clock) -> None:
    venue = Venue(clock, takes_s=0.4)  # each read takes 0.4 s to come back
    reads: FreshReads[str, int] = FreshReads(1.0, monotonic=clock)
    assert reads.get("BTC", venue.read) == 1
    clock.now += 0.5  # 0.9 s after the read left
    assert reads.get("BTC", venue.read) == 1
    clock.now += 0.1  # 1.0 s: past its window, though it came back only 0.6 s ago
    assert reads.get("BTC", venue.read) == 2
    assert venue.reads == 2


def test_keys_are_apart_and_zero_reads_every_time(clock: Clock) -> None:
    venue = Venue(clock)
    reads: FreshReads[str, int] = FreshReads(1.0, monotonic=clock)
    assert [reads.get("BTC", venue.read), reads.get("ETH", venue.read), reads.get("BTC", venue.read)] == [
        1,
        2,
        1,
    ]
    reads.max_age_s = 0
    assert [reads.get("BTC", venue.read), reads.get("BTC", venue.read)] == [3, 4]


def test_a_value_learnt_without_asking_serves_and_an_older_read_never_replaces_it(clock: Clock) -> None:
    venue = Venue(clock)
    reads: FreshReads[str, int] = FreshReads(1.0, monotonic=clock)
    reads.put("BTC", 42)  # a fill's price
    assert reads.get("BTC", venue.read) == 42
    assert venue.reads == 0
    clock.now += 1.0
    venue.held = threading.Event()
    reader = threading.Thread(target=reads.get, args=("BTC", venue.read))
    reader.start()  # a read sent at 101.0
    assert venue.started.wait(5)
    reads.put("BTC", 43, at=101.5)  # a fill while it is out
    venue.held.set()
    reader.join(5)
    assert reads.get("BTC", venue.read) == 43  # the read (as of 101.0) lost to the newer fill


class Callers:
    """`n` threads each calling `call` at once; their answers and failures once all are done."""

    def __init__(self, n: int, call: Callable[[], int]) -> None:
        self.answers: list[int] = []
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self._one, args=(call,)) for _ in range(n)]
        for thread in self.threads:
            thread.start()

    def _one(self, call: Callable[[], int]) -> None:
        try:
            self.answers.append(call())
        except BaseException as exc:
            self.errors.append(exc)

    def done(self) -> tuple[list[int], list[str]]:
        for thread in self.threads:
            thread.join(5)
            assert not thread.is_alive()
        return self.answers, [str(e) for e in self.errors]


def test_callers_asking_while_a_read_is_out_wait_for_it_and_send_nothing(clock: Clock) -> None:
    venue = Venue(clock)
    venue.held = threading.Event()
    reads: FreshReads[str, int] = FreshReads(1.0, monotonic=clock)
    first = Callers(1, lambda: reads.get("BTC", venue.read))
    assert venue.started.wait(5)
    waiting = Callers(20, lambda: reads.get("BTC", venue.read))
    time.sleep(0.1)  # each finds the read out and waits on it
    venue.held.set()
    assert first.done() == ([1], [])
    assert waiting.done() == ([1] * 20, [])
    assert venue.reads == 1


def test_a_failed_read_is_told_to_everyone_waiting_and_never_kept(clock: Clock) -> None:
    venue = Venue(clock)
    venue.held = threading.Event()
    venue.fail = TvbridgeError(ErrorClass.VENUE_UNAVAILABLE, "GET /price: connection lost")
    reads: FreshReads[str, int] = FreshReads(1.0, monotonic=clock)
    first = Callers(1, lambda: reads.get("BTC", venue.read))
    assert venue.started.wait(5)
    waiting = Callers(5, lambda: reads.get("BTC", venue.read))
    time.sleep(0.1)  # each finds the read out and waits on it
    venue.held.set()
    assert first.done() == ([], ["GET /price: connection lost"])
    assert waiting.done() == ([], ["GET /price: connection lost"] * 5)
    assert venue.reads == 1
    venue.fail, venue.held = None, None
    assert reads.get("BTC", venue.read) == 2  # read again at once: nothing was kept


def test_a_read_out_when_forget_comes_is_not_kept(clock: Clock) -> None:
    venue = Venue(clock)
    reads: FreshReads[None, int] = FreshReads(2.0, monotonic=clock)
    venue.held = threading.Event()
    out = Callers(1, lambda: reads.get(None, venue.read))
    assert venue.started.wait(5)
    reads.forget()  # an order moved the balance while the read was out
    venue.held.set()
    assert out.done() == ([1], [])
    venue.held = None
    assert reads.get(None, venue.read) == 2  # the older answer was not kept
    assert reads.get(None, venue.read) == 2
