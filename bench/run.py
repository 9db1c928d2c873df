"""`make bench`: tvbridge against the naive reference bot, side by side, in one run.

Both face the same simulator, serving TLS with a self-signed certificate (so a new connection
pays a real handshake) and adding --venue-latency-ms to every answer (a venue across the
internet). Measured for each:

1. end to end, webhook sent -> answer with the venue's acknowledgement, at a steady --rate for
   --seconds, p50/p90/p99, and for tvbridge the time in each stage (from its journal);
2. a burst of --burst alerts fired at once over five symbols: time until every one is answered,
   until every one is executed, and how many were lost or doubled (orders counted at the venue);
3. venue requests per signal for each size kind, counted at the simulator;
4. peak resident memory of each process, idle and after the burst;
5. the position keeper, tvbridge alone: fill event -> siblings cancelled (bench/oco.py), and the
   exit plans' take-profit fill -> stop moved (bench/exits.py) and update -> new stop resting
   (bench/update.py), each on both venues.

Results go to stdout and, with --write, to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from cryptography.x509.oid import ExtendedKeyUsageOID

from bench import exits, keeper_tables, oco, update
from bench.stats import percentile
from tools.dev_certs import make_ca, make_leaf
from tools.processes import ServiceProcess, free_port, wait_port
from tools.stack import LocalStack, VenueTls, start_stack

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
PASSPHRASE = "bench-passphrase-3c9d1e"
API_KEY = "bench-key-5a6b7c8d9e0f"
SECRET_KEY = "bench-secret-0f1e2d3c4b5a69788796a5b4"
# Five symbols, each order above the simulator's 5 USDT minimum.
SYMBOLS = {"BTCUSDT": "0.001", "ETHUSDT": "0.01", "SOLUSDT": "0.1", "XRPUSDT": "10", "DOGEUSDT": "100"}
# None: each symbol's own fixed quantity (SYMBOLS).
SIZES: dict[str, dict[str, str] | None] = {
    "quantity": None,
    "balance": {"balance": "20"},
    # 0.00002 % of the bench account's 100 M USDT: 20 USDT of margin, like the row above.
    "balance_pct": {"balance_pct": "0.00002"},
}


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) in MB, from the kernel's own accounting."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


@dataclass
class Target:
    """A webhook endpoint under test and the processes behind it."""

    name: str
    url: str
    processes: dict[str, int]  # name -> pid
    executed: Callable[[dict[str, Any]], bool] = lambda reply: reply.get("status") == "executed"


@dataclass
class Steady:
    e2e_ms: list[float] = field(default_factory=list)  # at the client: sent -> answer read
    failed: int = 0
    # tvbridge's own account, per executed signal: arrival -> answer, and the venue's part.
    server_ms: list[float] = field(default_factory=list)
    venue_ms: list[float] = field(default_factory=list)
    acked_ms: list[float] = field(default_factory=list)  # arrival -> the venue's acknowledgement

    def server(self) -> dict[str, float]:
        ours = [a - v for a, v in zip(self.acked_ms, self.venue_ms, strict=True)]
        return {
            "acked_p50": percentile(self.acked_ms, 50),
            "acked_p99": percentile(self.acked_ms, 99),
            "p50": percentile(self.server_ms, 50),
            "p90": percentile(self.server_ms, 90),
            "p99": percentile(self.server_ms, 99),
            "venue_p50": percentile(self.venue_ms, 50),
            "ours_p50": percentile(ours, 50),
            "ours_p99": percentile(ours, 99),
        }

    def summary(self) -> dict[str, float]:
        return {
            "p50": percentile(self.e2e_ms, 50),
            "p90": percentile(self.e2e_ms, 90),
            "p99": percentile(self.e2e_ms, 99),
            "max": max(self.e2e_ms),
        }


@dataclass
class Burst:
    sent: int
    answered_s: float
    executed_s: float
    executed: int
    doubled: int
    over_3s: int

    @property
    def lost(self) -> int:
        return self.sent - self.executed


def alert(n: int, tag: str, symbol: str = "BTCUSDT", size: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "action": "buy" if n % 2 == 0 else "sell",
        "ticker": symbol,
        "id": f"{tag}-{n}",
        "passphrase": PASSPHRASE,
        **(size or {"quantity": SYMBOLS[symbol]}),
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
    runs one symbol's signals in order, so one symbol's rate is capped by its venue calls)."""
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
        if "gateway" in timings:
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


