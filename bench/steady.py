"""Steady load: alerts at a fixed rate, each timed at the client from sent to answered, with
tvbridge's own account of each (its answer's `timings_ms`)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from bench.alerts import alert
from bench.stats import percentile
from bench.systems import Target


@dataclass
class Steady:
    e2e_ms: list[float] = field(default_factory=list)  # at the client: sent -> answer read
    failed: int = 0
    # tvbridge's own account, per executed signal: arrival -> answer, and the venue's part.
    server_ms: list[float] = field(default_factory=list)
    venue_ms: list[float] = field(default_factory=list)
    acked_ms: list[float] = field(default_factory=list)  # arrival -> the venue's acknowledgement

    def server(self) -> dict[str, float]:
        """What tvbridge adds to the venue round trip, per signal: from the request's arrival to
        the venue's acknowledgement read, minus the time the executor waited on the venue
        (`ours`); and with the answer's way back, arrival -> answer minus the venue (`answer_`)."""
        ours = [a - v for a, v in zip(self.acked_ms, self.venue_ms, strict=True)]
        answer = [s - v for s, v in zip(self.server_ms, self.venue_ms, strict=True)]
        return {
            "acked_p50": percentile(self.acked_ms, 50),
            "acked_p99": percentile(self.acked_ms, 99),
            "p50": percentile(self.server_ms, 50),
            "p90": percentile(self.server_ms, 90),
            "p99": percentile(self.server_ms, 99),
            "venue_p50": percentile(self.venue_ms, 50),
            "ours_p50": percentile(ours, 50),
            "ours_p99": percentile(ours, 99),
            "answer_p50": percentile(answer, 50),
            "answer_p99": percentile(answer, 99),
        }

    def summary(self) -> dict[str, float]:
        return {
            "p50": percentile(self.e2e_ms, 50),
            "p90": percentile(self.e2e_ms, 90),
            "p99": percentile(self.e2e_ms, 99),
            "max": max(self.e2e_ms),
        }


def steady(
    target: Target,
    rate: float,
    count: int,
    tag: str,
    size: dict[str, str] | None = None,
    symbols: list[str] | None = None,
) -> Steady:
    """`rate` alerts a second; on one symbol unless `symbols` are given to take turns (tvbridge
    runs one symbol's signals in order, so one symbol's rate is capped by its venue calls).
    Threads and `requests`, each on a kept connection: at 20 a second their CPU is no matter."""
    local = threading.local()
    result = Steady()
    rotation = symbols or ["BTCUSDT"]

    def send(n: int) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        body = alert(n, tag, symbol=rotation[n % len(rotation)], size=size)
        started = time.perf_counter()
        reply = local.session.post(target.url, data=json.dumps(body), timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        answer = reply.json()
        if not target.executed(answer):
            result.failed += 1
        result.e2e_ms.append(elapsed)
        timings = answer.get("timings_ms") or {}
        if {"gateway", "venue", "received_to_venue_ack"} <= timings.keys():
            result.server_ms.append(timings["gateway"])
            result.venue_ms.append(timings["venue"])
            result.acked_ms.append(timings["received_to_venue_ack"])

    with ThreadPoolExecutor(max_workers=32) as pool:
        start = time.perf_counter()
        futures = []
        for n in range(count):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(send, n))
        for future in futures:
            future.result()
    return result
