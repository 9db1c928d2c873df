"""`make bench`: tvbridge against the naive reference bot and a bare refusal endpoint, side by
side, in one run, measuring every goal of issue 19 and the earlier ones (bench/goals.py).

Two tvbridge stacks, each its own simulator serving TLS with a self-signed certificate (so a new
connection pays a real handshake):

- the **main** one, as deployed (the gateway's default rate limit), the venue behind
  bench/netem.py's --rtt-ms round trip (a venue across the internet), beside the naive bot:
  1. steady load at --rate for --seconds, end to end p50/p90/p99 for both, and for tvbridge the
     time it adds to the venue round trip and its stages (from its answers and journal);
  2. venue requests per signal for each size kind, counted at the simulator;
  3. the candle close (bench/burst.py): --burst alerts at once over the simulator's 50 symbols,
     each on its own new connection: journalled, answered and executed at the venue, per
     alert; lost and doubled; memory at the burst's peak;
  4. the position keeper: fill event -> siblings cancelled (bench/oco.py), take-profit fill ->
     stop moved (bench/exits.py), update -> new stop resting (bench/update.py), both venues;
- the **pipeline** one, its rate limit lifted and its allow-list naming the bench's address,
  the venue --pipeline-rtt-ms away (none by default), beside bench/reference/:
  5. the full pipeline sustained (bench/throughput.py): signals/s journalled and executed at
     the simulator over 50 symbols, on --pipeline-connections kept connections;
  6. `test: true` against real signals, the same way;
  7. the refusal path (bench/refusal.py): wrong passphrase, bad JSON, unknown source, against
     the bare FastAPI reference.

Results go to stdout, to --json, and with --write to bench/RESULTS.md. One part alone, for a
quick look while working on it: --burst-only (3 on tvbridge alone), --pipeline-only (5 to 7),
--oco-only and --exits-only (the keeper's).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench import burst, exits, oco, refusal, throughput, update
from bench.alerts import PASSPHRASE, SIZES, SYMBOLS, spreader
from bench.goals import goals
from bench.load import keep_alive
from bench.memory import memory_mb
from bench.reads import journal_rows, settle, venue_requests
from bench.report import report, results_md
from bench.steady import steady
from bench.systems import (
    BENCH_ADDRESS,
    NO_LIMIT,
    Target,
    naive_bot,
    ours,
    reference,
    tvbridge_over,
)
from tools.stack import LocalStack

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def warm(target: Target, symbols: list[str]) -> None:
    """One signal a symbol (its rules, its leverage, the venue connections), ten at a time."""
    run = keep_alive(
        target.url,
        spreader(f"warm-{target.name}", symbols, unique=False),
        connections=10,
        count=len(symbols),
    )
    failed = [a.json() or a.body for a in run.answers if not target.executed(a.json())]
    if failed:
        raise RuntimeError(f"{target.name} did not execute the warm-up: {failed[:3]}")


def keeper_phases(stack: LocalStack, ca: str, ns: argparse.Namespace) -> dict[str, Any]:
    """On each venue, against one measured round trip: fill event -> siblings cancelled
    (bench/oco.py), then the exit plans' take-profit fill -> stop moved (bench/exits.py) and
    update -> new stop resting (bench/update.py)."""
    sim = oco.Sim(stack.simulator_url, ca)
    measured = oco.round_trip(stack.env["BINGX_BASE_URL"], ca)
    gateway, out = stack.gateway_url, {}
    if ns.oco_positions and not ns.exits_only:
        out["oco"] = {
            venue: oco.measure(gateway, sim, venue, ns.oco_positions, PASSPHRASE, ns.rtt_ms, measured)
            | {"round_trip_p50": measured}
            for venue in oco.VENUES
        }
    if ns.oco_only:
        return out
    plans: dict[str, Any] = {}
    if ns.ladders:
        plans["ladders"] = {
            venue: exits.measure(gateway, sim, venue, ns.ladders, PASSPHRASE, ns.rtt_ms, measured)
            for venue in oco.VENUES
        }
    if ns.updates:
        plans["updates"] = {
            venue: update.measure(gateway, sim, venue, ns.updates, PASSPHRASE, measured)
            for venue in oco.VENUES
        }
    return out | ({"exits": plans} if plans else {})


def run_keeper(ns: argparse.Namespace) -> dict[str, Any]:
    """The position keeper's measures alone (`--oco-only`, `--exits-only`), on tvbridge alone."""
    out: dict[str, Any] = {"config": vars(ns).copy()}
    with tempfile.TemporaryDirectory() as tmp, tvbridge_over(Path(tmp), ns.rtt_ms) as (stack, ca):
        out |= keeper_phases(stack, ca, ns)
    return out


