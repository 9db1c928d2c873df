"""Webhook-to-order latency through the real processes, at a steady rate.

Starts simulator, executor and gateway on free loopback ports, warms them,
then posts signals at --rate per second for --signals signals and reports
the client-side round trip (webhook received -> venue acknowledged, since
the gateway answers once the executor has the venue's answer), the part
spent in the executor and at the venue, and venue requests per signal as
counted by the simulator.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tools.stack import start_stack

PASSPHRASE = "bench-passphrase-3c9d1e"
SIZES = {
    "quantity": {"quantity": "0.001"},
    "balance": {"balance": "20"},
    # 0.00002 % of the bench account's 100 M USDT: 20 USDT of margin, like the row above.
    "balance_pct": {"balance_pct": "0.00002"},
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def run(signals: int, rate: float, size_kind: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(
            Path(tmp),
            api_key="bench-key-5a6b7c8d9e0f",
            secret_key="bench-secret-0f1e2d3c4b5a69788796a5b4",
            passphrase=PASSPHRASE,
            extra_env={"SIMULATOR_START_BALANCE": "100000000", "LOG_LEVEL": "WARNING"},
        )
        gateway, simulator = stack.gateway_url, stack.simulator_url
        try:
            local = threading.local()

            def session() -> requests.Session:
                if not hasattr(local, "session"):
                    local.session = requests.Session()
                s: requests.Session = local.session
                return s

            def send(n: int) -> tuple[float, int, int]:
                body = {
                    "action": "buy" if n % 2 == 0 else "sell",
                    "ticker": "BTCUSDT",
                    "id": f"bench-{size_kind}-{n}",
                    "passphrase": PASSPHRASE,
                    **SIZES[size_kind],
                }
                started = time.perf_counter()
                resp = session().post(f"{gateway}/webhook", data=json.dumps(body), timeout=10)
                elapsed = time.perf_counter() - started
                reply = resp.json()
                if reply.get("status") != "executed":
                    raise RuntimeError(f"signal {n} not executed: {reply}")
                return elapsed, reply["timings_ms"]["executor"], reply["timings_ms"]["venue"]

            for n in range(10):  # warm: rules, leverage and connections
                send(-1 - n)
            requests.post(f"{simulator}/_sim/requests/reset", timeout=5)

            results: list[tuple[float, int, int]] = []
            with ThreadPoolExecutor(max_workers=32) as pool:
                futures = []
                start = time.perf_counter()
                for n in range(signals):
                    delay = start + n / rate - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                    futures.append(pool.submit(send, n))
                results = [f.result() for f in futures]
            venue_requests = sum(requests.get(f"{simulator}/_sim/requests", timeout=5).json().values())
        finally:
            stack.stop()

    e2e = [r[0] * 1000 for r in results]
    return {
        "signals": signals,
        "rate_per_s": rate,
        "e2e_p50_ms": percentile(e2e, 50),
        "e2e_p90_ms": percentile(e2e, 90),
        "e2e_p99_ms": percentile(e2e, 99),
        "e2e_max_ms": max(e2e),
        "executor_mean_ms": statistics.fmean(r[1] for r in results),
        "venue_mean_ms": statistics.fmean(r[2] for r in results),
        "venue_requests_per_signal": venue_requests / signals,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--signals", type=int, default=600)
    parser.add_argument("--rate", type=float, default=20.0)
    ns = parser.parse_args()
    print(f"machine: {platform.node()} {platform.machine()} python {platform.python_version()}")
    print(
        f"{'size kind':<10} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7} "
        f"{'exec ms':>8} {'venue ms':>9} {'venue req/signal':>17}"
    )
    for kind in SIZES:
        r = run(ns.signals, ns.rate, kind)
        print(
            f"{kind:<10} {r['e2e_p50_ms']:>7.1f} {r['e2e_p90_ms']:>7.1f} {r['e2e_p99_ms']:>7.1f} "
            f"{r['e2e_max_ms']:>7.1f} {r['executor_mean_ms']:>8.1f} {r['venue_mean_ms']:>9.1f} "
            f"{r['venue_requests_per_signal']:>17.2f}"
        )


if __name__ == "__main__":
    main()