def venue_orders(sim: str, ca: str) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = requests.get(f"{sim}/_sim/orders", verify=ca, timeout=10).json()
    return orders


def venue_requests(sim: str, ca: str, reset: bool = False) -> int:
    if reset:
        requests.post(f"{sim}/_sim/requests/reset", verify=ca, timeout=10)
        return 0
    counts: dict[str, int] = requests.get(f"{sim}/_sim/requests", verify=ca, timeout=10).json()
    # The executor's keep-alive reads of the server time belong to no signal.
    return sum(n for key, n in counts.items() if not key.endswith(("/server/time", "/fapi/v1/time")))


def burst(target: Target, count: int, tag: str, sim: str, ca: str, journal: str | None = None) -> Burst:
    """`count` alerts at the same instant, each on its own new connection as TradingView's are.
    With `journal` (tvbridge's URL), what was executed, and when, is read from its journal once
    every alert is decided; otherwise an answer is the execution (the naive bot answers only
    once it has traded)."""
    before = len(venue_orders(sim, ca))
    symbols = list(SYMBOLS)
    gate = threading.Barrier(count)
    ends: list[float] = []
    replies: list[dict[str, Any]] = []
    lock = threading.Lock()

    def fire(n: int) -> None:
        body = json.dumps(alert(n, tag, symbol=symbols[n % len(symbols)]))
        gate.wait()
        try:
            reply = requests.post(target.url, data=body, timeout=60).json()
        except (requests.RequestException, ValueError) as exc:
            reply = {"status": "lost", "error": str(exc)}
        with lock:
            ends.append(time.perf_counter())
            replies.append(reply)

    threads = [threading.Thread(target=fire, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    start_wall = time.time()
    for thread in threads:
        thread.join()
    answered_s = max(ends) - start
    over_3s = sum(1 for end in ends if end - start > 3.0)
    if journal is None:
        executed, executed_s = sum(1 for r in replies if target.executed(r)), answered_s
    else:
        settle(journal)
        rows = [r for r in journal_rows(journal, tag) if r["status"] == "executed"]
        executed = len(rows)
        last_ms = max((r["received_ms"] + (r["latency_ms"]["total"] or 0) for r in rows), default=0)
        executed_s = last_ms / 1000 - start_wall if rows else float("nan")
    orders = venue_orders(sim, ca)[before:]
    return Burst(count, answered_s, executed_s, executed, max(0, len(orders) - executed), over_3s)


def journal_rows(base: str, tag: str) -> list[dict[str, Any]]:
    """The tvbridge journal's view of every signal whose id starts with `tag`."""
    auth = {"Authorization": f"Bearer {PASSPHRASE}"}
    rows: list[dict[str, Any]] = []
    before: int | None = None
    while True:
        query = f"?limit=500{f'&before={before}' if before else ''}"
        page = requests.get(f"{base}/api/signals{query}", headers=auth, timeout=30).json()["signals"]
        if not page:
            return [r for r in rows if r["signal_id"].startswith(tag + "-")]
        rows.extend(page)
        before = page[-1]["seq"]


def settle(base: str, timeout_s: float = 120) -> None:
    """Until tvbridge's journal holds nothing pending."""
    auth = {"Authorization": f"Bearer {PASSPHRASE}"}
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        # The journal only: /api/status would also test every venue connection, and count.
        pending = requests.get(f"{base}/api/signals?status=pending&limit=1", headers=auth, timeout=10)
        if not pending.json()["signals"]:
            return
        time.sleep(0.05)
    raise TimeoutError("tvbridge still has pending signals")


def certificates(folder: Path) -> VenueTls:
    ca = make_ca(folder)
    make_leaf(
        folder, "simulator", ca, hosts=["127.0.0.1", "localhost"], usages=[ExtendedKeyUsageOID.SERVER_AUTH]
    )
    return VenueTls(
        ca=str(folder / "ca.pem"), cert=str(folder / "simulator.pem"), key=str(folder / "simulator-key.pem")
    )


@contextmanager
def network(upstream: int, rtt_ms: float) -> Iterator[str]:
    """The venue's URL through the delaying proxy (bench/netem.py), for as long as it runs; with
    no round trip, the venue itself."""
    if rtt_ms <= 0:
        yield f"https://127.0.0.1:{upstream}"
        return
    port = free_port()
    command = [sys.executable, "-m", "bench.netem", "--listen", str(port), "--upstream", str(upstream)]
    proxy = subprocess.Popen([*command, "--rtt-ms", str(rtt_ms)], cwd=ROOT)
    try:
        wait_port(port)
        yield f"https://127.0.0.1:{port}"
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


@contextmanager
def tvbridge(
    folder: Path, venue: str, tls: VenueTls, simulator_port: int, extra_env: dict[str, str] | None = None
) -> Iterator[LocalStack]:
    """Simulator, executor and gateway, the venue (REST and user-data streams) at `venue`.
    `extra_env` overrides a setting (bench/profiles/burst.py lifts the rate limit for refusals)."""
    stack = start_stack(
        folder,
        api_key=API_KEY,
        secret_key=SECRET_KEY,
        passphrase=PASSPHRASE,
        extra_env={
            "SIMULATOR_START_BALANCE": "100000000",
            "LOG_LEVEL": "WARNING",
            # The keeper's periodic safety-net read costs requests per account and period, not
            # per signal: kept out of the phases that count requests per signal.
            "RECONCILE_S": "3600",
            # The stream hosts follow these (executor/config.py ws_url): through the proxy too.
            "BINGX_BASE_URL": venue,
            "BINANCE_BASE_URL": venue,
            **(extra_env or {}),
        },
        venue_tls=tls,
        simulator_port=simulator_port,
    )
    try:
        yield stack
    finally:
        stack.stop()


@contextmanager
def systems(folder: Path, rtt_ms: float) -> Iterator[tuple[LocalStack, Target, Target, str]]:
    tls = certificates(folder)
    simulator_port = free_port()
    with network(simulator_port, rtt_ms) as venue, tvbridge(folder, venue, tls, simulator_port) as stack:
        naive_port = free_port()
        naive_env = {
            "NAIVE_PORT": str(naive_port),
            "BINGX_API_KEY": API_KEY,
            "BINGX_SECRET_KEY": SECRET_KEY,
            "BINGX_BASE_URL": venue,
            "NAIVE_CA_BUNDLE": tls.ca,
            "WEBHOOK_PASSPHRASE": PASSPHRASE,
            "LOG_LEVEL": "WARNING",
        }
        naive = ServiceProcess("bench.naive", naive_env, folder, naive_port).wait_ready()
        ours = Target(
            "tvbridge",
            f"{stack.gateway_url}/webhook",
            {"gateway": stack.gateway.proc.pid, "executor": stack.executor.proc.pid},
        )
        reference = Target("naive", f"http://127.0.0.1:{naive_port}/webhook", {"naive": naive.proc.pid})
        try:
            yield stack, ours, reference, tls.ca
        finally:
            naive.terminate()


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
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tls = certificates(folder)
        simulator_port = free_port()
        with (
            network(simulator_port, ns.rtt_ms) as venue,
            tvbridge(folder, venue, tls, simulator_port) as stack,
        ):
            out |= keeper_phases(stack, tls.ca, ns)
    return out


def run(ns: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"config": vars(ns).copy()}
    with tempfile.TemporaryDirectory() as tmp, systems(Path(tmp), ns.rtt_ms) as (stack, ours, naive, ca):
        sim = stack.simulator_url
        # Warm both: connections, symbol rules, leverage.
        for target in (ours, naive):
            steady(target, 50, 10, f"warm-{target.name}")
            for symbol in SYMBOLS:
                body = json.dumps(alert(0, f"warm-{symbol}-{target.name}", symbol))
                requests.post(target.url, data=body, timeout=30)
        out["idle_mb"] = {n: memory_mb(p)[0] for t in (ours, naive) for n, p in t.processes.items()}

        count = int(ns.rate * ns.seconds)
        for target in (ours, naive):
            venue_requests(sim, ca, reset=True)
            result = steady(target, ns.rate, count, f"steady-{target.name}")
            if result.server_ms:
                out["server"] = result.server()
            out.setdefault("steady", {})[target.name] = {
                **result.summary(),
                "failed": result.failed,
                "signals": count,
                "venue_requests_per_signal": venue_requests(sim, ca) / count,
            }
        rows = journal_rows(stack.gateway_url, "steady-tvbridge")
        stages = {
            stage: statistics.median(
                r["latency_ms"][stage] for r in rows if r["latency_ms"][stage] is not None
            )
            for stage in ("received_to_journalled", "executor", "venue", "total")
        }
        out["stages_ms_p50"] = stages

        out["requests_per_signal"] = {}
        out["size_failures"] = {}
        for kind, size in SIZES.items():
            venue_requests(sim, ca, reset=True)
            sized = steady(ours, ns.rate, ns.size_signals, f"size-{kind}", size, symbols=list(SYMBOLS))
            settle(stack.gateway_url)
            out["requests_per_signal"][kind] = venue_requests(sim, ca) / ns.size_signals
            out["size_failures"][kind] = sized.failed

        out["burst"] = {}
        for target in (ours, naive):
            settle(stack.gateway_url)  # nothing of an earlier phase may still reach the venue
            journal = stack.gateway_url if target is ours else None
            fired = burst(target, ns.burst, f"burst-{target.name}", sim, ca, journal)
            out["burst"][target.name] = vars(fired) | {"lost": fired.lost}
        out["peak_mb"] = {n: memory_mb(p)[1] for t in (ours, naive) for n, p in t.processes.items()}
        out |= keeper_phases(stack, ca, ns)
    return out


def table(out: dict[str, Any]) -> str:
    s, b = out["steady"], out["burst"]
    ours, naive = s["tvbridge"], s["naive"]
    lines = [
        "| measure | tvbridge | naive | naive / tvbridge |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key in ("p50", "p90", "p99", "max"):
        lines.append(
            f"| end to end {key}, ms | {ours[key]:.1f} | {naive[key]:.1f} | {naive[key] / ours[key]:.1f}x |"
        )
    lines.append(
        f"| venue requests / signal | {ours['venue_requests_per_signal']:.2f} | "
        f"{naive['venue_requests_per_signal']:.2f} | |"
    )
    lines.append(f"| failed of {ours['signals']} | {ours['failed']} | {naive['failed']} | |")
    for key, label in (("answered_s", "burst: all answered, s"), ("executed_s", "burst: all executed, s")):
        lines.append(f"| {label} | {b['tvbridge'][key]:.2f} | {b['naive'][key]:.2f} | |")
    for key, label in (
        ("over_3s", "burst: answered after 3 s"),
        ("lost", "burst: lost"),
        ("doubled", "burst: doubled"),
    ):
        lines.append(f"| {label} | {b['tvbridge'][key]} | {b['naive'][key]} | |")
    return "\n".join(lines)


def report(out: dict[str, Any]) -> str:
    cfg = out["config"]
    if "steady" not in out:
        return "\n".join([f"venue over TLS, {cfg['rtt_ms']:g} ms round trip", *keeper_tables.tables(out)])
    stages = out["stages_ms_p50"]
    mem_idle, mem_peak = out["idle_mb"], out["peak_mb"]
    return "\n".join(
        [
            f"steady {cfg['rate']:g}/s for {cfg['seconds']:g} s; "
            f"venue over TLS, {cfg['rtt_ms']:g} ms round trip",
            "",
            table(out),
            *keeper_tables.tables(out),
            "",
            "tvbridge's own account (arrival -> answer, from its answers), ms: "
            + ", ".join(f"{k} {v:.1f}" for k, v in out["server"].items()),
            "tvbridge stages, p50 ms: "
            + ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
            + f"; client round trip minus the venue {out['steady']['tvbridge']['p50'] - stages['venue']:.1f}",
            "venue requests per signal by size kind: "
            + ", ".join(
                f"{k} {v:.2f} ({out['size_failures'][k]} not executed)"
                for k, v in out["requests_per_signal"].items()
            ),
            "memory MB (idle -> peak): "
            + ", ".join(f"{n} {mem_idle[n]:.0f} -> {mem_peak[n]:.0f}" for n in mem_idle),
        ]
    )


def goals(out: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """Each goal of the benchmark, whether this run met it, and the figures that say so."""
    keeper = keeper_tables.goals(out)
    if "steady" not in out:
        return keeper
    ours, naive = out["steady"]["tvbridge"], out["steady"]["naive"]
    server = out["server"]
    sizes = out["requests_per_signal"]
    burst_ours = out["burst"]["tvbridge"]
    peak = out["peak_mb"]
    return [
        (
            "p50 and p99 at least 5x lower than the naive reference",
            naive["p50"] / ours["p50"] >= 5 and naive["p99"] / ours["p99"] >= 5,
            f"p50 {naive['p50'] / ours['p50']:.1f}x, p99 {naive['p99'] / ours['p99']:.1f}x",
        ),
        (
            "received -> acknowledged by the venue: p50 within 5 ms of the venue round trip",
            server["acked_p50"] - server["venue_p50"] <= 5,
            f"received -> acknowledged p50 {server['acked_p50']:.1f} ms, venue p50 "
            f"{server['venue_p50']:.1f} ms: {server['acked_p50'] - server['venue_p50']:.1f} ms ours "
            f"(per signal: p50 {server['ours_p50']:.1f}, p99 {server['ours_p99']:.1f}); "
            f"received -> answered p50 {server['p50']:.1f} ms; at the client {ours['p50']:.1f} ms",
        ),
        (
            "one venue request per fixed-quantity order, at most two for balance_pct",
            sizes["quantity"] <= 1.0 and sizes["balance_pct"] <= 2.0,
            ", ".join(f"{k} {v:.2f}" for k, v in sizes.items()),
        ),
        (
            f"{burst_ours['sent']}-alert burst: every alert answered within 3 s, none lost or doubled",
            burst_ours["over_3s"] == 0 and burst_ours["lost"] == 0 and burst_ours["doubled"] == 0,
            f"all answered in {burst_ours['answered_s']:.2f} s, "
            f"executed in {burst_ours['executed_s']:.2f} s, "
            f"{burst_ours['lost']} lost, {burst_ours['doubled']} doubled",
        ),
        (
            "gateway and executor each under 150 MB resident at peak",
            peak["gateway"] < 150 and peak["executor"] < 150,
            f"gateway {peak['gateway']:.0f} MB, executor {peak['executor']:.0f} MB",
        ),
        *keeper,
    ]


def results_md(out: dict[str, Any], command: str) -> str:
    machine = out["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"{machine['date']}, {machine['cpus']} CPUs, Python {machine['python']}, `{command}`.",
        "Written by `bench/run.py --write`; see bench/README.md for what is measured and how.",
        "",
        report(out),
        "",
        "## Goals",
        "",
        "| goal | met | this run |",
        "| --- | :---: | --- |",
    ]
    lines += [f"| {name} | {'yes' if met else 'no'} | {figures} |" for name, met, figures in goals(out)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rtt-ms", type=float, default=25.0, help="round trip to the venue")
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--size-signals", type=int, default=200)
    parser.add_argument(
        "--oco-positions", type=int, default=30, help="positions per venue for fill -> siblings cancelled"
    )
    parser.add_argument(
        "--oco-only",
        action="store_true",
        help="measure fill -> siblings cancelled alone (seconds, not minutes)",
    )
    parser.add_argument(
        "--ladders", type=int, default=20, help="ladders per venue for take-profit -> stop moved"
    )
    parser.add_argument(
        "--updates", type=int, default=25, help="updates per venue for update -> new stop resting"
    )
    parser.add_argument(
        "--exits-only", action="store_true", help="measure the exit plans alone (about a minute)"
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    ns = parser.parse_args()
    if (ns.oco_only or ns.exits_only) and ns.write:
        parser.error("--write records a whole run; --oco-only and --exits-only measure one part")
    if ns.oco_only and ns.exits_only:
        parser.error("--oco-only and --exits-only: one or the other")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    out = run_keeper(ns) if ns.oco_only or ns.exits_only else run(ns)
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
        ns.json.parent.mkdir(parents=True, exist_ok=True)  # bench/out/ is not in a fresh clone
        ns.json.write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
