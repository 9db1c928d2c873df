"""The full pipeline at its limit, on a closed loop of kept connections (bench/load.py
keep_alive) over the bench's symbols:

- `sustained`: how many signals a second tvbridge journals and executes at the simulator. The
  figure is the orders the simulator took while the load ran, over its length; the journal's
  count of signals written in that time is reported beside it;
- `test_vs_real`: `test: true` signals against real ones, on the same symbols and connections,
  in four turns (real, test, test, real) so that a machine growing busier or quieter over the
  phase weighs on both alike.
"""

from __future__ import annotations

from typing import Any

from bench import load
from bench.alerts import spreader
from bench.reads import journal_rows, settle, venue_orders
from bench.stats import spread_of


def sustained(
    url: str,
    gateway: str,
    sim: str,
    ca: str,
    *,
    seconds: float,
    connections: int,
    tag: str,
    symbols: list[str],
) -> dict[str, Any]:
    make = spreader(tag, symbols, unique=False)
    run = load.keep_alive(url, make, connections=connections, seconds=seconds)
    settle(gateway)
    start_ms, end_ms = run.started_wall * 1000, (run.started_wall + run.seconds) * 1000
    orders = [o["time_ms"] for o in venue_orders(sim, ca) if o["time_ms"] >= int(start_ms)]
    rows = journal_rows(gateway, tag, since_ms=int(start_ms) - 1000)
    stages = [(r["received_ms"], (r.get("latency_ms") or {}).get("received_to_journalled")) for r in rows]
    written = [received + stage for received, stage in stages if stage is not None]
    executed = sum(1 for r in rows if r["status"] == "executed")
    answered = [a for a in run.answers if _executed(a, test=False)]
    return {
        "seconds": round(run.seconds, 2),
        "connections": connections,
        "symbols": len(symbols),
        "sent": len(run.answers),
        "statuses": {str(k): v for k, v in run.statuses.items()},
        "executed_per_s": round(sum(1 for t in orders if t <= end_ms) / run.seconds, 1),
        "journalled_per_s": round(sum(1 for t in written if t <= end_ms) / run.seconds, 1),
        "answered_executed_per_s": round(len(answered) / run.seconds, 1),
        "answered_ms": spread_of([(a.done - a.sent) * 1000 for a in answered], digits=1),
        # Signals that never executed, however answered, and orders beyond one a signal.
        "failed": len(run.answers) - executed,
        "doubled": max(0, len(orders) - executed),
        "generator_cpu_s": round(run.cpu_s, 2),
    }


def test_vs_real(
    url: str, gateway: str, *, seconds: float, connections: int, tag: str, symbols: list[str]
) -> dict[str, Any]:
    """`seconds` a kind, in two turns each."""
    turns: dict[str, list[load.Run]] = {"real": [], "test": []}
    for turn, kind in enumerate(("real", "test", "test", "real")):
        extra = {"test": True} if kind == "test" else {}
        make = spreader(f"{tag}-{turn}", symbols, unique=False, **extra)
        turns[kind].append(load.keep_alive(url, make, connections=connections, seconds=seconds / 2))
        settle(gateway)  # what a turn leaves running does not weigh on the next
    out: dict[str, Any] = {"connections": connections, "symbols": len(symbols)}
    for kind, runs in turns.items():
        answers = [a for run in runs for a in run.answers]
        done = [a for a in answers if _executed(a, test=kind == "test")]
        elapsed = sum(run.seconds for run in runs)
        out[kind] = {
            "seconds": round(elapsed, 2),
            "per_s": round(len(done) / elapsed, 1),
            "answered_ms": spread_of([(a.done - a.sent) * 1000 for a in done], digits=1),
            "not_executed": len(answers) - len(done),
        }
    return out


def _executed(answer: load.Answer, *, test: bool) -> bool:
    """Answered executed, and a test signal as one (a real order otherwise)."""
    if answer.status != 200:
        return False
    body = answer.json()
    return body.get("status") == "executed" and bool(body.get("test")) is test