def pipeline_phases(folder: Path, ns: argparse.Namespace, took: dict[str, float]) -> dict[str, Any]:
    """The full pipeline sustained, `test: true` against real, and the refusal path."""
    symbols, out = list(SYMBOLS), {}
    allowed = NO_LIMIT | {"ALLOWED_SOURCES": BENCH_ADDRESS}
    with ExitStack() as running:
        with timed(took, "pipeline stack: start, warm"):
            stack, ca = running.enter_context(tvbridge_over(folder, ns.pipeline_rtt_ms, allowed))
            bare = running.enter_context(reference(folder, BENCH_ADDRESS))
            target = ours(stack)
            warm(target, symbols)
        gateway, connections = stack.gateway_url, ns.pipeline_connections
        with timed(took, "full pipeline sustained"):
            out["sustained"] = throughput.sustained(
                target.url,
                gateway,
                stack.simulator_url,
                ca,
                seconds=ns.pipeline_seconds,
                connections=connections,
                tag="sustained",
                symbols=symbols,
            )
        with timed(took, "test: true against real"):
            out["test_vs_real"] = throughput.test_vs_real(
                target.url,
                gateway,
                seconds=ns.test_seconds,
                connections=connections,
                tag="kind",
                symbols=symbols,
            )
        with timed(took, "refusal path"):
            out["refusal"] = refusal.measure(
                target, bare, seconds=ns.refusal_seconds, connections=ns.refusal_connections
            )
    return out


def main_phases(folder: Path, ns: argparse.Namespace, took: dict[str, float]) -> dict[str, Any]:
    """Steady load and sizes against the naive bot, the candle close, and the position keeper."""
    out: dict[str, Any] = {}
    with ExitStack() as running:
        with timed(took, "main stack: start, warm"):
            stack, ca = running.enter_context(tvbridge_over(folder, ns.rtt_ms))
            naive = running.enter_context(naive_bot(folder, stack.env["BINGX_BASE_URL"], ca))
            tvb, sim, symbols = ours(stack), stack.simulator_url, list(SYMBOLS)
            # Warm both: connections, symbol rules, leverage (the naive bot keeps none of them).
            for target in (tvb, naive):
                steady(target, 50, 10, f"warm-{target.name}")
            warm(tvb, symbols)
        out["idle_mb"] = {n: memory_mb(p)[0] for t in (tvb, naive) for n, p in t.processes.items()}

        with timed(took, "steady, both"):
            count = int(ns.rate * ns.seconds)
            for target in (tvb, naive):
                venue_requests(sim, ca, reset=True)
                result = steady(target, ns.rate, count, f"steady-{target.name}")
                if target is tvb:  # empty when its answers carried no timings: the goal says so
                    out["server"] = result.server() if result.server_ms else {}
                out.setdefault("steady", {})[target.name] = {
                    **result.summary(),
                    "failed": result.failed,
                    "signals": count,
                    "venue_requests_per_signal": venue_requests(sim, ca) / count,
                }
            rows = journal_rows(stack.gateway_url, "steady-tvbridge")
            out["stages_ms_p50"] = {
                stage: statistics.median(
                    r["latency_ms"][stage] for r in rows if r["latency_ms"][stage] is not None
                )
                for stage in ("received_to_journalled", "executor", "venue", "total")
            }

        with timed(took, "size kinds"):
            out["requests_per_signal"], out["size_failures"] = {}, {}
            for kind, size in SIZES.items():
                venue_requests(sim, ca, reset=True)
                sized = steady(tvb, ns.rate, ns.size_signals, f"size-{kind}", size, symbols=symbols[:5])
                settle(stack.gateway_url)
                out["requests_per_signal"][kind] = venue_requests(sim, ca) / ns.size_signals
                out["size_failures"][kind] = sized.failed

        out |= candle_close(stack, ca, [tvb, naive], ns, took)
        with timed(took, "position keeper"):
            out |= keeper_phases(stack, ca, ns)
    return out


def candle_close(
    stack: LocalStack, ca: str, targets: list[Target], ns: argparse.Namespace, took: dict[str, float]
) -> dict[str, Any]:
    """The burst on each target in turn (tvbridge first, read back from its journal), and each
    process's peak memory from its burst on."""
    fired = {}
    for target in targets:
        with timed(took, f"burst, {target.name}"):
            settle(stack.gateway_url)  # nothing of an earlier phase may still reach the venue
            journal = stack.gateway_url if target.name == "tvbridge" else None
            tag, sim = f"burst-{target.name}", stack.simulator_url
            fired[target.name] = burst.fire(target, ns.burst, tag, list(SYMBOLS), sim, ca, journal)
    peaks = {n: memory_mb(p)[1] for t in targets for n, p in t.processes.items()}
    return {"burst": fired, "peak_mb": peaks}


