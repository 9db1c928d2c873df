"""Update -> new stop resting: how long `"action": "update"` takes from the webhook to the new
stop resting at the venue (issue 18), and whether the position was ever seen without a stop.

One long a venue, opened through the webhook with a stop 2 % under; then `--updates` updates in
a row, each moving the stop (to 1 % and 1.5 % under the price in turn), each sent once the one
before is answered. Timed from the webhook sent (the load generator's monotonic clock) to the
arrival at the simulator of the request that puts the new stop in place (bench/exits.py PLACES;
the simulator's timeline, on the same host's monotonic clock). Before it the executor reads the
position (its mark judges the stop) and its resting orders: two round trips, and the placing
request's way there half of one. bench/watch.py reads the symbol all along.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests

from bench import oco
from bench.exits import PLACES, POLL_S, flat
from bench.stats import percentile
from bench.watch import StopWatch, Watched

SYMBOL = "BTCUSDT"
FIRST_STOP = Decimal("0.98")
STOPS = (Decimal("0.99"), Decimal("0.985"))  # in turn, so every update moves the stop
# From the webhook sent to the new stop's request arrived: the reads of the position and of its
# orders, and the way there.
TRIPS = 2.5


@dataclass(frozen=True)
class Update:
    latency_ms: float | None  # None: not executed, or no new stop's request within oco.WAIT_S
    requests_before: int  # venue requests between the webhook and the new stop's


def placed(venue: str, symbol: str) -> Any:
    """A finder of (arrival of the new stop's request, venue requests before it)."""

    def found(marks: list[dict[str, Any]]) -> tuple[float, int] | None:
        asked = [m for m in marks if m["kind"] == "request"]
        for n, m in enumerate(asked):
            if m["name"] == PLACES[venue] and m["symbol"] == symbol:
                return m["at_ms"], n
        return None

    return found


def send(gateway: str, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = requests.post(f"{gateway}/webhook", data=json.dumps(body), timeout=30).json()
    return answer


def measure(
    gateway: str, sim: oco.Sim, venue: str, updates: int, passphrase: str, round_trip_ms: float
) -> dict[str, Any]:
    oco.flatten(gateway, passphrase, venue)
    spelled = oco.venue_symbol(venue, SYMBOL)
    like = Decimal(oco.PRICES[SYMBOL])
    base = oco.tick(Decimal(sim.stops(venue, SYMBOL)["price"]), like)
    alert = {"ticker": SYMBOL, "exchange": venue, "passphrase": passphrase}
    tag = f"update-{venue}-{time.time_ns()}"
    sim.clear()
    opened = send(
        gateway,
        alert
        | {
            "action": "buy",
            "id": f"{tag}-open",
            "quantity": oco.QUANTITIES[SYMBOL],
            "stop_loss": str(oco.tick(base * FIRST_STOP, like)),
        },
    )
    if opened.get("status") != "executed" or sim.until(venue, oco.stop_told(spelled)) is None:
        raise RuntimeError(f"the position to update did not open with its stop: {opened}")
    done: list[Update] = []
    with StopWatch(sim, venue, SYMBOL) as watch:
        for n in range(updates):
            stop = oco.tick(base * STOPS[n % len(STOPS)], like)
            sim.clear()
            started_ms = time.monotonic() * 1000  # the simulator's timeline runs on this clock
            answer = send(gateway, alert | {"action": "update", "id": f"{tag}-{n}", "stop_loss": str(stop)})
            found = None
            if answer.get("status") == "executed":
                found = sim.until(venue, placed(venue, spelled), poll_s=POLL_S)
            done.append(Update(found[0] - started_ms, found[1]) if found else Update(None, 0))
    closed = send(gateway, alert | {"action": "close", "id": f"{tag}-close"})
    if closed.get("status") != "executed" or not flat(sim, venue, SYMBOL):
        raise RuntimeError(f"the updated position did not close: {closed}")
    return summary(done, watch.watched, round_trip_ms)


def summary(done: list[Update], watched: Watched, round_trip_ms: float) -> dict[str, Any]:
    """The goal: never seen without a stop, every update's stop placed. The floor of the time is
    the two reads and the way there (`TRIPS` round trips) and tvbridge's own part."""
    timed = [u.latency_ms for u in done if u.latency_ms is not None]
    out: dict[str, Any] = {
        "updates": len(done),
        "missed": len(done) - len(timed),
        **watched.figures(),
        "round_trip_p50": round_trip_ms,
        "floor_ms": round(TRIPS * round_trip_ms, 1),
    }
    if timed:
        before = [float(u.requests_before) for u in done if u.latency_ms is not None]
        out |= {
            "p50": percentile(timed, 50),
            "p99": percentile(timed, 99),
            "max": max(timed),
            "requests_before_p50": percentile(before, 50),
        }
    out["met"] = bool(timed) and out["missed"] == 0 and out["bare"] == 0 and out["failed_reads"] == 0
    out["latencies_ms"] = [u.latency_ms for u in done]
    return out
