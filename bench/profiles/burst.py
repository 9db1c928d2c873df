"""Issue 19's profile: py-spy on the gateway and the executor while the stack `make bench` starts
(the simulator over TLS behind bench/netem.py's delay) takes, in turn:

1. `burst`: --burst alerts released at once, each on its own new connection, over the bench's
   symbols (bench/alerts.py SYMBOLS: the simulator's 50; five when the before-profile was
   taken), profiled until the journal holds nothing pending;
2. `refusal-burst`: as many alerts at once with a wrong passphrase;
3. `refusal-wrk`: wrk, --wrk-connections kept connections for --wrk-seconds, a wrong passphrase.

py-spy is installed outside the project's lock and named by --py-spy; wrk is Debian's. Each
phase leaves py-spy's raw (collapsed) stacks in --out and prints, per process, the frames with
the most samples of their own and in all (bench/profiles/collapsed.py), with the CPU seconds each
process spent and the machine's load. The rate limit is lifted so refusals are not answered 429.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import requests

from bench import alerts, reads, steady, systems
from bench.profiles import collapsed
from tools.processes import free_port
from tools.stack import LocalStack

TICK_S = 1 / os.sysconf("SC_CLK_TCK")
# A phase by name, profiling the named processes: its report, to fill in (measured).
Measure = Callable[[str, dict[str, int]], AbstractContextManager[dict[str, Any]]]


def cpu_seconds(pid: int) -> float:
    """User plus system time the process has used (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_S


def machine_busy() -> tuple[int, int]:
    """(busy, total) clock ticks of every CPU since boot, from /proc/stat."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def children() -> dict[str, int]:
    """This process's children by what they run (the services, the proxy), py-spy's left out."""
    found: dict[str, int] = {}
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"-m" in argv:
                found[argv[argv.index(b"-m") + 1].decode()] = int(pid)
    return found


@contextmanager
def measured(
    name: str, py_spy: str, out: Path, rate: int, profiled: dict[str, int]
) -> Iterator[dict[str, Any]]:
    """py-spy on each `profiled` process for the block's length; then CPU seconds and load."""
    report: dict[str, Any] = {"phase": name, "loadavg_before": Path("/proc/loadavg").read_text().split()[:3]}
    procs = children()
    before = {n: cpu_seconds(p) for n, p in procs.items()}
    spy_options = [py_spy, "record", "--format", "raw", "--threads", "--nonblocking"]
    spies = {
        proc: subprocess.Popen(
            [
                *spy_options,
                "--rate",
                str(rate),
                "--pid",
                str(pid),
                "--output",
                str(out / f"{name}-{proc}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=(out / f"{name}-{proc}.log").open("wb"),
        )
        for proc, pid in profiled.items()
        if rate  # 0: the same phase unprofiled, to see what profiling costs
    }
    time.sleep(1.0 if spies else 0)  # py-spy reads the interpreter's layout before its first sample
    busy0, total0, own0, wall0 = *machine_busy(), os.times(), time.monotonic()
    try:
        yield report
    finally:
        wall, busy1, total1, own1 = time.monotonic() - wall0, *machine_busy(), os.times()
        spied = sum(cpu_seconds(spy.pid) for spy in spies.values())  # from its start, the 1 s included
        for spy in spies.values():
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
        report["wall_s"] = round(wall, 2)
        report["machine_busy_pct"] = round(100 * (busy1 - busy0) / max(1, total1 - total0), 1)
        report["cpu_s"] = {n: round(cpu_seconds(p) - before[n], 2) for n, p in procs.items()}
        report["cpu_s"]["load generator"] = round(own1.user + own1.system - own0.user - own0.system, 2)
        report["cpu_s"]["py-spy"] = round(spied, 2)
        report["loadavg_after"] = Path("/proc/loadavg").read_text().split()[:3]


def fire(url: str, bodies: list[str]) -> list[tuple[float, int]]:
    """Every body at the same instant, each on its own new connection: (seconds, status) each."""
    gate = threading.Barrier(len(bodies) + 1)
    ends: list[tuple[float, int]] = []
    lock = threading.Lock()
    start = [0.0]

    def send(body: str) -> None:
        gate.wait()
        try:
            status = requests.post(url, data=body, timeout=60).status_code
        except requests.RequestException:
            status = 0
        with lock:
            ends.append((time.perf_counter() - start[0], status))

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    start[0] = time.perf_counter()
    gate.wait()
    for thread in threads:
        thread.join()
    return ends


def answers(ends: list[tuple[float, int]]) -> dict[str, Any]:
    statuses: dict[int, int] = {}
    for _, status in ends:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "last_answer_s": round(max(s for s, _ in ends), 2),
        "answered_after_3s": sum(1 for s, _ in ends if s > 3.0),
        "statuses": statuses,
    }


def candle_close(stack: LocalStack, count: int, measure: Measure) -> dict[str, Any]:
    symbols = list(alerts.SYMBOLS)
    tag = f"prof-{time.time_ns()}"
    bodies = [json.dumps(alerts.alert(n, tag, symbol=symbols[n % len(symbols)])) for n in range(count)]
    wall0 = time.time()
    with measure("burst", {"gateway": stack.gateway.proc.pid, "executor": stack.executor.proc.pid}) as report:
        ends = fire(f"{stack.gateway_url}/webhook", bodies)
        reads.settle(stack.gateway_url)
    rows = [r for r in reads.journal_rows(stack.gateway_url, tag) if r["status"] == "executed"]
    last_ms = max((r["received_ms"] + (r["latency_ms"]["total"] or 0) for r in rows), default=0)
    return (
        report | answers(ends) | {"executed": len(rows), "last_executed_s": round(last_ms / 1000 - wall0, 2)}
    )


def refusals(stack: LocalStack, count: int, measure: Measure) -> dict[str, Any]:
    wrong = {"passphrase": "wrong"}
    bodies = [json.dumps(alerts.alert(n, "refused", symbol="BTCUSDT") | wrong) for n in range(count)]
    with measure("refusal-burst", {"gateway": stack.gateway.proc.pid}) as report:
        ends = fire(f"{stack.gateway_url}/webhook", bodies)
    return report | answers(ends)


def wrk_refusals(stack: LocalStack, connections: int, seconds: int, measure: Measure) -> dict[str, Any]:
    script = Path(__file__).with_name("refusal.lua")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    with measure("refusal-wrk", {"gateway": stack.gateway.proc.pid}) as report:
        done = subprocess.run(
            [*command, f"{stack.gateway_url}/webhook"], capture_output=True, text=True, check=True
        )
    return report | {"wrk": done.stdout}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for py-spy's raw stacks")
    parser.add_argument("--py-spy", default="/tmp/pyspy/bin/py-spy")
    parser.add_argument("--rate", type=int, default=50, help="py-spy samples per second (0: none)")
    parser.add_argument("--rtt-ms", type=float, default=25.0)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--wrk-connections", type=int, default=32)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    ns = parser.parse_args()
    ns.out.mkdir(parents=True, exist_ok=True)

    def measure(name: str, profiled: dict[str, int]) -> AbstractContextManager[dict[str, Any]]:
        return measured(name, ns.py_spy, ns.out, ns.rate, profiled)

    reports = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tls = systems.certificates(folder)
        simulator_port = free_port()
        with (
            systems.network(simulator_port, ns.rtt_ms) as venue,
            systems.tvbridge(folder, venue, tls, simulator_port, systems.NO_LIMIT) as stack,
        ):
            target = systems.Target("tvbridge", f"{stack.gateway_url}/webhook", {})
            steady.steady(target, 50, 10, f"warm-{time.time_ns()}")  # as bench/run.py warms
            for symbol in alerts.SYMBOLS:
                requests.post(
                    target.url, data=json.dumps(alerts.alert(0, f"warm-{symbol}", symbol)), timeout=30
                )
            reports.append(candle_close(stack, ns.burst, measure))
            reports.append(refusals(stack, ns.burst, measure))
            if ns.wrk_seconds:
                reports.append(wrk_refusals(stack, ns.wrk_connections, ns.wrk_seconds, measure))
    (ns.out / "phases.json").write_text(json.dumps(reports, indent=2))
    for report in reports:
        print(json.dumps({k: v for k, v in report.items() if k != "wrk"}, indent=None))
        print(report.get("wrk", ""))
        for path in sorted(ns.out.glob(f"{report['phase']}-*.txt")):
            print(collapsed.tables(path, ns.top))


if __name__ == "__main__":
    main()