def run_burst(ns: argparse.Namespace) -> dict[str, Any]:
    """The candle close alone (`--burst-only`), on tvbridge alone: a stack, a warm-up, a burst."""
    out, took = _started(ns)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as running:
        with timed(took, "main stack: start, warm"):
            stack, ca = running.enter_context(tvbridge_over(Path(tmp), ns.rtt_ms))
            tvb = ours(stack)
            warm(tvb, list(SYMBOLS))
        out["idle_mb"] = {n: memory_mb(p)[0] for n, p in tvb.processes.items()}
        out |= candle_close(stack, ca, [tvb], ns, took)
    return _ended(out)


def run_pipeline(ns: argparse.Namespace) -> dict[str, Any]:
    """The full pipeline, `test: true` and the refusal path alone (`--pipeline-only`)."""
    out, took = _started(ns)
    with tempfile.TemporaryDirectory() as tmp:
        out |= pipeline_phases(Path(tmp), ns, took)
    return _ended(out)


def _started(ns: argparse.Namespace) -> tuple[dict[str, Any], dict[str, float]]:
    took: dict[str, float] = {}
    return {"config": vars(ns).copy(), "phases_s": took, "load_average": {"before": _load()}}, took


def _ended(out: dict[str, Any]) -> dict[str, Any]:
    out["load_average"]["after"] = _load()
    return out


def run(ns: argparse.Namespace) -> dict[str, Any]:
    out, took = _started(ns)
    with tempfile.TemporaryDirectory() as tmp:
        out |= pipeline_phases(Path(tmp) / "pipeline", ns, took)
        out |= main_phases(Path(tmp) / "main", ns, took)
    return _ended(out)


def _load() -> list[float]:
    """The machine's load average over 1, 5 and 15 minutes: other work on it shows here."""
    return list(os.getloadavg())


@contextmanager
def timed(took: dict[str, float], name: str) -> Iterator[None]:
    """Adds the block's wall time to took[name]: what each phase costs of the bench's minutes."""
    started = time.monotonic()
    try:
        yield
    finally:
        took[name] = round(took.get(name, 0.0) + time.monotonic() - started, 1)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rtt-ms", type=float, default=25.0, help="round trip to the venue")
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--size-signals", type=int, default=200)
    parser.add_argument(
        "--pipeline-rtt-ms", type=float, default=0.0, help="round trip to the venue of the pipeline stack"
    )
    parser.add_argument("--pipeline-seconds", type=float, default=10.0, help="the full pipeline sustained")
    parser.add_argument("--pipeline-connections", type=int, default=64)
    parser.add_argument("--test-seconds", type=float, default=4.0, help="each of test: true and real")
    parser.add_argument("--refusal-seconds", type=float, default=3.0, help="each refusal kind and target")
    parser.add_argument("--refusal-connections", type=int, default=32)
    parser.add_argument(
        "--oco-positions", type=int, default=30, help="positions per venue for fill -> siblings cancelled"
    )
    parser.add_argument(
        "--ladders", type=int, default=20, help="ladders per venue for take-profit -> stop moved"
    )
    parser.add_argument(
        "--updates", type=int, default=25, help="updates per venue for update -> new stop resting"
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--oco-only",
        action="store_true",
        help="measure fill -> siblings cancelled alone (seconds, not minutes)",
    )
    only.add_argument(
        "--exits-only", action="store_true", help="measure the exit plans alone (about a minute)"
    )
    only.add_argument(
        "--pipeline-only",
        action="store_true",
        help="the full pipeline, test: true and the refusal path alone (about a minute)",
    )
    only.add_argument(
        "--burst-only", action="store_true", help="the candle close alone, tvbridge only (under a minute)"
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here (its folder is made)")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    return parser


def main() -> None:
    args = parser()
    ns = args.parse_args()
    part = ns.oco_only or ns.exits_only or ns.pipeline_only or ns.burst_only
    if part and ns.write:
        args.error("--write records a whole run; an --...-only measures one part")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    if ns.oco_only or ns.exits_only:
        out = run_keeper(ns)
    elif ns.pipeline_only:
        out = run_pipeline(ns)
    elif ns.burst_only:
        out = run_burst(ns)
    else:
        out = run(ns)
    out["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
    }
    print(report(out))
    for name, met, figures in goals(out):
        print(f"{'MET   ' if met else 'MISSED'} {name}: {figures}")
    if ns.write:
        RESULTS.write_text(results_md(out, "python -m bench.run " + " ".join(sys.argv[1:])))
    if ns.json:
        save(out, ns.json)


def save(out: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)  # bench/out/ is not in a fresh clone
    path.write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
