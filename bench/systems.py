"""The systems under test, as processes: tvbridge (simulator, executor, gateway), the naive
reference bot, and the bare refusal reference (bench/reference/), with the simulator over TLS
behind the delaying proxy (bench/netem.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.x509.oid import ExtendedKeyUsageOID

from bench.alerts import API_KEY, PASSPHRASE, SECRET_KEY
from tools.dev_certs import make_ca, make_leaf
from tools.processes import ServiceProcess, free_port, wait_port
from tools.stack import LocalStack, VenueTls, start_stack

ROOT = Path(__file__).resolve().parent.parent
# The gateway's rate limit, lifted: a phase that sends thousands a second from one address
# measures the pipeline, not the limiter (a wrong passphrase also costs 20 requests' worth).
NO_LIMIT = {"RATE_LIMIT_PER_S": "1000000", "RATE_LIMIT_BURST": "1000000"}
# The address the bench sends from, and one it can send from that no allow-list names.
BENCH_ADDRESS = "127.0.0.1"
UNKNOWN_ADDRESS = "127.0.0.2"
# A candle close comes from TradingView's four published senders, each its own source to the
# gateway's per-address rate limit: four loopback addresses stand in for them.
SENDERS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")


@dataclass
class Target:
    """A webhook endpoint under test and the processes behind it."""

    name: str
    url: str
    processes: dict[str, int]  # name -> pid
    executed: Callable[[dict[str, Any]], bool] = lambda reply: reply.get("status") == "executed"


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
    `extra_env` overrides a setting (NO_LIMIT, an allow-list)."""
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
def tvbridge_over(
    folder: Path, rtt_ms: float, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[LocalStack, str]]:
    """tvbridge with its own certificates and simulator, the venue `rtt_ms` away; and the CA."""
    folder.mkdir(parents=True, exist_ok=True)
    tls = certificates(folder)
    simulator_port = free_port()
    with (
        network(simulator_port, rtt_ms) as venue,
        tvbridge(folder, venue, tls, simulator_port, extra_env) as stack,
    ):
        yield stack, tls.ca


def ours(stack: LocalStack) -> Target:
    pids = {"gateway": stack.gateway.proc.pid, "executor": stack.executor.proc.pid}
    return Target("tvbridge", f"{stack.gateway_url}/webhook", pids)


@contextmanager
def naive_bot(folder: Path, venue: str, ca: str) -> Iterator[Target]:
    """The naive reference bot (bench/naive/), trading on `venue` with the bench's BingX keys."""
    port = free_port()
    env = {
        "NAIVE_PORT": str(port),
        "BINGX_API_KEY": API_KEY,
        "BINGX_SECRET_KEY": SECRET_KEY,
        "BINGX_BASE_URL": venue,
        "NAIVE_CA_BUNDLE": ca,
        "WEBHOOK_PASSPHRASE": PASSPHRASE,
        "LOG_LEVEL": "WARNING",
    }
    naive = ServiceProcess("bench.naive", env, folder, port).wait_ready()
    try:
        yield Target("naive", f"http://127.0.0.1:{port}/webhook", {"naive": naive.proc.pid})
    finally:
        naive.terminate()


@contextmanager
def reference(folder: Path, allowed: str) -> Iterator[Target]:
    """The bare FastAPI parse-and-refuse endpoint (bench/reference/), under uvicorn as the
    gateway is served, taking webhooks from `allowed` only."""
    port = free_port()
    env = {"REFERENCE_PORT": str(port), "REFERENCE_ALLOWED": allowed, "WEBHOOK_PASSPHRASE": PASSPHRASE}
    served = ServiceProcess("bench.reference", env, folder, port).wait_ready()
    try:
        yield Target("reference", f"http://127.0.0.1:{port}/webhook", {"reference": served.proc.pid})
    finally:
        served.terminate()
