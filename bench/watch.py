"""A watch on one symbol at the simulator: was a position ever seen without a stop?

It reads the symbol's positions and resting stops from `/_sim/stops` (one hold of the exchange's
lock, so an atomic replace is never seen half done) on a thread of its own, every `EVERY_S`,
straight from the simulator: not through the bench's network, and not a venue request, so it
neither counts as one nor shares the account's rate limits. A read finding a position with no
stop on its side is bare. Sampling can miss a bare moment shorter than the time between two
reads, which is reported with the count; a stop cancelled before its replacement is placed
would leave the side bare for a whole round trip, several reads.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import requests

from bench.oco import Sim
from bench.stats import percentile

EVERY_S = 0.005


def bare(seen: dict[str, Any]) -> bool:
    """A position, in any account, with no stop of that account on its side."""
    guarded = {(s["api_key_suffix"], s["position_side"]) for s in seen["stops"]}
    return any(
        Decimal(p["quantity"]) != 0 and (p["api_key_suffix"], p["side"]) not in guarded
        for p in seen["positions"]
    )


@dataclass
class Watched:
    """What one watch, or several summed, saw."""

    reads: int = 0
    bare: int = 0
    failed: int = 0  # reads that got no answer: a watch that could not read saw nothing
    gaps_ms: list[float] = field(default_factory=list)  # from one read's start to the next one's

    @staticmethod
    def total(watches: list[Watched]) -> Watched:
        return Watched(
            sum(w.reads for w in watches),
            sum(w.bare for w in watches),
            sum(w.failed for w in watches),
            [g for w in watches for g in w.gaps_ms],
        )

    def figures(self) -> dict[str, Any]:
        return {
            "reads": self.reads,
            "bare": self.bare,
            "failed_reads": self.failed,
            "read_gap_p50": percentile(self.gaps_ms, 50) if self.gaps_ms else None,
        }


class StopWatch:
    """Reads the symbol from `__enter__` to `__exit__`; `watched` holds what it saw."""

    def __init__(self, sim: Sim, venue: str, symbol: str) -> None:
        self.sim, self.venue, self.symbol = sim, venue, symbol
        self.watched = Watched()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"stopwatch-{venue}", daemon=True)

    def _run(self) -> None:
        watched, last = self.watched, None
        with requests.Session() as session:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    seen = self.sim.stops(self.venue, self.symbol, session)
                except requests.RequestException:
                    watched.failed += 1
                    seen = None
                if seen is not None:
                    watched.reads += 1
                    watched.bare += bare(seen)
                if last is not None:
                    watched.gaps_ms.append((started - last) * 1000)
                last = started
                self._stop.wait(EVERY_S)

    def __enter__(self) -> StopWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
